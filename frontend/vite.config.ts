import react from "@vitejs/plugin-react";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { defineConfig, type Plugin } from "vite";

/** Write name.br and name.gz beside every text file of the build, once, at the best levels:
 * the API sends them as they are (api/spa.py), so a slow link gets ~30 % of the bytes and the
 * server spends no CPU compressing. */
function precompress(): Plugin {
  let outDir = "dist";
  return {
    name: "healthplan-precompress",
    apply: "build",
    configResolved(config) {
      outDir = config.build.outDir;
    },
    closeBundle() {
      const walk = (dir: string): string[] => readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        return statSync(path).isDirectory() ? walk(path) : [path];
      });
      for (const path of walk(outDir)) {
        if (!/\.(js|css|html|svg|json|txt)$/.test(path)) continue;
        const raw = readFileSync(path);
        if (raw.length < 512) continue;
        writeFileSync(`${path}.br`, brotliCompressSync(raw, {
          params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
        }));
        writeFileSync(`${path}.gz`, gzipSync(raw, { level: 9 }));
      }
    },
  };
}

/** src/early.ts as its own small entry, named in index.html as an async script: it runs as
 * soon as it arrives, while React (the main entry's 68 KB) is still on its way. */
function earlyEntry(): Plugin {
  return {
    name: "healthplan-early-entry",
    apply: "build",
    transformIndexHtml: {
      order: "post",
      handler(_html, ctx) {
        const chunk = Object.values(ctx.bundle ?? {}).find((c) => c.type === "chunk" && c.isEntry && c.name === "early");
        if (!chunk) return [];
        return [{ tag: "script", attrs: { type: "module", async: true, crossorigin: true, src: `/${chunk.fileName}` },
          injectTo: "head-prepend" }];
      },
    },
  };
}

// In development the API runs on :8000; in the demo and in production it serves this build.
export default defineConfig({
  plugins: [react(), earlyEntry(), precompress()],
  server: { proxy: { "/api": "http://127.0.0.1:8000" } },
  build: {
    sourcemap: false,
    chunkSizeWarningLimit: 400,
    rolldownOptions: {
      input: { index: resolve(import.meta.dirname, "index.html"), early: resolve(import.meta.dirname, "src/early.ts") },
      output: {
        // React and the router change less often than the pages: their own long-cached file.
        codeSplitting: {
          groups: [{ name: "react", test: /node_modules[\\/](react|react-dom|scheduler|react-router|react-router-dom)[\\/]/ }],
        },
      },
    },
  },
});
