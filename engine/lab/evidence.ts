/**
 * What leaves the app about a run: its report as JSON (the same `DrillReport` a drill writes) and a signed
 * evidence bundle of a whole run (see `npm run verify`).
 */
import { buildReport, ENGINE_VERSION, type DrillReport } from "../drill";
import { addPdf, listFiles, writeEvidence } from "../evidence/bundle";
import type { CommandResults, EvidenceExport } from "./contract";
import type { LabControllerOptions } from "./lab";
import type { Run } from "./run";

/** The run's report as far as it has got; at the end of a run, the report a drill of its scenario writes. */
function runReport(run: Run): DrillReport {
  run.audit.catchUp();
  return buildReport(run.scenario, run.scenario.seed, run.recorder, run.audit.reviewer.result(), run.audit.findings(), run.session.inflight.size);
}

export function exportReport(run: Run): CommandResults["exportReport"] {
  return { fileName: run.fileName.replace(/\.ya?ml$/, "") + "-report.json", json: `${JSON.stringify(runReport(run), null, 2)}\n` };
}

/**
 * Writes a signed evidence bundle of the run. Only of a whole run without hand-made faults or outside
 * calls: the bundle's promise is that re-running its scenario with its seed gives the same audit heads.
 */
export async function exportEvidence(run: Run, { evidence, nativeBinding }: Pick<LabControllerOptions, "evidence" | "nativeBinding">): Promise<EvidenceExport> {
  if (!evidence) throw new Error("this host cannot write evidence bundles");
  if (run.userFaults.length > 0)
    throw new Error(
      `this run had ${run.userFaults.length} fault(s) injected by hand, which a re-run cannot replay exactly: save the scenario, open the saved file, play it to the end and export that run`,
    );
  if (run.externalCalls > 0)
    throw new Error(`this run answered ${run.externalCalls} call(s) from outside (OpenAI clients), which a re-run cannot replay: reset, play it to the end without them, and export that run`);
  if (run.status !== "finished") throw new Error("evidence covers a whole run: play the scenario to its end (or run to the end on the scrubber), then export");
  await run.finish();
  const report = runReport(run);
  const dir = evidence.newDir(run.fileName);
  const key = evidence.key();
  writeEvidence(dir, { scenarioText: run.text, report, auditDir: run.auditStoresDir, key, generatedBy: `failover-lab app ${ENGINE_VERSION}`, ...(nativeBinding === undefined ? {} : { nativeBinding }) });
  const pdfMissing = evidence.printPdf ? await addPdf(dir, report, key, evidence.printPdf) : "this host prints no PDF";
  return { dir, files: listFiles(dir), pdfMissing, keyId: key.keyId };
}
