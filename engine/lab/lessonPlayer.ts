/**
 * A lesson played headless, through the very commands the app sends: the choices made, the predictions given,
 * each task done when time holds for it, each step revealed at its pause. `failover-lab lesson play` scores a
 * participant's answers this way, and `lesson check` plays with none to prove every question has an answer.
 */
import { scorecardSchema, type Scorecard } from "../lesson/scorecard";
import type { LabBackend, LessonView } from "./contract";

/** What a participant chose and predicted: choices by step and field, answers by `step/question` (a number, or an option's index from 0). */
export interface LessonAnswers {
  readonly choices?: Readonly<Record<string, Readonly<Record<string, string | number>>>>;
  readonly answers?: Readonly<Record<string, number>>;
}

/** Holds each step may meet (its tasks and its pause): more means the run did not move, which is a defect to report, not to loop on. */
const MAX_HOLDS_PER_STEP = 50;

/** Plays the lesson `name` on `lab`; `onStep` hears of each step as it starts, with its index and the number of steps. */
export async function playLesson(lab: LabBackend, name: string, given: LessonAnswers, onStep?: (step: LessonView["step"], index: number, steps: number) => void): Promise<Scorecard> {
  const opened = await lab.execute("openLesson", { name });
  if (!opened.ok) throw new Error(opened.problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.field ? `${p.field}: ` : ""}${p.message}`).join("\n"));
  for (;;) {
    let lesson = await view(lab);
    const step = lesson.step;
    onStep?.(step, lesson.stepIndex, lesson.steps.length);
    for (const [field, value] of Object.entries(given.choices?.[step.id] ?? {})) await lab.execute("lessonChoose", { field, value });
    for (const q of step.questions) {
      const answer = given.answers?.[`${step.id}/${q.id}`];
      if (answer !== undefined) await lab.execute("lessonAnswer", { question: q.id, answer });
    }
    for (let holds = 0; !lesson.step.pause.reached; holds++) {
      if (holds === MAX_HOLDS_PER_STEP) throw new Error(`step "${step.id}" never reached its pause: ${lesson.held ?? "time did not move"}`);
      if (lesson.step.tasks.some((t) => t.kind === "inject" && t.due)) await lab.execute("lessonDoTask", {});
      else await lab.execute("runTo", { ms: Number.MAX_SAFE_INTEGER });
      lesson = await view(lab);
    }
    if (step.questions.length > 0) await lab.execute("lessonReveal", {});
    if (lesson.stepIndex + 1 >= lesson.steps.length) break;
    await lab.execute("lessonNext", {});
  }
  const { json } = await lab.execute("lessonScorecard", {});
  return scorecardSchema.parse(JSON.parse(json));
}

async function view(lab: LabBackend): Promise<LessonView> {
  const snapshot = await lab.execute("getSnapshot", {});
  if (!snapshot.lesson) throw new Error("the lesson closed while it was played");
  return snapshot.lesson;
}
