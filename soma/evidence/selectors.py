"""Reads of sources and citations. Each takes the assessment as the user sees it (a checked Seen) and returns
only what that user may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from soma.evidence.models import Citation, Source
from soma.kernel.clearance import Seen


def sources(seen: Seen) -> QuerySet[Source]:
    """The sources at or below the user's clearance, each with `cited` (how many citations point to it).

    `cited` is a subquery per row rather than a join with GROUP BY: the list's page count (Paginator) then
    counts the sources alone instead of grouping every citation of the assessment."""
    cited = (
        Citation.all_objects.filter(source=OuterRef("pk")).order_by().values("source")
        .annotate(n=Count("pk")).values("n")
    )
    return seen.visible(seen.assessment.sources.all()).annotate(cited=Coalesce(Subquery(cited), 0))


@dataclass(frozen=True)
class SourceFilter:
    """What the sources list is narrowed to; empty fields narrow nothing."""

    text: str = ""  # in the title or the author
    kind: str = ""
    reliability: str = ""

    def __bool__(self) -> bool:
        return bool(self.text or self.kind or self.reliability)


def listed_sources(seen: Seen, wanted: SourceFilter = SourceFilter()) -> QuerySet[Source]:
    """The sources list's rows: `sources(seen)` narrowed by `wanted`, in the list's order (title, then pk)."""
    rows = sources(seen)
    if wanted.text:
        rows = rows.filter(Q(title__icontains=wanted.text) | Q(author__icontains=wanted.text))
    if wanted.kind:
        rows = rows.filter(kind=wanted.kind)
    if wanted.reliability:
        rows = rows.filter(reliability=wanted.reliability)
    return rows.order_by("title", "pk")


def position(seen: Seen, source: Source) -> int:
    """How many sources the user sees before `source` in the unfiltered list's order (title, then pk): the
    database compares the titles, so the count agrees with its ORDER BY whatever the collation."""
    before = Q(title__lt=source.title) | Q(title=source.title, pk__lt=source.pk)
    return seen.visible(seen.assessment.sources.filter(before)).count()


def source(seen: Seen, pk: Any) -> Source:
    """One source the user may see; 404 for anything else (its existence is not revealed)."""
    try:
        return sources(seen).get(pk=pk)
    except (Source.DoesNotExist, ValueError, TypeError):
        raise Http404("No such source.") from None


def activities(seen: Seen) -> QuerySet:
    """The activities (interviews, visits...) the user may see, for citing."""
    return seen.visible(seen.assessment.activities.all())


def deleted_sources(seen: Seen) -> QuerySet[Source]:
    """Deleted sources the user may see, the latest first, each with `cited` (the citations deleted with it)."""
    rows = seen.visible(Source.all_objects.filter(assessment=seen.assessment, deleted_at__isnull=False))
    return rows.select_related("deleted_by").annotate(cited=Count("citations")).order_by("-deleted_at", "pk")


def deleted_source(seen: Seen, pk: Any) -> Source:
    """One deleted source the user may see; 404 for anything else."""
    try:
        return deleted_sources(seen).get(pk=pk)
    except (Source.DoesNotExist, ValueError, TypeError):
        raise Http404("No such deleted source.") from None


@dataclass
class DeletionImpact:
    """What goes with a source when it is deleted."""

    citations: int  # all its citations
    answers: int  # distinct answers they support
    findings: int  # distinct findings they support
    hidden: int  # citations supporting answers or findings above the user's clearance


def deletion_impact(seen: Seen, source: Source) -> DeletionImpact:
    rows = list(source.citations.select_related("response", "finding"))
    supported = [c.response or c.finding for c in rows]
    return DeletionImpact(
        citations=len(rows),
        answers=len({c.response_id for c in rows if c.response_id}),
        findings=len({c.finding_id for c in rows if c.finding_id}),
        hidden=sum(1 for obj in supported if obj is not None and not seen.may_see(obj.classification)),
    )
