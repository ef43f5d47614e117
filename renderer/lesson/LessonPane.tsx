/**
 * The lesson beside the graph: the step's narrative, what to do, where time stops, and the questions to answer
 * before the reveal, locked after it with the run's answer and its explanation. In presenter mode the same pane,
 * large, for a room: the trainer drives, the room predicts on paper, the reveal is for everyone.
 */
import { useState } from "react";
import type { LabApi, LessonQuestionView, LessonView } from "../../engine/lab/contract";
import { download } from "../download";
import { plural } from "../format";
import { stateLabel } from "../stateLabels";
import { Markdown } from "./Markdown";
import "./lesson.css";

type Run = <T>(command: () => Promise<T>, then?: (result: T) => void) => void;

export function LessonPane(props: { api: LabApi; lesson: LessonView; run: Run; presenter: boolean; onPresenter: (on: boolean) => void }) {
  const { api, lesson, run, presenter, onPresenter } = props;
  const { step, score } = lesson;
  const last = lesson.stepIndex + 1 >= lesson.steps.length;
  const exportCard = (as: "json" | "html") =>
    run(
      () => api.lessonScorecard({}),
      (card) => (as === "json" ? download(`${card.fileName}.json`, card.json, "application/json") : download(`${card.fileName}.html`, card.html, "text/html")),
    );
  return (
    <aside className="lesson-pane" aria-label="Lesson" data-testid="lesson-pane">
      <header className="lesson-header">
        <div className="lesson-title">
          <strong data-testid="lesson-title">{lesson.title}</strong>
          <span className="lesson-progress" data-testid="lesson-progress">
            Step {lesson.stepIndex + 1} of {lesson.steps.length} · {score.correct} of {plural(score.revealed, "answer")} right
          </span>
        </div>
        <div className="lesson-actions">
          <button data-testid="lesson-presenter" aria-pressed={presenter} onClick={() => onPresenter(!presenter)} title="Large text for a projector; the sidebar and dock step aside (P)">
            {presenter ? "Leave presenter mode" : "Presenter mode"}
          </button>
          <button data-testid="lesson-close" onClick={() => run(() => api.closeLesson({}))} title="Back to free play; the run stays loaded">
            Close lesson
          </button>
        </div>
      </header>
      <h2 className="lesson-step-title" data-testid="lesson-step-title">
        {step.title}
      </h2>
      <Markdown className="lesson-narrative" text={step.narrative} />
      {step.tasks.length > 0 && <Tasks lesson={lesson} api={api} run={run} />}
      <p className={step.pause.reached ? "lesson-pause reached" : "lesson-pause"} data-testid="lesson-pause">
        {step.pause.reached ? `Time stopped ${pauseText(step.pause)}.` : `Time stops ${pauseText(step.pause)}.`} {lesson.held && !step.pause.reached && <span className="lesson-held">{lesson.held}.</span>}
      </p>
      {step.questions.length > 0 && (
        <section className="lesson-questions" aria-label="Questions">
          <h3>{step.revealed ? "Answers" : "Predict, then reveal"}</h3>
          {step.questions.map((q, i) => (
            <Question key={`${step.id}/${q.id}`} index={i} question={q} locked={step.revealed} onAnswer={(answer) => run(() => api.lessonAnswer({ question: q.id, answer }))} />
          ))}
        </section>
      )}
      <footer className="lesson-footer">
        {!step.revealed && step.questions.length > 0 && (
          <button className="lesson-primary" data-testid="lesson-reveal" disabled={!step.pause.reached} title={step.pause.reached ? "Score the answers against this run" : `The reveal comes when time stops ${pauseText(step.pause)}`} onClick={() => run(() => api.lessonReveal({}))}>
            Reveal
          </button>
        )}
        {!last && (
          <button className="lesson-primary" data-testid="lesson-next" disabled={!(step.revealed || (step.questions.length === 0 && step.pause.reached))} onClick={() => run(() => api.lessonNext({}))}>
            Next step
          </button>
        )}
        {lesson.complete && (
          <span className="lesson-complete" data-testid="lesson-complete">
            Lesson complete: {score.correct} of {score.total} right.
          </span>
        )}
        <button data-testid="lesson-scorecard-json" onClick={() => exportCard("json")} title="Your answers and the run's, for the trainer's class summary">
          Scorecard (JSON)
        </button>
        <button data-testid="lesson-scorecard-html" onClick={() => exportCard("html")} title="A page to keep">
          Scorecard (page)
        </button>
      </footer>
    </aside>
  );
}

