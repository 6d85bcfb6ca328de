// Each role's first screen: what my unit owes (reporter), what waits for my review (reviewer),
// how the open requests are going (leader, viewer, plan manager). A person with several roles
// sees each part; the dashboard and its charting library load only for those who see it.
import { useQuery } from "@tanstack/react-query";
import { lazy, Suspense } from "react";
import { Link } from "react-router-dom";
import { api, type Schemas, unwrap } from "../api/client";
import { ErrorBox } from "../components/ErrorBox";
import { dateVi } from "../format";
import { t } from "../i18n/vi";

const Dashboard = lazy(async () => ({ default: (await import("./home/Dashboard")).Dashboard }));

type Summary = Schemas["SubmissionSummary"];

export function HomePage() {
  const me = useQuery({
    queryKey: ["me"],
    queryFn: async () => unwrap(await api.GET("/api/v1/auth/me")),
  });
  if (me.error) return <ErrorBox error={me.error} />;
  if (!me.data) return <p className="loading">{t.layout.loading}</p>;
  const roles = new Set(me.data.user.roles.map((g) => g.role));
  const leader = roles.has("viewer") || roles.has("plan_manager") || roles.has("admin");
  return (
    <div className="home">
      <h1>{t.home.title}</h1>
      {roles.has("reporter") && <Owed />}
      {roles.has("reviewer") && <Inbox />}
      {leader && (
        <Suspense fallback={<p className="loading">{t.layout.loading}</p>}>
          <Dashboard />
        </Suspense>
      )}
    </div>
  );
}

function useSubmissions(status?: "submitted") {
  return useQuery({
    queryKey: ["submissions", status ?? "all"],
    queryFn: async () => unwrap(await api.GET("/api/v1/submissions", {
      params: { query: { limit: 500, ...(status ? { status } : {}) } } })).items,
  });
}

/** Returned ones first (someone is waiting for the fix), then the nearest due date. */
export function owedOrder(a: Summary, b: Summary): number {
  const r = Number(b.status === "returned") - Number(a.status === "returned");
  return r || a.due_date.localeCompare(b.due_date);
}

function Owed() {
  const subs = useSubmissions();
  const owed = (subs.data ?? []).filter((s) => s.status === "draft" || s.status === "returned").sort(owedOrder);
  const waiting = (subs.data ?? []).filter((s) => s.status === "submitted").length;
  return (
    <section data-testid="home-owed">
      <h2>{t.home.owed}</h2>
      <ErrorBox error={subs.error} />
      {subs.data && owed.length === 0 && <p className="muted">{t.home.owedNone}</p>}
      {owed.length > 0 && (
        <div className="scroll">
          <table className="grid">
            <thead>
              <tr><th>{t.home.request}</th><th>{t.reports.unit}</th><th>{t.reports.due}</th><th>{t.reports.status}</th></tr>
            </thead>
            <tbody>
              {owed.map((s) => (
                <tr key={s.id} className={s.status === "returned" ? "returned" : undefined}>
                  <td><Link to={`/submissions/${s.id}`}>{s.request_reference ?? s.request_title}</Link>
                    {s.review_comment && s.status === "returned" && (
                      <div className="muted hint">{t.submission.reviewComment}: {s.review_comment}</div>
                    )}
                  </td>
                  <td>{s.org_unit.name}</td>
                  <td>{dateVi(s.due_date)}</td>
                  <td>
                    <span className={`badge ${s.status}`}>
                      {t.reports.states[s.started || s.status !== "draft" ? s.status : "not_started"]}
                    </span>
                    {s.overdue && <span className="badge overdue">{t.reports.overdue}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {waiting > 0 && <p className="muted">{t.home.waiting(waiting)}</p>}
    </section>
  );
}

function Inbox() {
  const subs = useSubmissions("submitted");
  // Oldest first: the one that has waited longest.
  const items = [...(subs.data ?? [])].sort((a, b) =>
    (a.submitted_at ?? "").localeCompare(b.submitted_at ?? ""));
  return (
    <section data-testid="home-inbox">
      <h2>{t.home.inbox} {subs.data ? `(${items.length})` : ""}</h2>
      <ErrorBox error={subs.error} />
      {subs.data && items.length === 0 && <p className="muted">{t.home.inboxNone}</p>}
      {items.length > 0 && (
        <div className="scroll">
          <table className="grid">
            <thead>
              <tr><th>{t.reports.unit}</th><th>{t.home.request}</th><th>{t.reports.submittedAt}</th>
                <th>{t.reports.due}</th></tr>
            </thead>
            <tbody>
              {items.map((s) => (
                <tr key={s.id}>
                  <td><Link to={`/submissions/${s.id}`}>{s.org_unit.name}</Link></td>
                  <td><Link to={`/report-requests/${s.request_id}`}>{s.request_reference ?? s.request_title}</Link></td>
                  <td>
                    {s.submitted_at ? dateVi(s.submitted_at) : ""}
                    {s.late && <span className="badge late">{t.reports.late}</span>}
                  </td>
                  <td>{dateVi(s.due_date)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
