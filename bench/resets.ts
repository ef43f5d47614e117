/**
 * The app's memory over reset-and-play cycles (issue 14, item 14): the controller as the hosts drive it,
 * a shipped scenario played unpaced to a point in the middle — requests in flight, a region out — then
 * reset, as a user starts a drill over. After each cycle,
 * a forced GC, then the resident set and the heap. The resident set settles after the first few cycles
 * (V8's heap and the allocators reach their working size); what it gains from cycle 5 on is the leak, if
 * any. A run kept alive after its reset shows in the heap too: it holds its recorder and its session.
 */
import { join } from "node:path";
import { LabController } from "../engine/lab/controller";
import { scenarioFolder } from "../host/scenarioLibrary";

const SCENARIO = "eu-outage-reject.yaml";
/** Half way through its 360 s: the EU outage is on and requests are waiting on the providers. */
const MIDDLE_MS = 180_000;
/**
 * Bounds on growth from cycle 5 to the last, MB. The resident set wanders by ±15 MB from one cycle to the
 * next (the allocators), so the heap's bound is the sharp one: a run kept alive after its reset held
 * about 0.9 MB of it at 180 s.
 */
export const RESET_GROWTH_BOUND_MB = { rss: 40, heap: 5 };

export interface ResetCycle {
  readonly rssMb: number;
  readonly heapMb: number;
  readonly externalMb: number;
  readonly wallS: number;
}

const settleGc = async (gc: () => void) => {
  // Objects whose finalizers run after a collection (better-sqlite3's statements) go in a later one.
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

export async function benchResets(cycles: number): Promise<{ scenario: string; rows: ResetCycle[] }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("run with --expose-gc (npm run bench does)");
  const controller = new LabController({
    scenarios: scenarioFolder(join(import.meta.dirname, "../scenarios")),
    wallNow: () => performance.now(),
    waitWallMs: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  });
  // A subscriber, as a connected page is: every command then builds and pushes a snapshot.
  const unsubscribe = controller.subscribe(() => undefined);
  const rows: ResetCycle[] = [];
  try {
    const loaded = await controller.execute("loadScenario", { source: "library", name: SCENARIO });
    if (!loaded.ok) throw new Error(`${SCENARIO}: ${loaded.problems[0]?.message}`);
    for (let cycle = 1; cycle <= cycles; cycle++) {
      const started = performance.now();
      if (cycle > 1) await controller.execute("reset", {});
      await controller.execute("runTo", { ms: MIDDLE_MS });
      await settleGc(gc);
      const { rss, heapUsed, external } = process.memoryUsage();
      rows.push({ rssMb: rss / 1e6, heapMb: heapUsed / 1e6, externalMb: external / 1e6, wallS: (performance.now() - started) / 1000 });
    }
  } finally {
    unsubscribe();
    await controller.close();
  }
  return { scenario: SCENARIO, rows };
}
