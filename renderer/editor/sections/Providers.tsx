import { deployedModels, list, rows, splitList, text, withModelNames, type Row } from "../fieldPath";
import { EntityRow, fieldAt, rowKey, Section, SelectField, TextField, type SectionProps } from "../fields";
import { listProblems } from "./listProblems";

const deployments = (provider: Row): Row[] => list(provider.deployments);

export function ProvidersSection(props: SectionProps) {
  const { draft, problems, edit } = props;
  const providers = rows(draft, "providers");
  const regionIds = rows(draft, "regions").map((r) => text(r.id));
  return (
    <Section title="Providers" entity="provider" count={providers.length} problems={listProblems(problems, "providers")} edit={edit} columns={["id", "deployments: region, endpoint, models"]}>
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
          </EntityRow>
        );
      })}
    </Section>
  );
}
