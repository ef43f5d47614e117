/** The draft as forms, a section per part of the scenario, each in its own file under sections/. */
import type { ReactNode } from "react";
import { plural } from "../format";
import { problemsAt, type FieldPath } from "./fieldPath";
import type { SectionProps } from "./fields";
import { AuditSection } from "./sections/Audit";
import { CallersSection } from "./sections/Callers";
import { DirectorSection } from "./sections/Director";
import { GatewaySection } from "./sections/Gateway";
import { HealthSection } from "./sections/Health";
import { IdentitySection } from "./sections/Identity";
import { LatencySection } from "./sections/Latency";
import { ModelsSection } from "./sections/Models";
import { PolicySection } from "./sections/Policy";
import { ProvidersSection } from "./sections/Providers";
import { RegionsSection } from "./sections/Regions";

/** The parts most drafts leave at their defaults, each collapsed until opened so the dock stays short. */
const ADVANCED: readonly { name: string; title: string; at: FieldPath; Section: (props: SectionProps) => ReactNode }[] = [
  { name: "latency", title: "Latency between regions", at: ["topology", "rtt_ms"], Section: LatencySection },
  { name: "policy", title: "Residency policy", at: ["policy"], Section: PolicySection },
  { name: "identity", title: "Identity provider", at: ["identity"], Section: IdentitySection },
  { name: "audit", title: "Audit", at: ["audit"], Section: AuditSection },
  { name: "health", title: "Health checks", at: ["health"], Section: HealthSection },
  { name: "gateway", title: "Gateway retries, timeouts and capacity", at: ["gateway"], Section: GatewaySection },
];

export function DraftForm(props: SectionProps) {
  return (
    <div className="editor-sections">
      <RegionsSection {...props} />
      <ProvidersSection {...props} />
      <ModelsSection {...props} />
      <CallersSection {...props} />
      <DirectorSection {...props} />
      {ADVANCED.map(({ name, title, at, Section }) => {
        // A closed section hides its problems, so its summary counts them.
        const count = problemsAt(props.problems, at).length;
        return (
          <details key={name} className="editor-advanced" data-testid={`editor-section-${name}`}>
            <summary>
              {title}
              {count > 0 && (
                <span className="editor-row-problems" data-testid={`editor-section-${name}-problems`}>
                  {plural(count, "problem")}
                </span>
              )}
            </summary>
            <Section {...props} />
          </details>
        );
      })}
    </div>
  );
}
