import { list, rows, splitList, text, withModelRefs, type Row } from "../fieldPath";
import { EntityRow, fieldAt, rowKey, Section, SelectField, TextField, type SectionProps } from "../fields";
import { ROUTING_STRATEGIES } from "../options";
import { listProblems } from "./listProblems";

const REF_LISTS = [
  { key: "serves", label: "serves" },
  { key: "equivalents", label: "equivalents" },
  { key: "long_context", label: "long context" },
  { key: "content_policy_fallbacks", label: "content-policy fallbacks" },
] as const;

const refText = (ref: Row) => `${text(ref.provider)}/${text(ref.model)}`;

export function ModelsSection(props: SectionProps) {
  const { draft, problems, edit } = props;
  const models = rows(draft, "models");
  return (
    <Section title="Logical models" entity="model" count={models.length} problems={listProblems(problems, "models")} edit={edit} columns={["id", "routing", ...REF_LISTS.map((l) => `${l.label} (provider/model)`)]}>
      {models.map((m, i) => {
        const at = ["topology", "models", i];
        const testId = `editor-model-${text(m.id)}`;
        return (
          <EntityRow key={rowKey(m, i)} entity="model" row={m} at={at} problems={problems} edit={edit}>
            <td>
              <SelectField testId={`${testId}-routing`} label="Routing strategy" value={text(m.routing_strategy)} options={ROUTING_STRATEGIES} fallback="ordered" {...fieldAt([...at, "routing_strategy"], props)} />
            </td>
            {REF_LISTS.map(({ key, label }) => (
              <td key={key}>
                <TextField
                  testId={`${testId}-${key}`}
                  label={`${label}, provider/model, comma-separated`}
                  value={list(m[key]).map(refText).join(", ")}
                  multiline
                  {...fieldAt([...at, key], props)}
                  onSet={(value) => {
                    const refs = withModelRefs(m[key], splitList(String(value ?? "")));
                    fieldAt([...at, key], props).onSet(refs.length === 0 ? undefined : refs);
                  }}
                />
                {key === "serves" && m.routing_strategy === "weighted" && (
                  <div className="editor-weights">
                    {list(m.serves).map((ref, k) => (
                      <label key={k}>
                        {refText(ref)} ×
                        <TextField testId={`${testId}-serves-${k}-weight`} label={`Weight of ${refText(ref)}`} value={text(ref.weight)} placeholder="1" numeric {...fieldAt([...at, "serves", k, "weight"], props)} />
                      </label>
                    ))}
                  </div>
                )}
              </td>
            ))}
          </EntityRow>
        );
      })}
    </Section>
  );
}
