"""Reads of sources and citations. Each takes the user and returns only what that user may see."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.http import Http404

from soma.assessments import selectors as assessment_selectors
from soma.assessments.selectors import visible
from soma.evidence.models import Citation, Source


def sources(user, assessment) -> QuerySet[Source]:
    """The sources at or below the user's clearance, each with `cited` (how many citations point to it)."""
    assessment_selectors.get_assessment(user, assessment.pk)
    return visible(user, assessment, assessment.sources.all()).annotate(cited=Count("citations"))


def source(user, assessment, pk) -> Source:
    """One source the user may see; 404 for anything else (its existence is not revealed)."""
    try:
        return sources(user, assessment).get(pk=pk)
    except (Source.DoesNotExist, ValueError, TypeError):
        raise Http404("No such source.") from None


def activities(user, assessment):
    """The activities (interviews, visits...) the user may see, for citing."""
    assessment_selectors.get_assessment(user, assessment.pk)
    return visible(user, assessment, assessment.activities.all())


def citation_visible(user, assessment, citation: Citation) -> bool:
    from soma.accounts.permissions import cleared_levels

    what = citation.source or citation.activity
    return what is not None and what.classification in cleared_levels(user, assessment)
