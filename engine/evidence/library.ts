/**
 * The evidence library: the bundles a host has written, one directory each under its evidence folder, as
 * the app lists, verifies and downloads them. A bundle is named by its directory's name alone, and every
 * path is resolved inside the folder, so no name reaches outside it.
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { join, sep } from "node:path";
import { readTextFile } from "../textFile";
import { listFiles, MANIFEST_FILE, REPORT_HTML_FILE, REPORT_PDF_FILE, signedManifestSchema } from "./bundle";
import { tarArchive } from "./tar";

/** A bundle directory's name: what the hosts write (`<scenario>-<ISO time>`), never `.`, `..` or a path. */
export const BUNDLE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

/** Files of a bundle a page may open by address: the report, for people. */
const OPENABLE_FILES = [REPORT_HTML_FILE, REPORT_PDF_FILE] as const;

export interface BundleListing {
  readonly name: string;
  /** From the signed manifest; null when the manifest cannot be read (the bundle is listed so it can be verified). */
  readonly scenario: string | null;
  readonly seed: number | null;
  readonly writtenAt: string | null;
  readonly keyId: string | null;
  readonly fingerprint: string | null;
  readonly files: number;
  readonly hasPdf: boolean;
}

/** Every bundle in `folder`, newest first by the date each states. */
export function listBundles(folder: string): BundleListing[] {
  if (!existsSync(folder)) return [];
  const listings = readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && BUNDLE_NAME.test(entry.name) && existsSync(join(folder, entry.name, MANIFEST_FILE)))
    .map((entry) => listing(folder, entry.name));
  // Undated bundles (older formats, unreadable manifests) after the dated ones, by name.
  const key = (l: BundleListing) => `${l.writtenAt === null ? "0" : "1"}${l.writtenAt ?? ""}${l.name}`;
  return listings.sort((a, b) => (key(a) < key(b) ? 1 : key(a) > key(b) ? -1 : 0));
}

function listing(folder: string, name: string): BundleListing {
  const dir = join(folder, name);
  const files = listFiles(dir);
  let signed;
  try {
    signed = signedManifestSchema.safeParse(JSON.parse(readTextFile(join(dir, MANIFEST_FILE), "manifest")));
  } catch {
    signed = undefined;
  }
  const manifest = signed?.success ? signed.data : undefined;
  return {
    name,
    scenario: manifest?.manifest.scenario.name ?? null,
    seed: manifest?.manifest.scenario.seed ?? null,
    writtenAt: manifest?.manifest.written ?? null,
    keyId: manifest?.keyId ?? null,
    fingerprint: manifest?.manifest.fingerprint ?? null,
    files: files.length,
    hasPdf: files.includes(REPORT_PDF_FILE),
  };
}

/** The directory of the bundle called `name` in `folder`; throws, naming it, when there is no such bundle. */
export function bundleDir(folder: string, name: string): string {
  const dir = BUNDLE_NAME.test(name) ? join(folder, name) : undefined;
  if (!dir || !existsSync(join(dir, MANIFEST_FILE))) throw new Error(`no evidence bundle ${JSON.stringify(name)} in ${folder}`);
  // A symbolic link inside the folder could still point out of it.
  if (!inside(realpathSync(folder), realpathSync(dir))) throw new Error(`evidence bundle ${name} is outside ${folder}`);
  return dir;
}

/**
 * One of a bundle's {@link OPENABLE_FILES}, resolved inside the folder, or undefined: what the browser-mode
 * host serves read-only under `/evidence/<bundle>/<file>`.
 */
export function openableFile(folder: string, name: string, file: string): string | undefined {
  if (!(OPENABLE_FILES as readonly string[]).includes(file)) return undefined;
  let dir;
  try {
    dir = bundleDir(folder, name);
  } catch {
    return undefined;
  }
  const path = join(dir, file);
  return existsSync(path) && inside(realpathSync(folder), realpathSync(path)) ? path : undefined;
}

/** The bundle as one tar archive, its files under a directory of the bundle's name. */
export function bundleArchive(folder: string, name: string): Buffer {
  const dir = bundleDir(folder, name);
  return tarArchive(
    listFiles(dir).map((path) => {
      const file = join(dir, path);
      return { path: `${name}/${path}`, bytes: readFileSync(file), mtime: statSync(file).mtimeMs / 1000 };
    }),
  );
}

const inside = (root: string, path: string) => path.startsWith(root + sep);
