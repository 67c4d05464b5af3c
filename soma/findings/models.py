"""Responses to the guide's questions, and what the team makes of them: findings, conclusions, recommendations."""

from collections.abc import Collection

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from soma.assessments.models import Assessment, Classification, Institution


class Implementation(models.TextChoices):
    IN_PLACE = "in_place", _("In place")
    PARTLY = "partly", _("Partly in place")
    NOT_IN_PLACE = "not_in_place", _("Not in place")
    UNKNOWN = "unknown", _("Unknown")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class ReviewState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    READY = "ready", _("Ready for review")
    REVIEWED = "reviewed", _("Reviewed")
    RETURNED = "returned", _("Returned for changes")


class Corroboration(models.TextChoices):
    CORROBORATED = "corroborated", _("Corroborated by two or more independent sources")
    SINGLE = "single", _("Single source")
    UNSUBSTANTIATED = "unsubstantiated", _("Unsubstantiated")
    CONFLICTING = "conflicting", _("Conflicting")


class Response(models.Model):
    """The team's answer to one question in scope (a guide question or a national one), by stable id."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="responses")
    question = models.CharField(max_length=80)
    narrative = models.TextField(_("answer"), blank=True)
    de_jure = models.CharField(_("de jure"), max_length=20, choices=Implementation.choices, default="unknown")
    de_facto = models.CharField(_("de facto"), max_length=20, choices=Implementation.choices, default="unknown")
    classification = models.CharField(
        _("classification"), max_length=20, choices=Classification.choices, default=Classification.PUBLIC
    )
    review_state = models.CharField(_("review"), max_length=20, choices=ReviewState.choices, default="draft")
    carried_over = models.BooleanField(default=False)
    confirmed = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "question"], name="one_response_per_question")]

    def __str__(self):
        return self.question

    @property
    def subsection(self) -> str:
        return self.question.rsplit(":", 1)[0]


class Finding(models.Model):
    class Kind(models.TextChoices):
        GAP = "gap", _("Gap")
        GOOD_PRACTICE = "good_practice", _("Good practice")
        DISCREPANCY = "discrepancy", _("Discrepancy between announced and implemented policy")
        CONFLICTING = "conflicting", _("Conflicting information")
        OBSERVATION = "observation", _("Observation")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("finding"), blank=True)
    subsection = models.CharField(_("guide subsection"), max_length=40, blank=True)
    responses = models.ManyToManyField(Response, blank=True, related_name="findings")
    provisions = models.JSONField(_("Protocol provisions"), default=list, blank=True)
    classification = models.CharField(
        _("classification"), max_length=20, choices=Classification.choices, default=Classification.PUBLIC
    )
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["subsection", "pk"]

    def __str__(self):
        return self.title


class Conclusion(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="conclusions")
    text = models.TextField(_("conclusion"))
    basis = models.TextField(_("basis"), blank=True)
    tentative = models.BooleanField(_("tentative"), default=False, help_text=_("Mark when sources conflict."))
    findings = models.ManyToManyField(Finding, blank=True, related_name="conclusions")
    classification = models.CharField(
        _("classification"), max_length=20, choices=Classification.choices, default=Classification.PUBLIC
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.text[:80]


class Priority(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediate")
    SHORT = "short", _("Short-term")
    MEDIUM = "medium", _("Medium-term")
    LONG = "long", _("Long-term")


PRIORITY_ORDER = [choice.value for choice in Priority]


def canonical_area(key: str, subsections: Collection[str] = ()) -> str:
    """A recommendation area in the catalog's own id form: a guide section is "guide:section:V" (the short
    "guide:V" that older clients and bundles send is the same section), a subsection "guide:V.C". Section XII
    has no lettered subsections: its one subsection is "guide:XII", kept when it is among `subsections`."""
    prefix, _sep, code = key.partition(":")
    if prefix == "guide" and code and ":" not in code and "." not in code and key not in subsections:
        return f"guide:section:{code}"
    return key


class Recommendation(models.Model):
    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        AGREED = "agreed", _("Agreed")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Implemented")
        DROPPED = "dropped", _("Dropped")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="recommendations")
    text = models.TextField(_("recommendation"))
    area = models.CharField(_("assessment area"), max_length=40, help_text=_("A guide section or subsection."))
    priority = models.CharField(_("priority"), max_length=20, choices=Priority.choices)
    rank = models.PositiveIntegerField(_("rank within its area"), default=1)
    sequence = models.PositiveIntegerField(_("sequence"), default=1)
    institutions = models.ManyToManyField(Institution, blank=True, related_name="recommendations")
    timeline = models.CharField(_("timeline"), max_length=200, blank=True)
    estimated_cost = models.DecimalField(_("estimated cost"), max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=State.choices, default=State.PROPOSED)
    review_state = models.CharField(_("review"), max_length=20, choices=ReviewState.choices, default="draft")
    conclusions = models.ManyToManyField(Conclusion, blank=True, related_name="recommendations")
    toolkit = models.JSONField(_("Toolkit sections"), default=list, blank=True)
    framework = models.JSONField(_("Framework for Action items"), default=list, blank=True)
    classification = models.CharField(
        _("classification"), max_length=20, choices=Classification.choices, default=Classification.PUBLIC
    )
    carried_over = models.BooleanField(default=False)
    confirmed = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["area", "rank", "sequence", "pk"]

    def __str__(self):
        return self.text[:80]

    def save(self, *args, **kwargs):
        # Every writer (services, bundle import, demo) stores one id form, so a form can always re-save it.
        if self.area.startswith("guide:") and not self.area.startswith("guide:section:") and "." not in self.area:
            scope = self.assessment.scope.filter(subsection=self.area).values_list("subsection", flat=True)
            self.area = canonical_area(self.area, set(scope))
        super().save(*args, **kwargs)
