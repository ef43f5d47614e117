import { useLayoutEffect, useRef, useState } from "react";
import { REQUEST_FAULT_CLASSES, REQUEST_FAULT_DEFAULTS, REQUEST_FAULT_LABELS, type FaultSpec, type FaultView } from "../../engine/lab/contract";
import type { GraphTarget } from "./graph";

/** Whether an active fault is about the clicked thing, so the menu can offer to heal it. */
function concerns(target: GraphTarget, fault: FaultView["fault"]): boolean {
  switch (target.kind) {
    case "gateway":
      return "region" in fault && fault.region === target.region && !("provider" in fault && fault.provider !== undefined);
    case "endpoint":
      return "region" in fault && fault.region === target.region && (!("provider" in fault) || fault.provider === undefined || fault.provider === target.provider);
    case "link":
      return fault.kind === "latency" && ((fault.from === target.from && fault.to === target.to) || (fault.from === target.to && fault.to === target.from));
    case "audit":
      return fault.kind === "audit-partition" && target.regions.includes(fault.region);
    case "idp":
      return (fault.kind === "idp-partition" && target.regions.includes(fault.region)) || (fault.kind === "idp-outage" && target.idpRegions.includes(fault.region));
  }
}

function title(target: GraphTarget): string {
  if (target.kind === "gateway") return `Region ${target.region}`;
  if (target.kind === "endpoint") return `Endpoint ${target.endpoint}`;
  if (target.kind === "audit") return target.regions.length === 1 ? `Audit link of ${target.regions[0]}` : "Audit store";
  if (target.kind === "idp") return target.idpRegions.length === 0 ? `Identity link of ${target.regions[0]}` : "Identity provider";
  return `Link ${target.from} ↔ ${target.to}`;
}

/**
 * What a user can do to the clicked part of the topology: fail it, degrade it (latency, error rate) or heal
 * it. Every choice becomes one command object, sent to the engine and shown on the timeline.
 */
