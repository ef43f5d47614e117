import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatProblems, MAX_PROBLEMS } from "../engine/fileProblems";
import { openDraftText } from "../engine/lab/draft";
import { parseScenario } from "../engine/scenario/load";
import { checkText, readTextFile, TEXT_LIMITS } from "../engine/textFile";

const dir = mkdtempSync(join(tmpdir(), "text-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What readTextFile says of `path`, as the CLI prints it. */
function refusal(path: string, kind: Parameters<typeof readTextFile>[1] = "scenario"): string {
  try {
    readTextFile(path, kind);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`${path} was read`);
}

function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

function problemsOf(text: string): string {
  const parsed = parseScenario(text, "s.yaml");
  expect(parsed.ok, "the text must be refused").toBe(false);
  return parsed.ok ? "" : formatProblems(parsed.problems);
}

const keys = (n: number, line: (i: number) => string = (i) => `k${i}: ${i}`) => `${Array.from({ length: n }, (_, i) => line(i)).join("\n")}\n`;

describe("readTextFile refuses what is not a regular text file, before reading it", () => {
  it("reads a regular file, and one a symbolic link names", () => {
    const target = file("ok.yaml", "revision: 1\n");
    symlinkSync(target, join(dir, "link.yaml"));
    expect(readTextFile(join(dir, "link.yaml"), "scenario")).toBe("revision: 1\n");
  });

  it("a symbolic link to /dev/zero, and /dev/urandom", () => {
    symlinkSync("/dev/zero", join(dir, "zero.yaml"));
    expect(refusal(join(dir, "zero.yaml"))).toBe(`${join(dir, "zero.yaml")}:1:1: cannot read the file: it is a character device (such as /dev/zero or /dev/urandom); a scenario is a regular file`);
    expect(refusal("/dev/urandom")).toMatch(/^\/dev\/urandom:1:1: cannot read the file: it is a character device/);
  });

  it("a FIFO, without waiting for a writer", () => {
    const fifo = join(dir, "fifo.yaml");
    execFileSync("mkfifo", [fifo]);
    expect(refusal(fifo)).toBe(`${fifo}:1:1: cannot read the file: it is a FIFO (named pipe); a scenario is a regular file`);
  });

  it("a directory, and a file that is not there", () => {
    mkdirSync(join(dir, "folder.yaml"));
    expect(refusal(join(dir, "folder.yaml"))).toMatch(/folder\.yaml:1:1: cannot read the file: it is a directory; a scenario is a regular file$/);
    expect(refusal(join(dir, "missing.yaml"))).toMatch(/missing\.yaml:1:1: cannot read the file: ENOENT/);
  });

  it("a file one byte over its kind's cap, by its size", () => {
    const path = file("big.yaml", "#".repeat(TEXT_LIMITS.scenario.bytes + 1));
    expect(refusal(path)).toBe(`${path}:1:1: the file is 524,289 bytes; a scenario is at most 0.5 MiB (524,288 bytes)`);
    expect(readTextFile(file("cap.yaml", "#".repeat(TEXT_LIMITS.scenario.bytes)), "scenario")).toHaveLength(TEXT_LIMITS.scenario.bytes);
    expect(refusal(file("card.json", " ".repeat(TEXT_LIMITS.scorecard.bytes + 1)), "scorecard")).toMatch(/a scorecard is at most 2 MiB/);
  });

  it("invalid UTF-8, at the line and column of the first bad byte", () => {
    const path = file("latin1.yaml", Buffer.concat([Buffer.from("name: ok\ndescription: caf"), Buffer.from([0xe9]), Buffer.from(" crème\n")]));
    expect(refusal(path)).toBe(`${path}:2:17: not UTF-8: byte 0xe9 cannot start or continue a character here; save the file as UTF-8`);
    // Columns count characters: the é before the bad byte is one.
    expect(refusal(file("after.yaml", Buffer.concat([Buffer.from("é: "), Buffer.from([0xc3, 0x28])])))).toMatch(/:1:4: not UTF-8: byte 0xc3/);
    expect(refusal(file("surrogate.yaml", Buffer.from([0x61, 0xed, 0xa0, 0x80])))).toMatch(/:1:2: not UTF-8: byte 0xed/);
  });

  it("UTF-16, with or without a byte-order mark", () => {
    const text = "revision: 1\n";
    expect(refusal(file("bom16.yaml", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")])))).toMatch(/:1:1: not UTF-8: byte 0xff .*the file is UTF-16; save it as UTF-8$/);
    expect(refusal(file("plain16.yaml", Buffer.from(text, "utf16le")))).toMatch(/:1:2: a NUL byte; a scenario is text/);
  });

  it("a NUL byte, at its line and column", () => {
    expect(refusal(file("nul.yaml", "revision: 1\nname: a\0b\n"))).toMatch(/nul\.yaml:2:8: a NUL byte; a scenario is text/);
  });
});

describe("the issue's hostile scenarios are refused by size or count, never parsed whole", () => {
  it("2.4 million keys, 50,000 keys, 650,000 callers and a 50 MB description, as files of their sizes", () => {
    // Their first lines, and the rest as a hole (a sparse file of the case's size): the reader refuses by the size
    // it stats, so what the rest holds does not matter here; bench/hostileFiles.ts runs the whole files.
    const cases: Record<string, [string, number]> = {
      "keys-2.4M.yaml": [`revision: 1\n${keys(1_000)}`, 33_000_000],
      "keys-50k.yaml": [`revision: 1\n${keys(1_000, (i) => `unknown_key_number_${i}: ${i}`)}`, 1_300_000],
      "callers-650k.yaml": [`revision: 1\ntopology:\n  callers:\n${keys(1_000, (i) => `    - { id: c${i}, jurisdiction: EU, region: eu-west, rate_per_s: 1, model: chat }`)}`, 56_000_000],
      "description-50MB.yaml": [`revision: 1\ndescription: "${"x".repeat(10_000)}`, 50_000_020],
    };
    for (const [name, [start, size]] of Object.entries(cases)) {
      const path = file(name, start);
      truncateSync(path, size);
      expect(refusal(path)).toBe(`${path}:1:1: the file is ${size.toLocaleString("en")} bytes; a scenario is at most 0.5 MiB (524,288 bytes)`);
    }
  });

  it("more values than a scenario holds, counted before the document is built, at the first one over", () => {
    // 4-byte keys fit 60,000 values in 0.4 MiB: under the byte cap, over the value cap.
    expect(problemsOf(keys(30_000, (i) => `${i.toString(36)}: 1`))).toBe("s.yaml:10001:1: more than 20,000 YAML values (keys and scalars); a scenario holds at most that many");
    expect(problemsOf(`[${Array.from({ length: 30_000 }, () => "1").join(",")}]`)).toMatch(/^s\.yaml:1:40002: more than 20,000 YAML values/);
  });

  it("nesting past 64 levels, as flow, compact or indented collections", () => {
    expect(problemsOf(`a: ${"[".repeat(1000)}${"]".repeat(1000)}\n`)).toMatch(/^s\.yaml:1:\d+: collections nested more than 64 deep; a scenario needs a few levels$/);
    expect(problemsOf(`${"- ".repeat(1000)}x\n`)).toMatch(/^s\.yaml:1:\d+: collections nested more than 64 deep/);
    const indented = Array.from({ length: 1000 }, (_, i) => `${" ".repeat(i)}k${i}:`).join("\n");
    expect(problemsOf(`${indented} 1\n`)).toMatch(/^s\.yaml:\d+:\d+: collections nested more than 64 deep/);
    // 64 levels exactly still parse, and then fail only the schema.
    expect(problemsOf(`${Array.from({ length: 64 }, (_, i) => `${" ".repeat(i)}k${i}:`).join("\n")} 1\n`)).not.toMatch(/nested/);
  });

  it("a repeated key once, at its second appearance, however often it repeats", () => {
    expect(problemsOf("revision: 1\nname: a\nname: b\nname: c\n")).toBe('s.yaml:3:1: YAML: duplicate key "name"; each key may appear once per mapping');
  });

  it("9,000 unknown keys as 50 problems and a count of the rest", () => {
    const parsed = parseScenario(`revision: 1\n${keys(9_000, (i) => `unknown_key_${i}: ${i}`)}`, "s.yaml");
    if (parsed.ok) throw new Error("parsed");
    expect(parsed.problems).toHaveLength(MAX_PROBLEMS + 1);
    expect(parsed.problems.at(-1)!.message).toMatch(/^and [\d,]+ more problems$/);
  });

  it("refuses hostile text from the app's Open from disk by the same rules", () => {
    expect(checkText("a\uD800b", "x.yaml", "scenario")).toMatchObject({ line: 1, column: 2, message: expect.stringMatching(/surrogate/) });
    expect(checkText(`x${"€".repeat(200_000)}`, "x.yaml", "scenario")).toMatchObject({ message: "the file is 600,001 bytes; a scenario is at most 0.5 MiB (524,288 bytes)" });
    expect(checkText("revision: 1\n", "x.yaml", "scenario")).toBeUndefined();
    expect(() => openDraftText(`a: ${"[".repeat(100)}`, "d.yaml")).toThrow(/^d\.yaml:1:\d+: collections nested more than 64 deep/);
  });
});
