"""Starting a follow-up assessment: what it carries over from the previous one (each carried-over record is
confirmed on its own page, by soma.assessments.services.confirm_carried_over)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from soma.accounts import history
from soma.assessments.models import Assessment, Institution, Membership, NationalQuestion
from soma.assessments.services import create_assessment
from soma.evidence.models import Source
from soma.findings.models import Recommendation, Response
from soma.kernel.access import Action, require

if TYPE_CHECKING:
    from django.contrib.auth.models import User

@transaction.atomic
def start_follow_up(user: User, previous: Assessment, *, title: str, **fields: Any) -> Assessment:
    """A new assessment of the same jurisdiction; answers, sources and recommendations come across as carried
    over, each needing confirmation or update."""
    require(user, Action.MANAGE, previous)
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
    for institution in previous.institutions.all():
        institutions[institution.pk] = Institution.objects.create(
            assessment=new, name=institution.name, category=institution.category, sections=institution.sections,
            contact_point=institution.contact_point, clearance_notes=institution.clearance_notes,
            notes=institution.notes,
        )
    for question in previous.national_questions.all():
        NationalQuestion.objects.create(assessment=new, subsection=question.subsection, number=question.number,
                                        text=question.text, parent_key=question.parent_key, created_by=user)
    for source in previous.sources.all():
        Source.objects.create(
            assessment=new, title=source.title, kind=source.kind, date=source.date, author=source.author,
            link=source.link, file=source.file.name if source.file else "", file_token=source.file_token,
            file_name=source.file_name, file_type=source.file_type, file_size=source.file_size,
            reliability=source.reliability, credibility=source.credibility, classification=source.classification,
            notes=source.notes, carried_over=True, confirmed=False, added_by=user,
        )
    for answer in previous.responses.all():
        Response.objects.create(
            assessment=new, question=answer.question, narrative=answer.narrative, de_jure=answer.de_jure,
            de_facto=answer.de_facto, classification=answer.classification, carried_over=True, confirmed=False,
            updated_by=user,
        )
    for earlier in previous.recommendations.prefetch_related("institutions"):
        recommendation = Recommendation.objects.create(
            assessment=new, text=earlier.text, area=earlier.area, priority=earlier.priority, rank=earlier.rank,
            sequence=earlier.sequence, timeline=earlier.timeline, estimated_cost=earlier.estimated_cost,
            currency=earlier.currency, status=earlier.status, toolkit=earlier.toolkit, framework=earlier.framework,
            classification=earlier.classification, carried_over=True, confirmed=False,
        )
        recommendation.institutions.set([institutions[i.pk] for i in earlier.institutions.all()])
    history.record(user, new, "created", new, None, {"follows": previous.pk, "carried_over": True})
    return new
