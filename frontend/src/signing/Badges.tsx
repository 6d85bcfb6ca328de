// A file's signature status beside it: one badge per signature ("Hợp lệ", "Bị sửa sau khi
// ký", …) with signer, mode and time, the rest on demand; "Chưa ký" for a PDF with none.
import { viSigning as s } from "../i18n/vi.signing";
import type { Schemas } from "../api/client";
import { dateTimeVi, fromFile, label, modeShort, type Shown, type Status, tone } from "./verdict";
import "./signing.css";

export function StatusBadge({ status }: { status: Status }) {
  return <span className={`badge sig-${tone(status)}`} data-testid="signature-status">{label(status)}</span>;
}

/** One signature: its badge and line, and its certificate and the checker's words on demand. */
export function SignatureLine({ sig }: { sig: Shown }) {
  return (
    <div className="sig" data-testid="signature">
      <StatusBadge status={sig.status} />
      {sig.name && <span className="sig-name">{sig.name}</span>}
      {sig.mode && <span className="muted"> · {modeShort(sig.mode)}</span>}
      {sig.time && <span className="muted"> · {dateTimeVi(sig.time)}</span>}
      <details className="sig-details">
        <summary>{s.details}</summary>
        <dl className="details">
          <dt>{s.result}</dt><dd>{label(sig.status)}: {s.verdictHints[sig.status] ?? ""}</dd>
          {sig.detail && (<><dt /><dd className="muted">{sig.detail}</dd></>)}
          {sig.mode !== null && (<><dt>{s.mode}</dt><dd>{s.modes[sig.mode.replace(/\.$/, "")] ?? (sig.mode || "—")}</dd></>)}
          {sig.subject && (<><dt>{s.subject}</dt><dd>{sig.subject}</dd></>)}
          {sig.issuer && (<><dt>{s.issuer}</dt><dd>{sig.issuer}</dd></>)}
          {sig.serial && (<><dt>{s.serial}</dt><dd><code>{sig.serial}</code></dd></>)}
          {sig.time && (<><dt>{s.time}</dt><dd>{dateTimeVi(sig.time)}</dd></>)}
          {sig.level && (<><dt>{s.level}</dt><dd>{s.levels[sig.level] ?? sig.level}</dd></>)}
          {sig.checkedAt && (<><dt>{s.checkedAt}</dt><dd>{dateTimeVi(sig.checkedAt)}</dd></>)}
        </dl>
      </details>
    </div>
  );
}

/** Beside a received file: `null` (not a PDF) shows nothing, `[]` "Chưa ký". */
export function FileSignatures({ signatures }: { signatures: Schemas["FileSignature"][] | null | undefined }) {
  if (signatures == null) return null;
  if (signatures.length === 0) return <span className="sigs"><StatusBadge status="unsigned" /></span>;
  return <span className="sigs">{signatures.map((x, i) => <SignatureLine key={i} sig={fromFile(x)} />)}</span>;
}
