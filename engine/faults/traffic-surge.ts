/** A caller population sends several times its stated rate for a while: a launch, a retry storm upstream, a bot. */
import { z } from "zod";
import { id } from "../scenario/sections/fields";
import { knownPopulation } from "./common";
import { defineFault, timing } from "./kind";

export const trafficSurge = defineFault({
  kind: "traffic-surge",
  schema: z
    .strictObject({
      kind: z.literal("traffic-surge"),
      ...timing,
      population: id,
      factor: z.number().min(1).max(100).describe("How many times its rate_per_s the population sends at"),
    })
    .describe("A caller population's arrival rate multiplied while the fault holds (from the population's next arrival)"),
  instant: false,
  references: (fault, context) => knownPopulation(context, fault.population),
  describe: (fault) => `${fault.population} sends ${fault.factor}× its rate`,
  // A surge is the callers', not a region's: its population may reach any gateway.
  region: () => "global",
  world: { arrivalRateFactor: (fault, population) => (fault.population === population ? fault.factor : 1) },
  impact: {
    requestTouches: (fault, record) => record.population === fault.population,
  },
  menu: [
    {
      node: "population",
      label: "Surge",
      fromTarget: { population: "population" },
      fixed: {},
      params: [{ type: "number", field: "factor", unit: "× its rate", min: 1, max: 100, default: 3, per: 1 }],
      action: { label: "Surge", testId: "traffic-surge" },
    },
  ],
});
