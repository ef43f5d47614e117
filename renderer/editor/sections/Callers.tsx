import { rows, text, valueAt, type Row } from "../fieldPath";
import { EntityRow, fieldAt, rowKey, Section, SelectField, TextField, type SectionProps } from "../fields";
import { BAD_TOKEN_KINDS, CALLER_FIELDS, JURISDICTIONS } from "../options";
import { listProblems } from "./listProblems";

export function CallersSection(props: SectionProps) {
  const { draft, problems, edit } = props;
  const callers = rows(draft, "callers");
  const regionIds = rows(draft, "regions").map((r) => text(r.id));
  const modelIds = rows(draft, "models").map((m) => text(m.id));
  return (
    <Section title="Callers" entity="callers" count={callers.length} problems={listProblems(problems, "callers")} edit={edit} columns={["id", "region", "jurisdiction", "model", "rate/s", "consent", ...CALLER_FIELDS.map((f) => f.label), "bad tokens: wrong key, expired, wrong audience"]}>
      {callers.map((c, i) => {
        const at = ["topology", "callers", i];
        const testId = `editor-callers-${text(c.id)}`;
        const badTokens = (c.bad_tokens ?? {}) as Row;
        return (
          <EntityRow key={rowKey(c, i)} entity="callers" row={c} at={at} problems={problems} edit={edit}>
            <td>
              <SelectField testId={`${testId}-region`} label="Region" value={text(c.region)} options={regionIds} {...fieldAt([...at, "region"], props)} />
            </td>
            <td>
              <SelectField testId={`${testId}-jurisdiction`} label="Jurisdiction of the data" value={text(c.jurisdiction)} options={JURISDICTIONS} {...fieldAt([...at, "jurisdiction"], props)} />
            </td>
            <td>
              <SelectField testId={`${testId}-model`} label="Logical model" value={text(c.model)} options={modelIds} {...fieldAt([...at, "model"], props)} />
            </td>
            <td>
              <TextField testId={`${testId}-rate`} label="Requests per second" value={text(c.rate_per_s)} numeric {...fieldAt([...at, "rate_per_s"], props)} />
            </td>
            <td>
              <TextField testId={`${testId}-consent`} label="Share with cross-border consent" value={text(c.consent_share)} placeholder="0" numeric {...fieldAt([...at, "consent_share"], props)} />
            </td>
            {CALLER_FIELDS.map((f) => (
              <td key={f.label} title={f.hint}>
                <TextField testId={`${testId}-${f.path.join("-")}`} label={f.hint ?? f.label} value={text(valueAt(draft, [...at, ...f.path]))} placeholder={f.fallback} numeric {...fieldAt([...at, ...f.path], props)} />
              </td>
            ))}
            <td className="editor-tokens">
              {BAD_TOKEN_KINDS.map((kind) => (
                <TextField key={kind} testId={`${testId}-bad-${kind}`} label={`Share of ${kind} tokens`} value={text(badTokens[kind])} placeholder="0" numeric {...fieldAt([...at, "bad_tokens", kind], props)} />
              ))}
            </td>
          </EntityRow>
        );
      })}
    </Section>
  );
}
