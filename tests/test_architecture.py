"""The shape of soma/, checked from its source with ast: no app imports a private name of another app, no import
cycle between modules, and no arrow from a lower app to a higher one. Each violation is reported as file:line.

Imports inside functions count (they still tie the modules together); imports under `if TYPE_CHECKING:` do not
(they never run). Migrations are left out: they freeze history, not design."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# The layers, low -> high. An app may import its own modules and those of the apps below it, never one above:
# the kernel serves every app and imports none; core and accounts are the house's plumbing and its people; the
# catalog is the reference text everything cites; search reads the catalog; then the assessment and the work done
# in it (evidence, findings, responses, follow-up), the reports made of that work, the exchange formats that
# carry an assessment out and in, and the demo data that drives all of it.
LAYERS = ["kernel", "core", "accounts", "catalog", "search", "assessments", "evidence", "findings", "responses",
          "followup", "reports", "exchange", "demo"]
# Project-level modules wire the apps together and may import anything.
PROJECT = {"soma", "soma.settings", "soma.urls", "soma.api_urls", "soma.cli", "soma.wsgi", "soma.api_errors",
           "soma.gunicorn_conf"}


@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    target: str  # the imported module
    line: int


@dataclass(frozen=True)
class Tree:
    """The modules of one package tree and their imports of each other."""

    root: Path
    files: dict[str, Path]  # module name -> file
    imports: list[Import]
    private_uses: list[tuple[str, str, int]]  # (module, "module.name" of the private name used, line)

    def where(self, module: str, line: int) -> str:
        return f"{self.files[module].relative_to(self.root)}:{line}"


def app_of(module: str) -> str:
    """"project" for the top-level modules, else the app (soma.<app>...); management commands count as their app."""
    if module in PROJECT or module.count(".") == 0:
        return "project"
    return module.split(".")[1]


def scan(root: Path, package: str = "soma") -> Tree:
    """Reads every module of root/package (migrations excluded) and the imports between them."""
    files: dict[str, Path] = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        if "migrations" in parts:
            continue
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        files[name] = path
    imports: list[Import] = []
    private_uses: list[tuple[str, str, int]] = []
    for module, path in files.items():
        found, private = _read(module, path, files, package)
        imports += found
        private_uses += private
    return Tree(root, files, imports, private_uses)


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node that can run: the bodies of `if TYPE_CHECKING:` are skipped."""
    nodes: list[ast.AST] = []
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        nodes.append(node)
        if isinstance(node, ast.If) and ast.unparse(node.test) in {"TYPE_CHECKING", "typing.TYPE_CHECKING"}:
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))
    return nodes


def _read(module: str, path: Path, files: dict[str, Path], package: str) -> tuple[list[Import], list]:
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    imports: list[Import] = []
    private: list[tuple[str, str, int]] = []
    aliases: dict[str, str] = {}  # local name -> soma module it is bound to

    def is_private(name: str) -> bool:
        return name.startswith("_") and not name.startswith("__")

    nodes = _runtime_nodes(tree)
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == package or alias.name.startswith(package + "."):
                    imports.append(Import(module, _nearest(alias.name, files), node.lineno))
                    if any(is_private(part) for part in alias.name.split(".")):
                        private.append((module, alias.name, node.lineno))
                    aliases[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else package
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, module, is_package)
            if not (base == package or base.startswith(package + ".")):
                continue
            if any(is_private(part) for part in base.split(".")):
                private.append((module, base, node.lineno))
            for alias in node.names:
                full = f"{base}.{alias.name}"
                if full in files:  # a submodule
                    imports.append(Import(module, full, node.lineno))
                    aliases[alias.asname or alias.name] = full
                else:
                    imports.append(Import(module, _nearest(base, files), node.lineno))
                if is_private(alias.name):
                    private.append((module, full, node.lineno))
    # Private names reached through a module alias: `from soma.x import y` ... `y._z`.
    for node in nodes:
        if isinstance(node, ast.Attribute) and is_private(node.attr):
            dotted = _dotted(node.value)
            if dotted is None:
                continue
            head, _, rest = dotted.partition(".")
            if head in aliases:
                target = aliases[head] + (f".{rest}" if rest else "")
                if target in files:
                    private.append((module, f"{target}.{node.attr}", node.lineno))
    return imports, private


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    parts = module.split(".")
    anchor = parts if is_package else parts[:-1]
    anchor = anchor[: len(anchor) - (node.level - 1)]
    return ".".join(anchor + ([node.module] if node.module else []))


