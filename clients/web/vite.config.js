// The course-finder page: index.html + src/main.ts, built to dist/ with relative asset paths so
// that any static server (or a file under a sub-path) can serve it.
import { defineConfig } from "vite";

export default defineConfig({
  base: "./",
  build: { outDir: "dist", emptyOutDir: true },
});
