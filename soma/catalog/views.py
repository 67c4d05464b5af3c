"""Browse pages of the catalog: the documents, the guide's tree and one page per item, by stable id.

Every page reads the in-memory tree of the current catalog version (selectors.tree), so a page costs the
same few queries whatever it shows; nothing here queries items in a loop.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import select_template
from django.utils.translation import gettext_lazy as _

from soma.catalog import selectors

if TYPE_CHECKING:
    from soma.catalog.models import Item

# Headings of the related panel, in the order of selectors.GROUPS (the Protocol, the hub, first).
GROUP_TITLES = {
    "protocol": _("Protocol"),
    "guide": _("Assessment Guide"),
    "ffa": _("Framework for Action"),
    "toolkit": _("Toolkit"),
    "wg": _("Working Group papers"),
    "instruments": _("Other instruments"),
}

# Kinds whose page is mainly the list of their children (no related panel: it would list a whole subtree).
CONTAINER_KINDS = {
    "document",
    "guide_section",
    "protocol_chapter",
    "ffa_pillar",
    "ffa_table_section",
    "toolkit_tool",
    "wg_paper",
    "instrument",
}


def _no_catalog(request):
    return render(request, "catalog/not_loaded.html", status=503)


def _question_counts(tree, item) -> tuple[int, int]:
    primary = secondary = 0
    for part in tree.descendants(item):
        if part.kind == "question":
            if part.attrs.get("level") == "secondary":
                secondary += 1
            else:
                primary += 1
    return primary, secondary


@login_required
def index(request):
    tree = selectors.tree()
    if tree is None:
        return _no_catalog(request)
    sections = [
        {"item": section, "subsections": len(tree.children(section.key, kind="guide_subsection"))}
        for section in tree.children("guide", kind="guide_section")
    ]
    chapters = [
        {"item": chapter, "articles": tree.children(chapter.key, kind="protocol_article")}
        for chapter in tree.children("protocol", kind="protocol_chapter")
    ]
    ffa_children = tree.children("ffa")
    context = {
        "tree": tree,
        "catalog": tree.catalog,
        "sections": sections,
        "chapters": chapters,
        "pillars": [child for child in ffa_children if child.kind == "ffa_pillar"],
        "ffa_parts": [child for child in ffa_children if child.kind == "document"],
        "tools": tree.children("toolkit", kind="toolkit_tool"),
        "papers": tree.children("wg", kind="wg_paper"),
        "instruments": tree.children("instruments", kind="instrument"),
        "roots": {key: tree.get(key) for key in ("guide", "protocol", "ffa", "toolkit", "wg", "instruments")},
    }
    return render(request, "catalog/index.html", context)


@login_required
def guide(request):
    tree = selectors.tree()
    if tree is None:
        return _no_catalog(request)
    root = tree.get("guide")
    if root is None:
        raise Http404("The Assessment Guide is not in this catalog.")
    context = {"tree": tree, "item": root, "label": selectors.label(root), "ancestors": []}
    context.update(_guide_context(tree))
    return render(request, "catalog/guide.html", context)


def _guide_context(tree) -> dict:
    sections = []
    for section in tree.children("guide", kind="guide_section"):
        subsections = []
        for subsection in tree.children(section.key, kind="guide_subsection"):
            primary, secondary = _question_counts(tree, subsection)
            subsections.append({"item": subsection, "primary": primary, "secondary": secondary})
        sections.append({"item": section, "subsections": subsections})
    totals = [
        sum(row[level] for entry in sections for row in entry["subsections"]) for level in ("primary", "secondary")
    ]
    return {
        "sections": sections,
        "stages": tree.children("guide", kind="method_stage"),
        "primary_total": totals[0],
        "secondary_total": totals[1],
    }


@login_required
def article(request, number: int):
    """A short permanent address for a Protocol article: /catalog/article/6/."""
    tree = selectors.tree()
    if tree is None:
        return _no_catalog(request)
    if tree.get(f"protocol:art{number}") is None:
        raise Http404("The Protocol has no such article.")
    return redirect("catalog:item", key=f"protocol:art{number}", permanent=False)


def _document(key):
    @login_required
    def view(request):
        return _item_page(request, key)

    view.__name__ = f"document_{key}"
    return view


protocol = _document("protocol")
framework = _document("ffa")
toolkit = _document("toolkit")
working_group = _document("wg")


@login_required
def item(request, key):
    return _item_page(request, key)


def _item_page(request, key):
    tree = selectors.tree()
    if tree is None:
        return _no_catalog(request)
    found = tree.get(key)
    if found is None:
        raise Http404("No catalog item with this id.")
    context = {
        "tree": tree,
        "item": found,
        "label": selectors.label(found),
        "ancestors": tree.ancestors(found),
        "children": tree.children(found.key),
    }
    if found.key == "guide":
        context.update(_guide_context(tree))
        return render(request, "catalog/guide.html", context)
    context.update(_generic_context(tree, found))
    special = BUILDERS.get(found.kind)
    if special:
        context.update(special(tree, found))
    if found.kind not in CONTAINER_KINDS:
        context.update(_related_context(tree, found))
    template = select_template([f"catalog/item_{found.kind}.html", "catalog/item.html"])
    return render(request, template.template.name, context)


# --- Per-kind context -------------------------------------------------------------------------------------


def _related_context(tree, item) -> dict:
    related = selectors.related(tree, item)
    curated = _curated(tree, item)
    groups = [
        {"document": document, "title": GROUP_TITLES.get(document, document), "entries": entries}
        for document, entries in related.groups.items()
    ]
    return {"related": related, "related_groups": groups, "curated": curated}


def _curated(tree, item) -> set[int]:
    """Items linked to this item (or its parts) only by a link SOMA's editors added (basis "curated")."""
    explicit: set[int] = set()
    curated: set[int] = set()
    for part in [item, *tree.descendants(item)]:
        links = [(link.target, link.basis) for link in tree.links_from(part.key)]
        links += [(link.source, link.basis) for link in tree.links_to(part.key)]
        for other, basis in links:
            pks = {other.pk}
            if other.kind in ("requirement", "guideline", "field"):
                anchor = tree.ancestor_of_kind(other, "guide_subsection")
                if anchor:
                    pks.add(anchor.pk)
            (curated if basis == "curated" else explicit).update(pks)
    return curated - explicit


