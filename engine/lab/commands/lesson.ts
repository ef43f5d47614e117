/** Commands of a lesson: the library, opening one, its tasks, predictions, reveals and steps, and the scorecard. */
import { parseLesson } from "../../lesson/load";
import { SCORECARD_FORMAT, scorecardHtml, type Scorecard } from "../../lesson/scorecard";
import { figure } from "../../lesson/scoring";
import type { LessonListing } from "../contract";
import type { Lab } from "../lab";
import { answer, choose, doDueTask, nextStep, openLesson, questionKey, readLesson, reveal, type LessonSession } from "../lesson";
import { revealView, score } from "../lessonView";
import type { Handlers } from "./handler";

function requireLesson(lab: Lab): LessonSession {
  if (!lab.lesson) throw new Error("no lesson is open: open one from the lesson library first");
  return lab.lesson;
}

export const lessonCommands = {
  listLessons: {
    readOnly: true,
    run: (lab) => {
      const library = lab.options.lessons;
      return {
        lessons: (library?.list() ?? []).map((file): LessonListing => {
          const parsed = parseLesson(library!.read(file), file);
          return parsed.ok
            ? { file, title: parsed.value.title, durationMin: parsed.value.duration_min, steps: parsed.value.steps.length, valid: true, problem: null }
            : { file, title: file, durationMin: null, steps: 0, valid: false, problem: `${parsed.problems[0]!.line}:${parsed.problems[0]!.column}: ${parsed.problems[0]!.message}` };
        }),
      };
    },
  },
  openLesson: {
    readOnly: false,
    run: async (lab, { name }) => {
      const read = readLesson(lab.options.lessons, name);
      if (!read.ok) return read;
      await openLesson(lab, read.lesson, name);
      return { ok: true };
    },
  },
  lessonChoose: { readOnly: false, run: (lab, { field, value }) => choose(lab, requireLesson(lab), field, value) },
  lessonAnswer: { readOnly: false, run: (lab, { question, answer: value }) => answer(requireLesson(lab), question, value) },
  lessonReveal: { readOnly: false, run: (lab) => reveal(requireLesson(lab), lab.requireRun()) },
  lessonNext: { readOnly: false, run: (lab) => nextStep(lab, requireLesson(lab)) },
  lessonDoTask: { readOnly: false, run: (lab) => ({ faultId: doDueTask(requireLesson(lab), lab.requireRun()) }) },
  closeLesson: {
    readOnly: false,
    run: (lab) => {
      requireLesson(lab);
      lab.lesson = undefined;
      // The run stays loaded, in free play from where it stands.
      lab.run?.holds.clear();
    },
  },
  lessonScorecard: {
    readOnly: true,
    run: (lab) => {
      const card = scorecardOf(requireLesson(lab));
      return { fileName: card.lesson.file.replace(/\.ya?ml$/, "-scorecard"), json: `${JSON.stringify(card, null, 2)}\n`, html: scorecardHtml(card) };
    },
  },
} satisfies Handlers<"listLessons" | "openLesson" | "lessonChoose" | "lessonAnswer" | "lessonReveal" | "lessonNext" | "lessonDoTask" | "closeLesson" | "lessonScorecard">;

/** The revealed questions, in the lesson's order, as the scorecard format writes them. */
function scorecardOf(session: LessonSession): Scorecard {
  const questions = session.lesson.steps.flatMap((step) =>
    step.questions.flatMap((q) => {
      const revealed = session.revealed.get(questionKey(step, q.id));
      if (!revealed) return [];
      const view = revealView(q, revealed);
      const given = revealed.answer;
      const answerText = given === undefined ? null : q.kind === "choice" ? q.options[given]!.text : `${figure(given)}${q.unit ? ` ${q.unit}` : ""}`;
      const { verdict } = revealed;
      const runAnswer = verdict.kind === "number" ? verdict.measured : verdict.kind === "choice" ? verdict.rightOption : null;
      return [{ step: step.id, stepTitle: step.title, question: q.id, prompt: q.prompt, answer: answerText, correct: view.correct, rightAnswer: view.rightAnswer, runAnswer, explanation: view.explanation }];
    }),
  );
  return { format: SCORECARD_FORMAT, revision: 1, lesson: { file: session.fileName, title: session.lesson.title }, score: score(session), questions };
}
