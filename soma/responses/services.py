"""Writes of answers to questions, and the corroboration derived from an answer's citations.

Answers carry a version: a save names the version it started from, and a save that started from an
older one is refused as a conflict that keeps both texts, never a silent overwrite.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext, gettext_noop

from soma.accounts import history
from soma.assessments import selectors as assessment_selectors
from soma.assessments.models import Assessment
from soma.evidence import services as evidence_services
from soma.evidence.models import Activity, Citation, Source
from soma.findings import services as finding_services
from soma.findings.models import Corroboration, Implementation, Response, ReviewState
from soma.kernel.access import Action, PermissionDenied, require
from soma.kernel.clearance import Seen, seen_by
from soma.kernel.errors import EditConflict, ServiceError
from soma.kernel.versioning import conflict, lock_version, save_next_version

if TYPE_CHECKING:
    from django.contrib.auth.models import User

RESPONSE_FIELDS = ("narrative", "de_jure", "de_facto", "classification")


class QuestionNotInScope(ServiceError):
    """The question is not one of the assessment's scope (the API answers 404, as for a question it reads)."""


CONFLICT_MESSAGE = ("Someone else saved this answer while you were editing. Both versions are shown: merge and save "
                    "again.")
HIDDEN_CONFLICT_MESSAGE = ("Someone with a higher clearance has answered this question; their answer is not shown "
                           "to you.")


def corroboration(citations: Iterable[Citation]) -> str:
    """Derived from the citations: independent evidence is distinct sources or activities."""
    citations = list(citations)
    supporting = {c.evidence_key for c in citations if c.stance == Citation.Stance.SUPPORTS}
    contradicting = {c.evidence_key for c in citations if c.stance == Citation.Stance.CONTRADICTS}
    if contradicting:  # evidence against the answer, with or without evidence for it
        return Corroboration.CONFLICTING
    if len(supporting) >= 2:
        return Corroboration.CORROBORATED
    if len(supporting) == 1:
        return Corroboration.SINGLE
    return Corroboration.UNSUBSTANTIATED


@transaction.atomic
def save_response(
    user: User, assessment: Assessment, question: str, *, expected_version: int, **fields: Any
) -> Response:
    """Create or update the answer to one question. expected_version is 0 for a first answer."""
    require(user, Action.EDIT, assessment)
    unknown = set(fields) - set(RESPONSE_FIELDS)
    if unknown:
        raise ServiceError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    if assessment_selectors.question_in_scope(seen_by(user, assessment), question) is None:
        raise QuestionNotInScope(f"{question} is not a question of this assessment's scope.")
    for name in ("de_jure", "de_facto"):
        if name in fields and fields[name] not in Implementation.values:
            raise ServiceError(f"{name.replace('_', ' ')} must be one of: {', '.join(Implementation.values)}.")
    if "classification" in fields and not seen_by(user, assessment).may_see(fields["classification"]):
        raise ServiceError("You cannot classify material above your own clearance.")
    seen = seen_by(user, assessment)

    def within_clearance(stored: Response | None) -> None:
        if stored is not None and not seen.may_see(stored.classification):
            raise PermissionDenied("This question's answer is classified above your clearance.")

    response = lock_version(Response.objects.filter(assessment=assessment, question=question), expected_version,
                            message=CONFLICT_MESSAGE, check=within_clearance, theirs=_editable, mine=fields)
    if response is None:
        fields.setdefault("classification", seen_by(user, assessment).default_classification())
        try:
            with transaction.atomic():
                response = Response.objects.create(assessment=assessment, question=question, updated_by=user, **fields)
        except IntegrityError:  # someone created it between our read and our write
            theirs = Response.objects.get(assessment=assessment, question=question)
            raise _created_first(seen, theirs, fields) from None
        history.record(user, assessment, "created", response, None, history.snapshot(response))
        return response
    before = history.snapshot(response)
    for name, value in fields.items():
        setattr(response, name, value)
    if response.review_state == ReviewState.REVIEWED and before != history.snapshot(response):
        response.review_state = ReviewState.DRAFT  # a changed answer needs reviewing again
    response.updated_by = user
    response.confirmed = True
    save_next_version(response)
    history.record(user, assessment, "changed", response, before, history.snapshot(response))
    return response


