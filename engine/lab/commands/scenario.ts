/** Commands about the scenario itself: the library, loading, starting over, saving with the user's faults. */
import { listScenarios, openScenario } from "../scenarioLibrary";
import { scenarioWithUserFaults } from "../scenarioWithFaults";
import type { Handlers } from "./handler";

export const scenarioCommands = {
  getSnapshot: { readOnly: true, run: (lab) => lab.snapshot() },
  listScenarios: { readOnly: true, run: (lab) => ({ scenarios: listScenarios(lab.options.scenarios) }) },
  loadScenario: {
    readOnly: false,
    refusedInLesson: "a lesson is open: close it before loading another scenario, or its answers and run are lost",
    run: async (lab, input) => {
      const opened = openScenario(lab.options.scenarios, input);
      // An invalid file changes nothing: the current run stays as it was.
      if (!opened.ok) return opened;
      await lab.replaceRun(lab.newRun(opened.scenario, opened.text, opened.fileName));
      return { ok: true };
    },
  },
  reset: {
    readOnly: false,
    refusedInLesson: "a lesson's run is the lesson's: close the lesson to start the scenario over",
    run: async (lab) => {
      const { scenario, text, fileName } = lab.requireRun();
      await lab.replaceRun(lab.newRun(scenario, text, fileName));
    },
  },
  /** The loaded file with the user's faults appended to its timeline (see `scenarioWithUserFaults`). */
  saveScenario: { readOnly: true, run: (lab) => scenarioWithUserFaults(lab.requireRun()) },
} satisfies Handlers<"getSnapshot" | "listScenarios" | "loadScenario" | "reset" | "saveScenario">;

