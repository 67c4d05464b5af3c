"""What goes into a report: the assessment's content for one audience, as a plain, JSON-ready snapshot.

The composer is a selector: it reads the assessment as the user sees it for the audience (public, restricted or
confidential; a soma.kernel.clearance.Seen, built once per report) and returns only material classified at or
below both the audience and the user's clearance. Renderers (HTML,
PDF, DOCX) work from the snapshot alone, never from the database, so an issued report can be rendered again
byte for byte and nothing can slip into a public version around the filter applied here.

What is restricted whatever its row says: names of people (activity participants, institutions' contact
points and clearance notes, the advisory group's membership) and mission notes, as listed in
soma.kernel.clearance.NAMES_OF_PEOPLE. They appear only in the restricted annex, and only in restricted
and confidential versions.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from soma.assessments import selectors as assessment_selectors
from soma.assessments.models import Approval, Institution
from soma.catalog import selectors as catalog_selectors
from soma.evidence.models import Credibility, Reliability
from soma.findings import selectors as finding_selectors
from soma.findings.models import PRIORITY_ORDER, Corroboration, Finding, Implementation, Priority, Recommendation
from soma.kernel import clearance
from soma.kernel.access import PermissionDenied
from soma.kernel.clearance import AUDIENCE_LABELS, Seen
from soma.reports.models import PART_KEYS, Chapter, ReportProfile
from soma.responses.services import corroboration

FORMAT_VERSION = 1


class AudienceRefused(PermissionDenied):
    """The user asked for a version classified above their clearance."""


def seen_for(user: Any, assessment: Any, audience: str) -> Seen:
    """The assessment as the user sees it for a report version; refuses an audience above the user's clearance
    (a member cleared for restricted cannot produce the confidential version)."""
    try:
        return clearance.seen_by(user, assessment, audience)
    except clearance.AboveClearance as above:
        raise AudienceRefused(_("Your clearance on this assessment does not allow the %(audience)s.")
                              % {"audience": str(AUDIENCE_LABELS[above.audience]).lower()}) from None


def compose(user: Any, assessment: Any, audience: str, profile: ReportProfile | None = None,
            language: str | None = None) -> dict:
    """The report's content for the audience, in the given language (default: the active one)."""
    # Read again: a report holds what is stored now, whatever the caller's copy of the assessment says.
    assessment = assessment_selectors.get_assessment(user, assessment.pk)
    seen = seen_for(user, assessment, audience)
    language = language or translation.get_language() or "en"
    with translation.override(language):
        return _Composer(seen, profile or default_profile()).snapshot(language)


def default_profile() -> ReportProfile | None:
    return ReportProfile.objects.filter(is_default=True).first() or ReportProfile.objects.first()


