/**
 * The layer rules of docs/ARCHITECTURE.md ("Folders" and "Arrows point one way"), checked by
 * dependency-cruiser in `npm run lint:deps`. A rule here is the single statement of an arrow: when the
 * architecture changes, change the table in the docs and the rule together.
 *
 * Type-only imports count: `tsPreCompilationDeps` keeps them, so "renderer → contract only" also holds for
 * types (the renderer's compile surface is the contract, nothing behind it). Violations that exist only
 * because the issue-12 branches have not all landed yet are listed in
 * .dependency-cruiser-known-violations.json (`--ignore-known`); see the note in docs/ARCHITECTURE.md.
 */
const ENGINE_CORE = "^engine/(gateway/|(context|director|gatewayResidency|health|hysteresis|routing|policy|http)\\.ts$|identity/validator\\.ts$)";
/** What the app's hosts (electron/) may take from the engine: docs/ARCHITECTURE.md, `electron/` row. */
const ELECTRON_ENGINE_SURFACE = "^engine/(index\\.ts|lab/(contract|validation|controller)\\.ts)$";
/** The engine's public entry points for the CLI, host/ and bench/: engine/index.ts and the top-level modules of engine/lab/. */
const ENGINE_ENTRY_POINTS = "^engine/(index\\.ts|lab/[^/]+\\.ts)$";
const UI_FRAMEWORKS = "node_modules/(react|react-dom|@xyflow|@xstate/react|@tanstack|@dagrejs|uplot|electron)/";

