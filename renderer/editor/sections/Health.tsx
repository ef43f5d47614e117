import type { SectionProps } from "../fields";
import { HEALTH_FIELDS } from "../options";
import { OptionFields } from "./OptionFields";

const GROUPS = [
  { key: "probe", title: "Active probes" },
  { key: "passive", title: "Passive error rate" },
  { key: "circuit", title: "Circuit breaker" },
];

export function HealthSection(props: SectionProps) {
  return (
    <div data-testid="editor-health">
      {GROUPS.map((g) => (
        <fieldset key={g.key} className="editor-settings">
          <legend>{g.title}</legend>
          <OptionFields {...props} fields={HEALTH_FIELDS.filter((f) => f.path[1] === g.key)} testPrefix="editor" />
        </fieldset>
      ))}
    </div>
  );
}
