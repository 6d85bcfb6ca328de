import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { ApiError, api, type Schemas, unwrap } from "../api/client";
import { t } from "../i18n/vi";
import { ErrorBox } from "./ErrorBox";
import { DateField } from "./DateField";

type Update = Schemas["CompilationUpdate"];

/** The requesting unit's compiled report as a draft to sign: sections pre-filled from the
 * units' answers, edited here; the DOCX download carries the edits. */
export function CompiledReport({ requestId }: { requestId: string }) {
  const queryClient = useQueryClient();
  const key = ["compilation", requestId];
  const query = useQuery({
    queryKey: key,
    queryFn: async () => unwrap(await api.GET("/api/v1/report-requests/{request_id}/compilation", {
      params: { path: { request_id: requestId } } })),
    staleTime: Infinity,
    gcTime: 0,
  });
  const edits = useRef<Update>({});
  const [layout, setLayout] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  if (query.error) return <ErrorBox error={query.error} />;
  if (!query.data) return null;
  const c = query.data as Schemas["Compilation"];

  async function save(body: Update) {
    setError(null);
    setSaved(false);
    try {
      const next = unwrap(await api.PATCH("/api/v1/report-requests/{request_id}/compilation", {
        params: { path: { request_id: requestId }, header: { "if-match": `"${c.version}"` } },
        body,
      }));
      queryClient.setQueryData(key, next);
      edits.current = {};
      setLayout((n) => n + 1);
      setSaved(true);
    } catch (e) {
      if (e instanceof ApiError && e.problem.status === 412) void query.refetch();
      setError(e);
    }
  }
  const put = (patch: Update) => { edits.current = { ...edits.current, ...patch }; setSaved(false); };
  const putSection = (sectionKey: string, body: string) => {
    const others = (edits.current.sections ?? []).filter((s) => s.key !== sectionKey);
    put({ sections: [...others, { key: sectionKey, body }] });
  };
  return (
    <section className="compiled" key={layout} data-testid="compiled">
      <h2>{t.reports.compiled}</h2>
      <p className="muted">{t.reports.compiledHint}</p>
      <ErrorBox error={error} />
      <fieldset>
        <legend>{c.reference} · {c.place_and_date}</legend>
        <div className="row">
          <label>{t.submission.number}
            <input defaultValue={c.reference.replace(/^Số: /, "").split("/")[0]}
              onChange={(e) => put({ doc_number: e.target.value.trim() || null })} />
          </label>
          <DateField label={t.submission.date} value={c.report_date} onChange={(iso) => put({ report_date: iso })} />
          <label>{t.submission.signerPosition}
            <input defaultValue={c.signer_position ?? ""}
              onChange={(e) => put({ signer_position: e.target.value.trim() || null })} />
          </label>
          <label>{t.submission.signerName}
            <input defaultValue={c.signer_name ?? ""}
              onChange={(e) => put({ signer_name: e.target.value.trim() || null })} />
          </label>
        </div>
        <label>{t.submission.docTitle}
          <input defaultValue={c.title} onChange={(e) => put({ title: e.target.value.trim() || null })} />
        </label>
        {c.sections.map((s) => (
          <label key={s.key}>
            {s.key}. {s.heading} {s.edited && <span className="badge">{t.reports.edited}</span>}
            <textarea rows={6} defaultValue={s.body} onChange={(e) => putSection(s.key, e.target.value)} />
            {s.edited && (
              <button type="button" className="small" onClick={() => void save({ reset_sections: [s.key] })}>
                {t.reports.resetSection}
              </button>
            )}
          </label>
        ))}
        <div className="actions">
          <button type="button" className="primary" onClick={() => void save(edits.current)}>
            {t.reports.saveCompiled}
          </button>
          {saved && <span className="muted" role="status">{t.reports.savedCompiled}</span>}
        </div>
      </fieldset>
      {c.indicators.length > 0 && (
        <>
          <h3>{t.reports.indicators}</h3>
          <table className="grid" data-testid="compiled-indicators">
            <thead>
              <tr><th>{t.submission.indicator}</th><th>{t.reports.result}</th><th>{t.reports.target}</th>
                <th>{t.reports.evaluation}</th></tr>
            </thead>
            <tbody>
              {c.indicators.map((i) => (
                <tr key={`${i.indicator.code}.${i.option}`}>
                  <td>{i.indicator.name}{i.option_name ? ` (${i.option_name})` : ""}</td>
                  <td className="num">{i.value_text ?? ""}</td>
                  <td>{i.target ?? ""}</td>
                  <td>{t.reports.evaluations[i.evaluation] ?? i.evaluation}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
