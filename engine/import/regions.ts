/**
 * Where an imported config's endpoints are: a gateway config names URLs, a scenario places deployments in
 * regions with a jurisdiction, so the user says which URL is where, `MATCH=region:JURISDICTION:Location`.
 */
import { id, jurisdiction, type Jurisdiction } from "../scenario/sections/fields";

export interface RegionRule {
  /** A URL prefix (with its scheme), or a host that matches itself and its subdomains. */
  readonly match: string;
  readonly region: string;
  readonly jurisdiction: Jurisdiction;
  readonly location: string;
}

/** One `--region` argument, or what is wrong with it. */
export function parseRegionRule(spec: string): { ok: true; rule: RegionRule } | { ok: false; message: string } {
  const wrong = (why: string) => ({ ok: false as const, message: `--region "${spec}": ${why}; expected MATCH=region:JURISDICTION:Location, e.g. api.openai.com=us-east:US:Virginia` });
  const eq = spec.lastIndexOf("=");
  if (eq <= 0) return wrong("no MATCH= before the region");
  const match = spec.slice(0, eq).trim();
  const [region = "", jur = "", ...place] = spec.slice(eq + 1).split(":");
  const location = place.join(":").trim();
  if (!id.safeParse(region).success) return wrong(`region "${region}" must be lower-case letters, digits and dashes`);
  const j = jurisdiction.safeParse(jur);
  if (!j.success) return wrong(`jurisdiction "${jur}" must be one of ${jurisdiction.options.join(", ")}`);
  if (location.length === 0 || location.length > 80) return wrong("the location must be 1–80 characters");
  return { ok: true, rule: { match, region, jurisdiction: j.data, location } };
}

/** The rule for a URL: the longest match wins, so a specific host can override its domain. */
export function regionOf(url: URL, rules: readonly RegionRule[]): RegionRule | undefined {
  const host = url.hostname.toLowerCase();
  const matches = rules.filter((r) => {
    const m = r.match.toLowerCase();
    return m.includes("://") ? url.href.toLowerCase().startsWith(m) : host === m || host.endsWith(`.${m}`);
  });
  return matches.sort((a, b) => b.match.length - a.match.length)[0];
}
