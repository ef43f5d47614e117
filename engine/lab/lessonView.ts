/** The lesson being played as the UI draws it: a pure projection of the session and its run, like the live view. */
import { figure } from "../lesson/scoring";
import type { LessonPause, LessonQuestion } from "../lesson/schema";
import type { LessonQuestionView, LessonRevealView, LessonScore, LessonStepView, LessonTaskView, LessonView } from "./contract";
import { atPause, questionKey, taskInstruction, type LessonSession, type Revealed } from "./lesson";
import type { Run } from "./run";

export function lessonView(session: LessonSession, run: Run): LessonView {
  const { lesson, step } = session;
  const now = run.clock.now();
  const revealed = session.revealedSteps.has(step.id);
  const firstPending = step.tasks.findIndex((t, i) => t.task === "inject" && !session.done.has(i));
  const tasks = step.tasks.map((task, i): LessonTaskView => {
    if (task.task === "inject") {
      const atMs = task.fault.at_s * 1000;
      return { kind: "inject", text: taskInstruction(task), atS: task.fault.at_s, done: session.done.has(i), due: i === firstPending && atMs <= now };
    }
    return { kind: "choose", text: taskInstruction(task), field: task.field, options: task.options, chosen: session.choices.get(task.field) ?? task.options[0]!, open: now <= session.startedAtMs };
  });
  const held = now >= run.stopAt() && now < run.endMs && run.holds.reason ? run.holds.reason : null;
  return {
    fileName: session.fileName,
    title: lesson.title,
    goals: lesson.goals,
    durationMin: lesson.duration_min,
    steps: lesson.steps.map((s) => ({ id: s.id, title: s.title, revealed: session.revealedSteps.has(s.id) })),
    stepIndex: session.stepIndex,
    step: {
      id: step.id,
      title: step.title,
      narrative: step.narrative,
      tasks,
      pause: { ...pauseView(step.pause), reached: atPause(session, run) },
      questions: step.questions.map((q) => questionView(q, session.answers.get(questionKey(step, q.id)) ?? null, session.revealed.get(questionKey(step, q.id)) ?? null)),
      revealed,
    },
    held,
    score: score(session),
    complete: lesson.steps.every((s) => session.revealedSteps.has(s.id)),
  };
}

function pauseView(pause: LessonPause | undefined): Omit<LessonStepView["pause"], "reached"> {
  if (!pause) return { atS: null, on: null };
  if ("at_s" in pause) return { atS: pause.at_s, on: null };
  return { atS: null, on: { machine: pause.on.machine, subject: pause.on.subject ?? null, to: pause.on.to, afterS: pause.after_s } };
}

function questionView(q: LessonQuestion, answer: number | null, revealed: Revealed | null): LessonQuestionView {
  return {
    id: q.id,
    kind: q.kind,
    prompt: q.prompt,
    unit: q.kind === "number" ? q.unit : "",
    hints: q.hints,
    options: q.kind === "choice" ? q.options.map((o) => o.text) : [],
    answer,
    reveal: revealed && revealView(q, revealed),
  };
}

export function revealView(q: LessonQuestion, { verdict, explanation }: Revealed): LessonRevealView {
  switch (verdict.kind) {
    case "unanswerable":
      return { correct: null, rightAnswer: `the run has no answer: ${verdict.why}`, explanation };
    case "number": {
      const unit = q.kind === "number" && q.unit ? ` ${q.unit}` : "";
      return { correct: verdict.correct, rightAnswer: `${figure(verdict.measured)}${unit} (accepted ${figure(verdict.range[0])} to ${figure(verdict.range[1])})`, explanation };
    }
    case "choice":
      return { correct: verdict.correct, rightAnswer: q.kind === "choice" ? q.options[verdict.rightOption]!.text : "", explanation };
  }
}

export function score(session: LessonSession): LessonScore {
  const revealed = [...session.revealed.values()];
  return {
    correct: revealed.filter((r) => r.verdict.kind !== "unanswerable" && r.verdict.correct).length,
    revealed: revealed.length,
    total: session.lesson.steps.reduce((n, s) => n + s.questions.length, 0),
  };
}
