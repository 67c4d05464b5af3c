"""Catalog packs: validating them against the schema and loading them into a catalog version.

The built-in content (soma/catalog/content/) is a set of packs; an administrator's pack uses the same
schema. A load checks everything first and then writes all or nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import transaction

from soma.catalog import selectors

if TYPE_CHECKING:  # jsonschema loads when a pack is validated, not when `soma` lists its commands
    import jsonschema
    from django.contrib.auth.models import User

    from soma.catalog.models import CatalogVersion, Pack

CONTENT_DIR = Path(__file__).resolve().parent / "content"
CONTENT_VERSION = "2026.11"
CONTENT_TITLE = "UNODC smuggling of migrants material (Assessment Guide, Protocol, Framework, Toolkit, Working Group)"
MAX_PACK_BYTES = 20 * 1024 * 1024


class PackError(Exception):
    """A pack that cannot be loaded; the message says where and what, and nothing was written."""


@cache
def _validator() -> jsonschema.Draft202012Validator:
    import jsonschema

    schema = json.loads((CONTENT_DIR / "schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def validate_pack(data: Any) -> list[str]:
    """Schema problems of one pack, each naming its place (e.g. `items[12].kind: ...`)."""
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    return [f"{_place(error.absolute_path)}: {error.message}" for error in errors[:50]]


def _place(path: Iterable[str | int]) -> str:
    place = ""
    for part in path:
        place += f"[{part}]" if isinstance(part, int) else (f".{part}" if place else str(part))
    return place or "(top level)"


def read_pack_file(path: Path) -> dict:
    """Read a YAML or JSON pack, refusing what is not one with a message that says what to fix."""
    path = Path(path)
    if not path.is_file():
        raise PackError(f"{path}: no such file.")
    if path.stat().st_size > MAX_PACK_BYTES:
        raise PackError(f"{path}: larger than {MAX_PACK_BYTES // (1024 * 1024)} MiB; split it into several packs.")
    import yaml  # here, not at the top: `soma --help` loads this module through the `catalog` command

    # libyaml's loader when PyYAML was built with it (the wheels are): ten times faster on the 1 MB guide.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except UnicodeDecodeError:
        raise PackError(f"{path}: not UTF-8 text. Save the pack as UTF-8 YAML or JSON.") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise PackError(f"{path}: not valid YAML{where}: {getattr(error, 'problem', error)}.") from None
    if not isinstance(data, dict):
        raise PackError(f"{path}: a pack is a mapping with a `pack` header; see docs/catalog.md.")
    return data


def digest_of(*packs: dict) -> str:
    text = json.dumps(packs, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def builtin_packs() -> tuple[dict, list[dict]]:
    """The committed content: its manifest and its packs in load order."""
    manifest = read_pack_file(CONTENT_DIR / "catalog.yaml")
    return manifest, [read_pack_file(CONTENT_DIR / name) for name in manifest["packs"]]


# --- Loading ---------------------------------------------------------------------------------------------


def load_builtin(*, make_current: bool = True) -> tuple[CatalogVersion, bool]:
    """Load the committed content as a new catalog version, unless that version is already loaded."""
    from soma.catalog.models import CatalogVersion

    manifest, packs = builtin_packs()
    existing = CatalogVersion.objects.filter(version=manifest["version"]).first()
    if existing:
        return existing, False
    problems = []
    for name, pack in zip(manifest["packs"], packs, strict=True):
        problems += [f"{name}: {problem}" for problem in validate_pack(pack)]
    if problems:
        raise PackError("The built-in catalog content is not valid:\n  " + "\n  ".join(problems))
    with transaction.atomic():
        version = CatalogVersion.objects.create(
            version=manifest["version"], title=manifest["title"], digest=digest_of(*packs)
        )
        _Loader(version).load_all(packs)
        if make_current:
            CatalogVersion.objects.exclude(pk=version.pk).filter(is_current=True).update(is_current=False)
            version.is_current = True
            version.save(update_fields=["is_current"])
    return version, True


def add_pack(data: dict, *, version: CatalogVersion | None = None, user: User | None = None) -> Pack:
    """Add an administrator's pack to a catalog version (the current one by default), all or nothing."""
    from soma.catalog.models import CatalogVersion, Pack

    problems = validate_pack(data)
    if problems:
        raise PackError("The pack does not follow the schema:\n  " + "\n  ".join(problems))
    version = version or CatalogVersion.objects.filter(is_current=True).first()
    if version is None:
        raise PackError("No catalog is loaded yet. Run `soma catalog load` first.")
    if Pack.objects.filter(catalog=version, pack_id=data["pack"]["id"]).exists():
        raise PackError(f"Catalog {version} already has a pack '{data['pack']['id']}'. Give the new pack another id.")
    with transaction.atomic():
        pack = _Loader(version, user=user).load_all([data])[0]
    selectors.forget_tree(version)  # the caller's row may carry the tree it read before the pack
    return pack


