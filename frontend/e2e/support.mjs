// What every browser journey shares: the server under test, Debian's Chromium launched as
// this machine allows, and the API called directly to set a journey up.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { chromium } from "playwright-core";

export const BASE = process.env.E2E_BASE_URL;
if (!BASE) throw new Error("Set E2E_BASE_URL to a running healthplan server (with demo data).");

/** Debian's Chromium, headless; never a downloaded browser. The network flags keep it from
 * calling home on a machine with no internet. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"],
  });
}

/** One API call that must succeed; its JSON answer. */
export async function api(method, path, { token, body, form, version } = {}) {
  const r = await fetch(`${BASE}/api/v1${path}`, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body ? { "Content-Type": "application/json" } : {}),
      ...(version !== undefined ? { "If-Match": `"${version}"` } : {}),
    },
    body: form ? new URLSearchParams(form) : body ? JSON.stringify(body) : undefined,
  });
  const json = await r.json();
  assert.ok(r.ok, `${method} ${path}: ${JSON.stringify(json)}`);
  return json;
}

/** A demo user's access token. */
export const token = async (username) =>
  (await api("POST", "/auth/token", { form: { username, password: "healthplan" } })).access_token;

/** After a journey: a failed one leaves a full-page screenshot in e2e/artifacts/ (named after
 * the test) to see what the person would have seen. */
export async function keepScreenshot(t, page) {
  if (t.passed === true || !page) return;
  mkdirSync("e2e/artifacts", { recursive: true });
  await page.screenshot({ path: `e2e/artifacts/${t.name.replace(/\W+/g, "_")}.png`, fullPage: true })
    .catch(() => undefined);
}
