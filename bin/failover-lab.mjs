#!/usr/bin/env node
// The `failover-lab` command. The CLI is TypeScript run through tsx, as the npm scripts run it.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../cli/failover-lab.ts");
process.exitCode = await main(process.argv.slice(2));
