/**
 * Debian's Chromium driven by playwright-core: where it lives and how it starts, in one place for the PDF
 * printer, the end-to-end tests and the UI benchmark.
 */
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

/** Where Debian's `chromium` package puts the browser, unless CHROMIUM_PATH says otherwise. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * Headless and quiet: nothing phones home, updates or syncs, so runs are repeatable offline. No sandbox,
 * because CI containers run as root, where Chromium's sandbox refuses to start.
 */
const CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"];

/** Starts Chromium; throws, saying how to install it, when there is no browser at `executablePath`. */
export async function launchChromium(executablePath: string = CHROMIUM_PATH): Promise<Browser> {
  if (!existsSync(executablePath))
    throw new Error(`Chromium not found at ${executablePath}: install it with \`apt-get install -y chromium\` (Debian's package installs /usr/bin/chromium), or set CHROMIUM_PATH`);
  return chromium.launch({ executablePath, args: CHROMIUM_FLAGS });
}
