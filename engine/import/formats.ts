/** The importers by format: one table for the command line and the app's *Import…*, whose names the lab contract owns. */
import { capProblems } from "../fileProblems";
import type { ImportFormat } from "../lab/contract";
import type { ImportResult } from "./build";
import { importEnvoy } from "./envoy";
import { importLitellm } from "./litellm";
import { importPortkey } from "./portkey";
import type { RegionRule } from "./regions";

export type Importer = (text: string, file: string, rules: readonly RegionRule[]) => ImportResult;

/** A config of thousands of entries can have a problem or warning in each; the command and the app list the first 50 and a count. */
const capped =
  (importer: Importer): Importer =>
  (text, file, rules) => {
    const result = importer(text, file, rules);
    return result.ok ? { ...result, warnings: capProblems(result.warnings) } : { ok: false, problems: capProblems(result.problems) };
  };

export const IMPORTERS: Readonly<Record<ImportFormat, Importer>> = { litellm: capped(importLitellm), portkey: capped(importPortkey), envoy: capped(importEnvoy) };
