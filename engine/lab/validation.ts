/**
 * The hosts' side of the contract: a zod schema per command that every payload passes before anything
 * reaches the engine. Imported by the hosts only (Electron's main process, the browser-mode host), never
 * by the renderer or the preload, which would carry zod into their bundles.
 *
 * Each schema is proved, at compile time, to produce exactly the input `contract.ts` writes by hand: a
 * field added to one and not the other fails the typecheck.
 */
import { z } from "zod";
import { BUNDLE_NAME } from "../evidence/library";
import { faultKinds } from "../scenario/schema";
import { AUDIT_PAGE_LIMIT, COMMAND_NAMES, DRAFT_ENTITIES, IMPORT_FORMATS, MAX_SPEED, MIN_SPEED, OPENED_FILE_MAX_BYTES, REQUEST_OUTCOMES, SWEEP_MAX_SEEDS, type CommandInputs, type CommandName, type CommandReply, type LabBackend } from "./contract";

/** A type with `readonly` taken off at every depth: the contract writes it, zod's outputs do not. */
type Writable<T> = T extends object ? { -readonly [K in keyof T]: Writable<T[K]> } : T;
/** True when the two types are identical, `readonly` aside: an optional field in one only fails it too. */
type Same<A, B> = (<T>() => T extends Writable<A> ? 1 : 2) extends <T>() => T extends Writable<B> ? 1 : 2 ? true : false;
/** Fails to compile unless its argument is `true`. */
type Assert<T extends true> = T;

/** Faults a user injects: the scenario's fault kinds without their timing, which the host takes from the clock. */
const withoutTiming = { at_s: true, heal_s: true } as const;
/** The tuple of fault kinds, each without its timing fields, kind by kind (what `.omit` gives each). */
type Untimed<Kinds> = { -readonly [I in keyof Kinds]: UntimedKind<Kinds[I]> };
/** One kind without its timing; distributes over a union of kinds, as the registry types its schemas. */
type UntimedKind<Kind> = Kind extends z.ZodObject<infer Shape, infer Config> ? z.ZodObject<Omit<Shape, keyof typeof withoutTiming>, Config> : never;
/**
 * `Array.map` cannot say that it keeps a tuple's length and order, so the mapped tuple is asserted here;
 * `_SchemasMatchContract` below then proves the union's output is exactly `FaultSpec`.
 */
const untimedKinds = faultKinds.map((kind: z.ZodObject) => kind.omit(withoutTiming)) as Untimed<typeof faultKinds>;
const faultSpecSchema = z.discriminatedUnion("kind", untimedKinds);

const none = z.strictObject({});
/** An audit store's name: `canonical`, `global`, `region:<id>` or `buffer:<id>`; absent means the inspected log. */
const storeName = z.string().regex(/^(canonical|global|(region|buffer):[a-z0-9][a-z0-9-]{0,62})$/, "must name an audit store, e.g. canonical or buffer:eu-west");
const requestId = z.string().min(1).max(200);
/** A bundle of the evidence library: its directory's name, never a path. */
const bundleName = z.string().regex(BUNDLE_NAME, "must name a bundle of the evidence library, e.g. short-drill-2026-12-05T11-08-31-123Z");

const auditFilterSchema = z.strictObject({
  region: z.string().min(1).max(64).optional(),
  requestId: requestId.optional(),
  kind: z.enum(["request", "transition", "fault", "run"]).optional(),
  outcome: z.enum(REQUEST_OUTCOMES).optional(),
});

/** A file of the scenario library, by name: a plain file name, so no path leaves the library's folder. */
const libraryFileName = z.string().regex(/^[a-z0-9][a-z0-9-]*\.ya?ml$/, "must be a file name of the library, e.g. eu-region-outage.yaml");

/** A draft is checked by the scenario schema when it is written; here only that it is an object and its text a file's size. */
const draftValue = z.record(z.string(), z.unknown());
const draftText = z.string().max(1_000_000);
const draftEntity = z.enum(DRAFT_ENTITIES);
const draftId = z.string().min(1).max(200);
const draftRef = z.strictObject({ entity: draftEntity, id: draftId });

/** A file's text as the page read it: at most as many characters as the page allows bytes, since UTF-8 spends one or more a character. */
const openedText = z.string().max(OPENED_FILE_MAX_BYTES, { error: (issue) => `the file is ${((issue.input as string).length / 1e6).toFixed(1)} million characters; the app opens files of at most ${OPENED_FILE_MAX_BYTES / 1e6} MB` });