def _questions_nested(tree, field) -> list[dict]:
    """A field's questions as primaries, each with its secondaries (in source order)."""
    entries: list[dict] = []
    by_key: dict[str, dict] = {}
    for question in tree.children(field.key, kind="question"):
        parent_key = question.attrs.get("parent_question")
        if question.attrs.get("level") == "secondary" and parent_key in by_key:
            by_key[parent_key]["secondaries"].append(question)
        else:
            entry = {"question": question, "secondaries": []}
            by_key[question.key] = entry
            entries.append(entry)
    return entries


def _citations(tree, item) -> list[dict]:
    """What a requirement or guideline cites, with the obligation of a cited Protocol provision."""
    cited = []
    for link in tree.links_from(item.key):
        target = link.target
        cited.append(
            {"item": target, "label": selectors.label(target), "obligation": target.attrs.get("obligation", "")}
        )
    return cited


def _subsection_context(tree, subsection) -> dict:
    requirements = [
        {
            "item": requirement,
            "obligation": requirement.attrs.get("obligation", ""),
            "cites": _citations(tree, requirement),
        }
        for requirement in tree.children(subsection.key, kind="requirement")
    ]
    fields = [
        {"item": field, "questions": _questions_nested(tree, field)}
        for field in tree.children(subsection.key, kind="field")
    ]
    guidelines = [
        {"item": guideline, "cites": _citations(tree, guideline)}
        for guideline in tree.children(subsection.key, kind="guideline")
    ]
    cross_references = [link.target for link in tree.links_from(subsection.key, "cross_ref")]
    primary, secondary = _question_counts(tree, subsection)
    return {
        "section": tree.ancestor_of_kind(subsection, "guide_section"),
        "paragraphs": _paragraphs(subsection.display_text),
        "requirements": requirements,
        "fields": fields,
        "guidelines": guidelines,
        "cross_references": cross_references,
        "cross_reference_notes": _notes_with_targets(tree, subsection.attrs.get("cross_reference_notes") or []),
        "footnotes": subsection.attrs.get("footnotes") or [],
        "primary_count": primary,
        "secondary_count": secondary,
    }


def _notes_with_targets(tree, notes) -> list[dict]:
    return [{**note, "target_item": tree.get(note.get("target", ""))} for note in notes]


def _provision_tree(tree, item) -> list[dict]:
    return [
        {"item": child, "children": _provision_tree(tree, child)}
        for child in tree.children(item.key)
        if child.kind == "provision"
    ]


