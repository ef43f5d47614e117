/**
 * What leaves the app about a run: its report as JSON (the same `DrillReport` a drill writes) and a signed
 * evidence bundle of a whole run (see `npm run verify`).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { buildReport, ENGINE_VERSION, runDrill, type DrillReport } from "../drill";
import { addPdf, listFiles, writeEvidence } from "../evidence/bundle";
import { parseScenario } from "../scenario/load";
import type { CommandResults, EvidenceExport } from "./contract";
import type { LabControllerOptions } from "./lab";
import { evidenceRefusal } from "./evidenceRefusal";
import type { Run } from "./run";
import { scenarioWithUserFaults } from "./scenarioWithFaults";

/** The run's report as far as it has got; at the end of a run, the report a drill of its scenario writes. */
function runReport(run: Run): DrillReport {
  run.audit.catchUp();
  return buildReport(run.scenario, run.scenario.seed, run.recorder, run.audit.reviewer.result(), run.audit.findings(), run.session.inflight.size);
}

export function exportReport(run: Run): CommandResults["exportReport"] {
  return { fileName: run.fileName.replace(/\.ya?ml$/, "") + "-report.json", json: `${JSON.stringify(runReport(run), null, 2)}\n` };
}

/**
 * Writes a signed evidence bundle of the run. Only of a whole run without outside calls: the bundle's
 * promise is that re-running its scenario with its seed gives the same audit heads.
 *
 * Faults injected by hand are commands at virtual times, and the bundled scenario carries them in its fault
 * timeline. A scheduled fault is not the same event as a click, though: it has its scenario id (`f3`, not
 * `u1`), its audit entry states its heal time up front, and it fires before the other events of its
 * millisecond. So the bundle of a hand-faulted run holds the headless drill of that scenario — exactly what
 * `npm run verify` re-runs — and the export says so.
 */
export async function exportEvidence(run: Run, { evidence, nativeBinding }: Pick<LabControllerOptions, "evidence" | "nativeBinding">): Promise<EvidenceExport> {
  if (!evidence) throw new Error("this host cannot write evidence bundles");
  const refusal = evidenceRefusal(run);
  if (refusal) throw new Error(refusal);
  await run.finish();
  const scenario = scenarioWithUserFaults(run);
  const binding = nativeBinding === undefined ? {} : { nativeBinding };
  const dir = evidence.newDir(run.fileName);
  const seal = { key: evidence.key(), writtenAt: evidence.wallDate(), generatedBy: `failover-lab app ${ENGINE_VERSION}` };
  const write = (report: DrillReport, auditDir: string) => writeEvidence(dir, { scenarioText: scenario.text, report, auditDir, ...seal, ...binding });
  let report: DrillReport;
  if (run.userFaults.length === 0) {
    report = runReport(run);
    // Signed over this run's own logs: the inspector's inclusion proofs can now name them.
    run.signedCheckpoints = write(report, run.auditStoresDir);
  } else {
    const parsed = parseScenario(scenario.text, scenario.fileName);
    if (!parsed.ok) throw new Error(`the scenario with the hand-made faults would not load: ${parsed.problems[0]!.message}`);
    const scratch = mkdtempSync(join(tmpdir(), "failover-lab-replay-"));
    try {
      report = await runDrill(parsed.scenario, { auditDir: scratch, ...binding });
      write(report, scratch);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  const pdfMissing = evidence.printPdf ? await addPdf(dir, report, seal, evidence.printPdf) : "this host prints no PDF";
  return { dir, name: basename(dir), files: listFiles(dir), pdfMissing, keyId: seal.key.keyId, replayedFaults: run.userFaults.length };
}
