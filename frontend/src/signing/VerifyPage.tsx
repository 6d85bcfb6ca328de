// "Kiểm tra chữ ký": any PDF (a unit's signed report, a signed letter) checked by the server,
// each signature shown as the files of a report show theirs.
import { useState } from "react";
import { type Schemas } from "../api/client";
import { upload } from "../api/upload";
import { ErrorBox } from "../components/ErrorBox";
import { viSigning as s } from "../i18n/vi.signing";
import { SignatureLine, StatusBadge } from "./SigningPanel";
import { fromFile } from "./verdict";
import "./signing.css";

export function VerifyPage() {
  const [result, setResult] = useState<{ name: string; found: Schemas["VerifyResult"] } | null>(null);
  const [checking, setChecking] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function check(file: File) {
    setError(null);
    setResult(null);
    if (!/\.pdf$/i.test(file.name) && file.type !== "application/pdf") {
      setError(new Error(s.verify.notPdf));
      return;
    }
    const form = new FormData();
    form.append("file", file);
    setChecking(file.name);
    try {
      setResult({ name: file.name, found: await upload<Schemas["VerifyResult"]>("/api/v1/signatures/verify", form) });
    } catch (e) {
      setError(e);
    } finally {
      setChecking(null);
    }
  }

  return (
    <div className="verify">
      <h1>{s.verify.title}</h1>
      <p className="muted">{s.verify.intro}</p>
      <label>
        {s.verify.file}
        <input type="file" accept=".pdf,application/pdf" disabled={checking !== null}
          onChange={(e) => { const f = e.target.files?.[0]; if (f) void check(f); e.target.value = ""; }} />
      </label>
      {checking && <p role="status" className="muted">{s.verify.checking} {checking}</p>}
      <ErrorBox error={error} />
      {result && (
        <section data-testid="verify-result" aria-live="polite">
          <h2>{result.name}</h2>
          {result.found.signatures.length === 0 ? (
            <p><StatusBadge status="unsigned" /> {s.verify.none}</p>
          ) : (
            <>
              <p>{s.verify.count(result.found.signatures.length)}</p>
              {result.found.signatures.map((x, i) => <SignatureLine key={i} sig={fromFile(x)} />)}
            </>
          )}
        </section>
      )}
    </div>
  );
}
