/**
 * Comparing two designs in the app: the loaded scenario (A) beside one of the library (B), each run headless
 * to its end on A's seed, so that the traffic and the faults' chance are the same and only the design differs.
 * Read-only: the loaded run plays on untouched.
 */
import { compareReports, designLabels } from "../../compare/compare";
import { runDrill } from "../../drill";
import { estimateRun, refusalOf } from "../../scenario/cost";
import { openScenario } from "../scenarioLibrary";
import type { Handlers } from "./handler";

export const compareCommands = {
  compareWith: {
    readOnly: true,
    run: async (lab, { name }) => {
      const { scenario, fileName } = lab.requireRun();
      const opened = openScenario(lab.options.scenarios, { source: "library", name });
      if (!opened.ok) throw new Error(`${name} does not load: ${opened.problems[0]!.message}`);
      for (const [design, file] of [
        [scenario, fileName],
        [opened.scenario, name],
      ] as const) {
        const refusal = refusalOf(estimateRun(design), file, "failover-lab drill … --allow-large");
        if (refusal) throw new Error(refusal);
      }
      // runDrill refuses a design with real servers, which answer in wall time, in words that name them.
      const a = await runDrill(scenario, { seed: scenario.seed });
      const b = await runDrill(opened.scenario, { seed: scenario.seed });
      return compareReports(a, b, designLabels(fileName, name));
    },
  },
} satisfies Handlers<"compareWith">;
