import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
    globalSetup: ["test/globalSetup.ts"],
    // Drills are CPU-bound; two workers match the 2-core machines this project runs on.
    maxWorkers: 2,
    // A drill takes 10–30 s alone; on a shared 2-core machine it can take several times that.
    testTimeout: 180_000,
    // Several suites run a drill in beforeAll, under the same load.
    hookTimeout: 180_000,
    // CI also keeps a JSON report, from which .ci/run prints the plain "N passed, N failed" closing line.
    reporters: process.env.CI ? ["default", ["json", { outputFile: ".ci/test-results.json" }]] : ["default"],
  },
});