/** "at 110 s", "10 s after the director eu-west enters regions withdrawn", "at the run's end". */
function pauseText({ atS, on }: LessonView["step"]["pause"]): string {
  if (atS !== null) return `at ${atS.toLocaleString("en")} s`;
  if (on === null) return "at the run's end";
  const after = on.afterS > 0 ? `${on.afterS.toLocaleString("en")} s after ` : "when ";
  return `${after}the ${on.machine}${on.subject ? ` ${on.subject}` : ""} enters ${stateLabel(on.to)}`;
}

function Tasks({ lesson, api, run }: { lesson: LessonView; api: LabApi; run: Run }) {
  return (
    <section className="lesson-tasks" aria-label="Your tasks">
      <h3>Do</h3>
      <ul>
        {lesson.step.tasks.map((task, i) =>
          task.kind === "inject" ? (
            <li key={i} className={task.done ? "done" : task.due ? "due" : ""} data-testid={`lesson-task-${i}`} data-state={task.done ? "done" : task.due ? "due" : "later"}>
              <span className="lesson-task-mark">{task.done ? "✓" : task.due ? "→" : "·"}</span> {task.text}
              {task.due && (
                <button data-testid={`lesson-task-${i}-do`} onClick={() => run(() => api.lessonDoTask({}))} title="Inject it as the lesson wrote it">
                  Do it for me
                </button>
              )}
            </li>
          ) : (
            <li key={i} data-testid={`lesson-task-${i}`}>
              <span className="lesson-task-mark">?</span> {task.text}
              <span className="lesson-choices" role="radiogroup" aria-label={task.field}>
                {task.options.map((option) => (
                  <label key={String(option)}>
                    <input type="radio" name={`choose-${task.field}`} checked={task.chosen === option} disabled={!task.open} onChange={() => run(() => api.lessonChoose({ field: task.field, value: option }))} data-testid={`lesson-choose-${task.field}-${option}`} />
                    {String(option)}
                  </label>
                ))}
              </span>
            </li>
          ),
        )}
      </ul>
    </section>
  );
}

function Question({ index, question: q, locked, onAnswer }: { index: number; question: LessonQuestionView; locked: boolean; onAnswer: (answer: number) => void }) {
  const [hints, setHints] = useState(0);
  const reveal = q.reveal;
  const verdict = reveal === null ? "" : reveal.correct === null ? "unscored" : reveal.correct ? "right" : "wrong";
  return (
    <div className={`lesson-question ${verdict}`} data-testid={`lesson-question-${q.id}`} data-verdict={verdict}>
      <div className="lesson-prompt">
        <span className="lesson-number">{index + 1}.</span> <Markdown text={q.prompt} />
      </div>
      {q.kind === "number" ? (
        <label className="lesson-number-answer">
          <input
            key={q.answer ?? ""}
            type="number"
            inputMode="decimal"
            step="any"
            defaultValue={q.answer ?? ""}
            disabled={locked}
            aria-label={`Your prediction${q.unit ? `, ${q.unit}` : ""}`}
            data-testid={`lesson-answer-${q.id}`}
            onBlur={(e) => e.currentTarget.value !== "" && Number(e.currentTarget.value) !== q.answer && onAnswer(Number(e.currentTarget.value))}
            onKeyDown={(e) => e.key === "Enter" && e.currentTarget.blur()}
          />
          {q.unit}
        </label>
      ) : (
        <div className="lesson-options" role="radiogroup" aria-label="Your prediction">
          {q.options.map((option, i) => (
            <label key={i} className={reveal?.rightAnswer === option ? "lesson-right-option" : undefined}>
              <input type="radio" name={`answer-${q.id}`} checked={q.answer === i} disabled={locked} onChange={() => onAnswer(i)} data-testid={`lesson-answer-${q.id}-${i}`} />
              {option}
            </label>
          ))}
        </div>
      )}
      {!locked && q.hints.length > 0 && (
        <div className="lesson-hints">
          {q.hints.slice(0, hints).map((hint, i) => (
            <p key={i} className="lesson-hint">
              Hint: {hint}
            </p>
          ))}
          {hints < q.hints.length && (
            <button className="lesson-hint-button" onClick={() => setHints(hints + 1)} data-testid={`lesson-hint-${q.id}`}>
              {hints === 0 ? "Hint" : "Another hint"}
            </button>
          )}
        </div>
      )}
      {reveal && (
        <div className="lesson-reveal" data-testid={`lesson-reveal-${q.id}`}>
          <p className="lesson-verdict">
            {reveal.correct === null ? "Not scored: " : reveal.correct ? "✓ Right. " : q.answer === null ? "✗ Not answered. " : "✗ Not this time. "}
            The run: <strong>{reveal.rightAnswer}</strong>
          </p>
          <Markdown className="lesson-explanation" text={reveal.explanation} />
        </div>
      )}
    </div>
  );
}
