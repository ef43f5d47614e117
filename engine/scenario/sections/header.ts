/** The scenario's header: which format revision it is written in, its name, and the run it describes. */
import { z } from "zod";

export const SCENARIO_REVISION = 1;

/** What a scenario's header is unless the file says otherwise. */
export const HEADER_DEFAULTS = {
  description: "",
  seed: 1,
} as const;

export const header = z.strictObject({
  revision: z.literal(SCENARIO_REVISION).describe("Format revision of this file"),
  name: z.string().min(1).max(120),
  description: z.string().max(4_000).default(HEADER_DEFAULTS.description),
  seed: z.int().min(0).max(2 ** 31 - 1).default(HEADER_DEFAULTS.seed),
  duration_s: z.number().min(1, "a run lasts at least 1 s").max(7 * 86_400),
});
