import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api, type Schemas, unwrap } from "../api/client";
import { useDebounced } from "../useDebounced";

type Unit = Schemas["OrgUnitRead"];

/** Find an org unit by name or code (accents not needed) and pick it. */
export function UnitPicker({ label, onPick, exclude = [] }: {
  label: string; onPick: (unit: Unit) => void; exclude?: string[];
}) {
  const [q, setQ] = useState("");
  const term = useDebounced(q.trim());
  const found = useQuery({
    queryKey: ["unit-search", term],
    enabled: term.length >= 2,
    queryFn: async () => unwrap(await api.GET("/api/v1/org-units", {
      params: { query: { q: term, limit: 20, active: true } } })),
  });
  return (
    <div className="picker">
      <label>{label}<input value={q} onChange={(e) => setQ(e.target.value)} /></label>
      <ul className="results">
        {found.data?.items.filter((u) => !exclude.includes(u.id)).map((u) => (
          <li key={u.id}>
            <button type="button" className="unit" onClick={() => { onPick(u); setQ(""); }}>
              {u.name} ({u.code})
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