def _nearest(name: str, files: dict[str, Path]) -> str:
    """The module a dotted name lives in (soma.a.b.Name -> soma.a.b)."""
    while name not in files and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


def _dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr}" if inner else None
    return None


# --- the three rules ------------------------------------------------------------------------------------------------


def private_name_violations(tree: Tree) -> list[str]:
    found = []
    for module, name, line in tree.private_uses:
        owner = _nearest(name, tree.files)
        if app_of(owner) != app_of(module):
            found.append(f"{tree.where(module, line)}: {module} uses {name}, a private name of app {app_of(owner)}")
    return sorted(set(found))


def layer_violations(tree: Tree) -> list[str]:
    found = []
    for imp in tree.imports:
        source, target = app_of(imp.source), app_of(imp.target)
        if source == "project" or source == target or imp.target == "soma":
            continue
        where = tree.where(imp.source, imp.line)
        if source not in LAYERS:
            found.append(f"{where}: app {source} is not in LAYERS; give it its place")
        elif target == "project":
            found.append(f"{where}: app {source} imports the project-level module {imp.target}")
        elif target not in LAYERS:
            found.append(f"{where}: {imp.source} imports {imp.target}; app {target} is not in LAYERS")
        elif LAYERS.index(target) > LAYERS.index(source):
            found.append(f"{where}: {imp.source} ({source}) imports {imp.target} ({target}), a higher app")
    return sorted(set(found))


def cycles(tree: Tree) -> list[str]:
    """One cycle for each group of modules that import each other (strongly connected component), each arrow of it
    with the file:line of the import."""
    edges: dict[str, dict[str, int]] = {}
    for imp in tree.imports:
        if imp.target != imp.source:  # a package naming its own contents
            edges.setdefault(imp.source, {}).setdefault(imp.target, imp.line)
    found = []
    for group in _components(edges):
        if len(group) == 1:
            continue
        start = min(group)
        path = _cycle_through(start, group, edges)
        arrows = [f"{tree.where(a, edges[a][b])} {a} -> {b}" for a, b in zip(path, path[1:], strict=False)]
        found.append("import cycle: " + "; ".join(arrows))
    return sorted(found)


