"""The layers of `api/` hold (issue 19 §3): every import runs one way, read from the source.

Routers parse, authorize, call a service and shape the answer: they do not import the ORM
models (queries live in `api/services/`). Services are the domain: they know no HTTP and
need no request (`fastapi`, `starlette`, `api.deps`). No module imports another that,
directly or through others, imports it back - function-level imports count, since a lazy
import is the usual way to hide a cycle. No module grows past ~600 lines."""

import ast
from collections.abc import Iterator
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
API = ROOT / "api"
MAX_LINES = 600

# Modules allowed past MAX_LINES for now, each with its reason (whose split it waits for).
LONG_MODULE_EXEMPTIONS: set[str] = set()


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(API.rglob("*.py"))}


MODULES = _modules()


def _imports(name: str, path: Path) -> Iterator[tuple[str, int]]:
    """Every module `name` imports (absolute, resolved), at any depth of the file, with the
    line. `from api.x import y` counts as importing `api.x.y` when that is a module."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module or ""
            submodules = [f"{source}.{a.name}" for a in node.names]
            named = [m for m in submodules if m in MODULES]
            if named:
                yield from ((m, node.lineno) for m in named)
            if len(named) < len(submodules):
                yield source, node.lineno


def _graph() -> dict[str, set[str]]:
    return {
        name: {target for target, _ in _imports(name, path) if target in MODULES} - {name}
        for name, path in MODULES.items()
    }


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def _violations(prefix: str, forbidden: tuple[str, ...]) -> set[str]:
    return set(
        f"{name} imports {target}"
        for name, path in MODULES.items()
        if name.startswith(prefix)
        for target, _ in _imports(name, path)
        if any(target == f or target.startswith(f"{f}.") for f in forbidden)
    )


def test_the_graph_reads_the_source() -> None:
    """The rules below look at real edges: a known router-service edge and a known lazy one."""
    graph = _graph()
    assert "api.services.plans" in graph["api.routers.plans"]
    assert len(MODULES) > 80
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.integers(0, 7), st.sets(st.integers(0, 7), max_size=3), min_size=1, max_size=8
    )
)
def test_cycles_are_exactly_the_modules_that_reach_themselves(edges: dict[int, set[int]]) -> None:
    """Against plain reachability: a module is in a reported cycle if and only if it reaches
    itself through another module, and two modules share one if and only if each reaches the
    other."""
    graph = {str(n): {str(m) for m in edges.get(n, set()) if m in edges} - {str(n)} for n in edges}

    def reach(start: str) -> set[str]:
        seen: set[str] = set()
        todo = list(graph[start])
        while todo:
            node = todo.pop()
            if node not in seen:
                seen.add(node)
                todo.extend(graph[node])
        return seen

    reaches = {n: reach(n) for n in graph}
    cycles = _cycles(graph)
    assert {n for c in cycles for n in c} == {n for n in graph if n in reaches[n]}
    for component in cycles:
        assert all(b in reaches[a] for a in component for b in component if a != b)
    together = {(a, b) for c in cycles for a in c for b in c}
    assert all(
        (a, b) in together
        for a in graph
        for b in graph
        if a != b and b in reaches[a] and a in reaches[b]
    )


def test_routers_do_not_import_models() -> None:
    assert _violations("api.routers", ("api.models",)) == set()


def _transaction_calls(prefix: str) -> set[str]:
    return {
        f"{name}:{node.lineno} calls {node.func.attr}"
        for name, path in MODULES.items()
        if name.startswith(prefix)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("begin", "begin_nested", "commit", "rollback")
    }


def test_routers_open_and_close_no_transaction() -> None:
    """The request's transaction is the dependency's; a savepoint is the domain's business."""
    assert _transaction_calls("api.routers") == set()


def test_services_know_no_http_and_no_request() -> None:
    assert _violations("api.services", ("fastapi", "starlette", "api.deps")) == set()


def test_no_import_cycle() -> None:
    assert _cycles(_graph()) == []


# The composition roots: they may know every layer, since they put the application together.
COMPOSITION_ROOTS = {"api.main", "api.cli"}


def test_infrastructure_names_no_domain_module() -> None:
    """A module that names another in a string (importlib) hides an edge from the graph above:
    only the composition roots list the domain modules (e.g. the ones defining jobs)."""
    named = {
        f"{name} names {node.value}"
        for name, path in MODULES.items()
        if name not in COMPOSITION_ROOTS
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value in MODULES
        and node.value.startswith(("api.services", "api.routers"))
    }
    assert named == set()


def test_exemptions_name_real_modules() -> None:
    assert set(LONG_MODULE_EXEMPTIONS) - set(MODULES) == set()


def test_no_module_is_too_long() -> None:
    long = {
        name: n
        for name, path in MODULES.items()
        if not name.startswith("api.demo")
        and name not in LONG_MODULE_EXEMPTIONS
        and (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}
