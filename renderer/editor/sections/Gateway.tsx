import { text, valueAt, type Row } from "../fieldPath";
import { fieldAt, SelectField, TextField, type SectionProps } from "../fields";
import { GATEWAY_FIELDS, GATEWAY_LISTS, STREAM_HOLDBACK } from "../options";
import { formatStatusCodes, parseStatusCodes } from "../statusCodes";
import { FieldProblems, OptionFields } from "./OptionFields";

export function GatewaySection(props: SectionProps) {
  const { draft, problems } = props;
  const holdback = valueAt(draft, STREAM_HOLDBACK.path);
  const held = typeof holdback === "object" && holdback !== null ? (holdback as Row) : {};
  const kind = STREAM_HOLDBACK.kinds.find((k) => k in held) ?? "";
  const holdbackField = fieldAt(STREAM_HOLDBACK.path, props);
  return (
    <div data-testid="editor-gateway">
      <div className="editor-settings-row">
        <OptionFields {...props} fields={GATEWAY_FIELDS} testPrefix="editor" />
      </div>
      <div className="editor-settings-row">
        {GATEWAY_LISTS.map((f) => {
          const field = fieldAt(f.path, props);
          return (
            <label key={f.path.join(".")} title='Statuses such as 429, or a class: 4xx, 5xx; "none" for no status'>
              {f.label}
              <TextField
                testId={`editor-${f.path.join("-")}`}
                label={f.label}
                value={formatStatusCodes(valueAt(draft, f.path))}
                placeholder={f.fallback}
                wide
                {...field}
                onSet={(typed) => field.onSet(typed === undefined ? undefined : parseStatusCodes(String(typed)))}
              />
              <FieldProblems problems={problems} at={f.path} />
            </label>
          );
        })}
        <label title="The start of a streamed answer held back, so a stream broken inside it restarts cleanly on any fallback">
          Stream holdback
          <SelectField
            testId="editor-gateway-stream_holdback-kind"
            label="Stream holdback in"
            value={kind}
            options={STREAM_HOLDBACK.kinds}
            fallback={`${STREAM_HOLDBACK.fallback.value} ${STREAM_HOLDBACK.fallback.kind}`}
            {...holdbackField}
            // The amount carries over to the other kind, so switching is one edit that leaves a valid holdback.
            onSet={(to) => holdbackField.onSet(to === undefined ? undefined : { [String(to)]: kind === "" ? 0 : (held[kind] ?? 0) })}
          />
          <TextField
            testId="editor-gateway-stream_holdback-value"
            label={kind === "ms" ? "Milliseconds held back" : "Chunks held back"}
            value={kind === "" ? "" : text(held[kind])}
            placeholder={STREAM_HOLDBACK.fallback.value}
            numeric
            {...holdbackField}
            onSet={(to) => holdbackField.onSet(to === undefined ? undefined : { [kind === "" ? STREAM_HOLDBACK.fallback.kind : kind]: to })}
          />
          <FieldProblems problems={problems} at={STREAM_HOLDBACK.path} />
        </label>
      </div>
    </div>
  );
}
