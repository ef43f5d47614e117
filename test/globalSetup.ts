/**
 * Runs once before the test files: builds the HTML report's page bundle when it is missing or older than its
 * sources, since every test that renders a report (the HTML and PDF tests, evidence bundles, drills) inlines it.
 */
import { ensureReportPageBuilt } from "../host/build";

export default async function setup(): Promise<void> {
  await ensureReportPageBuilt((line) => process.stderr.write(`${line}\n`));
}
