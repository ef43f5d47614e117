import { deployedModels, list, rows, splitList, text, valueAt, withModelNames, type FieldPath, type Row } from "../fieldPath";
import { EntityRow, fieldAt, rowKey, Section, SelectField, TextField, type SectionProps } from "../fields";
import { DEPLOYMENT_FIELDS, PROVIDER_FIELDS, type OptionField } from "../options";
import { listProblems } from "./listProblems";
import { OptionFields } from "./OptionFields";

const deployments = (provider: Row): Row[] => list(provider.deployments);

const LATENCY = DEPLOYMENT_FIELDS.filter((f) => f.path[0] === "latency");

/**
 * A deployment's latency needs both its median and its p95, so one typed alone is written with the other's
 * default; with both emptied the latency goes, back to its default.
 */
function latencyWriter(props: SectionProps, at: FieldPath) {
  return (f: OptionField, value: unknown) => {
    if (!LATENCY.includes(f)) return fieldAt([...at, ...f.path], props).onSet(value);
    const before = valueAt(props.draft, [...at, "latency"]);
    const typed = (l: OptionField) => (l === f ? value : typeof before === "object" && before !== null ? (before as Row)[String(l.path[1])] : undefined);
    const latency = Object.fromEntries(LATENCY.map((l) => [l.path[1], typed(l) ?? Number(l.fallback)]));
    fieldAt([...at, "latency"], props).onSet(LATENCY.every((l) => typed(l) === undefined) ? undefined : latency);
  };
}

export function ProvidersSection(props: SectionProps) {
  const { draft, problems, edit } = props;
  const providers = rows(draft, "providers");
  const regionIds = rows(draft, "regions").map((r) => text(r.id));
  return (
    <Section title="Providers" entity="provider" count={providers.length} problems={listProblems(problems, "providers")} edit={edit} columns={["id", "deployments: region, endpoint, models", "status page, prefill"]}>
      {providers.map((p, i) => {
        const at = ["topology", "providers", i];
        const id = text(p.id);
        const deployedIn = new Set(deployments(p).map((d) => text(d.region)));
        // A new deployment is a connection to a region the provider is not in yet, made as the canvas makes it.
        const nextRegion = regionIds.find((r) => !deployedIn.has(r));
        return (
          <EntityRow key={rowKey(p, i)} entity="provider" row={p} at={at} problems={problems} edit={edit}>
            <td>
              {deployments(p).map((d, j) => {
                const dat = [...at, "deployments", j];
                const testId = `editor-provider-${id}-deployment-${j}`;
                return (
                  <div key={j} className="editor-deployment">
                    <button data-testid={`${testId}-remove`} onClick={() => fieldAt(dat, props).onSet(undefined)} title="Remove this deployment" aria-label="Remove this deployment">
                      −
                    </button>
                    <SelectField testId={`${testId}-region`} label="Region" value={text(d.region)} options={regionIds} {...fieldAt([...dat, "region"], props)} />
                    <TextField testId={`${testId}-endpoint`} label="Endpoint" value={text(d.endpoint)} wide {...fieldAt([...dat, "endpoint"], props)} />
                    <TextField
                      testId={`${testId}-models`}
                      label="Models, comma-separated"
                      value={deployedModels(d.models).join(", ")}
                      {...fieldAt([...dat, "models"], props)}
                      onSet={(value) => fieldAt([...dat, "models"], props).onSet(withModelNames(d.models, splitList(String(value ?? ""))))}
                    />
                    <details className="editor-deployment-more" data-testid={`${testId}-more`}>
                      <summary>more</summary>
                      <div className="editor-settings-row">
                        <OptionFields {...props} fields={DEPLOYMENT_FIELDS} testPrefix={testId} at={dat} write={latencyWriter(props, dat)} />
                      </div>
                    </details>
                  </div>
                );
              })}
              <button
                data-testid={`editor-provider-${id}-add-deployment`}
                disabled={nextRegion === undefined}
                title={nextRegion === undefined ? `${id} is deployed in every region` : `Deploy ${id} in ${nextRegion}`}
                onClick={() => nextRegion !== undefined && void edit({ op: "connect", from: { entity: "provider", id }, to: { entity: "region", id: nextRegion } })}
              >
                + deployment
              </button>
            </td>
            <td className="editor-provider-fields">
              <OptionFields {...props} fields={PROVIDER_FIELDS} testPrefix={`editor-provider-${id}`} at={at} />
            </td>
          </EntityRow>
        );
      })}
    </Section>
  );
}
