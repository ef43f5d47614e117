/**
 * Cross-references the schema alone cannot express (every id a field names must exist), checked section by
 * section against what the topology declares.
 */

/** One cross-reference problem; `path` is absolute from the scenario's root. */
export type Issue = { path: (string | number)[]; message: string };

/** What the topology declares, for the checks of the other sections. */
export interface References {
  /** Region ids in the order of the file, each once. */
  readonly regions: ReadonlySet<string>;
  /** Per provider id, the models its deployments serve. */
  readonly providerModels: ReadonlyMap<string, ReadonlySet<string>>;
  /** Per provider id, the regions it is deployed in. */
  readonly deployedIn: ReadonlyMap<string, ReadonlySet<string>>;
  /** Logical model ids in the order of the file, each once. */
  readonly logicalModels: ReadonlySet<string>;
  /** Caller population ids in the order of the file, each once. */
  readonly callers: ReadonlySet<string>;
  /** The scenario has an identity section, so callers send tokens. */
  readonly hasIdentity: boolean;
}

/** The problem of naming a region the topology does not declare, if `value` is one. */
export function unknownRegion(refs: References, value: string, path: Issue["path"]): Issue[] {
  return refs.regions.has(value) ? [] : [{ path, message: `unknown region "${value}" (known: ${[...refs.regions].join(", ")})` }];
}

