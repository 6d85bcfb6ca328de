import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router-dom";
import { api, unwrap } from "../api/client";
import { ErrorBox } from "../components/ErrorBox";
import { dateVi, periodVi } from "../format";
import { t } from "../i18n/vi";

/** The reports a user has to write (their units') and the requests they see. */
export function ReportsPage() {
  const mine = useQuery({
    queryKey: ["submissions"],
    queryFn: async () => unwrap(await api.GET("/api/v1/submissions", { params: { query: { limit: 200 } } })),
  });
  const requests = useQuery({
    queryKey: ["report-requests"],
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/report-requests", { params: { query: { limit: 100 } } })),
  });
  const me = useQuery({
    queryKey: ["me"],
    queryFn: async () => unwrap(await api.GET("/api/v1/auth/me")),
  });
  // Only a plan manager (or an administrator) sends requests.
  const sends = me.data?.user.roles.some((g) => g.role === "plan_manager" || g.role === "admin") ?? false;
  return (
    <div>
      <h1>{t.reports.title}</h1>
      <h2>{t.reports.mine}</h2>
      <ErrorBox error={mine.error} />
      {mine.data && mine.data.items.length === 0 && <p className="muted">{t.reports.noReports}</p>}
      {mine.data && mine.data.items.length > 0 && (
        <table className="grid" data-testid="my-reports">
          <thead>
            <tr>
              <th>{t.reports.unit}</th><th>{t.reports.requests}</th><th>{t.reports.due}</th>
              <th>{t.reports.status}</th>
            </tr>
          </thead>
          <tbody>
            {mine.data.items.map((s) => (
              <tr key={s.id}>
                <td><Link to={`/submissions/${s.id}`}>{s.org_unit.name}</Link></td>
                <td>{s.request_reference ?? s.request_title}</td>
                <td>{dateVi(s.due_date)}</td>
                <td>
                  <span className={`badge ${s.status}`}>
                    {t.reports.states[s.started || s.status !== "draft" ? s.status : "not_started"]}
                  </span>
                  {s.overdue && <span className="badge overdue">{t.reports.overdue}</span>}
                  {s.late && <span className="badge late">{t.reports.late}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>{t.reports.requests}</h2>
      {sends && <p><Link to="/report-requests/new">+ {t.reports.create}</Link></p>}
      <ErrorBox error={requests.error} />
      {requests.data && requests.data.items.length === 0 && (
        <p className="muted">{t.reports.noRequests}</p>
      )}
      <ul className="results" data-testid="request-list">
        {requests.data?.items.map((r) => (
          <li key={r.id}>
            <Link to={`/report-requests/${r.id}`}>{r.reference ?? r.title}</Link>
            <span className="muted">
              {" "}· {r.requester.name} · {t.reports.period} {periodVi(r.period)} · {t.reports.due}{" "}
              {dateVi(r.due_date)} · {t.reports.requestStatuses[r.status] ?? r.status}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
