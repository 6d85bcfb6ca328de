import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter, Navigate, Route, Routes } from "react-router-dom";
import { ApiError } from "./api/client";
import { Layout } from "./components/Layout";
import { LoginPage } from "./pages/LoginPage";
import { ChangePasswordPage } from "./pages/ChangePasswordPage";
import { IndicatorsPage } from "./pages/IndicatorsPage";
import { OrgUnitsPage } from "./pages/OrgUnitsPage";
import { NewRequestPage } from "./pages/NewRequestPage";
import { NotificationsPage } from "./pages/NotificationsPage";
import { PlansPage } from "./pages/PlansPage";
import { ReportsPage } from "./pages/ReportsPage";
import { RequestPage } from "./pages/RequestPage";
import { SubmissionPage } from "./pages/SubmissionPage";
import "./styles.css";

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Problems (4xx) are answers, not glitches: do not retry them on a slow link.
      retry: (count, error) => !(error instanceof ApiError && error.problem.status < 500) && count < 2,
      refetchOnWindowFocus: false,
    },
  },
});

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <Routes>
          <Route path="/login" element={<LoginPage />} />
          <Route path="/change-password" element={<ChangePasswordPage />} />
          <Route element={<Layout />}>
            <Route path="/org-units" element={<OrgUnitsPage />} />
            <Route path="/indicators" element={<IndicatorsPage />} />
            <Route path="/plans" element={<PlansPage />} />
            <Route path="/reports" element={<ReportsPage />} />
            <Route path="/report-requests/new" element={<NewRequestPage />} />
            <Route path="/report-requests/:id" element={<RequestPage />} />
            <Route path="/submissions/:id" element={<SubmissionPage />} />
            <Route path="/notifications" element={<NotificationsPage />} />
          </Route>
          <Route path="*" element={<Navigate to="/org-units" replace />} />
        </Routes>
      </BrowserRouter>
    </QueryClientProvider>
  </StrictMode>,
);
