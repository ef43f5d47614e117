/** Field types the scenario's sections and the fault kinds share. */
import { z } from "zod";

/** An id a scenario names a region, provider, model or population by. */
export const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "must be lower-case letters, digits and dashes (e.g. eu-west)");
/** A fraction, 0..1. */
export const share = z.number().min(0).max(1);
/** Seconds, 0..max. */
export const seconds = (max: number) => z.number().min(0).max(max);
