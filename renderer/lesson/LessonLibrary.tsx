/** The sidebar's lessons: each shipped lesson with its length, opened as the session's lesson. */
import { useEffect, useState } from "react";
import type { LabApi, LessonListing } from "../../engine/lab/contract";
import { plural } from "../format";

export function LessonLibrary(props: { api: LabApi; open: string | null; onError: (message: string) => void }) {
  const { api, open, onError } = props;
  const [lessons, setLessons] = useState<readonly LessonListing[] | null>(null);
  const [opening, setOpening] = useState<string | null>(null);
  useEffect(() => {
    api.listLessons({}).then((r) => setLessons(r.lessons), (e: Error) => onError(e.message));
  }, [api, onError]);

  const openLesson = async (file: string) => {
    setOpening(file);
    try {
      const result = await api.openLesson({ name: file });
      if (!result.ok) onError(`${file} does not validate: ${result.problems.map((p) => `${p.line}:${p.column} ${p.field} ${p.message}`).join("; ")}`);
    } catch (error) {
      onError((error as Error).message);
    } finally {
      setOpening(null);
    }
  };

  if (lessons === null || lessons.length === 0) return null;
  return (
    <section className="library lesson-library" data-testid="lesson-library">
      <h3>Lessons</h3>
      <ul>
        {lessons.map((l) => (
          <li key={l.file}>
            <button
              className={`library-item${l.file === open ? " current" : ""}${l.valid ? "" : " invalid"}`}
              data-testid={`lesson-${l.file}`}
              title={l.problem ?? `${l.title}: ${plural(l.steps, "step")}`}
              disabled={opening !== null || !l.valid}
              onClick={() => void openLesson(l.file)}
            >
              <span className="library-name">{l.title}</span>
              <span className="library-file">{opening === l.file ? "opening…" : l.valid ? `${l.durationMin} min · ${plural(l.steps, "step")}` : `invalid: ${l.problem}`}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
