// What the signing screens show, worked out from what the API says: a verification result as
// its Vietnamese badge, the signer's name from a certificate subject, the mode as written on
// the document (KT./TL./TM.), the time as dd/mm/yyyy HH:mm, the signature that just arrived,
// the signing client's command. Pure: test/signing.test.mjs checks it without a browser.
import { viSigning as s } from "../i18n/vi.signing";

export type Verdict = "valid" | "altered" | "untrusted" | "expired" | "revocation_unknown";
export type Status = Verdict | "unsigned";

/** The fields every kind of signature the API reports has in common (a version's signature,
 * an attachment's, an uploaded file's), under the names the badges use. */
export interface Shown {
  status: Status;
  name: string | null;
  mode: string | null;
  time: string | null;
  detail: string | null;
  subject: string | null;
  issuer: string | null;
  serial: string | null;
  checkedAt: string | null;
  /** The PAdES level the file reached: B-B, B-T (timestamped), B-LT, B-LTA. */
  level: string | null;
}

// Worst first: a file with several signatures is as good as its weakest.
const SEVERITY: Status[] = ["altered", "untrusted", "expired", "revocation_unknown", "unsigned", "valid"];

export function label(status: string): string {
  return status === "unsigned" ? s.unsigned : s.verdicts[status] ?? status;
}

/** The badge's colour class: good, warning (trusted but not all checked) or bad. */
export function tone(status: string): "ok" | "warn" | "bad" | "none" {
  if (status === "valid") return "ok";
  if (status === "revocation_unknown") return "warn";
  if (status === "unsigned") return "none";
  return "bad";
}

export function worst(statuses: string[]): Status {
  const known = statuses.filter((x): x is Status => SEVERITY.includes(x as Status));
  if (known.length === 0) return "unsigned";
  return SEVERITY.find((x) => known.includes(x))!;
}

/** "Common Name: Nguyễn Văn Hùng, Organization: Sở Y tế, Country: VN" (the server writes a
 * certificate's subject that way) → "Nguyễn Văn Hùng"; a bare name stays as it is. */
export function commonName(subject: string | null | undefined): string | null {
  if (!subject) return null;
  const cn = /(?:^|,\s*)(?:Common Name|CN)\s*[:=]\s*([^,]+)/.exec(subject);
  return (cn ? cn[1] : subject).trim() || null;
}

/** "KT" → "KT." as Decree 30 writes it; no mode (a direct signature, or a seal) → "". */
export function modeShort(mode: string | null | undefined): string {
  return mode ? `${mode.replace(/\.$/, "")}.` : "";
}

const PARTS = new Intl.DateTimeFormat("en-GB", {
  day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit",
  hourCycle: "h23", timeZone: "Asia/Ho_Chi_Minh",
});

/** dd/mm/yyyy HH:mm in Vietnam's time (a signature's time reads the same on every screen). */
export function dateTimeVi(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const p = Object.fromEntries(PARTS.formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
}

/** Names compared as the server compares them: accents, case and spacing aside. */
export function sameName(a: string | null | undefined, b: string | null | undefined): boolean {
  const fold = (x: string) => x.replace(/[đĐ]/g, "d").normalize("NFD").replace(/\p{M}/gu, "")
    .toLowerCase().split(/\s+/).filter(Boolean).join(" ");
  return Boolean(a && b) && fold(a!) === fold(b!);
}

interface VersionSignature {
  signer_mode: string | null; certificate_subject: string; certificate_issuer: string;
  certificate_serial: string; signing_time: string; verification: string;
  verification_detail: string; checked_at: string; level?: string | null;
}
interface FileSignature {
  result: string; detail: string; signer_subject?: string | null; signing_time?: string | null;
  signer_issuer?: string | null; signer_serial?: string | null; level?: string | null;
}

/** A signature of a report's version (GET …/documents). */
export function fromVersion(x: VersionSignature): Shown {
  return {
    status: worst([x.verification]), name: commonName(x.certificate_subject), mode: x.signer_mode,
    time: x.signing_time, detail: x.verification_detail, subject: x.certificate_subject,
    issuer: x.certificate_issuer, serial: x.certificate_serial, checkedAt: x.checked_at,
    level: x.level ?? null,
  };
}

/** A signature found in a received file (an attachment, or a PDF given to "Kiểm tra chữ ký"). */
export function fromFile(x: FileSignature): Shown {
  return {
    status: worst([x.result]), name: commonName(x.signer_subject), mode: null,
    time: x.signing_time ?? null, detail: x.detail, subject: x.signer_subject ?? null,
    issuer: x.signer_issuer ?? null, serial: x.signer_serial ?? null, checkedAt: null,
    level: x.level ?? null,
  };
}

/** What a badge's line says: "Hợp lệ · Nguyễn Văn Hùng · KT. · 07/12/2026 14:05". */
export function summary(x: Shown): string {
  return [label(x.status), x.name, modeShort(x.mode), dateTimeVi(x.time)].filter(Boolean).join(" · ");
}

interface Version { id: string; version: number; signed: boolean; signatures: unknown[] }

/** The signature the page is waiting for: a version signed now that was not signed (or had
 * fewer signatures) when the waiting began. */
export function newlySigned<V extends Version>(before: V[], now: V[]): V | null {
  const had = new Map(before.map((v) => [v.id, v.signed ? v.signatures.length : 0]));
  return now.find((v) => v.signed && v.signatures.length > (had.get(v.id) ?? 0)) ?? null;
}

/** Is the report as it stands signed? The newest version is signed and nothing was saved
 * after its signature (an edit makes a new version to sign again; the server has the last
 * word when the report is submitted). */
export function signedAsItStands(versions: { signed: boolean; signed_at: string | null }[],
  updatedAt: string): boolean {
  const last = versions.at(-1);
  return Boolean(last?.signed && last.signed_at && Date.parse(last.signed_at) >= Date.parse(updatedAt));
}

/** The signing client's command: the shown one hides the login token, the copied one has it. */
export function signCommand(o: { server: string; type: "compilation" | "submission"; id: string;
  p12: string; token: string }): string {
  const quote = (x: string) => (/^[\w./:@=+-]+$/.test(x) ? x : `'${x.replace(/'/g, "'\\''")}'`);
  return ["healthplan", "sign", "--server", quote(o.server.replace(/\/$/, "")), `--${o.type}`, quote(o.id),
    "--p12", quote(o.p12), "--token", quote(o.token)].join(" ");
}