def _article_context(tree, article) -> dict:
    scope = [article, *tree.descendants(article)]
    subsections: dict[int, dict] = {}
    cells: dict[int, Item] = {}
    paragraphs: dict[int, Item] = {}
    toolkit_sections: dict[int, dict[str, Any]] = {}
    wg_items: dict[int, dict[str, Any]] = {}
    others: dict[int, Item] = {}
    for part in scope:
        links = [(link.source, link) for link in tree.links_to(part.key)]
        links += [(link.target, link) for link in tree.links_from(part.key)]
        for other, link in links:
            if other.kind in ("requirement", "guideline", "field"):
                other = tree.ancestor_of_kind(other, "guide_subsection") or other
            if other.kind == "guide_subsection":
                entry = subsections.setdefault(other.pk, {"item": other, "provisions": []})
                if part.kind == "provision" and part not in entry["provisions"]:
                    entry["provisions"].append(part)
            elif other.kind == "ffa_cell":
                cells.setdefault(other.pk, other)
            elif other.kind == "ffa_paragraph":
                paragraphs.setdefault(other.pk, other)
            elif other.kind in ("toolkit_section", "toolkit_tool"):
                entry = toolkit_sections.setdefault(other.pk, {"item": other, "curated": True})
                entry["curated"] = entry["curated"] and link.basis == "curated"
            elif other.kind == "wg_item":
                entry = wg_items.setdefault(other.pk, {"item": other, "curated": True})
                entry["curated"] = entry["curated"] and link.basis == "curated"
            elif other.pk != article.pk and other not in scope:
                others.setdefault(other.pk, other)
    guide_entries = sorted(subsections.values(), key=lambda entry: entry["item"].pk)
    for entry in guide_entries:
        entry["fields"] = [
            {"item": field, "questions": _questions_nested(tree, field)}
            for field in tree.children(entry["item"].key, kind="field")
        ]
        entry["primary"], entry["secondary"] = _question_counts(tree, entry["item"])
    # Framework cells grouped by pillar, then table section.
    pillars: dict[int, dict] = {}
    for cell in sorted(cells.values(), key=lambda cell: cell.pk):
        pillar = tree.ancestor_of_kind(cell, "ffa_pillar")
        if pillar is None:
            continue
        pillars.setdefault(pillar.pk, {"item": pillar, "cells": []})["cells"].append(cell)
    chapter = tree.ancestor_of_kind(article, "protocol_chapter")
    siblings = tree.children(chapter.key, kind="protocol_article") if chapter else []
    all_articles = sorted(tree.all("protocol_article"), key=lambda a: int(a.code) if a.code.isdigit() else 0)
    position = next((i for i, a in enumerate(all_articles) if a.pk == article.pk), 0)
    neighbours = [None, *all_articles, None]
    return {
        "provisions": _provision_tree(tree, article),
        "paragraphs": _paragraphs(article.display_text),
        "guide_entries": guide_entries,
        "ffa_pillars": list(pillars.values()),
        "ffa_cell_count": len(cells),
        "ffa_total": len(cells) + len(paragraphs),
        "ffa_paragraphs": sorted(paragraphs.values(), key=lambda p: p.pk),
        "toolkit_entries": sorted(toolkit_sections.values(), key=lambda entry: entry["item"].pk),
        "wg_entries": sorted(wg_items.values(), key=lambda entry: entry["item"].pk),
        "other_related": sorted(others.values(), key=lambda other: other.pk),
        "chapter": chapter,
        "siblings": siblings,
        "previous_article": neighbours[position],
        "next_article": neighbours[position + 2],
    }


def _question_context(tree, question) -> dict:
    parent_key = question.attrs.get("parent_question")
    field = tree.ancestor_of_kind(question, "field")
    siblings = tree.children(field.key, kind="question") if field else []
    secondaries = [sibling for sibling in siblings if sibling.attrs.get("parent_question") == question.key]
    return {
        "subsection": tree.ancestor_of_kind(question, "guide_subsection"),
        "field": field,
        "parent_question": tree.get(parent_key) if parent_key else None,
        "secondaries": secondaries,
        "articles": selectors.related_articles(tree, question),
    }


def _provision_context(tree, provision) -> dict:
    return {
        "provisions": _provision_tree(tree, provision),
        "article": tree.ancestor_of_kind(provision, "protocol_article"),
    }


def _article_numbers(tree, numbers) -> list:
    found = []
    for number in numbers or []:
        article = tree.get(f"protocol:art{number}")
        if article is not None:
            found.append(article)
    return found


def _generic_context(tree, item) -> dict:
    attrs = item.attrs
    context: dict[str, Any] = {"paragraphs": _paragraphs(item.display_text)}
    if attrs.get("articles"):
        context["attr_articles"] = _article_numbers(tree, attrs["articles"])
    if attrs.get("refs"):
        context["refs"] = [tree.get(ref) for ref in attrs["refs"] if tree.get(ref) is not None]
    if attrs.get("footnotes"):
        context["footnotes"] = attrs["footnotes"]
    if item.kind in ("requirement", "guideline"):
        context["cites"] = _citations(tree, item)
        context["subsection"] = tree.ancestor_of_kind(item, "guide_subsection")
    if item.kind == "field":
        context["questions"] = _questions_nested(tree, item)
    if item.kind == "ffa_pillar" and attrs.get("overview_paragraphs"):
        context["overview"] = [tree.get(f"ffa:para:{n}") for n in attrs["overview_paragraphs"]]
    if item.kind == "guide_section":
        context["subsection_rows"] = []
        for subsection in tree.children(item.key, kind="guide_subsection"):
            primary, secondary = _question_counts(tree, subsection)
            context["subsection_rows"].append({"item": subsection, "primary": primary, "secondary": secondary})
    if item.kind == "protocol_chapter":
        context["articles"] = tree.children(item.key, kind="protocol_article")
    if item.kind == "document" and item.key == "protocol":
        context["chapters"] = [
            {"item": chapter, "articles": tree.children(chapter.key, kind="protocol_article")}
            for chapter in tree.children("protocol", kind="protocol_chapter")
        ]
        preamble = attrs.get("preamble")
        context["preamble"] = _paragraphs(preamble.get("text", "") if isinstance(preamble, dict) else preamble or "")
    return context


def _paragraphs(text: str) -> list[str]:
    return [part.strip() for part in (text or "").split("\n\n") if part.strip()]


BUILDERS = {
    "guide_subsection": _subsection_context,
    "protocol_article": _article_context,
    "question": _question_context,
    "provision": _provision_context,
}