class _Loader:
    """Writes packs into one catalog version; raises PackError (rolling back) on any reference it cannot keep."""

    def __init__(self, version: CatalogVersion, user: User | None = None):
        from soma.catalog.models import Item

        self.version = version
        self.user = user
        self.ids: dict[str, int | None] = dict(Item.objects.filter(catalog=version).values_list("key", "pk"))

    def load_all(self, packs: list[dict]) -> list[Pack]:
        loaded = [self._pack(data) for data in packs]
        problems = []
        for pack_row, data in zip(loaded, packs, strict=True):
            problems += self._parents(data)
            problems += self._updates(data)
            problems += self._translations(pack_row, data)
        for pack_row, data in zip(loaded, packs, strict=True):
            problems += self._links(pack_row, data)
        if problems:
            raise PackError("The pack refers to ids the catalog does not hold:\n  " + "\n  ".join(problems[:50]))
        return loaded

    def _pack(self, data: dict) -> Pack:
        from soma.catalog.models import Item, Pack

        header = data["pack"]
        pack = Pack.objects.create(
            catalog=self.version,
            pack_id=header["id"],
            title=header["title"],
            kind=header["kind"],
            language=header.get("language", ""),
            digest=digest_of(data),
            loaded_by=self.user,
        )
        rows = []
        for position, item in enumerate(data.get("items", [])):
            if item["id"] in self.ids:
                raise PackError(f"{header['id']}: items[{position}] {item['id']} is already in catalog {self.version}.")
            source = item.get("source") or {}
            lines = source.get("lines") or [None, None]
            rows.append(
                Item(
                    catalog=self.version,
                    pack=pack,
                    key=item["id"],
                    kind=item["kind"],
                    document=item["document"],
                    position=position,
                    code=item.get("code", ""),
                    title=item.get("title", ""),
                    text=item.get("text", ""),
                    attrs=item.get("attrs", {}),
                    source_file=source.get("file", ""),
                    source_start=lines[0],
                    source_end=lines[1],
                )
            )
            self.ids[item["id"]] = None
        for row in Item.objects.bulk_create(rows, batch_size=500):
            self.ids[row.key] = row.pk
        if None in self.ids.values():  # backends that do not return ids from bulk_create
            self.ids.update(Item.objects.filter(catalog=self.version).values_list("key", "pk"))
        return pack

    def _parents(self, data: dict) -> list[str]:
        from soma.catalog.models import Item

        problems, updates = [], []
        for position, item in enumerate(data.get("items", [])):
            if "parent" not in item:
                continue
            parent_pk = self.ids.get(item["parent"])
            if parent_pk is None:
                problems.append(f"items[{position}] {item['id']}: parent {item['parent']} not found")
            else:
                updates.append(Item(pk=self.ids[item["id"]], parent_id=parent_pk))
        Item.objects.bulk_update(updates, ["parent"], batch_size=500)
        return problems

    def _updates(self, data: dict) -> list[str]:
        from soma.catalog.models import Item

        problems = []
        for position, change in enumerate(data.get("updates", [])):
            pk = self.ids.get(change["id"])
            if pk is None:
                problems.append(f"updates[{position}]: {change['id']} not found")
                continue
            item = Item.objects.get(pk=pk)
            for field in ("title", "text"):
                if field in change:
                    setattr(item, field, change[field])
            item.attrs = {**item.attrs, **change.get("attrs", {})}
            if change.get("text") and item.kind == "ffa_cell":
                item.attrs["text_available"] = True
                item.attrs.pop("note", None)
            item.save()
        return problems

    def _translations(self, pack: Pack, data: dict) -> list[str]:
        from soma.catalog.models import ItemTranslation

        problems, rows = [], []
        language = data["pack"].get("language", "")
        for position, entry in enumerate(data.get("translations", [])):
            pk = self.ids.get(entry["id"])
            if pk is None:
                problems.append(f"translations[{position}]: {entry['id']} not found")
                continue
            rows.append(
                ItemTranslation(
                    item_id=pk, pack=pack, language=language, title=entry.get("title", ""), text=entry.get("text", "")
                )
            )
        ItemTranslation.objects.bulk_create(rows, batch_size=500)
        return problems

    def _links(self, pack: Pack, data: dict) -> list[str]:
        from soma.catalog.models import Link

        problems, rows = [], []
        for position, link in enumerate(data.get("links", [])):
            source, target = self.ids.get(link["from"]), self.ids.get(link["to"])
            if source is None or target is None:
                missing = link["from"] if source is None else link["to"]
                problems.append(f"links[{position}]: {missing} not found")
                continue
            rows.append(
                Link(
                    catalog=self.version,
                    pack=pack,
                    source_id=source,
                    target_id=target,
                    relation=link["rel"],
                    basis=link.get("basis", "explicit"),
                )
            )
        Link.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
        return problems
