// Its own tiny entry (index.html loads it beside main, not after it). On a slow link (400 ms
// a request) it does two things while React is still on its way:
// - asks for the code of the screen this address opens (and its shell), so those files come
//   down beside React, not one round trip after the entry has run. The build lists each
//   screen's files in index.html (#hp-chunks; vite.config.ts, earlyEntry);
// - starts the report's own read, handed over by api/early.ts.
// Nothing imported, so it arrives in one small file.
const SCREENS: [RegExp, string][] = [
  [/^\/submissions\//, "SubmissionPage"], [/^\/org-units/, "OrgUnitsPage"],
  [/^\/indicators/, "IndicatorsPage"], [/^\/plans/, "PlansPage"], [/^\/reports/, "ReportsPage"],
  [/^\/report-requests\/new/, "NewRequestPage"], [/^\/report-requests\//, "RequestPage"],
  [/^\/notifications/, "NotificationsPage"], [/^\/change-password/, "ChangePasswordPage"],
  [/^\/$/, "HomePage"], [/^\/imports/, "ImportsPage"], [/^\/verify-signatures/, "VerifyPage"],
];
const w = window as unknown as { __hpEarly?: Map<string, Promise<Response>> };
const path = window.location.pathname;
const access = sessionStorage.getItem("hp.access");
const screen = SCREENS.find(([re]) => re.test(path))?.[1];
// The report's read first: it then takes the first free connection, before the code.
const report = /^\/submissions\/([0-9a-f-]{36})$/.exec(path);
if (access && report) {
  const url = `/api/v1/submissions/${report[1]}`;
  const response = fetch(url, { headers: { Authorization: `Bearer ${access}` } });
  response.catch(() => undefined);
  (w.__hpEarly ??= new Map()).set(url, response);
}
if (access && screen) {
  let chunks: Record<string, string[]> = {};
  try {
    chunks = JSON.parse(document.getElementById("hp-chunks")?.textContent ?? "{}");
  } catch {
    // No list (the development server): each screen's code comes when it is first drawn.
  }
  // The signed-in screens sit in the shell (components/Layout); the password page does not.
  const files = new Set([...(screen === "ChangePasswordPage" ? [] : chunks.Layout ?? []), ...(chunks[screen] ?? [])]);
  for (const href of files) {
    const link = document.createElement("link");
    link.rel = "modulepreload";
    link.crossOrigin = "";
    link.href = href;
    document.head.append(link);
  }
}
export {};
