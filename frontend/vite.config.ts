import react from "@vitejs/plugin-react";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
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

// In development the API runs on :8000; in the demo and in production it serves this build.
export default defineConfig({
  plugins: [react(), precompress()],
  server: { proxy: { "/api": "http://127.0.0.1:8000" } },
  build: {
    sourcemap: false,
    chunkSizeWarningLimit: 400,
    rolldownOptions: {
      output: {
        // React and the router change less often than the pages: their own long-cached file.
        codeSplitting: {
          groups: [{ name: "react", test: /node_modules[\\/](react|react-dom|scheduler|react-router|react-router-dom)[\\/]/ }],
        },
      },
    },
  },
});
