/**
 * The one reader of every text file the product opens: scenarios, lessons, imported gateway configs, scorecards,
 * answers files and evidence manifests, and text the app was handed from a file picker. A file that is not a
 * regular file, is over its kind's size cap, is not UTF-8 or holds a NUL byte is refused by name and position
 * before any parser sees it, so a hostile path costs a few system calls, never a hang or gigabytes of memory.
 * The caps and why they are what they are: docs/FILE-LIMITS.md.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from "node:fs";
import { FileProblemsError, type FileProblem } from "./fileProblems";

/** The kinds of text file the product reads, each with its own caps. */
export type TextKind = "scenario" | "lesson" | "config" | "scorecard" | "answers" | "manifest" | "key";

/** A kind's caps. `bytes` bounds the file as stored; `yamlValues`, for YAML kinds, the scalars (keys and values) it may hold. */
export interface TextLimit {
  /** The kind in messages: "a scenario is at most …". */
  readonly what: string;
  readonly bytes: number;
  readonly yamlValues?: number;
}

const MiB = 1024 * 1024;

/**
 * Each cap is a hundred times or more the largest shipped file of its kind (a scenario of 2.8 KB and 216 values,
 * a lesson of 10.7 KB), and low enough that the largest file allowed is parsed in well under a second; the
 * figures and the reasons are in docs/FILE-LIMITS.md.
 */
export const TEXT_LIMITS: Readonly<Record<TextKind, TextLimit>> = {
  scenario: { what: "scenario", bytes: MiB / 2, yamlValues: 20_000 },
  lesson: { what: "lesson", bytes: MiB / 2, yamlValues: 20_000 },
  config: { what: "gateway config", bytes: MiB, yamlValues: 100_000 },
  scorecard: { what: "scorecard", bytes: 2 * MiB },
  answers: { what: "answers file", bytes: MiB },
  manifest: { what: "evidence manifest", bytes: MiB },
  key: { what: "public key file", bytes: MiB / 16 },
};

/** How deeply a YAML file may nest collections; no format needs a tenth of it, and yaml's composer recurses per level. */
export const MAX_YAML_DEPTH = 64;

/**
 * The file's text, or a {@link FileProblemsError} naming it: not there, not a regular file (a directory, a FIFO,
 * a device such as /dev/zero; a symbolic link is followed to what it names), over the kind's byte cap, not UTF-8,
 * or holding a NUL byte. Never blocks on a FIFO and never reads more than the cap plus one byte.
 */
export function readTextFile(path: string, kind: TextKind): string {
  const limit = TEXT_LIMITS[kind];
  const refuse = (message: string) => refusal(path, message);
  const { fd, size } = openRegularFile(path, limit.what);
  let bytes: Uint8Array;
  try {
    if (size > limit.bytes) throw refuse(tooLarge(size, limit));
    bytes = readAtMost(fd, limit.bytes + 1);
  } catch (error) {
    if (error instanceof FileProblemsError) throw error;
    throw refuse(`cannot read the file: ${(error as Error).message}`);
  } finally {
    closeSync(fd);
  }
  // The file grew after fstat, or reports no size (as /proc files do): the bounded read is the cap that holds.
  if (bytes.length > limit.bytes) throw refuse(`the file is over ${limit.bytes.toLocaleString("en")} bytes; ${capWords(limit)}`);
  const decoded = decodeUtf8(bytes, path);
  if ("problem" in decoded) throw new FileProblemsError([decoded.problem]);
  const problem = checkText(decoded.text, path, kind);
  if (problem) throw new FileProblemsError([problem]);
  return decoded.text;
}

/**
 * `path` opened for reading when it is a regular file (a symbolic link judged by what it names), with its size;
 * else a {@link FileProblemsError} saying what it is instead, `what` naming what it should have been. For a
 * reader that streams a file with no cap of its own (a sweep's lines grow with its runs); the caller closes `fd`.
 */
export function openRegularFile(path: string, what: string): { fd: number; size: number } {
  const refuse = (message: string) => refusal(path, message);
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer; on a regular file it changes nothing.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw refuse(`cannot read the file: ${(error as Error).message}`);
  }
  let stat: Stats;
  try {
    stat = fstatSync(fd);
  } catch (error) {
    closeSync(fd);
    throw refuse(`cannot read the file: ${(error as Error).message}`);
  }
  if (stat.isFile()) return { fd, size: stat.size };
  closeSync(fd);
  throw refuse(`cannot read the file: it is ${special(stat)}; a ${what} is a regular file`);
}

