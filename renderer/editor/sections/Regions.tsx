import { rows, text } from "../fieldPath";
import { EntityRow, fieldAt, rowKey, Section, SelectField, TextField, type SectionProps } from "../fields";
import { JURISDICTIONS } from "../options";
import { listProblems } from "./listProblems";

export function RegionsSection(props: SectionProps) {
  const { draft, problems, edit } = props;
  const regions = rows(draft, "regions");
  return (
    <Section title="Regions" entity="region" count={regions.length} problems={listProblems(problems, "regions")} edit={edit} columns={["id", "jurisdiction", "location"]}>
      {regions.map((r, i) => {
        const at = ["topology", "regions", i];
        return (
          <EntityRow key={rowKey(r, i)} entity="region" row={r} at={at} problems={problems} edit={edit}>
            <td>
              <SelectField testId={`editor-region-${text(r.id)}-jurisdiction`} label="Jurisdiction" value={text(r.jurisdiction)} options={JURISDICTIONS} {...fieldAt([...at, "jurisdiction"], props)} />
            </td>
            <td>
              <TextField testId={`editor-region-${text(r.id)}-location`} label="Location" value={text(r.location)} {...fieldAt([...at, "location"], props)} />
            </td>
          </EntityRow>
        );
      })}
    </Section>
  );
}
