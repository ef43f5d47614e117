import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/** The renderer is one static page: built into dist/renderer, loaded by Electron from disk or served by the browser-mode host. */
export default defineConfig({
  root: "renderer",
  base: "./",
  plugins: [react()],
  build: {
    outDir: "../dist/renderer",
    emptyOutDir: true,
    // Source maps cost nothing at runtime and make an e2e failure's stack readable.
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
  },
});