def _editable(response: Response) -> dict[str, Any]:
    return {name: getattr(response, name) for name in RESPONSE_FIELDS} | {"version": response.version}


def _created_first(seen: Seen, theirs: Response, mine: dict[str, Any]) -> EditConflict:
    """The conflict with an answer someone created between this save's check and its write: both texts, unless
    theirs is classified above the user's clearance (then only its version)."""
    if not seen.may_see(theirs.classification):
        return EditConflict(HIDDEN_CONFLICT_MESSAGE, current=theirs, theirs={"version": theirs.version}, mine=mine)
    return conflict(theirs, message=CONFLICT_MESSAGE, theirs=_editable, mine=mine)


def set_review_state(user: User, assessment: Assessment, response: Response, state: str) -> Response:
    """Mark an answer ready, reviewed or returned (the same rules as for findings' work)."""
    return finding_services.set_review_state(user, assessment, response, state)


BULK_CONFLICT_MESSAGE = gettext_noop("Someone else changed %(count)d of the selected answers since you opened the page "
                                     "(%(questions)s). Nothing was changed: reload the page and try again.")


class BulkConflict(EditConflict):
    """A bulk action refused because some selected answers changed since the page was loaded (`questions`)."""

    def __init__(self, questions: list[str]) -> None:
        super().__init__(gettext(BULK_CONFLICT_MESSAGE) % {"count": len(questions), "questions": ", ".join(questions)})
        self.questions = questions


def _lock_selected(user: User, assessment: Assessment, versions: Mapping[str, int]) -> list[Response]:
    """The answers to the selected questions (question key -> the version the user saw), locked, in the order
    given; refused before anything is written when one is missing, hidden, out of scope or changed since."""
    if not versions:
        raise ServiceError(gettext("Select at least one question."))
    seen = seen_by(user, assessment)
    for question in versions:
        if assessment_selectors.question_in_scope(seen, question) is None:
            raise QuestionNotInScope(f"{question} is not a question of this assessment's scope.")
    rows = {row.question: row for row in Response.objects.select_for_update().filter(
        assessment=assessment, question__in=list(versions))}
    changed, missing = [], []
    for question, version in versions.items():
        row = rows.get(question)
        if row is None:
            missing.append(question)
        elif not seen.may_see(row.classification):
            raise PermissionDenied(gettext("An answer selected is classified above your clearance."))
        elif row.version != version:
            changed.append(question)
    if changed:
        raise BulkConflict(changed)
    if missing:
        raise ServiceError(gettext("Save an answer before a bulk action on it: %(questions)s.")
                           % {"questions": ", ".join(missing)})
    return [rows[question] for question in versions]


@transaction.atomic
def bulk_cite(user: User, assessment: Assessment, versions: Mapping[str, int], *, source: Source | None = None,
              activity: Activity | None = None, pinpoint: str = "", stance: str = "supports") -> list[Citation]:
    """Cite one source (or activity) with one pinpoint for every selected answer: all of them, or none."""
    require(user, Action.EDIT, assessment)
    answers = _lock_selected(user, assessment, versions)
    return [evidence_services.cite(user, assessment, response=answer, source=source, activity=activity,
                                   pinpoint=pinpoint, stance=stance) for answer in answers]


@transaction.atomic
def bulk_review(user: User, assessment: Assessment, versions: Mapping[str, int], state: str) -> list[Response]:
    """Set the review state of every selected answer (the same rules as for one): all of them, or none."""
    if state not in ReviewState.values:
        raise ServiceError(f"Unknown review state '{state}'.")
    needed = Action.REVIEW if state in (ReviewState.REVIEWED, ReviewState.RETURNED) else Action.EDIT
    require(user, needed, assessment)
    answers = _lock_selected(user, assessment, versions)
    return [set_review_state(user, assessment, answer, state) for answer in answers]


@transaction.atomic
def bulk_classify(user: User, assessment: Assessment, versions: Mapping[str, int],
                  classification: str) -> list[Response]:
    """Set the classification of every selected answer, each saved (and audited) as one edit: all, or none."""
    require(user, Action.EDIT, assessment)
    _lock_selected(user, assessment, versions)
    return [save_response(user, assessment, question, expected_version=version, classification=classification)
            for question, version in versions.items()]
