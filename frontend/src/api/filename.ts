/** The name a download's Content-Disposition gives it (RFC 6266: `filename*` in UTF-8 first,
 *  then `filename`), made safe for a file system; the fallback when the header names none. */
export function dispositionName(header: string | null | undefined, fallback: string): string {
  if (!header) return fallback;
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header);
  if (star) {
    try {
      const name = clean(decodeURIComponent(star[1].trim()));
      if (name) return name;
    } catch {
      // A broken percent-encoding: the plain name below.
    }
  }
  const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]+))/i.exec(header);
  const name = plain ? (plain[1] ?? plain[2] ?? "").replace(/\\(.)/g, "$1").trim() : "";
  return clean(name) || fallback;
}

// Separators and control characters would name a folder or nothing at all.
const clean = (name: string) =>
  name.replace(/[\\/:*?"<>|\u0000-\u001f]/g, "_").replace(/^\.+/, "").normalize("NFC").trim();
