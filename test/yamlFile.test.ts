import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { FileProblemsError, formatProblems } from "../engine/fileProblems";
import { loadYamlFile, parseYamlFile, type YamlFormat } from "../engine/yamlFile";

// A second format as small as can be, so what it proves is the loader's, not the scenario schema's.
const widgetSchema = z.strictObject({ revision: z.literal(1), size: z.number().int().min(1) });
const WIDGET: YamlFormat<z.infer<typeof widgetSchema>> = { name: "widget", revision: 1, topKeys: ["revision", "size"], schema: widgetSchema, kind: "scenario" };

function problemsOf(text: string) {
  const result = parseYamlFile(text, "w.yaml", WIDGET);
  expect(result.ok, "the text must not parse").toBe(false);
  return result.ok ? [] : result.problems;
}

describe("a YAML file of another format", () => {
  it("reads a valid widget", () => {
    expect(parseYamlFile("revision: 1\nsize: 3\n", "w.yaml", WIDGET)).toEqual({ ok: true, value: { revision: 1, size: 3 } });
  });

  it("locates a wrong value by line, column and field", () => {
    expect(problemsOf("revision: 1\nsize: -2\n")).toEqual([{ file: "w.yaml", line: 2, column: 7, field: "size", message: "must be at least 1, got -2" }]);
  });

  it("points an unknown key at the key, saying what is allowed", () => {
    expect(formatProblems(problemsOf("revision: 1\nsize: 2\ncolour: red\n"))).toBe('w.yaml:3:1: colour: unknown key "colour"; allowed here: revision, size');
  });

  it("names the format when the document is not a mapping", () => {
    expect(formatProblems(problemsOf("- 1\n"))).toBe("w.yaml:1:1: a widget must be a mapping of keys (revision, size, …), not a list");
  });

  it("reports another revision as its only problem", () => {
    expect(problemsOf("revision: 2\nsize: 0\n")).toEqual([{ file: "w.yaml", line: 1, column: 11, field: "revision", message: "this build reads revision 1; the file is revision 2" }]);
  });

  it("says how a widget starts when the file is empty", () => {
    expect(formatProblems(problemsOf("# nothing yet\n"))).toBe("w.yaml:1:1: the file is empty; a widget starts with `revision: 1`");
  });

  it("reports YAML syntax at its position, a second document in the format's words", () => {
    expect(formatProblems(problemsOf("revision: 1\nsize: [2\n"))).toMatch(/^w\.yaml:\d+:\d+: YAML: /);
    expect(formatProblems(problemsOf("revision: 1\nsize: 2\n---\nsize: 3\n"))).toBe("w.yaml:3:1: YAML: a widget file holds one YAML document; this `---` starts a second");
  });

  it("throws a FileProblemsError from loadYamlFile, with its problems", () => {
    const dir = mkdtempSync(join(tmpdir(), "widget-"));
    const path = join(dir, "bad.yaml");
    writeFileSync(path, "revision: 1\nsize: many\n");
    try {
      expect(() => loadYamlFile(path, WIDGET)).toThrow(FileProblemsError);
      expect(() => loadYamlFile(path, WIDGET)).toThrow(`${path}:2:7: size: expected a number, got the text "many"`);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});
