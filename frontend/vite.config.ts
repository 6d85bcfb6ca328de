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
 * soon as it arrives, while React (the main entry's 68 KB) is still on its way. Beside it, as
 * data (the CSP allows no inline script), each screen's files for it to preload: the screen's
 * chunk and every chunk it imports that the entry does not bring already. On a slow link a
 * report opened from a link then downloads its screen's code beside React instead of one
 * 400 ms round trip after it. */
function earlyEntry(): Plugin {
  return {
    name: "healthplan-early-entry",
    apply: "build",
    transformIndexHtml: {
      order: "post",
      handler(_html, ctx) {
        const chunks = Object.values(ctx.bundle ?? {}).filter((c) => c.type === "chunk");
        const byFile = new Map(chunks.map((c) => [c.fileName, c]));
        const early = chunks.find((c) => c.isEntry && c.name === "early");
        const entry = chunks.find((c) => c.isEntry && c.name === "index");
        if (!early || !entry) return [];
        const closure = (file: string, into = new Set<string>()) => {
          if (into.has(file)) return into;
          into.add(file);
          for (const next of byFile.get(file)?.imports ?? []) closure(next, into);
          return into;
        };
        const loaded = closure(entry.fileName);
        const screens: Record<string, string[]> = {};
        for (const file of entry.dynamicImports) {
          // Named after its module's file: src/pages/SubmissionPage.tsx is "SubmissionPage".
          const name = byFile.get(file)?.facadeModuleId?.match(/\/src\/(?:[\w-]+\/)*(\w+)\.tsx$/)?.[1];
          if (name) screens[name] = [...closure(file)].filter((f) => !loaded.has(f)).map((f) => `/${f}`);
        }
        // The list first: parsed before the script that reads it can run.
        return [
          { tag: "script", attrs: { type: "application/json", id: "hp-chunks" }, children: JSON.stringify(screens),
            injectTo: "head-prepend" },
          { tag: "script", attrs: { type: "module", async: true, crossorigin: true, src: `/${early.fileName}` },
            injectTo: "head-prepend" },
        ];
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
        // React and the router change less often than the pages: their own long-cached file
        // (with the bundler's few helpers for CommonJS modules, which only React needs).
        // The shell of the signed-in screens, the query library and the small helpers they
        // share are one more file. A browser opens at most six connections to a server over
        // HTTP/1.1, and on a slow link each response waits 400 ms for its first byte: a report
        // opened cold fetches 7 files (it was 16), and its JSON no longer waits for a free one.
        codeSplitting: {
          groups: [
            { name: "react", test: /node_modules[\\/](react|react-dom|scheduler|react-router|react-router-dom)[\\/]|rolldown:runtime/ },
            // (the hooks a few screens use, lists of queries and mutations, stay in their own files)
            { name: "shell",
              test: /node_modules[\\/]@tanstack[\\/](?!.*(useQueries|queriesObserver|useMutation|mutationObserver)\.js)|src[\\/](queryClient\.ts|components[\\/](Layout|ErrorBox|DateField|UnitPicker)\.tsx|format\.ts|useDebounced\.ts|api[\\/]upload\.ts)$/,
              includeDependenciesRecursively: false },
          ],
        },
      },
    },
  },
});
