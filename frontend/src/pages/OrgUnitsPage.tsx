import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api, type Schemas, unwrap } from "../api/client";
import { ErrorBox } from "../components/ErrorBox";
import { t } from "../i18n/vi";

type Node = Schemas["OrgUnitNode"];

const typeLabel = (type: string) => t.unitTypes[type] ?? type;
const dateVi = (iso: string) => new Date(iso).toLocaleDateString("vi-VN");

function TreeNode({ node, selected, onSelect }: {
  node: Node;
  selected: string | null;
  onSelect: (id: string) => void;
}) {
  const [open, setOpen] = useState(node.level === 0 && node.code !== "TW");
  const children = node.children ?? [];
  return (
    <li>
      {children.length > 0 ? (
        <button type="button" className="toggle" aria-expanded={open}
          aria-label={`${open ? t.orgUnits.collapse : t.orgUnits.expand} ${node.name}`}
          onClick={() => setOpen(!open)}>
          {open ? "▾" : "▸"}
        </button>
      ) : (
        <span className="toggle" />
      )}
      <button type="button" className={`unit ${selected === node.id ? "selected" : ""}`}
        onClick={() => onSelect(node.id)}>
        {node.name}
      </button>
      <span className="muted"> · {typeLabel(node.type)}</span>
      {open && children.length > 0 && (
        <ul>
          {children.map((c) => (
            <TreeNode key={c.id} node={c} selected={selected} onSelect={onSelect} />
          ))}
        </ul>
      )}
    </li>
  );
}

function UnitDetails({ id }: { id: string }) {
  const unit = useQuery({
    queryKey: ["org-unit", id],
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/org-units/{unit_id}", { params: { path: { unit_id: id } } })),
  });
  if (unit.error) return <ErrorBox error={unit.error} />;
  if (!unit.data) return <p>{t.layout.loading}</p>;
  const u = unit.data;
  return (
    <dl className="details" data-testid="unit-details">
      <dt>{t.orgUnits.name}</dt><dd>{u.name}</dd>
      <dt>{t.orgUnits.code}</dt><dd>{u.code}</dd>
      <dt>{t.orgUnits.type}</dt><dd>{typeLabel(u.type)}</dd>
      <dt>{t.orgUnits.level}</dt><dd>{u.level}</dd>
      <dt>{t.orgUnits.status}</dt><dd>{u.active ? t.orgUnits.active : t.orgUnits.inactive}</dd>
      <dt>{t.orgUnits.updated}</dt><dd>{dateVi(u.updated_at)}</dd>
    </dl>
  );
}

export function OrgUnitsPage() {
  const [q, setQ] = useState("");
  const [selected, setSelected] = useState<string | null>(null);
  const tree = useQuery({
    queryKey: ["org-unit-tree"],
    queryFn: async () => unwrap(await api.GET("/api/v1/org-units/tree", {})),
    staleTime: 60_000,
  });
  const term = q.trim();
  const search = useQuery({
    queryKey: ["org-units", term],
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/org-units", { params: { query: { q: term, limit: 50 } } })),
    enabled: term.length >= 2,
  });

  return (
    <div className="columns">
      <section aria-labelledby="tree-title">
        <h1 id="tree-title">{t.orgUnits.title}</h1>
        <label className="search">
          {t.orgUnits.search}
          <input type="search" value={q} placeholder={t.orgUnits.searchPlaceholder}
            onChange={(e) => setQ(e.target.value)} />
        </label>
        {term.length >= 2 ? (
          <div aria-live="polite">
            <h2>{t.orgUnits.results}</h2>
            <ErrorBox error={search.error} />
            {search.data && search.data.items.length === 0 && <p>{t.orgUnits.noResults}</p>}
            <ul className="results" data-testid="search-results">
              {search.data?.items.map((u) => (
                <li key={u.id}>
                  <button type="button" className="unit" onClick={() => setSelected(u.id)}>
                    {u.name}
                  </button>
                  <span className="muted"> · {typeLabel(u.type)} · {u.code}</span>
                </li>
              ))}
            </ul>
          </div>
        ) : (
          <>
            <ErrorBox error={tree.error} />
            {tree.isPending && <p>{t.layout.loading}</p>}
            <ul className="tree" data-testid="org-tree">
              {tree.data?.map((n) => (
                <TreeNode key={n.id} node={n} selected={selected} onSelect={setSelected} />
              ))}
            </ul>
          </>
        )}
      </section>
      <aside aria-labelledby="details-title">
        <h2 id="details-title">{t.orgUnits.details}</h2>
        {selected ? <UnitDetails id={selected} /> : <p className="muted">{t.orgUnits.choose}</p>}
      </aside>
    </div>
  );
}
