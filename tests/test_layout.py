"""The layout is the architecture: no module imports itself back, and the architecture
document's module table names every module of the tree (and nothing that is gone)."""

from __future__ import annotations

import re

import grimp

from tests.fixtures.services import repo_root

PACKAGES = ("orchestrator", "connectors", "schedules", "ops")


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each a cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(module: str) -> None:
        nonlocal counter
        index[module] = low[module] = counter
        counter += 1
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in graph.modules or imported.split(".")[0] not in PACKAGES:
                continue
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph.modules):
        if module.split(".")[0] in PACKAGES and module not in index:
            visit(module)
    return found


def _is_package(graph: grimp.ImportGraph, module: str) -> bool:
    return bool(graph.find_children(module))


def test_no_module_imports_itself_back():
    graph = grimp.build_graph(*PACKAGES)
    # A package's __init__ naming its submodules is not an import cycle of ideas.
    for module in list(graph.modules):
        for imported in graph.find_modules_directly_imported_by(module):
            if _is_package(graph, module) and imported.startswith(module + "."):
                graph.remove_import(importer=module, imported=imported)
    assert _cycles(graph) == []


def test_architecture_table_names_every_module():
    root = repo_root()
    doc = (root / "docs" / "architecture.md").read_text(encoding="utf-8")
    named = set(re.findall(r"^\| `([\w/]+\.py)` \|", doc, re.M))
    tree = {str(p.relative_to(root)) for package in PACKAGES
            for p in (root / package).rglob("*.py")
            if p.name != "__init__.py" and "versions" not in p.parts}
    assert sorted(tree - named) == [], "modules missing from docs/architecture.md"
    assert sorted(named - tree) == [], "docs/architecture.md names modules that are gone"
