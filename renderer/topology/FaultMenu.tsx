import { Fragment, useLayoutEffect, useRef, useState } from "react";
import type { FaultMenuEntry, FaultMenuParam, FaultMenuTarget, FaultRequest, FaultView } from "../../engine/lab/contract";
import type { GraphTarget } from "./graph";
import { menuTitle } from "./menuTitle";

const NODE_OF: Record<GraphTarget["kind"], FaultMenuEntry["node"]> = { gateway: "region", endpoint: "endpoint", link: "link", audit: "audit", idp: "identity", population: "population" };

/** What the clicked thing tells the menu entries. */
function menuTarget(target: GraphTarget): FaultMenuTarget {
  switch (target.kind) {
    case "gateway":
      return { values: { region: target.region }, lists: {}, flags: target.identity ? ["identity"] : [] };
    case "endpoint":
      return { values: { region: target.region, provider: target.provider }, lists: { models: target.models }, flags: [] };
    case "link":
      return { values: { from: target.from, to: target.to }, lists: {}, flags: [] };
    case "audit":
      return { values: {}, lists: { regions: target.regions }, flags: [] };
    case "idp":
      return { values: {}, lists: { regions: target.regions, idpRegions: target.idpRegions }, flags: [] };
    case "population":
      return { values: { population: target.population }, lists: {}, flags: [] };
  }
}

/** One offered item: an entry, with the target's values (and its `each` binding) in place. */
interface MenuItem {
  readonly key: string;
  readonly entry: FaultMenuEntry;
  readonly values: Readonly<Record<string, string>>;
  readonly lists: FaultMenuTarget["lists"];
}

function itemsFor(entries: readonly FaultMenuEntry[], target: GraphTarget): MenuItem[] {
  const node = NODE_OF[target.kind];
  const { values, lists, flags } = menuTarget(target);
  return entries.flatMap((entry, i) => {
    if (entry.node !== node) return [];
    if (entry.requires !== undefined && !flags.includes(entry.requires) && !(lists[entry.requires]?.length ?? 0)) return [];
    const each = entry.each;
    if (!each) return [{ key: `${i}`, entry, values, lists }];
    return (lists[each.list] ?? []).map((value) => ({ key: `${i}:${value}`, entry, values: { ...values, [each.as]: value }, lists }));
  });
}

/**
 * Whether an active fault is about the clicked thing, so the menu can offer to heal it: one of its kind's
 * entries on this node would inject it here. Fields another entry of the kind takes from its target (an
 * endpoint's provider) must be absent, so a whole region's outage is not one of its providers'.
 */
function concerns(entries: readonly FaultMenuEntry[], target: GraphTarget, fault: Readonly<Record<string, unknown>> & { readonly kind: string }): boolean {
  const node = NODE_OF[target.kind];
  const { values, lists } = menuTarget(target);
  const ofKind = entries.filter((entry) => entry.kind === fault.kind && entry.heals);
  const placed = new Set(ofKind.flatMap((entry) => Object.keys(entry.fromTarget)));
  const matches = (entry: FaultMenuEntry, swap: boolean) => {
    const named = Object.entries(entry.fromTarget);
    const pairs = swap ? named.map(([field], i) => [field, named[named.length - 1 - i]![1]] as const) : named;
    const nameOf = new Map(pairs);
    return [...placed].every((field) => {
      const name = nameOf.get(field);
      if (name === undefined) return fault[field] === undefined;
      if (entry.each?.as === name) return (lists[entry.each.list] ?? []).some((value) => value === fault[field]);
      return values[name] === fault[field];
    });
  };
  return ofKind.some((entry) => entry.node === node && (matches(entry, false) || (entry.undirected === true && matches(entry, true))));
}

const fill = (text: string, values: Readonly<Record<string, string>>) => text.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? name);

/** The fault an item injects, from the target's values, the entry's fixed fields and what the user filled in. */
function faultOf(item: MenuItem, filled: Readonly<Record<string, string | number | boolean>>): FaultRequest {
  const fromTarget = Object.fromEntries(Object.entries(item.entry.fromTarget).map(([field, name]) => [field, item.values[name] ?? ""]));
  return { kind: item.entry.kind, ...fromTarget, ...item.entry.fixed, ...filled };
}

type ParamValue = string | number | boolean;

