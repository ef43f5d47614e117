import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { listScenarios, openScenario } from "../../engine/lab/scenarioLibrary";
import { scenarioFolder } from "../../host/scenarioLibrary";

const dir = mkdtempSync(join(tmpdir(), "lab-library-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the scenario library on disk", () => {
  it("lists the folder's YAML files by name and reads them; a file it cannot read is a problem of that file", () => {
    for (const file of ["b.yaml", "a.yml", "notes.txt", "c.yaml.bak"]) writeFileSync(join(dir, file), `name: ${file}\n`);
    const library = scenarioFolder(dir);
    expect(library.list()).toEqual(["a.yml", "b.yaml"]);
    expect(library.read("b.yaml")).toBe("name: b.yaml\n");
    const missing = openScenario(library, { source: "library", name: "gone.yaml" });
    expect(missing).toMatchObject({ ok: false, text: "", problems: [{ file: "gone.yaml", line: 1, message: expect.stringMatching(/^cannot read the file: ENOENT/) }] });
  });

  it("lists a FIFO or a link to /dev/zero as a file that cannot be read, and refuses to open it, without blocking", () => {
    const hostile = mkdtempSync(join(tmpdir(), "lab-library-hostile-"));
    try {
      execFileSync("mkfifo", [join(hostile, "fifo.yaml")]);
      symlinkSync("/dev/zero", join(hostile, "zero.yaml"));
      const library = scenarioFolder(hostile);
      expect(listScenarios(library)).toEqual([
        { file: "fifo.yaml", name: "fifo.yaml", description: "cannot be read: cannot read the file: it is a FIFO (named pipe); a scenario is a regular file", valid: false },
        { file: "zero.yaml", name: "zero.yaml", description: expect.stringMatching(/it is a character device/), valid: false },
      ]);
      expect(openScenario(library, { source: "library", name: "zero.yaml" })).toMatchObject({ ok: false, problems: [{ file: "zero.yaml", line: 1, column: 1, message: expect.stringMatching(/character device/) }] });
    } finally {
      rmSync(hostile, { recursive: true, force: true });
    }
  });
});
