/**
 * The gateway's status code lists as one comma-separated field: `429, 500` or `5xx, 404`. Numbers are written as
 * numbers and classes in lower case, as the schema states them; anything else is written as typed, so the
 * engine's problem names it. `none` is the empty list, which differs from the default an emptied field leaves.
 */
import { splitList, text } from "./fieldPath";

const NONE = "none";

export function parseStatusCodes(typed: string): (number | string)[] {
  if (typed.trim().toLowerCase() === NONE) return [];
  return splitList(typed).map((code) => (/^\d+$/.test(code) ? Number(code) : /^\dxx$/i.test(code) ? code.toLowerCase() : code));
}

/** What is not a list (a typo in the file) is shown as it is, so its problem can be read. */
export function formatStatusCodes(value: unknown): string {
  if (!Array.isArray(value)) return text(value);
  return value.length === 0 ? NONE : value.map(text).join(", ");
}
