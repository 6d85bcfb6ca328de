// "Ký số": the PDF versions of a compiled report or of a unit's report, their signatures and
// downloads; for a signer of the issuing unit, how to sign with the USB token (a browser
// cannot reach it: the signing client's command, then the page waits for the signature) and
// the unit's seal when one is configured. Loaded on demand, off the report form's first load.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { Link } from "react-router-dom";
import { api, downloadFile, type Schemas, tokens, unwrap } from "../api/client";
import { ErrorBox } from "../components/ErrorBox";
import { viSigning as s } from "../i18n/vi.signing";
import { SignatureLine, StatusBadge } from "./Badges";
import { dateTimeVi, fromVersion, modeShort, newlySigned, sameName, signCommand, signedAsItStands } from "./verdict";
import "./signing.css";

// The report form takes the files' badges from here too: one chunk to fetch, not two.
export { FileSignatures, SignatureLine, StatusBadge } from "./Badges";

type Version = Schemas["SignableDocumentRead"];
type Kind = "compilation" | "submission";

const POLL_MS = 2_500;
// A signing session is good for 15 minutes (SIGNING_SESSION_MINUTES): no point waiting longer.
const WAIT_MS = 15 * 60_000;

async function versionsOf(type: Kind, id: string): Promise<Version[]> {
  const page = type === "compilation"
    ? unwrap(await api.GET("/api/v1/report-requests/{request_id}/compilation/documents", {
      params: { path: { request_id: id } } }))
    : unwrap(await api.GET("/api/v1/submissions/{submission_id}/documents", {
      params: { path: { submission_id: id } } }));
  return page.items;
}

export interface SigningPanelProps {
  type: Kind;
  id: string;
  /** The report's allowed actions: "sign" and "seal" show the signing steps. */
  actions: string[];
  /** The name the report's signer block gives (a unit's report; the compiled report's is read here). */
  blockName?: string | null;
  /** A unit's report: when it was last saved (the server's time as loaded, this page's saves
   * since), to tell whether its signature still holds. */
  updatedAt?: string;
  savedAt?: Date | null;
  onSignedAsItStands?: (signed: boolean) => void;
}

