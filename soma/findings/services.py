"""Writes of findings, conclusions and recommendations, and their review state.

Answers to questions are saved by soma.responses.services, follow-up assessments started by
soma.followup.services.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction

from soma.accounts import history
from soma.assessments import selectors as assessment_selectors
from soma.assessments.models import Assessment
from soma.catalog import selectors as catalog_selectors
from soma.findings.models import (
    Conclusion,
    Finding,
    Recommendation,
    Response,
    ReviewState,
    canonical_area,
)
from soma.kernel.access import Action, PermissionDenied, require
from soma.kernel.clearance import seen_by
from soma.kernel.errors import ServiceError
from soma.kernel.versioning import lock_existing, save_next_version
from soma.search.services import similar

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.db.models import Model
    from django.db.models.fields.related_descriptors import ManyRelatedManager

    from soma.catalog.models import Item
    from soma.reports.models import ReportText

    # What is reviewed, and the classified, versioned content saved by save_versioned_content.
    Reviewed = TypeVar("Reviewed", Response, Recommendation)
    Content = TypeVar("Content", Finding, Conclusion, Recommendation, ReportText)



@transaction.atomic
def set_review_state(user: User, assessment: Assessment, obj: Reviewed, state: str) -> Reviewed:
    """Assessors mark work ready; reviewers (and the lead) mark it reviewed or return it."""
    if state not in ReviewState.values:
        raise ServiceError(f"Unknown review state '{state}'.")
    needed = Action.REVIEW if state in (ReviewState.REVIEWED, ReviewState.RETURNED) else Action.EDIT
    require(user, needed, assessment)
    _check_reachable(user, assessment, obj)
    before = history.snapshot(obj)
    # Review is not an edit of the content: the version stays, so open editors do not get a conflict.
    obj.review_state = state
    obj.save(update_fields=["review_state"])
    history.record(user, assessment, "changed", obj, before, history.snapshot(obj))
    return obj


def _check_reachable(user: User, assessment: Assessment,
                     obj: Response | Finding | Conclusion | Recommendation | ReportText) -> None:
    """The object belongs to this assessment and is within the user's clearance."""
    if obj.assessment_id != assessment.pk:
        raise ServiceError("That belongs to another assessment.")
    if not seen_by(user, assessment).may_see(getattr(obj, "classification", "public")):
        raise PermissionDenied("That is classified above your clearance.")


def save_versioned_content(user: User, assessment: Assessment, obj: Content, fields: dict[str, Any],
                           expected_version: int | None) -> Content:
    """Save classified, versioned content (a finding, conclusion, recommendation or report chapter) as its next
    version: the editing right, the user's clearance on the row and on its new classification, the model's own
    validation, links only within what the user may see, a reviewed text back to draft when it changes, and the
    history. `expected_version` None saves without the version check (a new row)."""
    require(user, Action.EDIT, assessment)
    if obj.pk:
        _check_reachable(user, assessment, obj)
        obj = lock_existing(type(obj).objects.filter(pk=obj.pk), expected_version)
    before = history.snapshot(obj) if obj.pk else None
    if not obj.pk and "classification" not in fields:
        fields["classification"] = seen_by(user, assessment).default_classification()
    m2m_names = {f.name for f in obj._meta.many_to_many}
    m2m = {name: fields.pop(name) for name in list(fields) if name in m2m_names}
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.assessment = assessment
    if "classification" in fields and not seen_by(user, assessment).may_see(obj.classification):
        raise ServiceError("You cannot classify material above your own clearance.")
    try:
        obj.full_clean(exclude=["assessment"])
    except ValidationError as error:
        messages = [f"{name.replace('_', ' ')}: {' '.join(errs)}" for name, errs in error.message_dict.items()]
        raise ServiceError(" ".join(messages)) from None
    if obj.pk and getattr(obj, "review_state", None) == ReviewState.REVIEWED and history.snapshot(obj) != before:
        reviewed: Any = obj  # a recommendation: the content with a review state
        reviewed.review_state = ReviewState.DRAFT  # a changed text needs reviewing again
    save_next_version(obj)
    obj.refresh_from_db()
    for name, value in m2m.items():
        _set_visible_links(user, assessment, getattr(obj, name), value)
    history.record(user, assessment, "changed" if before else "created", obj, before, history.snapshot(obj))
    return obj


def _set_visible_links(user: User, assessment: Assessment, manager: ManyRelatedManager[Any, Any],
                       chosen: Iterable[Model]) -> None:
    """Make the links the user can see exactly `chosen`; links to material above the user's clearance stay as
    they are. A form or request only ever offers what its user may see, so what it leaves out of `chosen` is
    not a removal of the rest."""
    chosen = list(chosen)
    if any(getattr(v, "assessment_id", assessment.pk) != assessment.pk for v in chosen):
        raise ServiceError("Links can only point within the same assessment.")
    seen = seen_by(user, assessment)
    if any(not seen.may_see(getattr(v, "classification", "public")) for v in chosen):
        raise PermissionDenied("You cannot link to material above your clearance.")
    current = manager.all()
    if hasattr(manager.model, "classification"):
        hidden = list(seen.above(current))
    else:
        hidden = []
    manager.set([*chosen, *hidden])