const initial = (param: FaultMenuParam): ParamValue => (param.type === "number" ? param.default : param.type === "choice" ? param.default : param.type === "flag" ? false : "");

/** The fault fields a param contributes, given what the user entered; an empty choice or unchecked box none. */
function fieldsOf(param: FaultMenuParam, value: ParamValue): Record<string, ParamValue> {
  switch (param.type) {
    case "number":
      return { [param.field]: Math.min(param.max, Math.max(param.min, Number(value))) / param.per };
    case "choice":
      return { [param.field]: value };
    case "list-choice":
      return value ? { [param.field]: value } : {};
    case "flag":
      return value ? { [param.field]: param.value } : {};
  }
}

/** An entry with fields to fill in, and the button that injects it. */
function FieldsItem(props: { item: MenuItem; act: (fault: FaultRequest) => void }) {
  const { item } = props;
  const { params } = item.entry;
  const [values, setValues] = useState<ParamValue[]>(() => params.map(initial));
  const set = (i: number, value: ParamValue) => setValues((old) => old.map((v, j) => (j === i ? value : v)));
  const inject = () => props.act(faultOf(item, Object.assign({}, ...params.map((param, i) => fieldsOf(param, values[i]!)))));
  return (
    <label className={params.length > 1 ? "fault-menu-field wrap" : "fault-menu-field"}>
      {fill(item.entry.label, item.values)}
      {params.map((param, i) => {
        const value = values[i]!;
        switch (param.type) {
          case "number":
            return (
              <Fragment key={param.field}>
                {param.label}
                <input type="number" min={param.min} max={param.max} value={Number(value)} onChange={(e) => set(i, Number(e.target.value))} /> {param.unit}
              </Fragment>
            );
          case "choice":
            return (
              <select key={param.field} data-testid={param.testId} value={String(value)} onChange={(e) => set(i, e.target.value)}>
                {param.choices.map((choice) => (
                  <option key={choice.value} value={choice.value}>
                    {choice.label}
                  </option>
                ))}
              </select>
            );
          case "list-choice":
            return (
              <select key={param.field} data-testid={param.testId} value={String(value)} onChange={(e) => set(i, e.target.value)}>
                <option value="">{param.noneLabel}</option>
                {(item.lists[param.list] ?? []).map((choice) => (
                  <option key={choice} value={choice}>
                    {choice}
                  </option>
                ))}
              </select>
            );
          case "flag":
            return (
              <label key={param.field}>
                <input type="checkbox" checked={value === true} onChange={(e) => set(i, e.target.checked)} /> {param.label}
              </label>
            );
        }
      })}
      <button data-testid={item.entry.action?.testId} onClick={inject}>
        {item.entry.action?.label ?? "Inject"}
      </button>
    </label>
  );
}

/**
 * What a user can do to the clicked part of the topology: fail it, degrade it or heal it. The offers come
 * from the engine's fault catalogue (each kind's menu entries), so a new kind needs no change here. Every
 * choice becomes one command object, sent to the engine and shown on the timeline.
 */
export function FaultMenu(props: {
  target: GraphTarget;
  at: { x: number; y: number };
  entries: readonly FaultMenuEntry[];
  faults: readonly FaultView[];
  onInject: (fault: FaultRequest) => void;
  onHeal: (faultId: string) => void;
  onClose: () => void;
}) {
  const { target } = props;
  const active = props.faults.filter((f) => f.healedAt === null && concerns(props.entries, target, f.fault));
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
  }, [props.at.x, props.at.y, target, props.entries]);
  const act = (fault: FaultRequest) => {
    props.onInject(fault);
    props.onClose();
  };
  return (
    <div ref={menu} className="fault-menu" role="menu" data-testid="fault-menu" style={{ left: place.x, top: place.y }} onKeyDown={(e) => e.key === "Escape" && props.onClose()}>
      <div className="fault-menu-title">{menuTitle(target)}</div>
      {itemsFor(props.entries, target).map((item) =>
        item.entry.params.length > 0 ? (
          <FieldsItem key={item.key} item={item} act={act} />
        ) : (
          <button role="menuitem" key={item.key} data-testid={item.entry.testId && fill(item.entry.testId, item.values)} onClick={() => act(faultOf(item, {}))}>
            {fill(item.entry.label, item.values)}
          </button>
        ),
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
