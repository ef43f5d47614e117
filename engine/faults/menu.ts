/**
 * The app's fault menus as plain data, without zod: the engine hands a {@link FaultMenuEntry} per way to
 * inject a fault to the renderer (the `faultCatalog` command), and the renderer draws them, so a new fault
 * kind reaches the menus without a renderer change.
 */

/** The part of the topology a click opens a menu on. */
export type FaultMenuNode = "region" | "endpoint" | "link" | "audit" | "identity" | "population";

/**
 * What a clicked node tells the menu: single values copied into the fault (a region, a provider, the two
 * ends of a link) and lists an entry may repeat over (the models of an endpoint, the regions cut off from
 * the audit store or the identity provider, the regions serving the identity provider).
 */
export interface FaultMenuTarget {
  readonly values: Readonly<Record<string, string>>;
  readonly lists: Readonly<Record<string, readonly string[]>>;
  /** Conditions an entry may require, such as `identity` (the scenario has an identity provider). */
  readonly flags: readonly string[];
}

/** One field the user fills in before injecting. */
export type FaultMenuParam =
  | {
      readonly type: "number";
      /** The fault's field it fills. */
      readonly field: string;
      /** Shown before the input, where an entry has more than one number. */
      readonly label?: string;
      /** Shown after the input, e.g. `%` or `ms`. */
      readonly unit: string;
      /** Bounds of what the user types, in the unit shown. */
      readonly min: number;
      readonly max: number;
      readonly default: number;
      /** The fault's field is the typed value divided by this (a percent typed, a share stored: 100). */
      readonly per: number;
    }
  | {
      readonly type: "choice";
      readonly field: string;
      readonly choices: readonly { readonly value: string; readonly label: string }[];
      readonly default: string;
      readonly testId?: string;
    }
  | {
      /** A choice among the values of one of the target's lists, or none (the field is left out). */
      readonly type: "list-choice";
      readonly field: string;
      readonly list: string;
      readonly noneLabel: string;
      readonly testId?: string;
    }
  | {
      /** A checkbox: checked sets the field to `value`, unchecked leaves it out. */
      readonly type: "flag";
      readonly field: string;
      readonly label: string;
      readonly value: number;
    };

/** One way to inject a fault from a node's menu, as its kind's module states it. */
export interface FaultMenuOffer {
  readonly node: FaultMenuNode;
  /** The item's text (a button) or the field's label; `{name}` is replaced by the target's value of that name. */
  readonly label: string;
  /** For the e2e tests; `{name}` replaced as in the label. */
  readonly testId?: string;
  /** Repeat the entry once per value of this target list, bound to the name `as`. */
  readonly each?: { readonly list: string; readonly as: string };
  /** Offered only when the target has this flag or a non-empty list of this name. */
  readonly requires?: string;
  /** Fault fields taken from the target's values (and the `each` binding): fault field → target name. */
  readonly fromTarget: Readonly<Record<string, string>>;
  /** Fault fields with a fixed value. */
  readonly fixed: Readonly<Record<string, string | number | boolean>>;
  /** Fields the user fills in; none makes the entry a plain menu item. */
  readonly params: readonly FaultMenuParam[];
  /** With params: the button that injects. */
  readonly action?: { readonly label: string; readonly testId?: string };
  /** The target's two values (a link's ends) may match a fault either way round. */
  readonly undirected?: boolean;
}

/** An offer with its kind, as the app receives it. */
export interface FaultMenuEntry extends FaultMenuOffer {
  readonly kind: string;
  /** A fault of the kind holds until healed (not an instant one), so the menu offers to heal it. */
  readonly heals: boolean;
}
