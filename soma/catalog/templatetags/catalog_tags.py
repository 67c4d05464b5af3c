"""Filters for the catalog browse pages: labels, relation and kind names, text split into paragraphs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import template
from django.utils.translation import gettext_lazy as _

from soma.catalog import selectors

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

register = template.Library()

RELATIONS = {
    "requires": _("requires"),
    "cites": _("cites"),
    "implements": _("implemented in"),
    "discusses": _("discussed in"),
    "mentions": _("mentions"),
    "relates_to": _("related"),
    "cross_ref": _("cross-reference"),
    "index_ref": _("index entry"),
}

KINDS = {
    "document": _("Document"),
    "guide_section": _("Guide section"),
    "guide_subsection": _("Guide subsection"),
    "requirement": _("International requirement"),
    "field": _("Field of inquiry"),
    "question": _("Assessment question"),
    "guideline": _("Guideline or tool"),
    "method_stage": _("Methodology stage"),
    "protocol_chapter": _("Protocol chapter"),
    "protocol_article": _("Protocol article"),
    "provision": _("Protocol provision"),
    "ffa_pillar": _("Framework pillar"),
    "ffa_table_section": _("Framework table section"),
    "ffa_cell": _("Framework table cell"),
    "ffa_element_type": _("Framework element type"),
    "ffa_paragraph": _("Framework paragraph"),
    "ffa_index_term": _("Framework index term"),
    "ffa_resource": _("Framework resource"),
    "ffa_instrument": _("Framework legal instrument"),
    "toolkit_tool": _("Toolkit tool"),
    "toolkit_section": _("Toolkit section"),
    "wg_paper": _("Working Group paper"),
    "wg_item": _("Working Group item"),
    "instrument": _("Instrument"),
    "instrument_article": _("Instrument article"),
}

WG_ITEM_KINDS = {
    "issue": _("Issue for discussion"),
    "good_practice": _("Good practice"),
    "challenge": _("Challenge"),
}

STAGES = {
    "planning": _("Planning"),
    "desk_review": _("Desk review"),
    "fieldwork": _("Fieldwork"),
    "analysis": _("Analysis"),
    "reporting": _("Reporting"),
    "review": _("Review"),
    "final": _("Final"),
}


@register.filter
def catalog_label(item) -> str:
    return selectors.label(item) if item is not None else ""


@register.filter
def relation_label(relation: str) -> str | StrPromise:
    return RELATIONS.get(relation, relation.replace("_", " "))


@register.filter
def kind_label(kind: str) -> str | StrPromise:
    return KINDS.get(kind, kind.replace("_", " "))


@register.filter
def wg_item_kind(value: str) -> str | StrPromise:
    return WG_ITEM_KINDS.get(value, value)


@register.filter
def stage_label(value: str) -> str | StrPromise:
    return STAGES.get(value, value.replace("_", " "))


@register.filter
def paragraphs(text: str) -> list[str]:
    """Text split at blank lines, the way the content stores paragraphs."""
    return [part.strip() for part in (text or "").split("\n\n") if part.strip()]


@register.filter
def short_id(key: str) -> str:
    """The last part of a stable id: "guide:V.C:q07" -> "q07"."""
    return key.rsplit(":", 1)[-1]
