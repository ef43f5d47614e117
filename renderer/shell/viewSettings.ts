/**
 * How the user arranged the app's screen: the node-text size the graph is fitted for, and whether the
 * sidebar and the dock are shown. Kept in the browser's storage so a trainer's projector set-up survives a
 * reload; pure apart from the `Storage` handed in.
 */
import { createContext } from "react";

export type TextSize = "small" | "medium" | "large";

/** The smallest node text the fitted graph shows at each setting, in rendered CSS px. */
export const TEXT_SIZE_PX: Readonly<Record<TextSize, number>> = { small: 12, medium: 14, large: 16 };

export interface ViewSettings {
  readonly textSize: TextSize;
  readonly sidebar: boolean;
  readonly dock: boolean;
}

export const DEFAULT_VIEW: ViewSettings = { textSize: "small", sidebar: true, dock: true };

const STORAGE_KEY = "failover-lab.view";

/** The part of the browser's `localStorage` the settings use (named here: the tests compile without the DOM's types). */
interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** The saved settings; a missing, unreadable or partly outdated entry falls back field by field to the defaults. */
export function loadViewSettings(storage: Pick<KeyValueStore, "getItem">): ViewSettings {
  let saved: Partial<Record<keyof ViewSettings, unknown>> = {};
  try {
    const parsed: unknown = JSON.parse(storage.getItem(STORAGE_KEY) ?? "{}");
    if (parsed && typeof parsed === "object") saved = parsed;
  } catch {
    // A corrupt entry is not worth an error on screen: the defaults are a usable screen.
  }
  return {
    textSize: typeof saved.textSize === "string" && saved.textSize in TEXT_SIZE_PX ? (saved.textSize as TextSize) : DEFAULT_VIEW.textSize,
    sidebar: typeof saved.sidebar === "boolean" ? saved.sidebar : DEFAULT_VIEW.sidebar,
    dock: typeof saved.dock === "boolean" ? saved.dock : DEFAULT_VIEW.dock,
  };
}

export function saveViewSettings(storage: Pick<KeyValueStore, "setItem">, settings: ViewSettings): void {
  storage.setItem(STORAGE_KEY, JSON.stringify(settings));
}

/** The smallest node text the canvas's fit must keep readable, rendered CSS px; the app provides the setting's. */
export const NodeTextContext = createContext<number>(TEXT_SIZE_PX[DEFAULT_VIEW.textSize]);
