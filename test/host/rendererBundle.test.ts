/**
 * The renderer's bundle carries no zod: it imports only the zod-free contract, and payloads are checked by
 * the host. Read from the built UI, as `npm start` builds it, since an import graph can be fooled by a
 * re-export where the bundle cannot.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ensureRendererBuilt, RENDERER_DIR } from "../../host/build";
import { COMMAND_NAMES } from "../../engine/lab/contract";

function scriptsUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".js"))
    .map((entry) => readFileSync(join(entry.parentPath, entry.name), "utf8"));
}

describe("the renderer bundle", () => {
  it("holds the contract's command names and nothing of zod", { timeout: 120_000 }, async () => {
    await ensureRendererBuilt(() => undefined);
    const code = scriptsUnder(RENDERER_DIR).join("\n");
    // The bundle under test is the app: it names every command it can send, quoted or, as the minifier
    // writes a long array of strings, inside one dot-joined string it splits at runtime.
    // Booleans, not the code itself, go to the assertions: a failure would print megabytes of bundle.
    expect(COMMAND_NAMES.filter((name) => !new RegExp(`["'\`.]${name}["'\`.]`).test(code))).toEqual([]);
    // React's builds tell themselves apart: production throws minified errors, development names its stack frames.
    // (Not "jsxDEV": react-markdown's JSX runtime adapter names it in either build.)
    expect(code.includes("react-stack-top-frame"), "the bundle is React's development build").toBe(false);
    expect(code.includes("Minified React error"), "the bundle is React's production build").toBe(true);
    // zod 4 keeps these whatever the minifier does: every schema's `_zod` internals and its `$Zod…` trait names.
    expect(code.includes("_zod"), "the bundle holds zod's `_zod` internals").toBe(false);
    expect(/\$Zod[A-Z]/.test(code), "the bundle holds zod's $Zod… names").toBe(false);
  });
});
