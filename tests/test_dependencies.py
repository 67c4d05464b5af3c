"""Every distribution SOMA imports is declared in pyproject.toml, not present by luck through another one.

SOMA's code (soma/) may use only `[project] dependencies`; the tests and benchmarks may also use the `test`
extra. Imports are read with ast (every `import` and `from ... import`, wherever it stands), and so are the
dotted names the settings give Django (INSTALLED_APPS, MIDDLEWARE, backends), which Django imports itself.
Imports under `if TYPE_CHECKING:` only serve the type checker, which runs from the `test` extra.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OWN = {"soma", "tests", "bench"}
# Modules of Debian packages, not of PyPI: LibreOffice's Python bridge (python3-uno), imported only by the
# script that tests/exchange/spreadsheets runs with Debian's /usr/bin/python3 to type into Calc.
DEBIAN = {"uno": "python3-uno", "com": "python3-uno"}


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared(specs: list[str]) -> set[str]:
    return {_canonical(re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", spec).group(0)) for spec in specs}


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    """ids of the nodes inside `if TYPE_CHECKING:` bodies."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            inside |= {id(child) for statement in node.body for child in ast.walk(statement)}
    return inside


def imported_modules(path: Path) -> Iterator[tuple[str, int, bool]]:
    """(top-level module, line, only for type checking) of every absolute import in a file, and of the dotted
    module names in Django settings strings."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    typing_only = _type_checking_nodes(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0], node.lineno, id(node) in typing_only
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0], node.lineno, id(node) in typing_only
        elif path.name == "settings.py" and isinstance(node, ast.Constant) and isinstance(node.value, str):
            if re.fullmatch(r"[a-z_][a-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+", node.value):
                yield node.value.split(".")[0], node.lineno, False


def _third_party(top: str) -> bool:
    return top not in sys.stdlib_module_names and top not in OWN and top != "__future__"


def _debian(top: str, path: Path) -> bool:
    return top in DEBIAN and path.name == "type_in_calc.py"


def undeclared(folder: str, allowed: set[str], allowed_for_typing: set[str]) -> list[str]:
    distributions = importlib.metadata.packages_distributions()
    problems = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        for top, line, typing_only in imported_modules(path):
            if not _third_party(top) or _debian(top, path):
                continue
            names = distributions.get(top)
            where = f"{path.relative_to(ROOT)}:{line}"
            if not names:
                # A name no installed distribution provides: a settings string naming an attribute, not a module,
                # is the only acceptable case, and those start with an own or a declared package anyway.
                problems.append(f"{where}: '{top}' is not provided by any installed distribution")
                continue
            ok = allowed_for_typing if typing_only else allowed
            if not {_canonical(name) for name in names} & ok:
                problems.append(f"{where}: '{top}' comes from {', '.join(sorted(set(names)))}, not declared")
    return problems


def test_soma_imports_only_declared_dependencies():
    project = _project()
    runtime = _declared(project["dependencies"])
    typing = runtime | _declared(project["optional-dependencies"]["test"])
    problems = undeclared("soma", runtime, typing)
    assert not problems, "declare these in pyproject.toml [project] dependencies:\n" + "\n".join(problems)


def test_tests_and_benchmarks_import_only_declared_dependencies():
    project = _project()
    everything = _declared(project["dependencies"]) | _declared(project["optional-dependencies"]["test"])
    problems = undeclared("tests", everything, everything) + undeclared("bench", everything, everything)
    assert not problems, "declare these in pyproject.toml (dependencies or the test extra):\n" + "\n".join(problems)


def test_the_walk_finds_imports_of_every_kind(tmp_path):
    sample = tmp_path / "settings.py"
    sample.write_text(
        "from __future__ import annotations\nimport os, yaml.representer\nfrom typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from django_stubs_ext import StrPromise\n"
        "def f():\n    from openpyxl import load_workbook\n"
        "MIDDLEWARE = ['whitenoise.middleware.WhiteNoiseMiddleware', 'not a module']\n"
    )
    found = {(top, typing_only) for top, _line, typing_only in imported_modules(sample) if _third_party(top)}
    assert found == {("yaml", False), ("django_stubs_ext", True), ("openpyxl", False), ("whitenoise", False)}


def test_openpyxl_reads_uploaded_workbooks_through_defusedxml():
    # Uploaded workbooks are XML from outside: openpyxl parses them with defusedxml only when it is installed.
    import openpyxl

    assert "defusedxml" in _declared(_project()["dependencies"])
    assert openpyxl.DEFUSEDXML is True
