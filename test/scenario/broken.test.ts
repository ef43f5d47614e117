/**
 * One broken scenario file per kind of mistake, each declaring on its first line the problem it must
 * produce: `# expect: <line>:<field>: <part of the message>`. The loader must report exactly that line and
 * field as its first problem, and never hand back a scenario.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenarioFile, parseScenario, ScenarioError } from "../../engine";

const dir = join(import.meta.dirname, "../fixtures/broken-scenarios");
const files = readdirSync(dir).filter((f) => f.endsWith(".yaml"));

describe("broken scenario files", () => {
  it("has one file per kind of mistake", () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
  });

  for (const file of files) {
    it(file, () => {
      const path = join(dir, file);
      const text = readFileSync(path, "utf8");
      const declared = /^# expect: (\d+):([^:]*): (.+)$/m.exec(text);
      expect(declared, `${file} declares its expected problem`).not.toBeNull();
      const [, line, field, message] = declared!;
      const result = parseScenario(text, path);
      expect(result.ok).toBe(false);
      const first = !result.ok ? result.problems[0]! : undefined;
      expect({ line: first?.line, field: first?.field }).toEqual({ line: Number(line), field });
      expect(first?.message).toContain(message);
      expect(first?.file).toBe(path);
      expect(() => loadScenarioFile(path)).toThrow(ScenarioError);
      expect(() => loadScenarioFile(path)).toThrow(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:${line}:\\d+: `));
    });
  }
});
