"""Sources gathered in the desk review and later, with their reliability grading, and citations of them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from soma.assessments.models import Activity, Assessment, Classification


class Reliability(models.TextChoices):
    """Source reliability in the Admiralty grading used for criminal intelligence."""

    A = "A", _("A — completely reliable")
    B = "B", _("B — usually reliable")
    C = "C", _("C — fairly reliable")
    D = "D", _("D — not usually reliable")
    E = "E", _("E — unreliable")
    F = "F", _("F — reliability cannot be judged")


class Credibility(models.TextChoices):
    """Information credibility in the Admiralty grading."""

    ONE = "1", _("1 — confirmed by other sources")
    TWO = "2", _("2 — probably true")
    THREE = "3", _("3 — possibly true")
    FOUR = "4", _("4 — doubtful")
    FIVE = "5", _("5 — improbable")
    SIX = "6", _("6 — truth cannot be judged")


class LiveManager(models.Manager):
    """Rows not deleted. The default manager, so every page, export, report and related lookup
    (`assessment.sources`, `response.citations`) leaves deleted ones out; `all_objects` sees them all."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class AllRows(models.Manager):
    """Every row, deleted ones too: for restoring, and for files still referred to."""


def upload_path(source, filename):
    # The stored name is ours, never the uploader's: no path tricks, no collisions.
    return f"assessments/{source.assessment_id}/sources/{source.file_token}"


class Source(models.Model):
    class Kind(models.TextChoices):
        LEGISLATION = "legislation", _("Legislation or regulation")
        POLICY = "policy", _("Policy, strategy or action plan")
        CASE_LAW = "case_law", _("Court decision or case file")
        STATISTICS = "statistics", _("Statistics")
        OFFICIAL_REPORT = "official_report", _("Official report")
        INTERNATIONAL_REPORT = "international_report", _("Report of an international organization")
        NGO_REPORT = "ngo_report", _("Report of a non-governmental organization")
        RESEARCH = "research", _("Academic research")
        MEDIA = "media", _("Media report")
        PREVIOUS_ASSESSMENT = "previous_assessment", _("Previous assessment")
        INTERVIEW_RECORD = "interview_record", _("Interview record")
        OTHER = "other", _("Other")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="sources")
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices)
    date = models.DateField(_("date"), null=True, blank=True)
    author = models.CharField(_("author or issuing body"), max_length=200, blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    file = models.FileField(_("file"), upload_to=upload_path, blank=True)
    file_token = models.CharField(max_length=64, blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_type = models.CharField(max_length=100, blank=True)
    file_size = models.PositiveBigIntegerField(null=True, blank=True)
    reliability = models.CharField(_("source reliability"), max_length=1, choices=Reliability.choices, default="F")
    credibility = models.CharField(_("information credibility"), max_length=1, choices=Credibility.choices, default="6")
    classification = models.CharField(
        _("classification"), max_length=20, choices=Classification.choices, default=Classification.PUBLIC
    )
    notes = models.TextField(_("notes"), blank=True)
    carried_over = models.BooleanField(_("carried over from the previous assessment"), default=False)
    confirmed = models.BooleanField(_("confirmed for this assessment"), default=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)
    # A deleted source keeps its row and file until it is restored (see evidence.services.delete_source).
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, editable=False,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = LiveManager()
    all_objects = AllRows()

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self):
        return self.title

    @property
    def grade(self) -> str:
        return f"{self.reliability}{self.credibility}"


class Citation(models.Model):
    """Evidence for a response or a finding: a source with a pinpoint, or an activity (interview, visit...)."""

    class Stance(models.TextChoices):
        SUPPORTS = "supports", _("supports")
        CONTRADICTS = "contradicts", _("contradicts")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="citations")
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.CASCADE, related_name="citations")
    activity = models.ForeignKey(Activity, null=True, blank=True, on_delete=models.CASCADE, related_name="citations")
    pinpoint = models.CharField(_("pinpoint"), max_length=200, blank=True, help_text=_("Page, article or minute."))
    stance = models.CharField(_("stance"), max_length=20, choices=Stance.choices, default=Stance.SUPPORTS)
    response = models.ForeignKey(
        "findings.Response", null=True, blank=True, on_delete=models.CASCADE, related_name="citations"
    )
    finding = models.ForeignKey(
        "findings.Finding", null=True, blank=True, on_delete=models.CASCADE, related_name="citations"
    )
    # Set when its source was deleted (the same moment as the source's): restored together with it.
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = LiveManager()
    all_objects = AllRows()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(source__isnull=False) | models.Q(activity__isnull=False),
                name="citation_has_source_or_activity",
            ),
            models.CheckConstraint(
                condition=models.Q(response__isnull=False) | models.Q(finding__isnull=False),
                name="citation_cites_for_something",
            ),
        ]

    def __str__(self):
        what = self.source or self.activity
        return f"{what} {self.pinpoint}".strip()

    @property
    def evidence_key(self) -> str:
        """What counts as one independent piece of evidence: a source, or an activity."""
        return f"source:{self.source_id}" if self.source_id else f"activity:{self.activity_id}"
