/**
 * A participant's scorecard (what they predicted, what the run measured, whether it counted) as JSON and as a
 * self-contained HTML page, and a class's scorecards merged into one summary: which questions most people got
 * wrong, for the trainer's debrief. Scorecards come back from fifteen laptops, so the merge reads each file as
 * untrusted input and names the file and field of whatever is wrong with it.
 */
import { z } from "zod";
import { html, raw } from "../report/html";

export const SCORECARD_FORMAT = "failover-lab-scorecard";

const scoredQuestion = z.strictObject({
  step: z.string().min(1).max(63),
  stepTitle: z.string().max(200),
  question: z.string().min(1).max(63),
  prompt: z.string().max(1_000),
  /** What the participant answered, as they saw it: a number with its unit, or the option's text; null when unanswered. */
  answer: z.string().max(300).nullable(),
  /** Null when the run had no answer to the question (the lesson's defect, not the participant's). */
  correct: z.boolean().nullable(),
  rightAnswer: z.string().max(400),
  /** The run's answer as a number: the figure it measured, or the right option's index from 0; null when it has none. */
  runAnswer: z.number().nullable(),
  explanation: z.string().max(4_000),
});

export const scorecardSchema = z.strictObject({
  format: z.literal(SCORECARD_FORMAT),
  revision: z.literal(1),
  lesson: z.strictObject({ file: z.string().min(1).max(255), title: z.string().min(1).max(200) }),
  score: z.strictObject({ correct: z.int().min(0), revealed: z.int().min(0), total: z.int().min(0) }),
  questions: z.array(scoredQuestion).max(300),
});
export type Scorecard = z.infer<typeof scorecardSchema>;
export type ScoredQuestion = z.infer<typeof scoredQuestion>;

const verdictWord = (q: ScoredQuestion) => (q.correct === null ? "not scored" : q.correct ? "right" : q.answer === null ? "not answered" : "wrong");

export function scorecardHtml(card: Scorecard): string {
  const { score } = card;
  const body = html`<h1>${card.lesson.title}</h1>
    <p class="score">${score.correct} of ${score.revealed} right${score.revealed < score.total ? html` (${score.total - score.revealed} questions not revealed yet)` : ""}</p>
    <table>
      <thead><tr><th>Step</th><th>Question</th><th>Your answer</th><th>The run's answer</th><th></th></tr></thead>
      <tbody>
        ${card.questions.map(
          (q) => html`<tr class="${verdictWord(q).replace(" ", "-")}">
            <td>${q.stepTitle}</td>
            <td>${q.prompt}<div class="why">${q.explanation}</div></td>
            <td>${q.answer ?? "—"}</td>
            <td>${q.rightAnswer}</td>
            <td>${verdictWord(q)}</td>
          </tr>`,
        )}
      </tbody>
    </table>
    <p class="file">${card.lesson.file}</p>`;
  return page(`Scorecard: ${card.lesson.title}`, body.text);
}

/** One question across a class: how many were asked it and how many got it wrong or left it. */
export interface QuestionSummary {
  readonly lesson: string;
  readonly step: string;
  readonly question: string;
  readonly prompt: string;
  readonly revealed: number;
  readonly wrong: number;
  readonly unanswered: number;
  readonly right: number;
}

/** Every question of the scorecards, the most often missed first (wrong or unanswered, as a share of those revealed it). */
export function classSummary(cards: readonly Scorecard[]): QuestionSummary[] {
  const byKey = new Map<string, { lesson: string; step: string; question: string; prompt: string; revealed: number; wrong: number; unanswered: number; right: number }>();
  for (const card of cards)
    for (const q of card.questions) {
      if (q.correct === null) continue;
      const key = `${card.lesson.file}\n${q.step}\n${q.question}`;
      const entry = byKey.get(key) ?? { lesson: card.lesson.title, step: q.stepTitle, question: q.question, prompt: q.prompt, revealed: 0, wrong: 0, unanswered: 0, right: 0 };
      entry.revealed++;
      if (q.correct) entry.right++;
      else if (q.answer === null) entry.unanswered++;
      else entry.wrong++;
      byKey.set(key, entry);
    }
  const missed = (s: QuestionSummary) => (s.wrong + s.unanswered) / s.revealed;
  return [...byKey.values()].sort((a, b) => missed(b) - missed(a) || b.revealed - a.revealed || a.lesson.localeCompare(b.lesson) || a.question.localeCompare(b.question));
}

export function classSummaryHtml(summary: readonly QuestionSummary[], participants: number): string {
  const body = html`<h1>Class summary</h1>
    <p class="score">${participants} scorecards · the questions most people missed first</p>
    <table>
      <thead><tr><th>Lesson</th><th>Question</th><th>Right</th><th>Wrong</th><th>Not answered</th></tr></thead>
      <tbody>
        ${summary.map(
          (s) => html`<tr>
            <td>${s.lesson}<div class="why">${s.step}</div></td>
            <td>${s.prompt}</td>
            <td>${s.right} / ${s.revealed}</td>
            <td>${s.wrong}</td>
            <td>${s.unanswered}</td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  return page("Class summary", body.text);
}

/** A page that needs nothing else: its style inline, no script, readable printed or on a projector. */
function page(title: string, body: string): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${title}</title>
<style>
body { font: 16px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; padding: 0 1rem; color: #1d2330; }
h1 { font-size: 1.6rem; }
.score { font-size: 1.2rem; font-weight: 600; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 0.4rem 0.6rem; border-bottom: 1px solid #d0d5dd; }
.why, .file { color: #566; font-size: 0.9rem; margin-top: 0.2rem; }
tr.right td:last-child { color: #2b8a3e; font-weight: 600; }
tr.wrong td:last-child, tr.not-answered td:last-child { color: #c92a2a; font-weight: 600; }
</style>
</head>
<body>
${raw(body)}
</body>
</html>
`.text;
}
