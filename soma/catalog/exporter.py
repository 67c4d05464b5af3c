"""The whole catalog as one JSON document (`soma catalog export --format json`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from soma.catalog.models import Item
    from soma.catalog.selectors import Tree


class NoCatalog(Exception):
    pass


def export(version: str | None = None) -> dict:
    from soma.catalog import selectors

    catalog = selectors.catalog_version(version)
    if catalog is None:
        raise NoCatalog(f"No catalog version {version or '(current)'} is loaded. Run `soma catalog load`.")
    tree = selectors.Tree(catalog)
    return {
        "version": catalog.version,
        "guide": _guide(tree),
        "protocol": _protocol(tree),
        "framework": _framework(tree),
        "toolkit": _toolkit(tree),
        "working_group": _working_group(tree),
        "instruments": _instruments(tree),
    }


def _source(item: Item) -> dict | None:
    if not item.source_file:
        return None
    return {"file": item.source_file, "lines": [item.source_start, item.source_end]}


def _guide(tree: Tree) -> dict:
    sections = []
    for section in tree.children("guide", kind="guide_section"):
        sections.append(
            {
                "id": section.key,
                "code": section.code,
                "title": section.title,
                "audiences": section.attrs.get("audiences", []),
                "subsections": [_subsection(tree, sub) for sub in tree.children(section.key)],
                "source": _source(section),
            }
        )
    methodology = [
        {"id": m.key, "stage": m.attrs.get("stage"), "title": m.title, "text": m.text, "source": _source(m)}
        for m in tree.children("guide", kind="method_stage")
    ]
    return {"sections": sections, "methodology": methodology}


def _subsection(tree: Tree, sub: Item) -> dict:
    requirements = []
    for req in tree.children(sub.key, kind="requirement"):
        paragraphs = req.attrs.get("paragraphs") or [None]
        for paragraph in paragraphs:
            requirements.append(
                {
                    "id": req.key,
                    "instrument": req.attrs.get("instrument"),
                    "article": req.attrs.get("article"),
                    "paragraph": paragraph,
                    "obligation": req.attrs.get("obligation"),
                    "text": req.text,
                }
            )
    fields = []
    for field in tree.children(sub.key, kind="field"):
        questions = [
            {
                "id": q.key,
                "text": q.text,
                "level": q.attrs["level"],
                "parent": q.attrs.get("parent_question"),
                "options": q.attrs.get("options", []),
            }
            for q in tree.children(field.key)
        ]
        fields.append({"title": field.title or None, "questions": questions})
    return {
        "id": sub.key,
        "code": sub.code,
        "title": sub.title,
        "narrative": sub.text,
        "requirements": requirements,
        "fields": fields,
        "guidelines": [g.text for g in tree.children(sub.key, kind="guideline")],
        "cross_references": [link.target.key for link in tree.links_from(sub.key, "cross_ref")],
        "source": _source(sub),
    }


def _provision(tree: Tree, item: Item) -> dict:
    return {
        "id": item.key,
        "code": item.code,
        "label": item.attrs.get("label"),
        "text": item.text,
        "obligation": item.attrs.get("obligation"),
        "subparagraphs": [_provision(tree, child) for child in tree.children(item.key)],
    }


def _protocol(tree: Tree) -> dict:
    articles = []
    for chapter in tree.children("protocol", kind="protocol_chapter"):
        for article in tree.children(chapter.key):
            articles.append(
                {
                    "id": article.key,
                    "number": article.attrs["number"],
                    "chapter": chapter.code,
                    "title": article.title,
                    "text": article.text,
                    "obligation": article.attrs.get("obligation"),
                    "paragraphs": [_provision(tree, p) for p in tree.children(article.key)],
                    "ffa_cells": [link.target.key for link in tree.links_from(article.key, "implements")],
                    "ffa_paragraphs": [
                        link.target.attrs["number"] for link in tree.links_from(article.key, "discusses")
                    ],
                    "source": _source(article),
                }
            )
    return {"articles": articles}


def _framework(tree: Tree) -> dict:
    pillars = []
    for pillar in tree.children("ffa", kind="ffa_pillar"):
        sections = [
            {
                "id": section.key,
                "number": section.code,
                "cells": [
                    {"id": cell.key, "element": cell.attrs.get("element"), "text": cell.text or None}
                    for cell in tree.children(section.key)
                ],
            }
            for section in tree.children(pillar.key)
        ]
        pillars.append({"id": pillar.key, "key": pillar.code, "title": pillar.title, "table_sections": sections})
    return {
        "pillars": pillars,
        "element_types": [{"code": e.code, "name": e.title} for e in tree.children("ffa", kind="ffa_element_type")],
        "paragraphs": [
            {"id": p.key, "number": p.attrs["number"], "text": p.text, "footnotes": p.attrs.get("footnotes", [])}
            for p in tree.children("ffa:part-one")
        ],
        "index": [{"id": t.key, "term": t.title, "refs": t.attrs.get("refs", [])} for t in tree.children("ffa:index")],
        "resources": [{"id": r.key, "title": r.title, "text": r.text} for r in tree.children("ffa:resources")],
        "legal_instruments": [
            {"id": i.key, "title": i.title, "group": i.attrs.get("group")}
            for i in tree.children("ffa:legal-instruments")
        ],
        "table_texts_available": False,
    }


def _toolkit(tree: Tree) -> dict:
    tools = []
    for tool in tree.children("toolkit"):
        sections = [
            {
                "id": s.key,
                "number": s.code,
                "title": s.title,
                "articles": s.attrs.get("articles", []),
                "article_basis": s.attrs.get("article_basis"),
            }
            for s in tree.children(tool.key)
        ]
        tools.append({"id": tool.key, "number": int(tool.code), "title": tool.title, "sections": sections})
    return {"tools": tools}


def _working_group(tree: Tree) -> dict:
    papers = []
    for paper in tree.children("wg"):
        items = [
            {
                "id": i.key,
                "kind": i.attrs.get("item_kind"),
                "text": i.text,
                "articles": i.attrs.get("articles", []),
                "article_basis": i.attrs.get("article_basis"),
            }
            for i in tree.children(paper.key)
        ]
        papers.append({"id": paper.key, "year": paper.attrs.get("year"), "title": paper.title, "items": items})
    return {"papers": papers}


def _instruments(tree: Tree) -> list[dict]:
    return [
        {
            "id": instrument.key,
            "title": instrument.title,
            "short": instrument.attrs.get("short"),
            "articles": [a.code for a in tree.children(instrument.key)],
        }
        for instrument in tree.children("instruments")
    ]