/** @type {import("dependency-cruiser").IConfiguration} */
export default {
  forbidden: [
    {
      name: "engine-imports-only-engine",
      comment:
        "engine/ is the framework-free core everything else imports; it never imports cli/, bench/, electron/, host/, renderer/ " +
        "or scripts/ (only package.json, for the version in reports). docs/ARCHITECTURE.md, Folders and 'Arrows point one way'.",
      severity: "error",
      from: { path: "^engine/" },
      to: { pathNot: ["^engine/", "^package\\.json$", "node_modules/"], dependencyTypesNot: ["core"] },
    },
    {
      name: "engine-no-ui-frameworks",
      comment:
        "The engine runs in Node without a window: the CLI, the benchmarks and the tests load it without React, React Flow " +
        "or Electron. docs/ARCHITECTURE.md, `engine/` row.",
      severity: "error",
      from: { path: "^engine/" },
      to: { path: UI_FRAMEWORKS },
    },
    {
      name: "engine-core-not-sim",
      comment:
        "The request path (gateway, HTTP client, director, health, routing, policy, token validation, and the context they share) must work against real " +
        "upstreams: simulator addresses come from the topology and header names from engine/labHeaders.ts, never from " +
        "engine/sim/ or the simulated identity provider. docs/ARCHITECTURE.md, `engine/sim/` row.",
      severity: "error",
      from: { path: ENGINE_CORE },
      to: { path: ["^engine/sim/", "^engine/identity/provider\\.ts$"] },
    },
    {
      name: "engine-no-cycles",
      comment:
        "A run-time cycle inside engine/ makes module initialisation order matter and the layers inside the engine " +
        "meaningless. Cycles through type-only imports are erased at run time and left out (engine/audit/AuditLog.ts ⇄ " +
        "bodyProblem.ts is one). docs/ARCHITECTURE.md, 'Arrows point one way'.",
      severity: "error",
      from: { path: "^engine/" },
      to: { path: "^engine/", circular: true, viaOnly: { dependencyTypesNot: ["type-only"] } },
    },
    {
      name: "renderer-through-contract-only",
      comment:
        "The renderer sees the engine only through the zod-free contract (engine/lab/contract.ts), types included, so the " +
        "bundle carries no validation code and the UI compiles against one file. docs/ARCHITECTURE.md, `renderer/` row.",
      severity: "error",
      from: { path: "^renderer/" },
      to: { pathNot: ["^renderer/", "^engine/lab/contract\\.ts$", "node_modules/"], dependencyTypesNot: ["core"] },
    },
    {
      name: "renderer-browser-safe-libraries",
      comment:
        "The renderer runs in a sandboxed page (Electron with contextIsolation, or a browser): no Node built-ins, no Electron, " +
        "no native or server-side packages, no zod (validation belongs to the hosts). docs/ARCHITECTURE.md, `renderer/` row.",
      severity: "error",
      from: { path: "^renderer/" },
      to: {
        path: ["node_modules/(electron|better-sqlite3|msw|ws|zod)/"],
      },
    },
    {
      name: "renderer-no-node-builtins",
      comment: "The renderer runs in a sandboxed page without Node. docs/ARCHITECTURE.md, `renderer/` row.",
      severity: "error",
      from: { path: "^renderer/" },
      to: { dependencyTypes: ["core"] },
    },
    {
      name: "charts-only-uplot",
      comment:
        "renderer/charts/ is what the app's charts share with the report page, which is bundled on its own: framework-free, " +
        "nothing but uPlot, so both can import it. docs/ARCHITECTURE.md, `renderer/` and `report-page/` rows.",
      severity: "error",
      from: { path: "^renderer/charts/" },
      to: { pathNot: ["^renderer/charts/", "node_modules/uplot/"] },
    },
    {
      name: "report-page-surface",
      comment:
        "The report page's script is bundled into a self-contained HTML file: its own files, the shared chart code, uPlot, and " +
        "from the engine only the types of the data it is given. docs/ARCHITECTURE.md, `report-page/` row.",
      severity: "error",
      from: { path: "^report-page/" },
      to: { pathNot: ["^report-page/", "^renderer/charts/", "^engine/report/pageData\\.ts$", "node_modules/uplot/"] },
    },
    {
      name: "electron-documented-surface",
      comment:
        "The desktop shell drives the engine through the lab contract, its validation and the controller (or engine/index.ts), " +
        "never through engine internals. docs/ARCHITECTURE.md, `electron/` row.",
      severity: "error",
      from: { path: "^electron/" },
      to: { path: "^engine/", pathNot: ELECTRON_ENGINE_SURFACE },
    },
    {
      name: "electron-documented-host-files",
      comment:
        "electron/ shares with browser mode only the host modules the architecture names (CSP, static files, installation, OpenAI endpoint, " +
        "scenario library); anything else of host/ is browser mode's own. docs/ARCHITECTURE.md, `electron/` row.",
      severity: "error",
      from: { path: "^electron/" },
      to: {
        path: "^(host|renderer|cli|bench)/",
        pathNot: "^host/(security|staticFiles|installation|openaiServer|scenarioLibrary)\\.ts$",
      },
    },
    {
      name: "preload-contract-only",
      comment:
        "The preload runs in the renderer's sandbox with access to IPC: it may use Electron's contextBridge/ipcRenderer and the " +
        "contract's command names and types, nothing else. docs/ARCHITECTURE.md, `electron/` row.",
      severity: "error",
      from: { path: "^electron/preload\\.ts$" },
      to: { pathNot: ["^engine/lab/contract\\.ts$", "node_modules/electron/"] },
    },
    {
      name: "bench-through-entry-points",
      comment:
        "Benchmarks measure what users run, so they load the engine through its public entry points, not its internals. " +
        "docs/ARCHITECTURE.md, `bench/` row.",
      severity: "error",
      from: { path: "^bench/" },
      to: { path: "^engine/", pathNot: ENGINE_ENTRY_POINTS },
    },
    {
      name: "cli-host-through-entry-points",
      comment:
        "The CLI and browser mode drive the engine like any other client: engine/index.ts and engine/lab/, never a deep " +
        "engine path. docs/ARCHITECTURE.md, `cli/` and `host/` rows.",
      severity: "error",
      from: { path: "^(cli|host)/" },
      to: { path: "^engine/", pathNot: ENGINE_ENTRY_POINTS },
    },
    {
      name: "no-unresolvable",
      comment: "An import the resolver cannot find would make every other rule blind to it.",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: ["^dist/", "^out/"] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      mainFields: ["module", "main", "types", "typings"],
      extensions: [".ts", ".tsx", ".mts", ".js", ".mjs", ".json"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
