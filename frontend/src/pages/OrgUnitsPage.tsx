// The org unit directory: an expandable tree loaded a few levels at a time, a search, details.
import { useQueries, useQuery } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { api, type Schemas, unwrap } from "../api/client";
import { ErrorBox } from "../components/ErrorBox";
import { dateVi } from "../format";
import { t } from "../i18n/vi";
import { useDebounced } from "../useDebounced";

type Node = Schemas["OrgUnitNode"];

/** Levels fetched per tree request. A province's communes hold thousands of villages, schools
 * and stations, so deeper levels come when a node is opened, not all at once on a slow link. */
const DEPTH = 2;

const typeLabel = (type: string) => t.unitTypes[type] ?? type;

const fetchTree = async (rootId?: string) =>
  unwrap(await api.GET("/api/v1/org-units/tree", {
    params: { query: { depth: DEPTH, ...(rootId ? { root_id: rootId } : {}) } },
  })).items;

const fetchUnit = async (id: string) =>
  unwrap(await api.GET("/api/v1/org-units/{unit_id}", { params: { path: { unit_id: id } } }));

/** `path` holds the ids from the root down, as bare hex: "/3085f940…/ba030edc…/". */
const pathIds = (path: string) =>
  path.split("/").filter(Boolean).map((h) =>
    h.length === 32 ? `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}` : h);

/**
 * One node. `known` is how many levels under it the data reaches: with 1, its children are
 * right but theirs are not, so opening it fetches its own subtree before showing them.
 */
function TreeNode({ node, known, selected, onSelect }: {
  node: Node;
  known: number;
  selected: string | null;
  onSelect: (id: string) => void;
}) {
  const [open, setOpen] = useState(node.level === 0 && node.code !== "TW");
  const children = node.children ?? [];
  const needsMore = open && known <= 1 && children.length > 0;
  const subtree = useQuery({
    queryKey: ["org-unit-tree", node.id, DEPTH],
    queryFn: () => fetchTree(node.id),
    enabled: needsMore,
    staleTime: 60_000,
  });
  const shown = needsMore ? subtree.data?.[0]?.children : children;
  const shownKnown = needsMore ? DEPTH - 1 : known - 1;
  return (
    <li>
      <div className="node">
        {children.length > 0 ? (
          <button type="button" className="toggle" aria-expanded={open}
            aria-label={`${open ? t.orgUnits.collapse : t.orgUnits.expand} ${node.name}`}
            onClick={() => setOpen(!open)}>
            {open ? "▾" : "▸"}
          </button>
        ) : (
          <span className="toggle" aria-hidden="true" />
        )}
        <span>
          <button type="button" className={`unit ${selected === node.id ? "selected" : ""}`}
            aria-current={selected === node.id ? "true" : undefined}
            onClick={() => onSelect(node.id)}>
            {node.name}
          </button>
          <span className="muted"> · {typeLabel(node.type)}</span>
        </span>
      </div>
      {open && needsMore && !shown && (
        subtree.error ? <ErrorBox error={subtree.error} /> : <p className="muted indent">{t.layout.loading}</p>
      )}
      {open && shown && shown.length > 0 && (
        <ul>
          {shown.map((c) => (
            <TreeNode key={c.id} node={c} known={shownKnown} selected={selected} onSelect={onSelect} />
          ))}
        </ul>
      )}
    </li>
  );
}

/** The unit's place in the tree as names: "Tỉnh Bắc Ninh › Xã Sơn Hải". */
function UnitPath({ path }: { path: string }) {
  const ancestors = useQueries({
    queries: pathIds(path).map((id) => ({
      queryKey: ["org-unit", id],
      queryFn: () => fetchUnit(id),
      staleTime: 300_000,
    })),
  });
  return (
    <ol className="path" data-testid="unit-path">
      {ancestors.map((a, i) => (
        <li key={i}>{a.data ? a.data.name : "…"}</li>
      ))}
    </ol>
  );
}

function UnitDetails({ id }: { id: string }) {
  const unit = useQuery({ queryKey: ["org-unit", id], queryFn: () => fetchUnit(id) });
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
      <dt>{t.orgUnits.path}</dt><dd><UnitPath path={u.path} /></dd>
      <dt>{t.orgUnits.updated}</dt><dd>{dateVi(u.updated_at)}</dd>
    </dl>
  );
}

export function OrgUnitsPage() {
  const [q, setQ] = useState("");
  const [selected, setSelected] = useState<string | null>(null);
  const aside = useRef<HTMLElement>(null);
  const select = (id: string) => {
    setSelected(id);
    // On a phone the details sit below a long tree: bring them into view.
    if (window.matchMedia("(max-width: 720px)").matches) aside.current?.scrollIntoView({ block: "start" });
  };
  const tree = useQuery({
    queryKey: ["org-unit-tree", null, DEPTH],
    queryFn: () => fetchTree(),
    staleTime: 60_000,
  });
  const term = useDebounced(q.trim());
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
                  <button type="button" className="unit" onClick={() => select(u.id)}>
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
                <TreeNode key={n.id} node={n} known={DEPTH} selected={selected} onSelect={select} />
              ))}
            </ul>
          </>
        )}
      </section>
      <aside ref={aside} aria-labelledby="details-title">
        <h2 id="details-title">{t.orgUnits.details}</h2>
        {selected ? <UnitDetails id={selected} /> : <p className="muted">{t.orgUnits.choose}</p>}
      </aside>
    </div>
  );
}
