import type { GatewayApiView } from "../../engine/lab/contract";
import { plural } from "../format";

/** Where an OpenAI client reaches each regional gateway, and whether its calls go through now. */
export function GatewayApiPanel({ gatewayApi }: { gatewayApi: GatewayApiView }) {
  return (
    <section className="gateway-api" data-testid="gateway-api">
      <h3>OpenAI endpoint</h3>
      <p className={gatewayApi.refusal ? "muted" : "good"} data-testid="gateway-api-state">
        {gatewayApi.refusal ? `503 for now: ${gatewayApi.refusal}` : `Open while the scenario plays · ${plural(gatewayApi.calls, "call")} so far`}
      </p>
      <ul>
        {gatewayApi.baseUrls.map(({ region, url }) => (
          <li key={region}>
            <span className="muted">{region}</span>
            <code>{url}</code>
          </li>
        ))}
      </ul>
      {gatewayApi.models.length > 0 && <p className="muted">models: {gatewayApi.models.join(", ")} · any API key</p>}
    </section>
  );
}
