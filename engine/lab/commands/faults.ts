/** Commands that break and mend the world by hand: a fault injected now, an active fault healed, and the menus offering them. */
import { FAULT_MENU } from "../../faults/registry";
import { INSTANT_FAULTS, scenarioSchema, type Fault } from "../../scenario/schema";
import { lessonInject } from "../lesson";
import { atRest } from "../playback";
import type { Handlers } from "./handler";

export const faultCommands = {
  injectFault: {
    readOnly: false,
    run: (lab, { fault: spec }) =>
      atRest(lab, () => {
        const run = lab.requireRun();
        if (run.status === "finished") throw new Error("the scenario has reached its end: reset to inject faults");
        if (lab.lesson) return { faultId: lessonInject(lab.lesson, run, spec) };
        const fault = { ...spec, at_s: run.clock.now() / 1000 } as Fault;
        // The scenario's own cross-reference checks name an unknown region, provider or model.
        const checked = scenarioSchema.safeParse({ ...run.scenario, faults: [fault] });
        if (!checked.success) {
          const problems = checked.error.issues.map((issue) => `${issue.path.slice(2).join(".") || "fault"}: ${issue.message}`);
          throw new Error(`cannot inject ${fault.kind}: ${problems.join("; ")}`);
        }
        return { faultId: run.injectByHand(fault) };
      }),
  },
  heal: {
    readOnly: false,
    refusedInLesson: "the lesson heals its faults when it wrote them to heal: close the lesson to heal by hand",
    run: (lab, { faultId }) =>
      atRest(lab, () => {
        const run = lab.requireRun();
        if (run.status === "finished") throw new Error("the scenario has reached its end: reset to heal faults");
        const span = run.session.ctx.faults.active().find((active) => active.id === faultId);
        if (!span) throw new Error(`fault ${faultId} is not active`);
        if (INSTANT_FAULTS.has(span.fault.kind)) throw new Error(`fault ${faultId} is a ${span.fault.kind}, which happened at an instant and cannot heal`);
        run.healByHand(faultId);
      }),
  },
  faultCatalog: { readOnly: true, run: () => ({ entries: FAULT_MENU }) },
} satisfies Handlers<"injectFault" | "heal" | "faultCatalog">;
