"""No test may skip: every test runs on a fresh clone with nothing beside it (issue 12).

A skip for a missing file or tool hides that the project is not whole; a test that needs something gets it
from the project, or the requirement is declared (pyproject.toml, the Makefile). This walks every test module
and fails on any way of skipping that pytest offers.
"""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
SKIPPING = {"skip", "skipif", "importorskip", "xfail"}


def _skips(path: Path, root: Path = TESTS.parent) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    where = path.relative_to(root)
    found = []
    for node in ast.walk(tree):
        # pytest.skip(...), pytest.importorskip(...), pytest.xfail(...), @pytest.mark.skip/skipif/xfail,
        # and the same names imported bare (from pytest import skip).
        if isinstance(node, ast.Attribute) and node.attr in SKIPPING:
            found.append(f"{where}:{node.lineno}: .{node.attr}")
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(("pytest", "_pytest")):
            found += [f"{where}:{node.lineno}: import {a.name}" for a in node.names
                      if a.name in SKIPPING]
        elif isinstance(node, ast.Raise) and "Skip" in ast.unparse(node.exc or node):
            found.append(f"{where}:{node.lineno}: raise {ast.unparse(node.exc or node)}")
    return found


def test_no_test_skips():
    found = [hit for path in sorted(TESTS.rglob("*.py")) if path.name != Path(__file__).name for hit in _skips(path)]
    assert not found, "tests must not skip (make what they need part of the project):\n" + "\n".join(found)


def test_the_walk_sees_each_way_of_skipping(tmp_path):
    sample = tmp_path / "test_sample.py"
    sample.write_text(
        "import pytest\nfrom pytest import importorskip\n"
        "if not X:\n    pytest.skip('missing', allow_module_level=True)\n"
        "@pytest.mark.skipif(True, reason='r')\ndef test_a(): pass\n"
        "def test_b():\n    raise pytest.skip.Exception('x')\n"
        "yaml = pytest.importorskip('yaml')\n"
    )
    hits = _skips(sample, tmp_path)
    assert len(hits) >= 5 and any("skipif" in h for h in hits) and any("import importorskip" in h for h in hits)
