import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FAULT_MENU } from "../../engine/faults/registry";
import { LabController } from "../../engine/lab/controller";
import { serveCommand } from "../../engine/lab/validation";
import { scenarioFolder } from "../../host/scenarioLibrary";

describe("the faultCatalog command", () => {
  it("answers the fault kinds' menu entries, which the renderer draws its fault menus from", async () => {
    const controller = new LabController({ scenarios: scenarioFolder(join(import.meta.dirname, "../../scenarios")), wallNow: () => 0, waitWallMs: async () => undefined });
    try {
      const reply = await serveCommand(controller, "faultCatalog", {});
      expect(reply).toEqual({ ok: true, result: { entries: FAULT_MENU } });
      // What a region's menu offers today, in its order.
      expect(FAULT_MENU.filter((entry) => entry.node === "region").map((entry) => entry.label)).toEqual([
        "Fail region (every provider answers 503)",
        "Fail region silently (no response)",
        "Take the gateway down",
        "Cut off from the audit store",
        "Cut off from the identity provider",
      ]);
      expect(await serveCommand(controller, "faultCatalog", { extra: 1 })).toMatchObject({ ok: false });
    } finally {
      await controller.close();
    }
  });
});
