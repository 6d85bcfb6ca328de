import { QueryClientProvider, useQuery } from "@tanstack/react-query";
import { Suspense } from "react";
import { NavLink, Navigate, Outlet, useLocation, useNavigate } from "react-router-dom";
import { api, rememberReturnTo, tokens, unwrap } from "../api/client";
import { t } from "../i18n/vi";
import { queryClient } from "../queryClient";

// Later screens (plans, indicators, reports) add one line each here.
const NAV: { to: string; label: string; roles?: string[] }[] = [
  { to: "/", label: t.nav.home },
  { to: "/org-units", label: t.nav.orgUnits },
  { to: "/plans", label: t.nav.plans },
  { to: "/indicators", label: t.nav.indicators },
  { to: "/reports", label: t.nav.reports },
  // Only who may write data: a viewer has nothing to upload.
  { to: "/imports", label: t.nav.imports, roles: ["reporter", "reviewer", "plan_manager", "admin"] },
  { to: "/verify-signatures", label: t.nav.verify },
];

/** The signed-in screens: the query cache, the bar and the menu around the page. */
export function Shell() {
  return (
    <QueryClientProvider client={queryClient}>
      <Layout />
    </QueryClientProvider>
  );
}

export function Layout() {
  const navigate = useNavigate();
  const location = useLocation();
  const me = useQuery({
    queryKey: ["me"],
    queryFn: async () => unwrap(await api.GET("/api/v1/auth/me")),
    enabled: Boolean(tokens.access),
  });
  const unread = useQuery({
    queryKey: ["unread"],
    queryFn: async () => unwrap(await api.GET("/api/v1/notifications/unread-count")),
    enabled: Boolean(tokens.access),
    refetchInterval: 60_000,
  });
  if (!tokens.access) {
    // Back here after the login (a link opened without a session, or a session that ended).
    rememberReturnTo(location.pathname + location.search + location.hash);
    return <Navigate to="/login" replace />;
  }
  if (me.data?.user.must_change_password) {
    // An administrator set this password: choose one's own first, then carry on to here.
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/change-password?next=${next}`} replace />;
  }

  const roles = new Set<string>((me.data?.user.roles ?? []).map((g) => g.role));
  const logout = () => {
    tokens.clear();
    navigate("/login", { replace: true });
  };
  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">{t.appName}</span>
        <span className="who" data-testid="who">
          {me.data ? `${me.data.user.full_name} · ${me.data.org_unit_name}` : t.layout.loading}
        </span>
        <NavLink to="/notifications" className="link bell" data-testid="unread">
          {t.nav.notifications}
          {unread.data && unread.data.unread > 0 ? ` (${unread.data.unread})` : ""}
        </NavLink>
        <button type="button" className="link" onClick={logout}>
          {t.layout.logout}
        </button>
      </header>
      <nav className="sidenav" aria-label={t.layout.nav}>
        <ul>
          {NAV.filter((item) => !item.roles || item.roles.some((r) => roles.has(r))).map((item) => (
            <li key={item.to}>
              <NavLink to={item.to} end={item.to === "/"}>{item.label}</NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <main className="content">
        <Suspense fallback={<p className="loading">{t.layout.loading}</p>}>
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}
