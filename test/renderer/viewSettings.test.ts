import { describe, expect, it } from "vitest";
import { DEFAULT_VIEW, loadViewSettings, saveViewSettings, TEXT_SIZE_PX } from "../../renderer/shell/viewSettings";

/** The part of the browser's storage the settings use, in memory. */
function memoryStorage(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial));
  return { getItem: (key: string) => items.get(key) ?? null, setItem: (key: string, value: string) => void items.set(key, value) };
}

describe("the screen's saved arrangement", () => {
  it("reads back what was saved", () => {
    const storage = memoryStorage();
    saveViewSettings(storage, { textSize: "large", sidebar: false, dock: false });
    expect(loadViewSettings(storage)).toEqual({ textSize: "large", sidebar: false, dock: false });
  });

  it("falls back to the defaults, field by field, for a missing, corrupt or outdated entry", () => {
    expect(loadViewSettings(memoryStorage())).toEqual(DEFAULT_VIEW);
    expect(loadViewSettings(memoryStorage({ "failover-lab.view": "{not json" }))).toEqual(DEFAULT_VIEW);
    expect(loadViewSettings(memoryStorage({ "failover-lab.view": '{"textSize":"huge","sidebar":false,"dock":"no"}' }))).toEqual({ ...DEFAULT_VIEW, sidebar: false });
  });

  it("offers text sizes from 12 px, the smallest readable on a 1280×720 projector, upwards", () => {
    expect(Object.values(TEXT_SIZE_PX)).toEqual([12, 14, 16]);
    expect(TEXT_SIZE_PX[DEFAULT_VIEW.textSize]).toBe(12);
  });
});
