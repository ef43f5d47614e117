/**
 * `npm run build` and the install's last step: bundles the HTML report's page script and stylesheet
 * (report-page/, with uPlot) into dist/report-page, where the engine inlines them from.
 *
 * Usage: node --import tsx scripts/build-report-page.ts
 */
import { buildReportPage, REPORT_PAGE_DIR } from "../host/build";

await buildReportPage();
console.log(`Report page built: ${REPORT_PAGE_DIR}`);