/** Every command's schema, keyed like the contract's inputs. */
export const commandSchemas = {
  getSnapshot: none,
  listScenarios: none,
  loadScenario: z.discriminatedUnion("source", [
    z.strictObject({ source: z.literal("library"), name: libraryFileName }),
    z.strictObject({ source: z.literal("text"), fileName: z.string().min(1).max(255), text: openedText }),
  ]),
  play: none,
  pause: none,
  step: z.strictObject({ until: z.enum(["event", "change"]).optional() }),
  runTo: z.strictObject({ ms: z.int().min(0).max(7 * 86_400_000) }),
  setSpeed: z.strictObject({ speed: z.number().min(MIN_SPEED).max(MAX_SPEED) }),
  reset: none,
  injectFault: z.strictObject({ fault: faultSpecSchema }),
  heal: z.strictObject({ faultId: z.string().regex(/^[fu]\d{1,6}$/, "must be a fault id such as u1") }),
  saveScenario: none,
  exportReport: none,
  auditPage: z.strictObject({
    filter: auditFilterSchema,
    offset: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
    limit: z.int().min(1).max(AUDIT_PAGE_LIMIT),
  }),
  auditEntry: z.strictObject({ seq: z.int().min(1), store: storeName.optional() }),
  auditProof: z.strictObject({ seq: z.int().min(1), store: storeName.optional() }),
  verifyChain: none,
  exportEvidence: none,
  faultCatalog: none,
  listEvidence: none,
  verifyBundle: z.strictObject({ bundle: bundleName }),
  evidenceArchive: z.strictObject({ bundle: bundleName }),
  compareWith: z.strictObject({ name: libraryFileName }),
  // At most SWEEP_MAX_SEEDS drills a call, so a page cannot ask the host for an absurd amount of work.
  sweepLoaded: z
    .strictObject({ from: z.int().min(0).max(2 ** 31 - 1), to: z.int().min(0).max(2 ** 31 - 1) })
    .refine(({ from, to }) => from <= to, { message: "from must not be above to", path: ["to"] })
    .refine(({ from, to }) => to - from < SWEEP_MAX_SEEDS, { message: `at most ${SWEEP_MAX_SEEDS} seeds a sweep`, path: ["to"] }),
  importConfig: z.strictObject({
    format: z.enum(IMPORT_FORMATS),
    fileName: z.string().min(1).max(255),
    text: openedText,
    regions: z.array(z.string().min(1).max(500)).max(100),
  }),
  openDraft: z.discriminatedUnion("source", [
    z.strictObject({ source: z.literal("loaded") }),
    z.strictObject({ source: z.literal("library"), name: libraryFileName }),
    z.strictObject({ source: z.literal("empty") }),
  ]),
  editDraft: z.strictObject({
    baseText: draftText,
    draft: draftValue,
    op: z.discriminatedUnion("op", [
      z.strictObject({ op: z.literal("add"), entity: draftEntity }),
      z.strictObject({ op: z.literal("remove"), entity: draftEntity, id: draftId }),
      z.strictObject({ op: z.literal("rename"), entity: draftEntity, from: draftId, to: draftId }),
      z.strictObject({ op: z.literal("set"), path: z.array(z.union([z.string().min(1).max(200), z.int().min(0).max(100_000)])).min(1).max(16), value: z.unknown().optional() }),
      z.strictObject({ op: z.literal("connect"), from: draftRef, to: draftRef }),
      z.strictObject({ op: z.literal("disconnect"), from: draftRef, to: draftRef }),
    ]),
  }),
  applyDraft: z.strictObject({ fileName: z.string().min(1).max(255), baseText: draftText, draft: draftValue }),
  listLessons: none,
  openLesson: z.strictObject({ name: libraryFileName }),
  lessonChoose: z.strictObject({ field: z.string().min(1).max(100), value: z.union([z.string().min(1).max(80), z.number().finite()]) }),
  lessonAnswer: z.strictObject({ question: z.string().min(1).max(63), answer: z.number().finite() }),
  lessonReveal: none,
  lessonNext: none,
  lessonDoTask: none,
  closeLesson: none,
  lessonScorecard: none,
} as const satisfies { readonly [K in CommandName]: z.ZodType<CommandInputs[K]> };

/** Every command has a schema, and each schema's output is the contract's input, in both directions. */
type _SchemasMatchContract = Assert<
  Same<keyof typeof commandSchemas, CommandName> extends true
    ? false extends { [K in CommandName]: Same<z.output<(typeof commandSchemas)[K]>, CommandInputs[K]> }[CommandName]
      ? false
      : true
    : false
>;

/** The same schemas, typed so that indexing by a command name `K` gives a schema of `CommandInputs[K]`. */
const schemaOf: { readonly [K in CommandName]: z.ZodType<CommandInputs[K]> } = commandSchemas;

export type ParsedCommand<K extends CommandName = CommandName> = { readonly ok: true; readonly name: K; readonly input: CommandInputs[K] } | { readonly ok: false; readonly error: string };

/**
 * Checks a payload against its command's schema. Returns the parsed input, or an error naming the
 * command and the field. Unknown command names are refused here too, and so is a null payload: an absent
 * payload means "no arguments", but null is a payload, and no command takes one.
 */
export function parseCommand(name: unknown, payload: unknown): ParsedCommand {
  if (!isCommandName(name)) return { ok: false, error: `unknown command ${JSON.stringify(name)}` };
  return parseInput(name, payload);
}

function isCommandName(name: unknown): name is CommandName {
  return typeof name === "string" && (COMMAND_NAMES as readonly string[]).includes(name);
}

function parseInput<K extends CommandName>(name: K, payload: unknown): ParsedCommand<K> {
  const result = schemaOf[name].safeParse(payload === undefined ? {} : payload);
  if (result.success) return { ok: true, name, input: result.data };
  const problems = result.error.issues.map((issue) => `${issue.path.length ? issue.path.join(".") : "(payload)"}: ${issue.message}`);
  return { ok: false, error: `invalid ${name} payload: ${problems.join("; ")}` };
}

/**
 * Validates an untrusted command and runs it. Never throws: a bad name or payload, or an engine error,
 * comes back as `{ ok: false, error }` and the engine is not touched by a payload that failed validation.
 */
export async function serveCommand(backend: LabBackend, name: unknown, payload: unknown): Promise<CommandReply> {
  if (!isCommandName(name)) return { ok: false, error: `unknown command ${JSON.stringify(name)}` };
  return serveNamed(backend, name, payload);
}

async function serveNamed<K extends CommandName>(backend: LabBackend, name: K, payload: unknown): Promise<CommandReply> {
  const parsed = parseInput(name, payload);
  if (!parsed.ok) return parsed;
  try {
    return { ok: true, result: await backend.execute(name, parsed.input) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
