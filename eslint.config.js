// ESLint 9 flat config, run by `npm run lint:es` (docs/ARCHITECTURE.md, "Checks").
// typescript-eslint's rules run without type information: its parser takes the TypeScript compiler API from the
// `typescript` package (6.x), while `npm run typecheck` uses TypeScript 7 (see "typescript-native" in package.json).
// Type-aware rules would build a second, slower program with TypeScript 6 on every lint run.
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

/** The engine reads time and chance only through engine/clock.ts and engine/random.ts, so a seed replays a run. */
const DETERMINISM = "the engine takes time and randomness from engine/clock.ts and engine/random.ts only (docs/ARCHITECTURE.md, Main types: Clock, Random)";

export default tseslint.config(
  { ignores: ["dist/", "out/", "test-artifacts/", ".electron-native/", ".scratch/", ".vitest-tmp/"] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // A leading underscore marks a value taken only to be left out (`const { seq: _seq, ...rest } = entry`) or
      // a parameter a signature requires.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true }],
    },
  },
  {
    files: ["renderer/**"],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // Evaluated as a classic script inside the page by bench/ui.ts; its functions are called from there.
    files: ["bench/ui-probes.js"],
    languageOptions: { sourceType: "script", globals: { ...globals.browser } },
  },
  {
    // These tests reshape signed JSON into malformed documents and stand in for Electron's API: the values
    // are whatever a file or a caller might hold, which `any` states honestly.
    files: ["test/audit/checkpoint.test.ts", "test/electron/main.test.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    files: ["renderer/**/*.{ts,tsx}"],
    plugins: { "react-hooks": reactHooks },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "error",
    },
  },
  {
    files: ["engine/**/*.{ts,mts,js,mjs}"],
    ignores: ["engine/clock.ts", "engine/random.ts"],
    rules: {
      "no-restricted-properties": [
        "error",
        { object: "Date", property: "now", message: DETERMINISM },
        { object: "Math", property: "random", message: DETERMINISM },
        { object: "performance", property: "now", message: DETERMINISM },
        { object: "globalThis", property: "setTimeout", message: DETERMINISM },
        { object: "globalThis", property: "setInterval", message: DETERMINISM },
        { object: "globalThis", property: "setImmediate", message: DETERMINISM },
      ],
      "no-restricted-globals": [
        "error",
        { name: "setTimeout", message: DETERMINISM },
        { name: "setInterval", message: DETERMINISM },
        { name: "setImmediate", message: DETERMINISM },
      ],
      "no-restricted-syntax": [
        "error",
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: `new Date() reads the wall clock: ${DETERMINISM}` },
        { selector: "CallExpression[callee.name='Date']", message: `Date() reads the wall clock: ${DETERMINISM}` },
      ],
      "no-restricted-imports": [
        "error",
        {
          paths: ["timers", "node:timers", "timers/promises", "node:timers/promises", "perf_hooks", "node:perf_hooks"].map((name) => ({
            name,
            message: DETERMINISM,
          })),
        },
      ],
    },
  },

);