export function SigningPanel({ type, id, actions, blockName, updatedAt, savedAt, onSignedAsItStands }: SigningPanelProps) {
  const queryClient = useQueryClient();
  const key = ["signable", type, id];
  const [waiting, setWaiting] = useState<{ since: Version[]; until: number } | null>(null);
  const [arrived, setArrived] = useState<Version | null>(null);
  const [gaveUp, setGaveUp] = useState(false);
  const [copied, setCopied] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const command = useRef<HTMLPreElement>(null);
  const versions = useQuery({
    queryKey: key,
    queryFn: () => versionsOf(type, id),
    refetchInterval: waiting ? POLL_MS : false,
    refetchIntervalInBackground: true,
  });
  const me = useQuery({
    queryKey: ["me"],
    queryFn: async () => unwrap(await api.GET("/api/v1/auth/me")),
    enabled: actions.includes("sign"),
    staleTime: 60_000,
  });
  const compiled = useQuery({
    queryKey: ["compilation", id],
    queryFn: async () => unwrap(await api.GET("/api/v1/report-requests/{request_id}/compilation", {
      params: { path: { request_id: id } } })),
    enabled: type === "compilation" && actions.includes("sign"),
    staleTime: Infinity,
    gcTime: 0,
  });
  // The seal: signed on the server at once (a 409 when the unit has none configured).
  const [sealing, setSealing] = useState(false);
  const [sealed, setSealed] = useState<Version | null>(null);
  async function sealIt() {
    setError(null);
    setSealed(null);
    setSealing(true);
    try {
      setSealed(unwrap(type === "compilation"
        ? await api.POST("/api/v1/report-requests/{request_id}/compilation/seal", { params: { path: { request_id: id } } })
        : await api.POST("/api/v1/submissions/{submission_id}/seal", { params: { path: { submission_id: id } } })));
      await queryClient.invalidateQueries({ queryKey: key });
    } catch (e) {
      setError(e);
    } finally {
      setSealing(false);
    }
  }

  const data = versions.data;
  useEffect(() => {
    if (!data || !waiting) return;
    const found = newlySigned(waiting.since, data);
    if (found) {
      setArrived(found);
      setWaiting(null);
    } else if (Date.now() > waiting.until) {
      setWaiting(null);
      setGaveUp(true);
    }
  }, [data, waiting]);
  useEffect(() => {
    if (!data || !updatedAt || !onSignedAsItStands) return;
    const last = savedAt && savedAt.getTime() > Date.parse(updatedAt) ? savedAt.toISOString() : updatedAt;
    onSignedAsItStands(signedAsItStands(data, last));
  }, [data, updatedAt, savedAt, onSignedAsItStands]);

  const canSign = actions.includes("sign");
  const canSeal = actions.includes("seal");
  const items = data ?? [];
  const lastSigned = [...items].reverse().find((v) => v.signed);
  const name = type === "compilation" ? (compiled.data as Schemas["Compilation"] | undefined)?.signer_name : blockName;
  const myName = me.data?.user.full_name;
  const stem = type === "compilation" ? "bao-cao-tong-hop" : "bao-cao";
  const draftUrl = type === "compilation"
    ? `/api/v1/report-requests/${id}/compilation?format=pdf` : `/api/v1/submissions/${id}/download?format=pdf`;
  const save = (url: string, filename: string) => { setError(null); void downloadFile(url, filename).catch(setError); };
  const cmd = (token: string) => signCommand({ server: window.location.origin, type, id, p12: s.panel.p12, token });

  function startWaiting() {
    setArrived(null);
    setGaveUp(false);
    setCopied(null);
    setWaiting({ since: items, until: Date.now() + WAIT_MS });
  }

  async function copy() {
    try {
      await navigator.clipboard.writeText(cmd(tokens.access ?? ""));
      setCopied(s.panel.copied);
    } catch {
      // No clipboard (a page served over plain http): select the shown command instead.
      if (command.current) window.getSelection()?.selectAllChildren(command.current);
      setCopied(s.panel.copyByHand);
    }
  }

  return (
    <section className="signing" data-testid="signing-panel" aria-labelledby={`signing-${id}`}>
      <h2 id={`signing-${id}`}>{s.panel.title}</h2>
      <p className="muted">{type === "compilation" ? s.panel.hintCompilation : s.panel.hintSubmission}</p>
      <ErrorBox error={versions.error} />
      {data && items.length === 0 && <p className="muted" data-testid="no-versions">{s.panel.none}</p>}
      {items.length > 0 && (
        <div className="scroll">
          <table className="grid" data-testid="versions">
            <thead>
              <tr><th>{s.panel.version}</th><th>{s.panel.created}</th><th>{s.panel.blockSigner}</th>
                <th>{s.panel.signature}</th><th /></tr>
            </thead>
            <tbody>
              {items.map((v) => (
                <tr key={v.id} data-testid={`version-${v.version}`}>
                  <td className="num">{v.version}</td>
                  <td>{dateTimeVi(v.created_at)}</td>
                  <td>{[modeShort(v.signer_mode), v.signer_name].filter(Boolean).join(" ")}</td>
                  <td>
                    {v.signatures.length === 0 ? <StatusBadge status="unsigned" />
                      : v.signatures.map((x) => <SignatureLine key={x.id} sig={fromVersion(x)} />)}
                  </td>
                  <td>
                    <button type="button" className="small" aria-label={s.panel.downloadVersion(v.version)}
                      onClick={() => save(v.download_url, `${stem}-v${v.version}${v.signed ? "-da-ky" : ""}.pdf`)}>
                      {v.signed ? s.panel.downloadSigned : s.panel.downloadPdf}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="actions">
        <button type="button" onClick={() => save(draftUrl, `${stem}.pdf`)}>{s.panel.downloadPdf}</button>
        {lastSigned && (
          <button type="button" data-testid="download-signed"
            onClick={() => save(lastSigned.download_url, `${stem}-v${lastSigned.version}-da-ky.pdf`)}>
            {s.panel.downloadSigned}
          </button>
        )}
        {canSign && !waiting && (
          <button type="button" className="primary" onClick={startWaiting}>{s.panel.sign}</button>
        )}
        {canSeal && (
          <button type="button" disabled={sealing} onClick={() => void sealIt()}>
            {sealing ? s.panel.sealing : s.panel.seal}
          </button>
        )}
      </div>
      {sealed && <p className="done" role="status">{s.panel.sealed(sealed.version)}</p>}
      <ErrorBox error={error} />
      {canSign && !waiting && !arrived && items.at(-1)?.signed && <p className="muted">{s.panel.latestSigned}</p>}
      {canSign && myName && name !== undefined && !sameName(name, myName) && (
        <p className="review" role="note" data-testid="name-mismatch">{s.panel.nameMismatch(name ?? null, myName)}</p>
      )}
      {waiting && (
        <div className="sign-how" data-testid="sign-how">
          <h3>{s.panel.howTitle}</h3>
          <p>{s.panel.how1}</p>
          <pre ref={command} data-testid="sign-command">{cmd(s.panel.tokenShown)}</pre>
          <div className="actions">
            <button type="button" onClick={() => void copy()}>{s.panel.copy}</button>
            <button type="button" className="small" onClick={() => setWaiting(null)}>{s.panel.stopWaiting}</button>
            {copied && <span className="muted" role="status">{copied}</span>}
          </div>
          <p className="muted">{s.panel.how2}</p>
          <p role="status" className="waiting">{s.panel.waiting}</p>
        </div>
      )}
      {gaveUp && <p className="review" role="status">{s.panel.gaveUp}</p>}
      {arrived && (
        <div className="done sign-done" role="status" data-testid="signed">
          <strong>{s.panel.signed(arrived.version)}</strong>
          {arrived.signatures.slice(-1).map((x) => <SignatureLine key={x.id} sig={fromVersion(x)} />)}
        </div>
      )}
      <p><Link to="/verify-signatures">{s.panel.verifyLink}</Link></p>
    </section>
  );
}
