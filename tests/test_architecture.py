"""The architecture holds: no import cycle inside lpt, the library never imports the
CLI, no module grows past a size a reader can hold.

The imports are read from the source with ``ast`` (nothing is imported), every
``import``/``from ... import`` counts wherever it stands -- at the top of a module or
inside a function, since a function-level import only postpones a cycle, it does not
remove it. Importing a submodule is not counted as importing its package's
``__init__`` (Python runs it, but every package would then import all its children).
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
LPT = SRC / "lpt"
MAX_LINES = 600

# Modules over MAX_LINES while they are being split. This list must shrink to empty:
# remove an entry as soon as its module is split, never add one.
OVERSIZED_ALLOWED: set[str] = set()

# Import cycles being removed. Same rule: this list must shrink to empty.
CYCLES_ALLOWED: list[set[str]] = []


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(LPT.rglob("*.py"))}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The lpt modules ``name`` imports, anywhere in its source."""
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            # `from lpt.cli import asr` imports the submodule lpt.cli.asr when there is one
            targets = [f"{stem}.{a.name}" if f"{stem}.{a.name}" in known else stem for a in node.names]
        else:
            continue
        for target in targets:
            # `import lpt.a.b.c` where c is a name, not a module: the longest known prefix
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm (iterative): the groups of modules that import each other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[set[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    group = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.add(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        groups.append(group)
    return groups


def test_the_scanner_sees_a_known_import_and_a_planted_cycle():
    """The check can fail: the graph holds an import we know of, and Tarjan finds a
    three-module cycle planted in a toy graph (and nothing in an acyclic one)."""
    graph = import_graph()
    assert "lpt.errors" in graph["lpt.design"]
    assert "lpt.cli.output" in graph["lpt.cli.main"]
    toy = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert strongly_connected(toy) == [{"a", "b", "c"}]
    assert strongly_connected({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_no_import_cycle_inside_lpt():
    cycles = strongly_connected(import_graph())
    for allowed in CYCLES_ALLOWED:
        if allowed in cycles:
            print(f"allowed while being removed: import cycle {sorted(allowed)}")
    new = [sorted(c) for c in cycles if c not in CYCLES_ALLOWED]
    assert not new, f"import cycles inside lpt: {new}"


def test_the_library_never_imports_the_cli():
    graph = import_graph()
    offenders = sorted(f"{m} imports {t}" for m, targets in graph.items() if not m.startswith("lpt.cli")
                       for t in targets if t == "lpt.cli" or t.startswith("lpt.cli."))
    assert not offenders, "; ".join(offenders)


def test_no_module_over_600_lines():
    sizes = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in _modules().items()}
    over = {name: n for name, n in sizes.items() if n > MAX_LINES}
    for name in sorted(over.keys() & OVERSIZED_ALLOWED):
        print(f"allowed while being split: {name} has {over[name]} lines (limit {MAX_LINES})")
    new = {name: n for name, n in over.items() if name not in OVERSIZED_ALLOWED}
    assert not new, f"modules over {MAX_LINES} lines: {new}"