def _components(edges: dict[str, dict[str, int]]) -> list[set[str]]:
    """Tarjan's strongly connected components, without recursion (the graph has hundreds of modules)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[set[str]] = []
    counter = 0
    nodes = set(edges) | {t for targets in edges.values() for t in targets}
    for root in sorted(nodes):
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, {}))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, {})))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                groups.append(group)
    return groups


def _cycle_through(start: str, group: set[str], edges: dict[str, dict[str, int]]) -> list[str]:
    """The shortest path start -> ... -> start inside the group (breadth first)."""
    parent: dict[str, str] = {}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for child in sorted(edges.get(node, {})):
            if child == start:
                path = [node]
                while path[-1] != start:
                    path.append(parent[path[-1]])
                return [*reversed(path), start]
            if child in group and child not in parent:
                parent[child] = node
                queue.append(child)
    raise AssertionError(f"no cycle through {start}")


# --- soma itself -----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def soma_tree() -> Tree:
    return scan(ROOT)


def test_no_app_imports_a_private_name_of_another_app(soma_tree):
    found = private_name_violations(soma_tree)
    assert not found, "\n".join(["private names used across apps:", *found])


def test_no_import_cycle(soma_tree):
    found = cycles(soma_tree)
    assert not found, "\n".join(["import cycles:", *found])


def test_no_arrow_from_a_lower_app_to_a_higher_one(soma_tree):
    found = layer_violations(soma_tree)
    assert not found, "\n".join([f"imports against the layers {' < '.join(LAYERS)}:", *found])


def test_every_app_has_its_place_in_the_layers(soma_tree):
    apps = {app_of(module) for module in soma_tree.files} - {"project"}
    assert apps <= set(LAYERS), f"apps without a layer: {sorted(apps - set(LAYERS))}"


# --- the checker, on a small fake tree -------------------------------------------------------------------------------


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.fixture
def fake(tmp_path) -> Path:
    """A soma with a kernel, a catalog and findings, importing nothing wrong."""
    write(tmp_path, {
        "soma/__init__.py": "",
        "soma/urls.py": "from soma.findings import views\n",
        "soma/kernel/__init__.py": "",
        "soma/kernel/errors.py": "class ServiceError(Exception):\n    pass\n\n\ndef _hidden():\n    pass\n",
        "soma/catalog/__init__.py": "",
        "soma/catalog/selectors.py": "from soma.kernel.errors import ServiceError\n\n\ndef _tree():\n    pass\n",
        "soma/catalog/migrations/0001_initial.py": "from soma.findings.views import _anything\n",
        "soma/findings/__init__.py": "",
        "soma/findings/services.py": "from soma.catalog import selectors\nfrom . import models\n\n\ndef work():\n"
                                     "    from soma.kernel import errors\n    return errors.ServiceError\n",
        "soma/findings/models.py": "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
                                   "    from soma.findings import services\n",
        "soma/findings/views.py": "from soma.findings.services import _local\n",
    })
    return tmp_path


def test_checker_passes_a_clean_tree(fake):
    tree = scan(fake)
    assert (private_name_violations(tree), cycles(tree), layer_violations(tree)) == ([], [], [])


def test_checker_catches_a_private_name_imported_from_another_app(fake):
    write(fake, {"soma/findings/pages.py": "from soma.catalog.selectors import _tree\n"})
    assert private_name_violations(scan(fake)) == [
        "soma/findings/pages.py:1: soma.findings.pages uses soma.catalog.selectors._tree, "
        "a private name of app catalog"]


def test_checker_catches_a_private_name_used_through_a_module_alias(fake):
    write(fake, {"soma/findings/pages.py": "from soma.kernel import errors as e\n\n\ndef go():\n    e._hidden()\n",
                 "soma/findings/more.py": "import soma.catalog.selectors\n\nsoma.catalog.selectors._tree()\n"})
    assert private_name_violations(scan(fake)) == [
        "soma/findings/more.py:3: soma.findings.more uses soma.catalog.selectors._tree, a private name of app catalog",
        "soma/findings/pages.py:5: soma.findings.pages uses soma.kernel.errors._hidden, a private name of app kernel"]


def test_checker_catches_a_cycle_through_an_import_inside_a_function(fake):
    write(fake, {"soma/catalog/selectors.py": "def later():\n    from soma.catalog import packs\n",
                 "soma/catalog/packs.py": "from soma.catalog.selectors import later\n"})
    assert cycles(scan(fake)) == ["import cycle: soma/catalog/packs.py:1 soma.catalog.packs -> soma.catalog.selectors; "
                                  "soma/catalog/selectors.py:2 soma.catalog.selectors -> soma.catalog.packs"]


def test_checker_catches_an_arrow_to_a_higher_app_also_from_a_management_command(fake):
    write(fake, {"soma/catalog/management/commands/load.py": "from soma.findings.services import work\n",
                 "soma/kernel/pages.py": "import soma.catalog.selectors\n"})
    assert layer_violations(scan(fake)) == [
        "soma/catalog/management/commands/load.py:1: soma.catalog.management.commands.load (catalog) imports "
        "soma.findings.services (findings), a higher app",
        "soma/kernel/pages.py:1: soma.kernel.pages (kernel) imports soma.catalog.selectors (catalog), a higher app"]


def test_checker_names_an_app_without_a_layer(fake):
    write(fake, {"soma/plans/__init__.py": "", "soma/plans/services.py": "from soma.kernel import errors\n"})
    tree = scan(fake)
    assert layer_violations(tree) == ["soma/plans/services.py:1: app plans is not in LAYERS; give it its place"]
