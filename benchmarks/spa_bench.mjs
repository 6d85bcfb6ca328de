// The SPA over a slow link (issue 20 §3): Debian Chromium with CDP network throttling
// (400 ms latency, ~50 000 bytes/s each way) against a live server with the demo data and the
// built SPA. Prints the cold and warm load times of the login page and the report form, and the
// size of every built file (raw, gzip, brotli). Goals: login cold < 3 s, report cold < 4 s,
// warm < 1 s. It never fails on slowness; benchmarks/spa_bench.py starts the server.
//
//     E2E_BASE_URL=http://127.0.0.1:8000 node benchmarks/spa_bench.mjs [--runs 3]
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const require = createRequire(new URL("../frontend/package.json", import.meta.url));
const { chromium } = require("playwright-core");

const BASE = process.env.E2E_BASE_URL;
if (!BASE) throw new Error("Set E2E_BASE_URL to a running healthplan server with the demo data.");
const RUNS = Number(process.argv[process.argv.indexOf("--runs") + 1] || 3) || 3;
const DIST = new URL("../frontend/dist/", import.meta.url).pathname;
const SLOW = { offline: false, latency: 400, downloadThroughput: 50_000, uploadThroughput: 50_000 };
const USER = "lucngan.baocao";

async function apiLogin() {
  const r = await fetch(`${BASE}/api/v1/auth/token`, {
    method: "POST", body: new URLSearchParams({ username: USER, password: "healthplan" }),
  });
  if (!r.ok) throw new Error(`login failed: ${r.status} ${await r.text()}`);
  return r.json();
}

async function draftUrl(access) {
  const r = await fetch(`${BASE}/api/v1/submissions?limit=50`, { headers: { Authorization: `Bearer ${access}` } });
  const body = await r.json();
  const items = body.items ?? body;
  const draft = items.find((s) => s.status === "draft") ?? items[0];
  return `${BASE}/submissions/${draft.id}`;
}

async function throttled(context) {
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  if (process.env.BENCH_TRACE) page.on("console", (m) => console.log("    console", m.text()));
  // The moment the screen is usable, seen from inside the page (from its navigation start):
  // Playwright's own wait notices it up to a few hundred ms late on a throttled page.
  await page.addInitScript(() => {
    const marks = {};
    window.__hpShown = marks;
    const check = () => {
      const login = document.querySelector("form.card button[type=submit]:not([disabled])");
      if (login && !marks.login && login.getClientRects().length) marks.login = performance.now();
      const section = document.querySelector(".report textarea");
      if (section && !marks.report && section.getClientRects().length) marks.report = performance.now();
      if (!marks.login || !marks.report) requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", SLOW);
  let bytes = 0;
  cdp.on("Network.loadingFinished", (e) => { bytes += e.encodedDataLength; });
  if (process.env.BENCH_TRACE) {
    cdp.on("Network.requestWillBeSent", (e) => {
      if (e.request.url.includes("/api/")) console.log(`    ${(performance.now() - traceStart).toFixed(0).padStart(6)} ms sent ${e.request.url.slice(BASE.length)}`);
    });
  }
  if (process.env.BENCH_TRACE) {
    // Each request as it finishes, from the start of the load being timed.
    page.on("requestfinished", (r) => console.log(
      `    ${(performance.now() - traceStart).toFixed(0).padStart(6)} ms ${r.url().slice(BASE.length)}`));
  }
  return { page, bytes: () => bytes, reset: () => { bytes = 0; } };
}

let traceStart = 0;

async function timed(page, url, ready, mark) {
  const start = performance.now();
  traceStart = start;
  if (process.env.BENCH_TRACE) console.log(`  ${url.slice(BASE.length)}`);
  await page.goto(url, { waitUntil: "commit" });
  await ready();
  const shown = await page.evaluate((m) => window.__hpShown?.[m], mark);
  return shown ?? performance.now() - start;
}

// A warm load is the next visit with the files cached, not a reload in the same second: what the
// cold page fetches after it is shown (the history, lazily loaded panels) is left to finish
// first, so it neither shares the slow line with the warm load nor counts in its bytes.
const settled = (page) => page.waitForLoadState("networkidle", { timeout: 30_000 }).catch(() => undefined);

const loginReady = (page) => page.getByRole("button", { name: "Đăng nhập" }).waitFor();
const reportReady = (page) => page.locator("textarea").first().waitFor();

async function run(browser, tokens, reportUrl) {
  const out = {};
  {
    const context = await browser.newContext({ locale: "vi-VN" });
    const t = await throttled(context);
    out.loginCold = await timed(t.page, `${BASE}/login`, () => loginReady(t.page), "login");
    out.loginColdBytes = t.bytes();
    await settled(t.page);
    t.reset();
    out.loginWarm = await timed(t.page, `${BASE}/login`, () => loginReady(t.page), "login");
    out.loginWarmBytes = t.bytes();
    await context.close();
  }
  {
    const context = await browser.newContext({ locale: "vi-VN" });
    // A signed-in person opening the report from a link: tokens as the login page leaves them.
    await context.addInitScript(([a, r]) => {
      sessionStorage.setItem("hp.access", a);
      sessionStorage.setItem("hp.refresh", r);
    }, [tokens.access_token, tokens.refresh_token]);
    const t = await throttled(context);
    out.reportCold = await timed(t.page, reportUrl, () => reportReady(t.page), "report");
    out.reportColdBytes = t.bytes();
    await settled(t.page);
    t.reset();
    out.reportWarm = await timed(t.page, reportUrl, () => reportReady(t.page), "report");
    out.reportWarmBytes = t.bytes();
    await context.close();
  }
  return out;
}

function sizes() {
  const rows = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(js|css|html)$/.test(name)) {
        const raw = readFileSync(path);
        rows.push({
          file: path.slice(DIST.length), raw: raw.length, gzip: gzipSync(raw, { level: 9 }).length,
          brotli: brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
        });
      }
    }
  };
  walk(DIST);
  return rows.sort((a, b) => b.raw - a.raw);
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"],
});
try {
  const tokens = await apiLogin();
  const reportUrl = await draftUrl(tokens.access_token);
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await run(browser, tokens, reportUrl));
  console.log(`SPA over a slow link: ${SLOW.latency} ms latency, ${SLOW.downloadThroughput} B/s; ` +
    `median of ${RUNS} runs; time from navigation start until the login button or the report's ` +
    "first section is on screen; bytes are on the wire");
  const goals = { loginCold: 3000, reportCold: 4000, loginWarm: 1000, reportWarm: 1000 };
  const names = { loginCold: "login page, cold", loginWarm: "login page, warm",
    reportCold: "report form, cold", reportWarm: "report form, warm" };
  for (const key of Object.keys(goals)) {
    const ms = median(runs.map((r) => r[key]));
    const bytes = median(runs.map((r) => r[`${key}Bytes`]));
    const verdict = ms < goals[key] ? "ok" : "OVER";
    console.log(`  ${names[key].padEnd(20)} ${s(ms).padStart(8)}  goal < ${s(goals[key])}  ${verdict.padEnd(4)}  ${kb(bytes)}`);
  }
  console.log("Built files (raw / gzip -9 / brotli -11):");
  for (const r of sizes()) {
    console.log(`  ${r.file.padEnd(44)} ${kb(r.raw).padStart(10)} ${kb(r.gzip).padStart(10)} ${kb(r.brotli).padStart(10)}`);
  }
} finally {
  await browser.close();
}
