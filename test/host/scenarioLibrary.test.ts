import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openScenario } from "../../engine/lab/scenarioLibrary";
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
});
