import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { vi } from "vitest";

export const root = join(import.meta.dirname, "../..");

/** Runs `npm run <script> -- …` the way a user does (node + tsx), returning exit code and output. */
export function runCli(script: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; stdout: string; stderr: string }> {
  return runNode(["--import", "tsx", join(root, "cli", `${script}.ts`), ...args], env);
}

/** Runs `npx failover-lab …`: the package's bin, as npm links it. */
export function runBin(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return runNode([join(root, "bin", "failover-lab.mjs"), ...args], process.env);
}

async function runNode(args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, args, { cwd: root, env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Runs a command's `main` in this process (a spawn costs seconds of start-up), capturing what it writes. */
export async function inProcess(main: () => Promise<number>): Promise<{ code: number; stdout: string; stderr: string }> {
  let stderr = "";
  let stdout = "";
  const errSpy = vi.spyOn(process.stderr, "write").mockImplementation((text) => ((stderr += String(text)), true));
  const outSpy = vi.spyOn(process.stdout, "write").mockImplementation((text) => ((stdout += String(text)), true));
  try {
    return { code: await main(), stdout, stderr };
  } finally {
    errSpy.mockRestore();
    outSpy.mockRestore();
  }
}
