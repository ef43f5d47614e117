import type { Shell } from "./useShell";
import { TEXT_SIZE_PX, type TextSize } from "./viewSettings";

const SIZES = Object.keys(TEXT_SIZE_PX) as TextSize[];
const sizeName = (size: TextSize) => `${size[0]!.toUpperCase()}${size.slice(1)} text`;

/** The screen's arrangement, at the end of the dock's tab row (which stays when the dock is collapsed). */
export function ViewControls({ shell, lessonOpen }: { shell: Shell; lessonOpen: boolean }) {
  return (
    <div className="view-controls">
      <button
        data-testid="toggle-sidebar"
        aria-pressed={shell.sidebar}
        onClick={shell.toggleSidebar}
        disabled={lessonOpen}
        title={lessonOpen ? "The sidebar steps aside while a lesson is open: its drill answers would give the lesson's away" : `${shell.sidebar ? "Hide" : "Show"} the scenario library and drill answers (B)`}
      >
        Sidebar
      </button>
      <button data-testid="toggle-dock" aria-pressed={shell.dock} onClick={shell.toggleDock} title={`${shell.dock ? "Hide" : "Show"} the audit, metrics and timeline dock (J)`}>
        Dock
      </button>
      <select data-testid="text-size" value={shell.textSize} onChange={(e) => shell.setTextSize(e.target.value as TextSize)} title="The smallest text on the graph when it is fitted to the screen; pan or zoom for the rest">
        {SIZES.map((size) => (
          <option key={size} value={size}>
            {sizeName(size)} ({TEXT_SIZE_PX[size]} px)
          </option>
        ))}
      </select>
      <button data-testid="full-screen" aria-pressed="false" onClick={() => shell.setFullScreen(true)} title="The graph over the whole window, with the time controls (F; Esc leaves)">
        Full screen
      </button>
    </div>
  );
}

/** Full screen's one control besides time: the way back, over the canvas's corner. */
export function ExitFullScreen({ shell }: { shell: Shell }) {
  return (
    <button className="exit-full-screen" data-testid="full-screen" aria-pressed="true" onClick={() => shell.setFullScreen(false)} title="Leave full screen (Esc or F)">
      Exit full screen
    </button>
  );
}
