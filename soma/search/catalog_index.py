"""Full-text index of the catalog, built with tantivy (BM25 ranking, English stemming, phrases, prefixes).

The index lives in memory, one per process and catalog version, built from the database on first use. It
never depends on the database engine, so SQLite and PostgreSQL give the same results.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from soma.catalog import selectors

if TYPE_CHECKING:  # tantivy itself loads when an index is built, not when the URL configuration is imported
    import tantivy

    from soma.catalog.models import Item

# What is searchable, and how much a match in it is worth relative to the others.
SEARCHABLE_KINDS = {
    "guide_section": 1.0,
    "guide_subsection": 1.2,
    "question": 1.0,
    "requirement": 0.8,
    "guideline": 0.5,
    "method_stage": 0.9,
    "protocol_article": 1.3,
    "provision": 1.0,
    "ffa_paragraph": 0.8,
    "ffa_index_term": 0.9,
    "ffa_cell": 0.6,
    "ffa_resource": 0.5,
    "ffa_instrument": 0.5,
    "toolkit_tool": 1.0,
    "toolkit_section": 1.0,
    "wg_item": 0.9,
    "instrument": 0.7,
}


def _schema() -> tantivy.Schema:
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("key", stored=True, tokenizer_name="raw")
    builder.add_text_field("kind", stored=True, tokenizer_name="raw")
    builder.add_text_field("document", stored=True, tokenizer_name="raw")
    builder.add_text_field("section", stored=True, tokenizer_name="raw")
    builder.add_text_field("article", stored=True, tokenizer_name="raw")
    builder.add_text_field("title", stored=True, tokenizer_name="en_stem")
    builder.add_text_field("body", stored=True, tokenizer_name="en_stem")
    builder.add_text_field("context", stored=False, tokenizer_name="en_stem")
    return builder.build()


@dataclass
class IndexedCatalog:
    index: tantivy.Index
    schema: tantivy.Schema
    tree: selectors.Tree


def build(tree: selectors.Tree) -> IndexedCatalog:
    import tantivy

    schema = _schema()
    index = tantivy.Index(schema)
    writer = index.writer(heap_size=64_000_000, num_threads=1)
    for fields in documents(tree):
        writer.add_document(tantivy.Document(**fields))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    return IndexedCatalog(index=index, schema=schema, tree=tree)


def documents(tree: selectors.Tree) -> Iterator[dict]:
    """The fields of every searchable item, in key order: what the index holds (also what bench/ indexes with
    SQLite FTS5 to compare against)."""
    for item in sorted(tree.all(), key=lambda item: item.key):
        if item.kind in SEARCHABLE_KINDS:
            yield _fields(tree, item)


def _fields(tree: selectors.Tree, item: Item) -> dict:
    section = tree.ancestor_of_kind(item, "guide_section")
    articles = {str(a.code) for a in selectors.related_articles(tree, item)}
    title = item.title if item.kind not in ("question", "provision", "requirement") else ""
    context = ""
    if item.kind == "question":
        # A question is found by the words of its subsection's title too ("what about sea smuggling?").
        subsection = tree.ancestor_of_kind(item, "guide_subsection")
        field = tree.by_pk.get(item.parent_id) if item.parent_id is not None else None
        context = " ".join(filter(None, [subsection.title if subsection else "", field.title if field else ""]))
    elif item.kind == "provision":
        article = tree.ancestor_of_kind(item, "protocol_article")
        context = article.title if article else ""
    return {
        "key": item.key,
        "kind": item.kind,
        "document": item.document,
        "section": section.code if section else "",
        "article": sorted(articles) or [""],
        "title": title or "",
        "body": item.text or "",
        "context": context,
    }


_cache: dict[int, IndexedCatalog] = {}  # by id() of the tree it indexes
_lock = threading.Lock()


def current() -> IndexedCatalog | None:
    """The index of the current catalog version, built once per process (and again after a pack is added)."""
    tree = selectors.tree()
    if tree is None:
        return None
    with _lock:
        found = _cache.get(id(tree))
        if found is None or found.tree is not tree:
            _cache.clear()
            found = _cache[id(tree)] = build(tree)
        return found