@transaction.atomic
def save_finding(user: User, assessment: Assessment, finding: Finding | None = None, *,
                 expected_version: int | None = None, **fields: Any) -> Finding:
    require(user, Action.EDIT, assessment)
    tree = assessment_selectors.tree_for(assessment)
    for key in fields.get("provisions", []):
        item = tree.get(key)
        if item is None or item.kind not in ("protocol_article", "provision"):
            raise ServiceError(f"{key} is not a Protocol article or provision.")
    if fields.get("subsection") and fields["subsection"] not in assessment_selectors.scope_keys(assessment):
        raise ServiceError(f"{fields['subsection']} is not a subsection in this assessment's scope.")
    return save_versioned_content(user, assessment, finding or Finding(created_by=user), fields, expected_version)


@transaction.atomic
def save_conclusion(user: User, assessment: Assessment, conclusion: Conclusion | None = None, *,
                    expected_version: int | None = None, **fields: Any) -> Conclusion:
    return save_versioned_content(user, assessment, conclusion or Conclusion(), fields, expected_version)


@transaction.atomic
def save_recommendation(user: User, assessment: Assessment, recommendation: Recommendation | None = None, *,
                        expected_version: int | None = None, **fields: Any) -> Recommendation:
    require(user, Action.EDIT, assessment)
    recommendation = recommendation or Recommendation()
    if "area" in fields:
        subsections = set(assessment_selectors.scope_keys(assessment))
        fields["area"] = canonical_area(str(fields["area"]), subsections)
        if fields["area"] not in _area_keys(subsections):
            raise ServiceError(
                f"{fields['area'][:40]} is not a guide section or subsection in this assessment's scope. "
                "Give a section as guide:section:V or a subsection as guide:V.C.")
    tree = assessment_selectors.tree_for(assessment)
    kinds = {
        "toolkit": ("toolkit_section", "toolkit_tool"),
        "framework": ("ffa_paragraph", "ffa_cell", "ffa_table_section"),
    }
    for name, allowed in kinds.items():
        for key in fields.get(name) or []:
            item = tree.get(key)
            if item is None or item.kind not in allowed:
                raise ServiceError(f"{key} is not a {'Toolkit section' if name == 'toolkit' else 'Framework item'}.")
    # Suggested links only when a caller leaves both lists out (the API's documented default); a list given, even
    # empty (the pages always give both), is what the user chose: nothing is linked that they did not choose.
    if not recommendation.pk and "toolkit" not in fields and "framework" not in fields and fields.get("area"):
        suggested = suggestions(assessment, fields["area"])
        fields.setdefault("toolkit", [item.key for item in suggested["toolkit"][:5]])
        fields.setdefault("framework", [item.key for item in suggested["ffa"][:5]])
    return save_versioned_content(user, assessment, recommendation, fields, expected_version)


def _area_keys(subsections: set[str]) -> set[str]:
    """A recommendation's area in its one id form: a subsection in scope ("guide:V.C") or a section with one in
    scope ("guide:section:V"; callers turn the short "guide:V" into this with canonical_area first)."""
    sections = {f"guide:section:{key.split(':', 1)[1].split('.')[0]}" for key in subsections}
    return subsections | sections


def suggestions(assessment: Assessment, area: str) -> dict[str, list[Item]]:
    """Toolkit sections and Framework items that the cross-reference graph links to an assessment area."""
    tree = assessment_selectors.tree_for(assessment)
    item = tree.get(area) or tree.get(f"guide:section:{area.split(':')[-1]}")
    if item is None:
        return {"toolkit": [], "ffa": []}
    graph = catalog_selectors.related(tree, item)
    found: dict[str, list[Item]] = {"toolkit": [], "ffa": []}
    for article in graph.articles:
        for document, entries in catalog_selectors.related(tree, article).groups.items():
            if document in found:
                found[document] += [other for other, _relation in entries if other not in found[document]]
    kinds = {"toolkit": ("toolkit_section",), "ffa": ("ffa_paragraph", "ffa_cell")}
    for document in found:
        direct = [other for other, _relation in graph.groups.get(document, [])]
        found[document] = direct + [other for other in found[document] if other not in direct]
        found[document] = [o for o in found[document] if o.kind in kinds[document]]
        if len(found[document]) < 3:
            # The graph has little for this area: add the items whose text is closest to the area's title.
            extra = similar(item.title, document, limit=5, kinds=kinds[document])
            found[document] += [o for o in extra if o not in found[document]]
    return found
