/** Field types every section shares. Units are in field names: `_s` seconds, `_ms` milliseconds, `_share` a fraction 0..1. */
import { z } from "zod";

/** The id of anything a scenario names and other fields refer to: a region, provider, model, population. */
export const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "must be lower-case letters, digits and dashes (e.g. eu-west)");

/** A fraction 0..1. */
export const share = z.number().min(0).max(1);

/** A duration in seconds, 0..`max`. */
export const seconds = (max: number) => z.number().min(0).max(max);

const JURISDICTIONS = ["EU", "US", "UK", "CH", "CA", "JP", "AU", "IN", "BR", "SG"] as const;
export const jurisdiction = z.enum(JURISDICTIONS);
export type Jurisdiction = z.infer<typeof jurisdiction>;
