"""What each version of the report leaves out, and why, before anyone freezes it.

Every version holds only what is classified at or below it (soma.reports.composer). Work classified above a
version is left out of it silently: its answers are missing, its subsections read "Unknown" and its chapters
"Not written for this version". This module says so beforehand. It asks the composer itself, once for the
highest version the user may see and once per lower version, and compares what each holds (the composer's
`held` filter and its gap map and chapters): no second filter that could drift from the report's own.

Only what the user may see is counted: work above their clearance is not theirs to know about.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from soma.assessments import selectors as assessment_selectors
from soma.kernel import clearance
from soma.kernel.clearance import AUDIENCE_LABELS, Level
from soma.reports import composer
from soma.reports.models import Chapter
from soma.responses.selectors import anchor

# The kinds of work a version can leave out, in the report's order: (key, singular, plural).
KINDS = [
    ("answers", ngettext_lazy("%(count)d answer", "%(count)d answers", "count")),
    ("sources", ngettext_lazy("%(count)d source", "%(count)d sources", "count")),
    ("findings", ngettext_lazy("%(count)d finding", "%(count)d findings", "count")),
    ("conclusions", ngettext_lazy("%(count)d conclusion", "%(count)d conclusions", "count")),
    ("recommendations", ngettext_lazy("%(count)d recommendation", "%(count)d recommendations", "count")),
    ("chapters", ngettext_lazy("%(count)d chapter", "%(count)d chapters", "count")),
]
KIND_TITLES = {
    "answers": gettext_lazy("Answers"),
    "sources": gettext_lazy("Sources"),
    "findings": gettext_lazy("Findings"),
    "conclusions": gettext_lazy("Conclusions"),
    "recommendations": gettext_lazy("Recommendations"),
    "chapters": gettext_lazy("Chapters"),
}


@dataclass
class Item:
    """One piece of work left out (or one part of the report that will read "Unknown"), with where to fix it."""

    label: str
    url: str
    classification: str = ""

    @property
    def classification_label(self) -> str:
        return str(Level(self.classification).label) if self.classification else ""


@dataclass
class VersionLeftOut:
    audience: str
    label: str
    kinds: dict[str, list[Item]] = field(default_factory=dict)
    unknown: list[Item] = field(default_factory=list)
    unwritten: list[Item] = field(default_factory=list)

    @property
    def leaves_out(self) -> bool:
        return any(self.kinds.values())

    @property
    def groups(self) -> list[tuple[str, str, list[Item]]]:
        """(kind, title, items) of the kinds with something left out, in the report's order."""
        return [(kind, str(KIND_TITLES[kind]), self.kinds[kind]) for kind, _label in KINDS if self.kinds.get(kind)]

    def counts(self) -> str:
        """"3 answers, 1 source" — what the version leaves out, counted per kind."""
        return ", ".join(label % {"count": len(self.kinds[kind])}
                         for kind, label in KINDS if self.kinds.get(kind))

    def lines(self) -> list[str]:
        """The summary in plain sentences: the issue page's warning and `soma report --issue` print these."""
        version = self.label.lower()
        if not self.leaves_out:
            return [_("The %(version)s leaves out nothing you can see.") % {"version": version}]
        lines = [_("The %(version)s leaves out %(counts)s, classified above it.")
                 % {"version": version, "counts": self.counts()}]
        if self.unknown:
            lines.append(_("These subsections will read “Unknown” although answers exist: %(parts)s.")
                         % {"parts": ", ".join(item.label for item in self.unknown)})
        if self.unwritten:
            lines.append(_("These chapters will read “Not written for this version”: %(parts)s.")
                         % {"parts": ", ".join(item.label for item in self.unwritten)})
        return lines


def left_out(user: Any, assessment: Any, audiences: list[str] | None = None) -> dict[str, VersionLeftOut]:
    """For each version the user may produce (or those in `audiences`), what it leaves out of what the user may
    see: per kind the items classified above it, the subsections whose status will read "Unknown" only because
    of them, and the chapters that will read "Not written for this version"."""
    assessment = assessment_selectors.get_assessment(user, assessment.pk)  # what is stored now, as compose reads
    seen = clearance.seen_by(user, assessment)
    full = composer._Composer(seen, None)  # the highest version the user may see
    full_gaps = full.findings_by_section()[1]
    full_texts = full.narrative()
    result = {}
    for level in seen.levels:
        if audiences is not None and level not in audiences:
            continue
        summary = VersionLeftOut(level, str(AUDIENCE_LABELS[Level(level)]))
        result[level] = summary
        if level == seen.audience:
            continue  # the version holding everything the user may see leaves out nothing they know of
        version = composer._Composer(seen.for_audience(level), None)
        summary.kinds = _items(assessment, full, version)
        summary.unknown = _reads_unknown(assessment, full_gaps, version.findings_by_section()[1])
        texts = version.narrative()
        summary.unwritten = [
            Item(str(Chapter(key).label), reverse("reports:chapters", args=[assessment.pk]) + f"#chapter-{key}")
            for key, text in full_texts.items() if text.strip() and not texts[key].strip()
        ]
    return result


def _items(assessment: Any, full: composer._Composer, version: composer._Composer) -> dict[str, list[Item]]:
    pk = assessment.pk

    def missing(rows):
        return full.held(rows).exclude(pk__in=version.held(rows).values("pk"))

    answers = [
        Item(r.question.split(":", 1)[-1],
             reverse("responses:subsection", args=[pk, r.subsection]) + f"#{anchor(r.question)}", r.classification)
        for r in missing(assessment.responses).order_by("question")
        if r.narrative.strip() or r.de_jure != "unknown" or r.de_facto != "unknown"
    ]
    return {
        "answers": answers,
        "sources": [Item(s.title, reverse("evidence:edit", args=[pk, s.pk]), s.classification)
                    for s in missing(assessment.sources).order_by("title", "pk")],
        "findings": [Item(f.title, reverse("findings:finding_edit", args=[pk, f.pk]), f.classification)
                     for f in missing(assessment.findings).order_by("subsection", "pk")],
        "conclusions": [Item(_short(c.text), reverse("findings:conclusion_edit", args=[pk, c.pk]), c.classification)
                        for c in missing(assessment.conclusions).order_by("pk")],
        "recommendations": [
            Item(_short(r.text), reverse("findings:recommendation_edit", args=[pk, r.pk]), r.classification)
            for r in missing(assessment.recommendations).order_by("area", "rank", "sequence", "pk")
        ],
        "chapters": [
            Item(t.get_chapter_display(), reverse("reports:chapters", args=[pk]) + f"#chapter-{t.chapter}",
                 t.classification)
            for t in missing(assessment.report_texts).order_by("chapter") if t.text.strip()
        ],
    }


def _reads_unknown(assessment: Any, full_gaps: list[dict], version_gaps: list[dict]) -> list[Item]:
    """Subsections whose de jure or de facto status reads "Unknown" in the version but not in the full one."""
    theirs = {row["key"]: row for row in full_gaps}
    parts = []
    for row in version_gaps:
        whole = theirs.get(row["key"])
        if whole is None:
            continue
        if any(row[name] == "unknown" != whole[name] for name in ("de_jure", "de_facto")):
            parts.append(Item(f"{row['code']} {row['title']}",
                              reverse("responses:subsection", args=[assessment.pk, row["key"]])))
    return parts


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
