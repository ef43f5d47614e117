/**
 * *Import…* in the app: a gateway's config becomes a scenario, which is loaded as a new run when it imports.
 * The same importers as `failover-lab import`, so the app and the command line give the same scenario and the
 * same warnings for the same file and rules.
 */
import { basename } from "node:path";
import { IMPORTERS } from "../../import/formats";
import { parseRegionRule, type RegionRule } from "../../import/regions";
import type { Handlers } from "./handler";

export const importCommands = {
  importConfig: {
    readOnly: false,
    refusedInLesson: "a lesson is open: close it before importing a config, or its answers and run are lost",
    run: async (lab, { format, fileName, text, regions }) => {
      const file = basename(fileName);
      const rules: RegionRule[] = [];
      for (const [i, spec] of regions.entries()) {
        const parsed = parseRegionRule(spec);
        // A rule is the user's typing, not the config's: its mistake is named by its place in the list.
        if (!parsed.ok) throw new Error(`region rule ${i + 1}, "${spec}": ${parsed.message}`);
        rules.push(parsed.rule);
      }
      if (rules.length === 0) throw new Error("at least one region rule is needed to place the config's endpoints");
      const imported = IMPORTERS[format](text, file, rules);
      if (!imported.ok) return imported;
      const scenarioFile = `${file.replace(/\.(ya?ml|json)$/i, "")}-imported.yaml`;
      await lab.replaceRun(lab.newRun(imported.scenario, imported.scenarioText, scenarioFile));
      return { ok: true, fileName: scenarioFile, warnings: imported.warnings };
    },
  },
} satisfies Handlers<"importConfig">;
