/**
 * The page's check before it reads a file the user picked: a file past the hosts' limit is refused here, by
 * name and size, instead of being read whole into the page and sent to a host that must refuse it.
 */
import { OPENED_FILE_MAX_BYTES } from "../engine/lab/contract";

/** Why the file is too large to open, or undefined when it is not. */
export function openedFileTooLarge(file: { readonly name: string; readonly size: number }): string | undefined {
  if (file.size <= OPENED_FILE_MAX_BYTES) return undefined;
  return `${file.name} is ${(file.size / 1e6).toFixed(1)} MB; the app opens files of at most ${OPENED_FILE_MAX_BYTES / 1e6} MB (a scenario or gateway config is a few kB). Nothing was opened.`;
}