export function FaultMenu(props: {
  target: GraphTarget;
  at: { x: number; y: number };
  faults: readonly FaultView[];
  onInject: (fault: FaultSpec) => void;
  onHeal: (faultId: string) => void;
  onClose: () => void;
}) {
  const { target } = props;
  const [latencyMs, setLatencyMs] = useState(400);
  const [errorPercent, setErrorPercent] = useState(50);
  const [requestFault, setRequestFault] = useState<(typeof REQUEST_FAULT_CLASSES)[number]>("rate-limit-retry-after");
  const [requestFaultModel, setRequestFaultModel] = useState("");
  const [requestFaultOnce, setRequestFaultOnce] = useState(false);
  const active = props.faults.filter((f) => f.healedAt === null && concerns(target, f.fault));
  // Opened where the user clicked, but never running off the window: a menu near the bottom edge moves up.
  const menu = useRef<HTMLDivElement>(null);
  const [place, setPlace] = useState(props.at);
  useLayoutEffect(() => {
    const box = menu.current?.getBoundingClientRect();
    if (!box) return;
    const margin = 8;
    setPlace({
      x: Math.max(margin, Math.min(props.at.x, window.innerWidth - box.width - margin)),
      y: Math.max(margin, Math.min(props.at.y, window.innerHeight - box.height - margin)),
    });
  }, [props.at.x, props.at.y, target]);
  const act = (fault: FaultSpec) => {
    props.onInject(fault);
    props.onClose();
  };
  return (
    <div ref={menu} className="fault-menu" role="menu" data-testid="fault-menu" style={{ left: place.x, top: place.y }} onKeyDown={(e) => e.key === "Escape" && props.onClose()}>
      <div className="fault-menu-title">{title(target)}</div>
      {target.kind === "gateway" && (
        <>
          <button role="menuitem" data-testid="fail-region" onClick={() => act({ kind: "region-outage", region: target.region, behaviour: "error-503" })}>
            Fail region (every provider answers 503)
          </button>
          <button role="menuitem" onClick={() => act({ kind: "region-outage", region: target.region, behaviour: "no-response" })}>
            Fail region silently (no response)
          </button>
          <button role="menuitem" data-testid="gateway-down" onClick={() => act({ kind: "gateway-down", region: target.region })}>
            Take the gateway down
          </button>
          <button role="menuitem" onClick={() => act({ kind: "audit-partition", region: target.region })}>
            Cut off from the audit store
          </button>
          {target.identity && (
            <button role="menuitem" onClick={() => act({ kind: "idp-partition", region: target.region })}>
              Cut off from the identity provider
            </button>
          )}
        </>
      )}
      {target.kind === "endpoint" && (
        <>
          <button role="menuitem" data-testid="fail-endpoint" onClick={() => act({ kind: "region-outage", region: target.region, provider: target.provider, behaviour: "error-503" })}>
            Fail this provider here
          </button>
          {target.models.map((model) => (
            <button role="menuitem" key={model} onClick={() => act({ kind: "model-outage", region: target.region, provider: target.provider, model })}>
              Take {model} down
            </button>
          ))}
          <label className="fault-menu-field">
            Error rate
            <input type="number" min={1} max={100} value={errorPercent} onChange={(e) => setErrorPercent(Number(e.target.value))} /> %
            <button onClick={() => act({ kind: "error-rate", region: target.region, provider: target.provider, rate: Math.min(100, Math.max(1, errorPercent)) / 100, status: 503 })}>Degrade</button>
          </label>
          <label className="fault-menu-field wrap">
            Request fault
            <select data-testid="request-fault-class" value={requestFault} onChange={(e) => setRequestFault(e.target.value as typeof requestFault)}>
              {REQUEST_FAULT_CLASSES.map((cls) => (
                <option key={cls} value={cls}>
                  {REQUEST_FAULT_LABELS[cls]}
                </option>
              ))}
            </select>
            <select data-testid="request-fault-model" value={requestFaultModel} onChange={(e) => setRequestFaultModel(e.target.value)}>
              <option value="">every model</option>
              {target.models.map((model) => (
                <option key={model} value={model}>
                  {model}
                </option>
              ))}
            </select>
            <label>
              <input type="checkbox" checked={requestFaultOnce} onChange={(e) => setRequestFaultOnce(e.target.checked)} /> once
            </label>
            <button
              data-testid="inject-request-fault"
              onClick={() =>
                act({
                  kind: "request-fault",
                  region: target.region,
                  provider: target.provider,
                  class: requestFault,
                  ...REQUEST_FAULT_DEFAULTS,
                  ...(requestFaultModel ? { model: requestFaultModel } : {}),
                  ...(requestFaultOnce ? { times: 1 } : {}),
                })
              }
            >
              Inject
            </button>
          </label>
        </>
      )}
      {target.kind === "audit" &&
        target.regions.map((region) => (
          <button role="menuitem" key={region} data-testid={`audit-partition-${region}`} onClick={() => act({ kind: "audit-partition", region })}>
            Cut {region} off from the audit store
          </button>
        ))}
      {target.kind === "idp" && (
        <>
          {target.regions.map((region) => (
            <button role="menuitem" key={region} data-testid={`idp-partition-${region}`} onClick={() => act({ kind: "idp-partition", region })}>
              Cut {region} off from the identity provider
            </button>
          ))}
          {target.idpRegions.map((region) => (
            <button role="menuitem" key={region} data-testid={`idp-outage-${region}`} onClick={() => act({ kind: "idp-outage", region })}>
              Take the identity provider down in {region}
            </button>
          ))}
          {target.idpRegions.length > 0 && (
            <button role="menuitem" data-testid="key-rotation" onClick={() => act({ kind: "key-rotation" })}>
              Rotate the signing key (drop the old one)
            </button>
          )}
        </>
      )}
      {target.kind === "link" && (
        <label className="fault-menu-field">
          Added latency
          <input type="number" min={1} max={600000} value={latencyMs} onChange={(e) => setLatencyMs(Number(e.target.value))} /> ms
          <button data-testid="add-latency" onClick={() => act({ kind: "latency", from: target.from, to: target.to, added_ms: Math.max(1, latencyMs) })}>
            Degrade
          </button>
        </label>
      )}
      {active.map((f) => (
        <button role="menuitem" key={f.id} className="heal" data-testid={`heal-${f.id}`} onClick={() => (props.onHeal(f.id), props.onClose())}>
          Heal {f.id} ({f.kind})
        </button>
      ))}
      <button className="fault-menu-close" onClick={props.onClose}>
        Close
      </button>
    </div>
  );
}
