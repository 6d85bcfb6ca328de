import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "react-router-dom";
import { api, unwrap } from "../api/client";
import { ErrorBox } from "../components/ErrorBox";
import { dateVi } from "../format";
import { t } from "../i18n/vi";

/** The caller's notifications, newest first; opening one marks it read. */
export function NotificationsPage() {
  const queryClient = useQueryClient();
  const list = useQuery({
    queryKey: ["notifications"],
    queryFn: async () => unwrap(await api.GET("/api/v1/notifications", { params: { query: { limit: 100 } } })),
  });
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ["notifications"] });
    void queryClient.invalidateQueries({ queryKey: ["unread"] });
  };
  const read = useMutation({
    mutationFn: async (id: string) => unwrap(await api.POST("/api/v1/notifications/{notification_id}/read", {
      params: { path: { notification_id: id } } })),
    onSuccess: refresh,
  });
  const readAll = useMutation({
    mutationFn: async () => unwrap(await api.POST("/api/v1/notifications/read-all")),
    onSuccess: refresh,
  });
  return (
    <div>
      <h1>{t.notifications.title}</h1>
      <ErrorBox error={list.error ?? read.error ?? readAll.error} />
      {list.data && list.data.items.length === 0 && <p className="muted">{t.notifications.none}</p>}
      {list.data && list.data.unread > 0 && (
        <button type="button" onClick={() => readAll.mutate()}>{t.notifications.markAll}</button>
      )}
      <ul className="notes" data-testid="notifications">
        {list.data?.items.map((n) => (
          <li key={n.id} className={n.read_at ? "" : "unread"}>
            <Link to={n.link ?? "/reports"} onClick={() => !n.read_at && read.mutate(n.id)}>{n.title}</Link>
            <div className="muted">{dateVi(n.created_at)} · {n.body}</div>
          </li>
        ))}
      </ul>
    </div>
  );
}