/**
 * What is wrong with text that arrives as a string (a file the app's *Open from disk…* read), by the same rules
 * as {@link readTextFile}: its UTF-8 size over the kind's cap, a NUL byte, or half of a UTF-16 surrogate pair
 * (which no UTF-8 file can hold). Undefined when it may be parsed.
 */
export function checkText(text: string, fileName: string, kind: TextKind): FileProblem | undefined {
  const limit = TEXT_LIMITS[kind];
  // Each UTF-16 unit is at most three UTF-8 bytes, so a short text needs no count.
  if (text.length * 3 > limit.bytes) {
    const size = Buffer.byteLength(text, "utf8");
    if (size > limit.bytes) return { file: fileName, line: 1, column: 1, field: "", message: tooLarge(size, limit) };
  }
  const nul = text.indexOf("\0");
  if (nul >= 0) return { file: fileName, ...positionAt(text, nul), field: "", message: `a NUL byte; a ${limit.what} is text (a file saved as UTF-16 has one in every other byte: save it as UTF-8)` };
  const lone = /[\uD800-\uDFFF]/u.exec(text);
  if (lone) return { file: fileName, ...positionAt(text, lone.index), field: "", message: "half of a UTF-16 surrogate pair, which is not text; the file is damaged" };
  return undefined;
}

/** The 1-based line and column (in UTF-16 units, as editors and the YAML parser count) of `offset` in `text`. */
export function positionAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

function refusal(path: string, message: string): FileProblemsError {
  return new FileProblemsError([{ file: path, line: 1, column: 1, field: "", message }]);
}

function readAtMost(fd: number, max: number): Uint8Array {
  const buffer = Buffer.allocUnsafe(max);
  let filled = 0;
  for (let n = -1; n !== 0 && filled < max; filled += n) n = readSync(fd, buffer, filled, max - filled, null);
  return buffer.subarray(0, filled);
}

function special(stat: Stats): string {
  if (stat.isDirectory()) return "a directory";
  if (stat.isFIFO()) return "a FIFO (named pipe)";
  if (stat.isCharacterDevice()) return "a character device (such as /dev/zero or /dev/urandom)";
  if (stat.isBlockDevice()) return "a block device";
  if (stat.isSocket()) return "a socket";
  return "not a regular file";
}

function tooLarge(size: number, limit: TextLimit): string {
  return `the file is ${size.toLocaleString("en")} bytes; ${capWords(limit)}`;
}

function capWords(limit: TextLimit): string {
  const size = limit.bytes >= MiB / 2 ? `${limit.bytes / MiB} MiB` : `${limit.bytes / 1024} KiB`;
  return `a ${limit.what} is at most ${size} (${limit.bytes.toLocaleString("en")} bytes)`;
}

const fatalUtf8 = new TextDecoder("utf-8", { fatal: true });

/** The text, or where the first byte that is not UTF-8 is; a byte-order mark is dropped, as editors do. */
function decodeUtf8(bytes: Uint8Array, file: string): { text: string } | { problem: FileProblem } {
  try {
    return { text: fatalUtf8.decode(bytes) };
  } catch {
    const bad = firstInvalidByte(bytes);
    const lineStart = bytes.lastIndexOf(0x0a, bad - 1) + 1;
    let line = 1;
    for (let i = bytes.indexOf(0x0a); i >= 0 && i < bad; i = bytes.indexOf(0x0a, i + 1)) line++;
    // The line up to the bad byte is valid UTF-8 (nothing before it failed), so its length in UTF-16 units is the column.
    const column = new TextDecoder().decode(bytes.subarray(lineStart, bad)).length + 1;
    const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
    const hint = utf16 ? "the file is UTF-16; save it as UTF-8" : "save the file as UTF-8";
    return { problem: { file, line, column, field: "", message: `not UTF-8: byte 0x${bytes[bad]!.toString(16).padStart(2, "0")} cannot start or continue a character here; ${hint}` } };
  }
}

/** The offset of the first byte of the first ill-formed sequence (Unicode's table 3-7: no overlongs, surrogates or code points past U+10FFFF). */
function firstInvalidByte(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i++;
      continue;
    }
    let trail: number;
    let low = 0x80;
    let high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) trail = 1;
    else if (lead >= 0xe0 && lead <= 0xef) {
      trail = 2;
      if (lead === 0xe0) low = 0xa0;
      if (lead === 0xed) high = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      trail = 3;
      if (lead === 0xf0) low = 0x90;
      if (lead === 0xf4) high = 0x8f;
    } else return i;
    for (let k = 1; k <= trail; k++) {
      const byte = bytes[i + k];
      if (byte === undefined || byte < (k === 1 ? low : 0x80) || byte > (k === 1 ? high : 0xbf)) return i;
    }
    i += trail + 1;
  }
  return bytes.length;
}
