"""Loading the catalog and administrators' content packs: validated first, then all or nothing."""

import json

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.utils import translation

from soma.catalog import packs, selectors
from soma.catalog.models import CatalogVersion, Item, Link, Pack


@pytest.mark.slow
def test_builtin_load_is_idempotent(db):
    CatalogVersion.objects.all().delete()
    version, created = packs.load_builtin()
    assert created and version.is_current
    items = Item.objects.count()
    again, created_again = packs.load_builtin()
    assert not created_again and again == version
    assert Item.objects.count() == items


def test_every_link_and_parent_resolves(catalog):
    assert Link.objects.filter(catalog=catalog.catalog).count() > 1000
    orphans = [i.key for i in catalog.all() if i.parent_id is None and i.kind != "document"]
    assert orphans == []


def _write(tmp_path, data, name="pack.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


CELL_PACK = {
    "pack": {"id": "ffa-tables-demo", "title": "Framework tables (Demoland working copy)", "kind": "content"},
    "updates": [{"id": "ffa:prosecution:1.A", "text": "Criminalize the smuggling of migrants (demo text)."}],
    "items": [
        {
            "id": "guide:I.A:q90",
            "kind": "question",
            "document": "guide",
            "parent": "guide:I.A:f01",
            "text": "Has Demoland published its instrument of ratification in the official gazette?",
            "attrs": {"level": "primary", "national": True},
        }
    ],
    "links": [{"from": "guide:I.A:q90", "to": "protocol:art1", "rel": "relates_to", "basis": "curated"}],
}


def test_content_pack_adds_items_updates_cells_and_links(catalog, tmp_path):
    call_command("catalog", "add-pack", str(_write(tmp_path, CELL_PACK)))
    tree = selectors.tree()
    cell = tree.get("ffa:prosecution:1.A")
    assert cell.text.startswith("Criminalize") and cell.attrs["text_available"] is True
    question = tree.get("guide:I.A:q90")
    assert question.parent.key == "guide:I.A:f01"
    assert [link.target.key for link in tree.links_from("guide:I.A:q90")] == ["protocol:art1"]


def test_translation_pack_changes_what_french_readers_see(catalog, tmp_path):
    pack = {
        "pack": {"id": "guide-fr-demo", "title": "Guide (français, extrait)", "kind": "translation", "language": "fr"},
        "translations": [{"id": "guide:I.A", "title": "Ratification des instruments juridiques internationaux"}],
    }
    call_command("catalog", "add-pack", str(_write(tmp_path, pack)))
    item = selectors.tree().get("guide:I.A")
    with translation.override("fr"):
        assert item.display_title == "Ratification des instruments juridiques internationaux"
    with translation.override("en"):
        assert item.display_title.startswith("Ratification of and accession")


@pytest.mark.parametrize(
    "change, message",
    [
        ({"pack": {"id": "Bad Id", "title": "x", "kind": "content"}}, "pack.id"),
        ({"pack": {"id": "tr", "title": "x", "kind": "translation"}}, "language"),
        ({"items": [{"id": "guide:I.A:q91", "kind": "poem", "document": "guide"}]}, "items[0].kind"),
        ({"links": [{"from": "guide:I.A", "to": "protocol:art99", "rel": "relates_to"}]}, "protocol:art99"),
        ({"updates": [{"id": "ffa:nowhere:1.A", "text": "x"}]}, "ffa:nowhere:1.A"),
        ({"items": [{"id": "guide:I.A", "kind": "question", "document": "guide"}]}, "already in catalog"),
    ],
)
def test_bad_pack_is_refused_with_its_place_and_nothing_written(catalog, tmp_path, change, message):
    data = {**json.loads(json.dumps(CELL_PACK)), **change}
    before = (Item.objects.count(), Link.objects.count(), Pack.objects.count())
    text_before = Item.objects.get(key="ffa:prosecution:1.A").text
    with pytest.raises(CommandError) as error:
        call_command("catalog", "add-pack", str(_write(tmp_path, data)))
    assert message in str(error.value)
    assert "Nothing was written" in str(error.value)
    assert (Item.objects.count(), Link.objects.count(), Pack.objects.count()) == before
    assert Item.objects.get(key="ffa:prosecution:1.A").text == text_before


def test_pack_that_is_not_yaml_is_refused(catalog, tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("pack: {id: x\n  title: [", encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("catalog", "add-pack", str(path))
    assert "not valid YAML at line" in str(error.value)


def test_check_only_validates(catalog, tmp_path, capsys):
    before = Pack.objects.count()
    call_command("catalog", "add-pack", str(_write(tmp_path, CELL_PACK)), "--check")
    assert "valid pack" in capsys.readouterr().out
    assert Pack.objects.count() == before


def test_versions_are_kept_side_by_side(catalog):
    old = CatalogVersion.objects.get()
    assert old.is_current
    assert selectors.catalog_version(old.version) == old
    assert selectors.catalog_version("1999.01") is None
