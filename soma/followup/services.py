"""Starting a follow-up assessment: what it carries over from the previous one (each carried-over record is
confirmed on its own page, by soma.assessments.services.confirm_carried_over)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from soma.accounts import history, permissions
from soma.accounts.permissions import Action
from soma.assessments.models import Assessment, Institution, Membership, NationalQuestion
from soma.assessments.services import create_assessment
from soma.evidence.models import Source
from soma.findings.models import Recommendation, Response

if TYPE_CHECKING:
    from django.contrib.auth.models import User

@transaction.atomic
def start_follow_up(user: User, previous: Assessment, *, title: str, **fields: Any) -> Assessment:
    """A new assessment of the same jurisdiction; answers, sources and recommendations come across as carried
    over, each needing confirmation or update."""
    permissions.require(user, Action.MANAGE, previous)
    scope = list(previous.scope.values_list("subsection", flat=True))
    created = create_assessment(
        user,
        title=title,
        jurisdictions=list(previous.jurisdictions),
        scope=scope,
        purpose=fields.pop("purpose", previous.purpose),
        classification=previous.classification,
        comprehensive=previous.comprehensive,
        joint_with_trafficking=previous.joint_with_trafficking,
        **fields,
    )
    new = created.assessment
    new.previous = previous
    new.save(update_fields=["previous"])
    for membership in previous.memberships.exclude(user=user):
        Membership.objects.create(assessment=new, user=membership.user, role=membership.role,
                                  clearance=membership.clearance)
    institutions = {}
    for old in previous.institutions.all():
        institutions[old.pk] = Institution.objects.create(
            assessment=new, name=old.name, category=old.category, sections=old.sections,
            contact_point=old.contact_point, clearance_notes=old.clearance_notes, notes=old.notes,
        )
    for question in previous.national_questions.all():
        NationalQuestion.objects.create(assessment=new, subsection=question.subsection, number=question.number,
                                        text=question.text, parent_key=question.parent_key, created_by=user)
    for old in previous.sources.all():
        Source.objects.create(
            assessment=new, title=old.title, kind=old.kind, date=old.date, author=old.author, link=old.link,
            file=old.file.name if old.file else "", file_token=old.file_token, file_name=old.file_name,
            file_type=old.file_type, file_size=old.file_size, reliability=old.reliability,
            credibility=old.credibility, classification=old.classification, notes=old.notes,
            carried_over=True, confirmed=False, added_by=user,
        )
    for old in previous.responses.all():
        Response.objects.create(
            assessment=new, question=old.question, narrative=old.narrative, de_jure=old.de_jure,
            de_facto=old.de_facto, classification=old.classification, carried_over=True, confirmed=False,
            updated_by=user,
        )
    for old in previous.recommendations.prefetch_related("institutions"):
        recommendation = Recommendation.objects.create(
            assessment=new, text=old.text, area=old.area, priority=old.priority, rank=old.rank,
            sequence=old.sequence, timeline=old.timeline, estimated_cost=old.estimated_cost,
            currency=old.currency, status=old.status, toolkit=old.toolkit, framework=old.framework,
            classification=old.classification, carried_over=True, confirmed=False,
        )
        recommendation.institutions.set([institutions[i.pk] for i in old.institutions.all()])
    history.record(user, new, "created", new, None, {"follows": previous.pk, "carried_over": True})
    return new
