import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api, downloadFile, unwrap } from "../api/client";
import { numberVi } from "../format";
import { t } from "../i18n/vi";
import { ErrorBox } from "./ErrorBox";

/** The files of the letter that asks for the reports (its signed scan), each a download.
 * Nothing at all when there is no letter, no file, or this person may not see them. */
export function LetterFiles({ documentId }: { documentId: string | null | undefined }) {
  const [error, setError] = useState<unknown>(null);
  const files = useQuery({
    queryKey: ["document-files", documentId],
    enabled: Boolean(documentId),
    retry: false,
    queryFn: async () => unwrap(await api.GET("/api/v1/documents/{document_id}/attachments", {
      params: { path: { document_id: documentId! } } })),
  });
  const items = files.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <>
      <dt>{t.reports.letterFiles}</dt>
      <dd>
        <ul className="plain" data-testid="letter-files">
          {items.map((f) => (
            <li key={f.id}>
              <button type="button" className="unit" onClick={() => void downloadFile(f.url, f.filename).catch(setError)}>
                {f.filename}
              </button>
              <span className="muted"> · {numberVi(Math.max(f.size / 1024, 0.1), 1)} KB</span>
            </li>
          ))}
        </ul>
        <ErrorBox error={error} />
      </dd>
    </>
  );
}
