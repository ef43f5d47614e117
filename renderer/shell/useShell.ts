import { useCallback, useEffect, useState } from "react";
import { loadViewSettings, saveViewSettings, type TextSize, type ViewSettings } from "./viewSettings";

/** Keys typed into a field, or chords meant for the browser, are not the app's shortcuts. */
export function notAShortcut(event: KeyboardEvent): boolean {
  const target = event.target as HTMLElement;
  return ["INPUT", "SELECT", "TEXTAREA"].includes(target.tagName) || event.ctrlKey || event.metaKey || event.altKey;
}

export interface Shell extends ViewSettings {
  /** The canvas over the whole window but the time controls; not saved, so a reload never opens bare. */
  readonly fullScreen: boolean;
  toggleSidebar(): void;
  toggleDock(): void;
  setTextSize(size: TextSize): void;
  setFullScreen(on: boolean): void;
}

/** The screen's arrangement, saved on each change, with its shortcuts: B sidebar, J dock, F full screen, Esc leaves it. */
export function useShell(): Shell {
  const [settings, setSettings] = useState<ViewSettings>(() => loadViewSettings(localStorage));
  const [fullScreen, setFullScreen] = useState(false);
  useEffect(() => saveViewSettings(localStorage, settings), [settings]);

  const toggleSidebar = useCallback(() => setSettings((s) => ({ ...s, sidebar: !s.sidebar })), []);
  const toggleDock = useCallback(() => setSettings((s) => ({ ...s, dock: !s.dock })), []);
  const setTextSize = useCallback((textSize: TextSize) => setSettings((s) => ({ ...s, textSize })), []);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (notAShortcut(event)) return;
      const key = event.key.toLowerCase();
      if (key === "f") setFullScreen((on) => !on);
      else if (key === "escape") setFullScreen(false);
      // The sidebar and dock are out of sight in full screen: toggling them there would change nothing visible.
      else if (key === "b" && !fullScreen) toggleSidebar();
      else if (key === "j" && !fullScreen) toggleDock();
      else return;
      // Escape also closes the fault menu (the app's own handler): not ours alone to consume.
      if (key !== "escape") event.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [fullScreen, toggleSidebar, toggleDock]);

  return { ...settings, fullScreen, toggleSidebar, toggleDock, setTextSize, setFullScreen };
}
