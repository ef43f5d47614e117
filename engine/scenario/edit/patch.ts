/**
 * Round-trip editing: the topology editor holds the scenario as plain data (what `toJS` gives) and saving writes
 * the file's text back with only the edited parts changed, so the author's comments, key order, quoting and
 * flow or block layout survive an edit made in the app. What yaml's writer keeps no trace of comes back in its
 * own form wherever the Document is rewritten: one space before a comment that ends a line.
 */
import {
  isAlias,
  isMap,
  isNode,
  isScalar,
  isSeq,
  parseDocument,
  Scalar,
  YAMLMap,
  YAMLSeq,
  type CollectionTag,
  type Document,
  type Node,
  type Pair,
  type ScalarTag,
  type Tags,
  visit,
} from "yaml";

/** Far above any real scenario; a bound so that a runaway draft fails with a message rather than exhausting memory. */
const MAX_STRING_LENGTH = 100_000;
const MAX_DEPTH = 64;
const MAX_VALUES = 200_000;

/**
 * The file's text with `draft` written into it: unchanged when the draft equals what the text holds, otherwise
 * through {@link rewriteScenarioText}. Throws an Error naming the problem for a draft that is not plain data.
 */
export function patchScenarioText(text: string, draft: unknown): string {
  checkDraft(draft);
  const doc = parseKeeping(text);
  if (sameValue(doc.toJS(), draft)) return text;
  return patchDocument(doc, draft, text);
}

/**
 * The Document path on its own: every node of the text patched in place towards `draft` and the whole document
 * written again. For a draft equal to the text it gives the text back byte for byte on every shipped scenario.
 */
export function rewriteScenarioText(text: string, draft: unknown): string {
  checkDraft(draft);
  return patchDocument(parseKeeping(text), draft, text);
}

/**
 * yaml re-folds a `>` block scalar at `lineWidth` (0: one long line), so an untouched one would come back with
 * other line breaks; and `flowCollectionPadding` is one switch for the whole file, while the shipped scenarios
 * pad `{ maps }` but not `[lists]` (Prettier's style). Both are decided per node here, from its source, through
 * the writer hook each tag offers.
 */
