"""Reads of the catalog: versions, the item tree, labels, and the cross-reference graph.

The catalog is published reference material, readable by every signed-in user; assessment data has its
own selectors with permission rules. A version's whole tree is small (a few thousand items) and never
changes once loaded except by adding a pack, so each process keeps one in memory per version and pack set.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from soma.catalog.models import CatalogVersion, Item, Link, Pack

DOCUMENTS = {
    "guide": "Assessment Guide",
    "protocol": "Protocol",
    "ffa": "Framework for Action",
    "toolkit": "Toolkit",
    "wg": "Working Group papers",
    "instruments": "Other instruments",
}


def catalog_version(version: str | None = None) -> CatalogVersion | None:
    versions = CatalogVersion.objects.all()
    return versions.filter(version=version).first() if version else versions.filter(is_current=True).first()


class Tree:
    """All items and links of one catalog version, indexed for walking up, down and across."""

    def __init__(self, catalog: CatalogVersion):
        self.catalog = catalog
        items = list(Item.objects.filter(catalog=catalog).prefetch_related("translations").order_by("pk"))
        self.by_pk = {item.pk: item for item in items}
        self.by_key = {item.key: item for item in items}
        self._children: dict[int | None, list[Item]] = defaultdict(list)
        for item in items:
            self._children[item.parent_id].append(item)
        for siblings in self._children.values():
            siblings.sort(key=lambda item: (item.pack_id, item.position))
        self._descendants: dict[int, tuple[Item, ...]] = {}
        self._out: dict[int, list[Link]] = defaultdict(list)
        self._in: dict[int, list[Link]] = defaultdict(list)
        for link in Link.objects.filter(catalog=catalog).order_by("pk"):
            link.source = self.by_pk[link.source_id]
            link.target = self.by_pk[link.target_id]
            self._out[link.source_id].append(link)
            self._in[link.target_id].append(link)

    def get(self, key: str) -> Item | None:
        return self.by_key.get(key)

    def children(self, key: str, kind: str | None = None) -> list[Item]:
        item = self.by_key.get(key)
        if item is None:
            return []
        return [child for child in self._children[item.pk] if kind is None or child.kind == kind]

    def descendants(self, item: Item) -> list[Item]:
        """Depth-first, in order; walked once per item and process (pages walk every subsection in scope)."""
        found = self._descendants.get(item.pk)
        if found is None:
            walked, stack = [], list(reversed(self._children[item.pk]))
            while stack:
                current = stack.pop()
                walked.append(current)
                stack.extend(reversed(self._children[current.pk]))
            found = self._descendants[item.pk] = tuple(walked)
        return list(found)

    def ancestors(self, item: Item) -> list[Item]:
        chain = []
        while item.parent_id:
            item = self.by_pk[item.parent_id]
            chain.append(item)
        return list(reversed(chain))

    def links_from(self, key: str, relation: str | None = None) -> list[Link]:
        item = self.by_key[key]
        return [link for link in self._out[item.pk] if relation is None or link.relation == relation]

    def links_to(self, key: str, relation: str | None = None) -> list[Link]:
        item = self.by_key[key]
        return [link for link in self._in[item.pk] if relation is None or link.relation == relation]

    def ancestor_of_kind(self, item: Item, kind: str) -> Item | None:
        if item.kind == kind:
            return item
        return next((a for a in reversed(self.ancestors(item)) if a.kind == kind), None)

    def all(self, kind: str | None = None) -> list[Item]:
        return [item for item in self.by_pk.values() if kind is None or item.kind == kind]


_trees: dict[tuple, Tree] = {}
_trees_lock = threading.Lock()


def tree(catalog: CatalogVersion | None = None) -> Tree | None:
    """The in-memory tree of a catalog version (the current one by default), rebuilt when a pack is added.

    Whether the kept tree is still current costs one query (the version's packs and their load times). A catalog
    row passed in is checked once: the tree found is remembered on that row, so a request that reads its
    assessment's catalog once (get_assessment) checks it once however many selectors ask for the tree."""
    if catalog is not None:
        known = catalog.__dict__.get("_soma_tree")
        if known is not None:
            return known
        packs = tuple(Pack.objects.filter(catalog=catalog).order_by("pk").values_list("pk", "loaded_at"))
        found = _kept_tree(catalog.pk, catalog.loaded_at, packs, lambda: catalog)
        if found.catalog is not catalog:  # the tree's own row lives as long as the process: never remembered on it
            catalog.__dict__["_soma_tree"] = found
        return found
    rows = list(
        Pack.objects.filter(catalog__is_current=True)
        .order_by("pk")
        .values_list("catalog_id", "catalog__loaded_at", "pk", "loaded_at")
    )
    if not rows:  # no pack loaded yet
        current = catalog_version()
        return tree(current) if current is not None else None
    catalog_pk, loaded_at = rows[0][0], rows[0][1]
    return _kept_tree(catalog_pk, loaded_at, tuple((pk, at) for _c, _l, pk, at in rows),
                      lambda: CatalogVersion.objects.get(pk=catalog_pk))


def forget_tree(catalog: CatalogVersion) -> None:
    """Drop the tree remembered on this row (after a pack is added to it through the same row)."""
    catalog.__dict__.pop("_soma_tree", None)


def _kept_tree(catalog_pk: int, loaded_at: object, packs: tuple, load: Callable[[], CatalogVersion]) -> Tree:
    stamp = (catalog_pk, loaded_at, packs)
    with _trees_lock:
        cached = _trees.get(stamp)
        if cached is None:
            cached = Tree(load())
            for old in [key for key in _trees if key[0] == catalog_pk]:
                del _trees[old]
            _trees[stamp] = cached
        return cached


def label(item: Item) -> str:
    """A short heading for any item: "V.C Definition...", "Article 6(1)", "Toolkit 7.11", ...; worked out once per
    item and language (a tree's items never change: a new pack makes a new tree)."""
    labels = item.__dict__.setdefault("_soma_labels", {})
    language = get_language()
    found = labels.get(language)
    if found is None:
        found = labels[language] = _label(item)
    return found


def _label(item: Item) -> str:
    kind, code, attrs = item.kind, item.code, item.attrs
    if kind == "guide_section":
        return f"{code}. {item.display_title}"
    if kind == "guide_subsection":
        return f"{code} {item.display_title}"
    if kind == "question":
        subsection = item.key.split(":")[1]
        level = _("secondary question") if attrs.get("level") == "secondary" else _("question")
        return f"{subsection} {level} {item.key.rsplit(':q', 1)[-1]}"
    if kind == "protocol_article":
        return _("Article %(number)s: %(title)s") % {"number": code, "title": item.display_title}
    if kind == "provision":
        return _("Article %(code)s") % {"code": _provision_code(code)}
    if kind == "toolkit_tool":
        return _("Tool %(number)s: %(title)s") % {"number": code, "title": item.display_title}
    if kind == "toolkit_section":
        return f"{code} {item.display_title}"
    if kind == "ffa_paragraph":
        return _("Framework paragraph %(number)s") % {"number": code}
    if kind in ("ffa_table_section", "ffa_cell"):
        pillar = item.key.split(":")[1]
        return _("Framework %(pillar)s %(code)s") % {"pillar": pillar, "code": code}
    if kind == "wg_item":
        kinds = {"issue": _("issue for discussion"), "good_practice": _("good practice"), "challenge": _("challenge")}
        year = item.key.split(":")[1]
        return f"WG {year} {kinds.get(attrs.get('item_kind'), '')} {item.key.rsplit(':', 1)[-1][-2:]}"
    if kind == "requirement":
        return item.display_text
    if kind == "instrument_article":
        parent_code = item.key.split(":")[0]
        return f"{parent_code.upper()} {item.display_title}"
    return item.display_title or item.display_text[:80] or item.key


def _provision_code(code: str) -> str:
    """ "6.3.a" -> "6(3)(a)"."""
    head, *rest = code.split(".")
    return head + "".join(f"({part})" for part in rest)


def guide_subsection_code(tree: Tree, item: Item) -> str | None:
    subsection = tree.ancestor_of_kind(item, "guide_subsection")
    return subsection.code if subsection else None


# --- Cross-reference graph -------------------------------------------------------------------------------

GROUPS = (
    ("protocol", "Protocol provisions"),
    ("guide", "Assessment Guide"),
    ("ffa", "Framework for Action"),
    ("toolkit", "Toolkit"),
    ("wg", "Working Group papers"),
    ("instruments", "Other instruments"),
)


@dataclass
class Related:
    item: Item
    articles: list[Item] = field(default_factory=list)  # the Protocol articles this item connects to (the hub)
    groups: dict[str, list[tuple[Item, str]]] = field(default_factory=dict)  # document -> [(item, relation)]

    def count(self) -> int:
        return sum(len(entries) for entries in self.groups.values())


def related(tree: Tree, item: Item) -> Related:
    """Everything linked to an item or its parts, in both directions, and the Protocol articles involved.

    For a Protocol article this is its whole neighbourhood: guide subsections that require it (with their
    questions), Framework cells and paragraphs, Toolkit sections and Working Group items. For any other item
    the articles it touches are listed too, so the way back to the hub is one click.
    """
    scope = [item, *tree.descendants(item)]
    scope_pks = {part.pk for part in scope}
    found: dict[int, tuple[Item, str]] = {}
    for part in scope:
        for link in tree._out[part.pk]:
            if link.target_id not in scope_pks:
                found.setdefault(link.target_id, (link.target, link.relation))
        for link in tree._in[part.pk]:
            if link.source_id not in scope_pks:
                found.setdefault(link.source_id, (link.source, link.relation))
    # A requirement or guideline stands for its guide subsection.
    lifted: dict[int, tuple[Item, str]] = {}
    for other, relation in found.values():
        if other.kind in ("requirement", "guideline", "field"):
            other = tree.ancestor_of_kind(other, "guide_subsection") or other
        lifted.setdefault(other.pk, (other, relation))
    groups: dict[str, list[tuple[Item, str]]] = {}
    for other, relation in sorted(lifted.values(), key=lambda pair: (pair[0].document, pair[0].pk)):
        groups.setdefault(other.document, []).append((other, relation))
    articles = []
    for other, _relation in lifted.values():
        article = tree.ancestor_of_kind(other, "protocol_article")
        if article and article.pk != item.pk and article not in articles:
            articles.append(article)
    own_article = tree.ancestor_of_kind(item, "protocol_article")
    if own_article and own_article.pk != item.pk:
        articles.insert(0, own_article)
    articles.sort(key=lambda article: int(article.code))
    ordered = {document: groups[document] for document, _title in GROUPS if document in groups}
    return Related(item=item, articles=articles, groups=ordered)


def questions_for_article(tree: Tree, article: Item) -> list[Item]:
    """Guide questions of every subsection that requires this article or one of its provisions."""
    provisions = {article.pk, *(p.pk for p in tree.descendants(article))}
    subsections = []
    for pk in provisions:
        for link in tree._in[pk]:
            if link.relation == "requires" and link.source not in subsections:
                subsections.append(link.source)
    questions = []
    for subsection in sorted(subsections, key=lambda s: s.pk):
        questions += [q for q in tree.descendants(subsection) if q.kind == "question"]
    return questions


def related_articles(tree: Tree, item: Item) -> list[Item]:
    """The Protocol articles an item belongs to or is linked with (a question: those of its subsection)."""
    own = tree.ancestor_of_kind(item, "protocol_article")
    if own:
        return [own]
    anchor = tree.ancestor_of_kind(item, "guide_subsection") or item
    cache = tree.__dict__.setdefault("_articles_cache", {})
    if anchor.pk not in cache:
        cache[anchor.pk] = related(tree, anchor).articles
    return cache[anchor.pk]