class _Composer:
    def __init__(self, seen: Seen, profile: ReportProfile | None):
        self.seen, self.assessment, self.audience = seen, seen.assessment, seen.audience
        assessment = seen.assessment
        self.profile = profile
        # Names of people (the restricted annex): by the one rule that pages, API and bundles follow too.
        self.restricted = seen.names_allowed
        self.tree = assessment_selectors.tree_for(assessment)
        self.scope = assessment_selectors.questions_in_scope(seen)
        self.sources = list(self.held(assessment.sources).order_by("title", "pk"))
        self.activities = list(self.held(assessment.activities).prefetch_related("institutions").order_by("date", "pk"))
        self.source_numbers = {s.pk: i for i, s in enumerate(self.sources, 1)}
        self.activity_numbers = {a.pk: i for i, a in enumerate(self.activities, 1)}

    def held(self, rows):
        """The rows (a manager or queryset of classified content) this version holds: the one filter every part
        of the report goes through, and what soma.reports.left_out compares between versions."""
        return self.seen.visible(rows.all())

    def labels(self, keys: list[str]) -> list[str]:
        """Catalog labels of keys stored on findings and recommendations, from the tree read once per report."""
        return [label for _key, label in finding_selectors.labelled(self.assessment, keys, self.tree)]

    # --- the whole ----------------------------------------------------------------------------------------------

    def snapshot(self, language: str) -> dict:
        parts = [p for p in (self.profile.parts if self.profile else PART_KEYS) if p in PART_KEYS]
        if not self.restricted and "annex_individuals" in parts:
            parts.remove("annex_individuals")
        sections, gap_map = self.findings_by_section()
        return _plain({
            "format": "soma-report",
            "format_version": FORMAT_VERSION,
            "audience": str(self.audience),
            "audience_label": str(AUDIENCE_LABELS[self.audience]),
            "classification_label": str(self.audience.label),
            "language": language,
            "direction": "rtl" if translation.get_language_bidi() else "ltr",
            "composed_at": timezone.now().isoformat(timespec="seconds"),
            "parts": parts,
            "profile": self.profile_data(),
            "assessment": self.assessment_data(),
            "narrative": self.narrative(),
            "methodology": self.methodology(),
            "institutions": self.institutions(),
            "desk_review": self.desk_review(),
            "sections": sections,
            "gap_map": gap_map,
            "provisions": self.provisions(gap_map),
            "conclusions": self.conclusions(),
            "recommendations": self.recommendations(),
            "annex_sources": self.annex_sources(),
            "annex_activities": self.annex_activities(),
            "annex_individuals": self.annex_individuals() if self.restricted else None,
        })

    # --- frame ---------------------------------------------------------------------------------------------------

    def profile_data(self) -> dict:
        profile = self.profile
        if profile is None:
            return {"organisation": "", "cover_text": "", "boilerplate": "", "logo": None}
        logo = None
        if profile.logo:
            import base64

            with profile.logo.open("rb") as handle:
                data = handle.read()
            kind = "png" if data[:8] == b"\x89PNG\r\n\x1a\n" else "jpeg"
            logo = {"media_type": f"image/{kind}", "data": base64.b64encode(data).decode()}
        return {"organisation": profile.organisation, "cover_text": profile.cover_text,
                "boilerplate": profile.boilerplate, "logo": logo}

    def assessment_data(self) -> dict:
        a = self.assessment
        data = {
            "title": a.title,
            "jurisdictions": [country.name for country in a.jurisdictions],
            "purpose": a.purpose,
            "terms_of_reference": a.terms_of_reference,
            "comprehensive": a.comprehensive,
            "joint_with_trafficking": a.joint_with_trafficking,
            "start_date": _date(a.start_date),
            "end_date": _date(a.end_date),
            "dissemination": a.dissemination,
            "government_approval": a.get_government_approval_display()
            if a.government_approval != Approval.NOT_REQUESTED else "",
            "status": a.get_status_display(),
            "catalog_version": a.catalog.version,
        }
        return data

    def narrative(self) -> dict:
        rows = self.held(self.assessment.report_texts)
        texts = {row.chapter: row.text for row in rows}
        return {chapter.value: texts.get(chapter.value, "") for chapter in Chapter}

    def methodology(self) -> dict:
        scope = self.scope
        counts: dict[str, int] = {}
        for activity in self.activities:
            counts[activity.get_kind_display()] = counts.get(activity.get_kind_display(), 0) + 1
        missions = [
            {"title": m.title, "start_date": _date(m.start_date), "end_date": _date(m.end_date), "places": m.places}
            for m in self.assessment.missions.all()
        ]
        return {
            "scope": [{"code": sub.code, "title": sub.title} for sub in scope],
            "questions": sum(len(sub.questions) for sub in scope),
            "national_questions": sum(1 for sub in scope for q in sub.questions if q.national),
            "missions": missions,
            "activities": [{"kind": kind, "count": n} for kind, n in counts.items()],
            "sources": len(self.sources),
            "grading": [_("Sources are graded for reliability from A (completely reliable) to E (unreliable), F when "
                          "reliability cannot be judged, and the information from 1 (confirmed by other sources) "
                          "to 5 (improbable), 6 when its truth cannot be judged."),
                        _("An answer is corroborated when two or more independent sources or activities support it, "
                          "single-source when one does, unsubstantiated when none does, and conflicting when "
                          "evidence contradicts it.")],
        }

    def institutions(self) -> list[dict]:
        return [{"name": i.name, "category": i.get_category_display()}
                for i in self.assessment.institutions.order_by("name", "pk")]

    def desk_review(self) -> dict:
        by_type: dict[str, int] = {}
        for source in self.sources:
            by_type[source.get_kind_display()] = by_type.get(source.get_kind_display(), 0) + 1
        return {"sources_by_type": [{"type": kind, "count": n} for kind, n in sorted(by_type.items())]}

    # --- findings by section ---------------------------------------------------------------------------------------

    def _citations(self, citations) -> list[str]:
        """Citation marks ("S3, p. 12", "A2") for evidence in this version; other evidence is left out."""
        marks = []
        for citation in citations:
            if citation.source_id in self.source_numbers:
                mark = f"S{self.source_numbers[citation.source_id]}"
            elif citation.activity_id in self.activity_numbers:
                mark = f"A{self.activity_numbers[citation.activity_id]}"
            else:
                continue
            if citation.pinpoint:
                mark += f", {citation.pinpoint}"
            if citation.stance == "contradicts":
                mark += f" ({_('contradicts')})"
            marks.append(mark)
        return marks

    def _visible_citations(self, citations) -> list:
        return [c for c in citations if c.source_id in self.source_numbers or c.activity_id in self.activity_numbers]

    def findings_by_section(self) -> tuple[list[dict], list[dict]]:
        scope = self.scope
        responses = {
            r.question: r
            for r in self.held(self.assessment.responses).prefetch_related("citations")
        }
        findings_by_sub: dict[str, list[Finding]] = {}
        for finding in self.held(self.assessment.findings).prefetch_related("citations").order_by("subsection", "pk"):
            findings_by_sub.setdefault(finding.subsection, []).append(finding)
        statuses = dict(Implementation.choices)
        corroborations = dict(Corroboration.choices)
        sections: list[dict] = []
        gap_map = []
        for sub in scope:
            if not sections or sections[-1]["code"] != sub.section_code:
                section = self.tree.get(f"guide:section:{sub.section_code}")
                sections.append({"code": sub.section_code, "title": section.display_title if section else "",
                                 "subsections": []})
            answers, de_jure, de_facto = [], [], []
            for question in sub.questions:
                response = responses.get(question.key)
                if response is None:
                    continue
                cited = self._visible_citations(response.citations.all())
                de_jure.append(response.de_jure)
                de_facto.append(response.de_facto)
                if not response.narrative.strip() and response.de_jure == response.de_facto == "unknown":
                    continue
                answers.append({
                    "id": question.key,
                    "text": question.text,
                    "level": question.level,
                    "national": question.national,
                    "narrative": response.narrative,
                    "de_jure": statuses[response.de_jure],
                    "de_facto": statuses[response.de_facto],
                    "corroboration": corroborations[corroboration(cited)],
                    "citations": self._citations(cited),
                })
            kinds = dict(Finding.Kind.choices)
            findings = [
                {"kind": kinds[f.kind], "kind_key": f.kind, "title": f.title, "text": f.text,
                 "provisions": self.labels(f.provisions),
                 "citations": self._citations(f.citations.all())}
                for f in findings_by_sub.get(sub.key, [])
            ]
            gap = {"key": sub.key, "code": sub.code, "title": sub.title,
                   "de_jure": finding_selectors.subsection_status(de_jure),
                   "de_facto": finding_selectors.subsection_status(de_facto)}
            gap_map.append(gap)
            sections[-1]["subsections"].append({
                "code": sub.code, "title": sub.title, "questions": len(sub.questions),
                "de_jure": statuses[gap["de_jure"]], "de_facto": statuses[gap["de_facto"]],
                "answers": answers, "findings": findings,
            })
        return sections, gap_map

    def provisions(self, gap_map: list[dict]) -> list[dict]:
        """The Protocol provisions that the subsections in scope require, mandatory first, each with the status
        its subsections' answers show in this version."""
        statuses = dict(Implementation.choices)
        obligations = {"mandatory": _("Mandatory"), "optional": _("Optional")}
        merged: dict[str, dict] = {}
        for row in gap_map:
            for link in self.tree.links_from(row["key"], "requires"):
                target = link.target
                if target.document != "protocol":
                    continue
                entry = merged.setdefault(target.key, {"key": target.key, "label": catalog_selectors.label(target),
                                                       "obligation": target.attrs.get("obligation"), "rows": []})
                entry["rows"].append(row)
        order = {"mandatory": 0, "optional": 1}
        result = []
        ranked = sorted(merged.values(), key=lambda e: (
            order.get(e["obligation"], 2), finding_selectors.article_number(e["key"]), e["key"]))
        for entry in ranked:
            rows = entry["rows"]
            result.append({
                "label": entry["label"],
                "obligation": obligations.get(entry["obligation"], ""),
                "subsections": [r["code"] for r in rows],
                "de_jure": statuses[finding_selectors.combined_status([r["de_jure"] for r in rows])],
                "de_facto": statuses[finding_selectors.combined_status([r["de_facto"] for r in rows])],
            })
        return result

    # --- conclusions and recommendations -----------------------------------------------------------------------

    def conclusions(self) -> list[dict]:
        rows = self.held(self.assessment.conclusions).prefetch_related("findings")
        return [
            {"number": n, "text": c.text, "basis": c.basis, "tentative": c.tentative,
             "findings": [f.title for f in c.findings.all() if self.seen.may_see(f.classification)]}
            for n, c in enumerate(rows.order_by("pk"), 1)
        ]

    def recommendations(self) -> list[dict]:
        rows = list(self.held(self.assessment.recommendations).prefetch_related("institutions"))
        rows.sort(key=lambda r: (PRIORITY_ORDER.index(r.priority), r.area, r.rank, r.sequence, r.pk))
        states = dict(Recommendation.State.choices)
        result, number = [], 0
        for priority in Priority:
            in_horizon = [r for r in rows if r.priority == priority.value]
            if not in_horizon:
                continue
            areas: dict[str, list[dict]] = {}
            for r in in_horizon:
                number += 1
                areas.setdefault(r.area, []).append({
                    "number": number, "text": r.text, "rank": r.rank, "sequence": r.sequence,
                    "institutions": [i.name for i in r.institutions.all()],
                    "timeline": r.timeline,
                    "estimated_cost": str(r.estimated_cost) if r.estimated_cost is not None else "",
                    "currency": r.currency, "status": states[r.status],
                    "toolkit": self.labels(r.toolkit),
                    "framework": self.labels(r.framework),
                })
            result.append({
                "priority": priority.value, "label": priority.label,
                "areas": [{"key": key, "label": self.labels([key])[0], "items": items}
                          for key, items in areas.items()],
            })
        return result

    # --- annexes ---------------------------------------------------------------------------------------------------

    def annex_sources(self) -> list[dict]:
        reliability, credibility = dict(Reliability.choices), dict(Credibility.choices)  # the fields' choices
        return [
            {"number": f"S{n}", "title": s.title, "type": s.get_kind_display(), "date": _date(s.date),
             "author": s.author, "link": s.link, "grade": s.grade,
             "grade_label": f"{reliability[s.reliability]}; {credibility[s.credibility]}"}
            for n, s in enumerate(self.sources, 1)
        ]

    def annex_activities(self) -> list[dict]:
        return [
            {"number": f"A{n}", "date": _date(a.date), "kind": a.get_kind_display(), "title": a.title,
             "institutions": [i.name for i in a.institutions.all()]}
            for n, a in enumerate(self.activities, 1)
        ]

    def annex_individuals(self) -> dict:
        """Names of people: only in restricted and confidential versions."""
        return {
            "participants": [
                {"activity": f"A{self.activity_numbers[a.pk]} {a.title}", "participants": a.participants}
                for a in self.activities if a.participants.strip()
            ],
            "contact_points": [
                {"institution": i.name, "contact_point": i.contact_point, "clearances": i.clearance_notes}
                for i in Institution.objects.filter(assessment=self.assessment).order_by("name", "pk")
                if i.contact_point.strip() or i.clearance_notes.strip()
            ],
            "advisory_group": self.assessment.advisory_group,
            "mission_notes": [
                {"mission": m.title, "notes": m.notes} for m in self.assessment.missions.all() if m.notes.strip()
            ],
        }


def _plain(value):
    """Translated labels (lazy strings) as plain strings, so the snapshot is plain JSON."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, Promise):
        return str(value)
    return value


def _date(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""