function parseKeeping(text: string): Document.Parsed {
  const scalars = new WeakMap<Scalar, { value: unknown; source: string }>();
  const padded = new WeakMap<YAMLMap | YAMLSeq, boolean>();
  // uniqueKeys off: yaml's check is quadratic in a mapping's keys, and the patched text is loaded next, which reports a repeated key in linear time.
  const doc = parseDocument(text, { customTags: (tags) => keepingTags(tags, scalars, padded), uniqueKeys: false, logLevel: "error" });
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) throw new Error(`the scenario text is not valid YAML: ${problem.message}`);
  if (!isMap(doc.contents)) throw new Error("the scenario text is not a YAML mapping");
  visit(doc, {
    Scalar(_, node) {
      if (typeof node.value !== "string" || !node.range) return;
      const block = node.type === Scalar.BLOCK_FOLDED || node.type === Scalar.BLOCK_LITERAL;
      const source = text.slice(node.range[0], node.range[1]);
      // A block scalar's range takes in the line break that ends it, which the writer adds itself.
      // The writer ends lines with \n, so a file written with \r\n gets them back only after it has written.
      scalars.set(node, { value: node.value, source: (block ? source.replace(/\r?\n$/, "") : source).replaceAll("\r\n", "\n") });
    },
    Map(_, node) {
      if (node.flow && node.range) padded.set(node, /^\{[ \t]/.test(text.slice(node.range[0])));
    },
    Seq(_, node) {
      if (node.flow && node.range) padded.set(node, /^\[[ \t]/.test(text.slice(node.range[0])));
    },
  });
  return doc;
}

function keepingTags(tags: Tags, scalars: WeakMap<Scalar, { value: unknown; source: string }>, padded: WeakMap<YAMLMap | YAMLSeq, boolean>): Tags {
  return tags.map((tag) => {
    if (typeof tag !== "object") return tag;
    if (tag.tag === "tag:yaml.org,2002:str") {
      const write = (tag as ScalarTag).stringify!;
      const stringify: ScalarTag["stringify"] = (item, ctx, onComment, onChompKeep) => {
        const kept = scalars.get(item as Scalar);
        return kept && kept.value === item.value ? kept.source : write(item, ctx, onComment, onChompKeep);
      };
      return { ...tag, stringify } as ScalarTag;
    }
    if (tag.tag === "tag:yaml.org,2002:map" || tag.tag === "tag:yaml.org,2002:seq") {
      const stringify: ScalarTag["stringify"] = (item, ctx, onComment, onChompKeep) => {
        const collection = item as unknown as YAMLMap | YAMLSeq;
        // A collection the edit added follows the shipped files: `{ a: 1 }` padded, `[a, b]` not.
        const pad = padded.get(collection) ?? isMap(collection);
        return collection.toString({ ...ctx, flowCollectionPadding: pad ? " " : "" }, onComment, onChompKeep);
      };
      return { ...(tag as CollectionTag), stringify } as unknown as CollectionTag;
    }
    return tag;
  });
}

function patchDocument(doc: Document.Parsed, draft: unknown, text: string): string {
  (doc as Document).contents = patchNode(doc, doc.contents as Node, draft, false);
  // lineWidth 0: a changed or added long string stays on its line instead of being folded at 80 columns.
  const written = doc.toString({ lineWidth: 0 });
  return text.includes("\r\n") ? written.replaceAll("\n", "\r\n") : written;
}

type JsonObject = { [key: string]: unknown };

const isObject = (value: unknown): value is JsonObject => typeof value === "object" && value !== null && !Array.isArray(value);

/** `node` made to hold `draft`, reusing it (and its comments) wherever its kind still fits. */
function patchNode(doc: Document, node: Node, draft: unknown, inFlow: boolean): Node {
  // An alias still naming what the draft holds stays an alias; one whose copy was edited becomes that value.
  if (isAlias(node) && sameValue(node.toJS(doc), draft)) return node;
  if (isScalar(node) && !isObject(draft) && !Array.isArray(draft)) {
    if (node.value !== draft) {
      node.value = draft;
      // The number's written form (hex, trailing zeros) belonged to the old value.
      delete node.format;
      delete node.minFractionDigits;
    }
    return node;
  }
  if (isMap(node) && isObject(draft)) return patchMap(doc, node, draft);
  if (isSeq(node) && Array.isArray(draft)) return patchSeq(doc, node, draft);
  const replacement = create(doc, draft, isAlias(node) ? node.resolve(doc) : node, inFlow);
  replacement.commentBefore = node.commentBefore;
  replacement.comment = node.comment;
  replacement.spaceBefore = node.spaceBefore;
  return replacement;
}

/**
 * A node for a value the file did not hold, laid out like `like`, the node it sits beside (the previous item of its
 * list, or the value it replaces): a region added to a list of `{ flow }` regions is written as one, a logical
 * model's `serves` in brackets as its neighbours' are.
 */
function create(doc: Document, value: unknown, like: unknown, flow: boolean): Node {
  if (flow || ((isMap(like) || isSeq(like)) && like.flow === true)) return doc.createNode(value, { flow: true }) as Node;
  if (isObject(value) && isMap(like)) {
    const map = new YAMLMap(doc.schema);
    for (const [key, item] of Object.entries(value)) map.items.push(doc.createPair(key, create(doc, item, like.get(key, true), false)) as Pair);
    return map;
  }
  if (Array.isArray(value) && isSeq(like)) {
    const seq = new YAMLSeq(doc.schema);
    seq.items = value.map((item) => create(doc, item, like.items[0], false));
    return seq;
  }
  return doc.createNode(value) as Node;
}

function keyOf(pair: Pair): string {
  return String(isScalar(pair.key) ? pair.key.value : pair.key);
}

function patchMap(doc: Document, map: YAMLMap, draft: JsonObject): YAMLMap {
  const flow = map.flow === true;
  const kept: Pair[] = [];
  const seen = new Set<string>();
  const fileKeys = new Set(map.items.map(keyOf));
  const draftKeys = Object.keys(draft);
  map.items.forEach((pair, i) => {
    let key = keyOf(pair);
    // A key gone from the draft where the draft has a new one at the same place is a renamed key (a director
    // weight after its region was renamed): it keeps its place and comments.
    const renamed = draftKeys[i];
    if (!Object.hasOwn(draft, key) && renamed !== undefined && !fileKeys.has(renamed) && isScalar(pair.key)) {
      pair.key.value = renamed;
      key = renamed;
    }
    if (!Object.hasOwn(draft, key) || seen.has(key)) return dropped(pair.key as Node | null, map.items[i + 1]?.key as Node | undefined, map);
    seen.add(key);
    pair.value = patchNode(doc, (isNode(pair.value) ? pair.value : new Scalar(null)) as Node, draft[key], flow);
    kept.push(pair);
  });
  for (const [key, value] of Object.entries(draft)) {
    if (seen.has(key)) continue;
    kept.push(doc.createPair(key, create(doc, value, undefined, flow)) as Pair);
  }
  map.items = kept;
  return map;
}

/** Items of mappings that all carry a distinct string id are matched by it, so removing one leaves the later ones as they are. */
function ids(items: readonly unknown[]): string[] | undefined {
  const found = items.map((item) => (isObject(item) && typeof item.id === "string" ? item.id : undefined));
  if (found.some((id) => id === undefined) || new Set(found).size !== found.length) return undefined;
  return found as string[];
}

function patchSeq(doc: Document, seq: YAMLSeq, draft: readonly unknown[]): YAMLSeq {
  const flow = seq.flow === true;
  const nodes = seq.items.map((item) => (isNode(item) ? item : new Scalar(item)));
  const nodeIds = ids(nodes.map((n) => (isMap(n) ? n.toJSON() : undefined)));
  const draftIds = ids(draft);
  const byId = nodeIds && draftIds && nodeIds.length > 0 && draftIds.length > 0;
  const match = (i: number): number => (byId ? nodeIds.indexOf(draftIds[i]!) : i < nodes.length ? i : -1);
  const used = new Set<number>();
  const items = draft.map((value, i) => {
    const at = match(i);
    if (at >= 0 && !used.has(at)) {
      used.add(at);
      return patchNode(doc, nodes[at]!, value, flow);
    }
    return create(doc, value, nodes[Math.min(i, nodes.length - 1)], flow);
  });
  nodes.forEach((node, i) => {
    if (!used.has(i)) dropped(node, nodes.slice(i + 1).find((_, j) => used.has(i + 1 + j)), seq);
  });
  seq.items = items;
  return seq;
}

/**
 * A removed node takes its own comments with it, but the comment lines above it stay in the file: they go to the
 * next node kept, or to the end of the collection.
 */
function dropped(node: Node | null | undefined, next: Node | undefined, parent: YAMLMap | YAMLSeq): void {
  if (!node?.commentBefore) return;
  if (next) {
    next.commentBefore = next.commentBefore ? `${node.commentBefore}\n${next.commentBefore}` : node.commentBefore;
    next.spaceBefore ||= node.spaceBefore;
  } else parent.comment = parent.comment ? `${node.commentBefore}\n${parent.comment}` : node.commentBefore;
}

/** Plain JSON values only, bounded: anything else is a bug in the caller, named by the path where it sits. */
function checkDraft(draft: unknown): void {
  if (!isObject(draft)) throw new Error(`a scenario draft must be a mapping of keys, not ${describe(draft)}`);
  let values = 0;
  const open = new Set<object>();
  const walk = (value: unknown, path: string, depth: number): void => {
    if (++values > MAX_VALUES) throw new Error(`a scenario draft holds at most ${MAX_VALUES} values`);
    if (depth > MAX_DEPTH) throw new Error(`${path}: nested deeper than ${MAX_DEPTH} levels`);
    if (value === null || typeof value === "boolean") return;
    if (typeof value === "number") {
      if (!Number.isFinite(value)) throw new Error(`${path}: ${value} is not a finite number`);
      return;
    }
    if (typeof value === "string") {
      if (value.length > MAX_STRING_LENGTH) throw new Error(`${path}: a text of ${value.length} characters, over the ${MAX_STRING_LENGTH} allowed`);
      return;
    }
    if (typeof value !== "object") throw new Error(`${path}: ${describe(value)} is not plain data`);
    if (open.has(value)) throw new Error(`${path}: the draft refers to itself`);
    const proto = Object.getPrototypeOf(value);
    if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) throw new Error(`${path}: ${describe(value)} is not plain data`);
    open.add(value);
    if (Array.isArray(value)) value.forEach((item, i) => walk(item, `${path}[${i}]`, depth + 1));
    else for (const [key, item] of Object.entries(value)) walk(item, path ? `${path}.${key}` : key, depth + 1);
    open.delete(value);
  };
  walk(draft, "", 0);
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return value.constructor?.name ? `a ${value.constructor.name}` : "an object";
  return `a ${typeof value}`;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, i) => sameValue(item, b[i]));
  if (!isObject(a) || !isObject(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && sameValue(a[key], b[key]));
}
