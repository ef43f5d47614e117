// Starts the audit writer thread and reports a failure to load it, which the engine's thread, blocked in
// Atomics.wait, would otherwise never hear of. From source (npm start, npm run drill, Vitest) the thread is
// TypeScript: a worker does not inherit the parent's `--import tsx` hooks on Node 20, so it registers tsx
// itself. Electron's build copies this file beside its bundle of writerThread.ts (scripts/build-electron.mjs).
import { workerData } from "node:worker_threads";

const { state, errors, entry } = workerData;
try {
  if (entry.endsWith(".ts")) (await import("tsx/esm/api")).register();
  await import(entry);
} catch (error) {
  errors.postMessage(`audit writer thread failed to load ${entry}: ${error?.message ?? error}`);
  const slots = new Int32Array(state);
  // Slots FAILED (1) and DONE (0) of writerProtocol.ts.
  Atomics.store(slots, 1, 1);
  Atomics.notify(slots, 0);
}
