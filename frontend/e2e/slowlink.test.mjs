// Served fast on a slow link (issue 20 §3), the parts a browser sees: the login page loads no
// screen's code but its own, assets arrive precompressed and cached for good, a search waits
// for the person to pause. benchmarks/spa_bench.mjs measures the times themselves.
import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach, test } from "node:test";
import { api, BASE, launch, token } from "./support.mjs";

let browser;
let context;
let page;

before(async () => {
  browser = await launch();
});
after(async () => browser?.close());
beforeEach(async () => {
  context = await browser.newContext({ locale: "vi-VN" });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
});
afterEach(async () => context.close());

test("the login page loads React, the router and itself, compressed and cached for good", async () => {
  const scripts = [];
  page.on("response", (r) => { if (r.url().includes("/assets/")) scripts.push(r); });
  await page.goto(`${BASE}/login`);
  await page.getByRole("button", { name: "Đăng nhập" }).waitFor();
  const names = scripts.map((r) => new URL(r.url()).pathname);
  assert.ok(names.length > 0);
  for (const name of names) assert.doesNotMatch(name, /Page|Layout|useQuery/, `login loaded ${name}`);
  for (const r of scripts) {
    const headers = await r.allHeaders();
    assert.equal(headers["cache-control"], "public, max-age=31536000, immutable", r.url());
    // Every script but the few hundred bytes not worth compressing comes as brotli.
    if (r.url().endsWith(".js") && (await r.body()).length >= 512) {
      assert.equal(headers["content-encoding"], "br", r.url());
    }
  }
});

test("a search typed key by key asks the server once, after the pause", async () => {
  await page.goto(`${BASE}/login`);
  await page.getByLabel("Tên đăng nhập").fill("admin");
  await page.getByLabel("Mật khẩu").fill("healthplan");
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await page.waitForURL(`${BASE}/`);
  await page.getByRole("link", { name: "Đơn vị", exact: true }).click();
  const searches = [];
  page.on("request", (r) => { if (/\/api\/v1\/org-units\?q=/.test(r.url())) searches.push(r.url()); });
  await page.getByLabel("Tìm đơn vị (không cần dấu)").pressSequentially("son hai", { delay: 60 });
  await page.getByTestId("search-results").getByRole("button", { name: "Xã Sơn Hải", exact: true }).waitFor();
  await page.waitForTimeout(500);
  assert.deepEqual(searches.map((u) => new URL(u).searchParams.get("q")), ["son hai"]);
});

test("a report opened from a link asks for its code and its data while React is on its way", async () => {
  // On a slow link (here 400 ms a request) every request that waits for React to arrive and
  // run costs a round trip more; and the browser opens only six connections to the server.
  const access = await token("lucngan.baocao");
  const { items } = await api("GET", "/submissions?limit=5", { token: access });
  await context.addInitScript((a) => sessionStorage.setItem("hp.access", a), access);
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions",
    { offline: false, latency: 400, downloadThroughput: 50_000, uploadThroughput: 50_000 });
  const sent = new Map();
  const finished = new Map();
  const urls = new Map();
  cdp.on("Network.requestWillBeSent", (e) => {
    urls.set(e.requestId, new URL(e.request.url).pathname);
    sent.set(new URL(e.request.url).pathname, e.timestamp);
  });
  cdp.on("Network.loadingFinished", (e) => finished.set(urls.get(e.requestId), e.timestamp));
  await page.goto(`${BASE}/submissions/${items[0].id}`);
  await page.locator(".report textarea").first().waitFor({ timeout: 30_000 });
  const react = [...finished.keys()].find((p) => /\/assets\/react-.*\.js$/.test(p));
  assert.ok(react, [...finished.keys()].join(" "));
  const screen = [...sent.keys()].find((p) => /\/assets\/SubmissionPage-.*\.js$/.test(p));
  assert.ok(screen, [...sent.keys()].join(" "));
  assert.ok(sent.get(screen) < finished.get(react), "the report's code was asked for only after React came");
  assert.ok(sent.get(`/api/v1/submissions/${items[0].id}`) < finished.get(react),
    "the report's data was asked for only after React came");
  // Every file the screen needs (as the build lists them in the page) comes in one wave
  // beside React: with the style and the entry, 7 files at most (the screens' first version
  // fetched 16, in three waves). What the form loads lazily below itself comes after.
  const needs = await page.evaluate(() => JSON.parse(document.getElementById("hp-chunks").textContent).SubmissionPage);
  assert.ok(needs.includes(screen), needs.join(" "));
  for (const file of needs) assert.ok(sent.get(file) < finished.get(react), `${file} waited for React`);
  const wave = [...sent.keys()].filter((p) => p.startsWith("/assets/") && sent.get(p) < finished.get(react));
  assert.ok(wave.length <= 7, wave.join(" "));
});
