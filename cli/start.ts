/**
 * `npm start`. Until the desktop app exists (issue: the app), the main job is the default drill: it runs
 * `scenarios/eu-region-outage.yaml` in virtual time and prints the summary.
 */
import { fileURLToPath } from "node:url";
import { main } from "./drill";

export const DEFAULT_SCENARIO = fileURLToPath(new URL("../scenarios/eu-region-outage.yaml", import.meta.url));

process.stderr.write(`Failover Lab: running the default drill (${DEFAULT_SCENARIO}).\nThe desktop app is not built yet; see README.md.\n\n`);
process.exitCode = await main([DEFAULT_SCENARIO, ...process.argv.slice(2)]);
