"""The findings list's cards, written in Python: a full assessment lists dozens of findings, each with a dozen
values, and the template engine's per-value work (look-up, localisation, escaping) was most of the page's time.
Every value is escaped; labels are translated with the message ids the template used."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.html import linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from soma.core.html_rows import html_row
from soma.core.templatetags.many_rows import choice_label, fill

register = template.Library()


@register.simple_tag
def finding_sections(grouped: Iterable[tuple[str, str, list[tuple[Any, list[Any]]]]], item_url: str, edit_url: str,
                     can_edit: bool) -> SafeString:
    """A <section> per subsection of findings_grouped: its heading, then a heading and the cards of each kind."""
    labels = {
        "provisions": gettext("Protocol provisions"), "answers": gettext("Answers"),
        "citations": gettext("Citations"), "edit": gettext("Edit"),
    }
    untied = gettext("Not tied to a subsection")
    sections = []
    for number, (key, label, groups) in enumerate(grouped, start=1):
        kinds = "".join(
            html_row('<h4 class="kind-heading">{}</h4>\n<ul class="record-list">\n{}\n</ul>\n', kind_label,
                     _cards(findings, item_url, edit_url, can_edit, labels))
            for kind_label, findings in groups
        )
        sections.append(html_row(
            '<section class="finding-subsection" aria-labelledby="sub-{}">\n<h3 id="sub-{}">{}</h3>\n{}</section>',
            number, number, label if key else untied, mark_safe(kinds),
        ))
    return mark_safe("\n".join(sections))


def _cards(findings: Iterable[Any], item_url: str, edit_url: str, can_edit: bool,
           labels: dict[str, str]) -> SafeString:
    """The <li> card of each finding (as findings_grouped gives them: with provision_labels, visible_responses and
    visible_citations)."""
    provisions_label, answers_label = labels["provisions"], labels["answers"]
    citations_label, edit_label = labels["citations"], labels["edit"]
    cards = []
    for finding in findings:
        classification = ""
        if finding.classification != "public":
            classification = html_row('<span class="badge classification-{}">{}</span>', finding.classification,
                                         choice_label(finding, "classification"))
        text = html_row('<div class="record-text">{}</div>', mark_safe(linebreaks(finding.text, autoescape=True))) \
            if finding.text else ""
        provisions = ""
        if finding.provisions:
            links = mark_safe(", ".join(html_row('<a href="{}">{}</a>', fill(item_url, key), label)
                                        for key, label in finding.provision_labels))
            provisions = html_row("<dt>{}</dt><dd>{}</dd>", provisions_label, links)
        answers = ""
        if finding.visible_responses:
            answers = html_row("<dt>{}</dt><dd>{}</dd>", answers_label,
                                  ", ".join(response.question for response in finding.visible_responses))
        edit = html_row('<p><a href="{}">{}<span class="visually-hidden"> {}</span></a></p>',
                           fill(edit_url, finding.pk), edit_label, finding.title) if can_edit else ""
        cards.append(html_row(
            '<li class="record card" id="finding-{}"><p class="record-head">'
            '<span class="badge badge-kind kind-{}">{}</span> <strong class="record-title">{}</strong> {}</p>'
            '{}<dl class="record-meta">{}{}<dt>{}</dt><dd>{}</dd></dl>{}</li>',
            finding.pk, finding.kind, choice_label(finding, "kind"), finding.title, classification,
            text, provisions, answers, citations_label, len(finding.visible_citations), edit,
        ))
    return mark_safe("\n".join(cards))
