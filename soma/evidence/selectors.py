"""Reads of sources and citations. Each takes the user and returns only what that user may see."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.http import Http404

from soma.assessments import selectors as assessment_selectors
from soma.assessments.selectors import visible
from soma.evidence.models import Citation, Source


def sources(user, assessment) -> QuerySet[Source]:
    """The sources at or below the user's clearance, each with `cited` (how many citations point to it)."""
    assessment_selectors.check_member(user, assessment)
    return visible(user, assessment, assessment.sources.all()).annotate(cited=Count("citations"))


def source(user, assessment, pk) -> Source:
    """One source the user may see; 404 for anything else (its existence is not revealed)."""
    try:
        return sources(user, assessment).get(pk=pk)
    except (Source.DoesNotExist, ValueError, TypeError):
        raise Http404("No such source.") from None


def activities(user, assessment):
    """The activities (interviews, visits...) the user may see, for citing."""
    assessment_selectors.check_member(user, assessment)
    return visible(user, assessment, assessment.activities.all())


def citation_visible(user, assessment, citation: Citation) -> bool:
    from soma.accounts.permissions import cleared_levels

    what = citation.source or citation.activity
    return what is not None and what.classification in cleared_levels(user, assessment)


def deleted_sources(user, assessment) -> QuerySet[Source]:
    """Deleted sources the user may see, the latest first, each with `cited` (the citations deleted with it)."""
    assessment_selectors.check_member(user, assessment)
    rows = visible(user, assessment, Source.all_objects.filter(assessment=assessment, deleted_at__isnull=False))
    return rows.select_related("deleted_by").annotate(cited=Count("citations")).order_by("-deleted_at", "pk")


def deleted_source(user, assessment, pk) -> Source:
    """One deleted source the user may see; 404 for anything else."""
    try:
        return deleted_sources(user, assessment).get(pk=pk)
    except (Source.DoesNotExist, ValueError, TypeError):
        raise Http404("No such deleted source.") from None


@dataclass
class DeletionImpact:
    """What goes with a source when it is deleted."""

    citations: int  # all its citations
    answers: int  # distinct answers they support
    findings: int  # distinct findings they support
    hidden: int  # citations supporting answers or findings above the user's clearance


def deletion_impact(user, assessment, source: Source) -> DeletionImpact:
    from soma.accounts.permissions import cleared_levels

    levels = set(cleared_levels(user, assessment))
    rows = list(source.citations.select_related("response", "finding"))
    supported = [c.response or c.finding for c in rows]
    return DeletionImpact(
        citations=len(rows),
        answers=len({c.response_id for c in rows if c.response_id}),
        findings=len({c.finding_id for c in rows if c.finding_id}),
        hidden=sum(1 for obj in supported if obj is not None and obj.classification not in levels),
    )
