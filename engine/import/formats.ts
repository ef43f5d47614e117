/** The importers by format: one table for the command line and the app's *Import…*, whose names the lab contract owns. */
import type { ImportFormat } from "../lab/contract";
import type { ImportResult } from "./build";
import { importEnvoy } from "./envoy";
import { importLitellm } from "./litellm";
import { importPortkey } from "./portkey";
import type { RegionRule } from "./regions";

export type Importer = (text: string, file: string, rules: readonly RegionRule[]) => ImportResult;

export const IMPORTERS: Readonly<Record<ImportFormat, Importer>> = { litellm: importLitellm, portkey: importPortkey, envoy: importEnvoy };
