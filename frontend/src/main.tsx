import { type ComponentType, lazy, StrictMode, Suspense } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter, Navigate, Route, Routes } from "react-router-dom";
import { LoginPage } from "./pages/LoginPage";
import { t } from "./i18n/vi";
import "./styles.css";

// One file per screen, fetched when first opened: the login page on a slow link loads React,
// the router and itself, nothing else (benchmarks/spa_bench.mjs measures it).
function page<K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) {
  return Object.assign(lazy(async () => ({ default: (await load())[name] })), { load });
}
const Shell = page(() => import("./components/Layout"), "Shell");
const HomePage = page(() => import("./pages/HomePage"), "HomePage");
const ImportsPage = page(() => import("./pages/ImportsPage"), "ImportsPage");
const OrgUnitsPage = page(() => import("./pages/OrgUnitsPage"), "OrgUnitsPage");
const IndicatorsPage = page(() => import("./pages/IndicatorsPage"), "IndicatorsPage");
const PlansPage = page(() => import("./pages/PlansPage"), "PlansPage");
const ReportsPage = page(() => import("./pages/ReportsPage"), "ReportsPage");
const NewRequestPage = page(() => import("./pages/NewRequestPage"), "NewRequestPage");
const RequestPage = page(() => import("./pages/RequestPage"), "RequestPage");
const SubmissionPage = page(() => import("./pages/SubmissionPage"), "SubmissionPage");
const NotificationsPage = page(() => import("./pages/NotificationsPage"), "NotificationsPage");
const ChangePasswordPage = page(() => import("./pages/ChangePasswordPage"), "ChangePasswordPage");
const VerifyPage = page(() => import("./signing/VerifyPage"), "VerifyPage");

// The screen a link opens is fetched at once, beside the shell, not after it (a report's data
// is already on its way: src/early.ts). Each saves a 400 ms round trip on a slow link.
const first = window.location.pathname;
if (first !== "/login") {
  void Shell.load();
  const routes: [RegExp, { load: () => Promise<unknown> }][] = [
    [/^\/submissions\//, SubmissionPage], [/^\/org-units/, OrgUnitsPage],
    [/^\/indicators/, IndicatorsPage], [/^\/plans/, PlansPage], [/^\/reports/, ReportsPage],
    [/^\/report-requests\/new/, NewRequestPage], [/^\/report-requests\//, RequestPage],
    [/^\/notifications/, NotificationsPage], [/^\/change-password/, ChangePasswordPage],
    [/^\/$/, HomePage], [/^\/imports/, ImportsPage], [/^\/verify-signatures/, VerifyPage],
  ];
  void routes.find(([re]) => re.test(first))?.[1].load();
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <BrowserRouter>
      <Suspense fallback={<p className="loading">{t.layout.loading}</p>}>
        <Routes>
          <Route path="/login" element={<LoginPage />} />
          <Route path="/change-password" element={<ChangePasswordPage />} />
          <Route element={<Shell />}>
            <Route path="/" element={<HomePage />} />
            <Route path="/org-units" element={<OrgUnitsPage />} />
            <Route path="/imports" element={<ImportsPage />} />
            <Route path="/indicators" element={<IndicatorsPage />} />
            <Route path="/plans" element={<PlansPage />} />
            <Route path="/reports" element={<ReportsPage />} />
            <Route path="/report-requests/new" element={<NewRequestPage />} />
            <Route path="/report-requests/:id" element={<RequestPage />} />
            <Route path="/submissions/:id" element={<SubmissionPage />} />
            <Route path="/notifications" element={<NotificationsPage />} />
            <Route path="/verify-signatures" element={<VerifyPage />} />
          </Route>
          <Route path="*" element={<Navigate to="/" replace />} />
        </Routes>
      </Suspense>
    </BrowserRouter>
  </StrictMode>,
);
