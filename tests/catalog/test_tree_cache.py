"""The catalog tree kept per process: checked once per catalog row (one query), rebuilt for the next row read
after a pack is added; labels kept per item and language."""

import json

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from soma.catalog import selectors
from soma.catalog.models import CatalogVersion

PACK = {
    "pack": {"id": "guide-fr-cache", "title": "Guide (français, extrait)", "kind": "translation", "language": "fr"},
    "translations": [{"id": "guide:I.A", "title": "Ratification des instruments juridiques internationaux"}],
}


def test_a_catalog_row_is_checked_once_and_a_new_pack_seen_by_the_next_row(catalog, tmp_path):
    row = CatalogVersion.objects.get(is_current=True)
    with CaptureQueriesContext(connection) as first:
        tree = selectors.tree(row)
    with CaptureQueriesContext(connection) as again:
        assert selectors.tree(row) is tree
    assert len(first.captured_queries) == 1 and len(again.captured_queries) == 0
    with CaptureQueriesContext(connection) as current:
        assert selectors.tree() is tree
    assert len(current.captured_queries) == 1

    path = tmp_path / "pack.json"
    path.write_text(json.dumps(PACK), encoding="utf-8")
    call_command("catalog", "add-pack", str(path))
    rebuilt = selectors.tree(CatalogVersion.objects.get(is_current=True))
    assert rebuilt is not tree and selectors.tree() is rebuilt


def test_labels_are_in_the_language_asked_for(catalog, tmp_path):
    path = tmp_path / "pack.json"
    path.write_text(json.dumps(PACK), encoding="utf-8")
    call_command("catalog", "add-pack", str(path))
    item = selectors.tree().get("guide:I.A")
    with translation.override("fr"):
        assert selectors.label(item) == "I.A Ratification des instruments juridiques internationaux"
    with translation.override("en"):
        assert selectors.label(item).startswith("I.A Ratification of and accession")
    with translation.override("fr"):
        assert selectors.label(item).startswith("I.A Ratification des")


def test_a_pack_added_through_a_row_is_seen_by_that_row(catalog):
    """A long-lived caller (a command, a test) that keeps its catalog row sees the pack it added through it."""
    from soma.catalog import packs

    row = CatalogVersion.objects.get(is_current=True)
    before = selectors.tree(row)
    packs.add_pack(PACK, version=row)
    after = selectors.tree(row)
    assert after is not before
    assert after.get("guide:I.A") is not None
