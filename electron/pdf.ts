/**
 * The evidence bundle's PDF, printed by Electron itself (`webContents.printToPDF`), so the desktop app
 * needs no separate browser. The report is opened in a hidden window of its own session partition: the
 * app's session carries the strict CSP and request filter of the app's page, which would block the
 * report's inline charts, and the report needs neither preload nor Node.
 *
 * It stays on `file:` while the app's window moved to `app://lab` (electron/appProtocol.ts): the report is one
 * self-contained file the app has just written into the evidence folder, not a file of the built renderer,
 * and it must run inline scripts that the app's CSP forbids. Serving it through a protocol would mean a second,
 * laxer handler over the evidence folder for no gain: this window has no preload and so no IPC (which trusts
 * only app://lab/index.html anyway), its partition has no app: handler, and once `npm run package:fuses` has
 * turned the GrantFileProtocolExtraPrivileges fuse off (scripts/electron-fuses.mjs), a `file:` page can no
 * longer fetch other local files.
 */
import { BrowserWindow } from "electron";
import { writeFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";

/** How long the report may take to draw its charts, ms; the same bound as the headless printer's. */
const READY_TIMEOUT_MS = 30_000;

export async function printReportPdf(htmlPath: string, pdfPath: string): Promise<void> {
  const window = new BrowserWindow({ show: false, width: 900, height: 1200, webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, partition: "report-print" } });
  try {
    await window.loadFile(htmlPath);
    const started = Date.now();
    while (!(await window.webContents.executeJavaScript("document.body.dataset.ready === '1'"))) {
      if (Date.now() - started > READY_TIMEOUT_MS) throw new Error(`${htmlPath}: the report's charts did not finish drawing within ${READY_TIMEOUT_MS / 1000} s`);
      await sleep(100);
    }
    await writeFile(pdfPath, await window.webContents.printToPDF({ pageSize: "A4", printBackground: true }));
  } finally {
    window.destroy();
  }
}
