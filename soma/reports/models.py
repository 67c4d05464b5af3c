"""Reports: the team's narrative chapters, an organisation's report profile, and issued (frozen) reports."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from soma.assessments.models import Assessment, Classification


class Chapter(models.TextChoices):
    """The parts of the report that the team writes in prose (the guide's "Concluding an assessment")."""

    BACKGROUND = "background", _("Background: organized crime and migration in the country")
    PREVALENCE = "prevalence", _("Official perceived prevalence, nature and scope of migrant smuggling")
    PERCEPTION = "perception", _("Public perception of migrant smuggling")
    DESK_REVIEW = "desk_review", _("Findings of the desk review")
    KEY_ISSUES = "key_issues", _("Key issues")
    REFORM_FACTORS = "reform_factors", _("Factors that may impede or assist reform")


class ReportText(models.Model):
    """One narrative chapter of an assessment's report, classified like any other content."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="report_texts")
    chapter = models.CharField(_("chapter"), max_length=20, choices=Chapter.choices)
    text = models.TextField(_("text"), blank=True)
    classification = models.CharField(
        _("classification"), max_length=20, choices=Classification.choices, default=Classification.PUBLIC
    )
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "chapter"], name="one_text_per_chapter")]

    def __str__(self):
        return self.get_chapter_display()


# The report's parts in their order; an organisation's profile may leave some out (never the cover).
REPORT_PARTS = [
    ("boilerplate", _("Foreword and disclaimer")),
    ("background", _("Background")),
    ("methodology", _("Methodology")),
    ("institutions", _("Institutions consulted")),
    ("desk_review", _("Desk review")),
    ("findings", _("Findings by section")),
    ("key_issues", _("Key issues")),
    ("reform_factors", _("Factors that may impede or assist reform")),
    ("gap_map", _("Gap map")),
    ("conclusions", _("Conclusions")),
    ("recommendations", _("Recommendations")),
    ("annex_sources", _("Annex: sources")),
    ("annex_activities", _("Annex: activities")),
    ("annex_individuals", _("Annex: individuals and contact points (restricted versions only)")),
]
PART_KEYS = [key for key, _label in REPORT_PARTS]


def all_parts() -> list[str]:
    return list(PART_KEYS)


class ReportProfile(models.Model):
    """An organisation's look and wording of its reports, set by an administrator without touching code."""

    name = models.CharField(_("profile name"), max_length=100, unique=True)
    organisation = models.CharField(_("organisation"), max_length=200)
    cover_text = models.TextField(_("cover text"), blank=True, help_text=_("Printed under the title on the cover."))
    boilerplate = models.TextField(
        _("foreword and disclaimer"), blank=True, help_text=_("Printed after the cover. Plain text; blank lines "
                                                               "separate paragraphs.")
    )
    logo = models.ImageField(_("logo"), upload_to="report-logos/", blank=True,
                             help_text=_("PNG or JPEG, shown on the cover."))
    parts = models.JSONField(_("parts of the report"), default=all_parts,
                             help_text=_("Which parts the report holds, by key: %(keys)s.") % {
                                 "keys": ", ".join(PART_KEYS)})
    is_default = models.BooleanField(_("default profile"), default=False)

    class Meta:
        ordering = ["-is_default", "name"]

    def __str__(self):
        return self.name


class IssuedReport(models.Model):
    """A report as issued: a frozen snapshot of its content, hashed, with the files rendered from it.

    Nothing here changes after issue; later edits to the assessment make a new report, never a new version
    of this one."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="issued_reports")
    audience = models.CharField(_("version"), max_length=20, choices=Classification.choices)
    language = models.CharField(_("language"), max_length=10)
    title = models.CharField(_("title"), max_length=300)
    snapshot = models.JSONField()
    content_hash = models.CharField(_("content hash (SHA-256)"), max_length=64)
    html = models.BinaryField()
    pdf = models.BinaryField()
    docx = models.BinaryField()
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]

    def __str__(self):
        return self.title

    @property
    def classification(self) -> str:
        """An issued report is as sensitive as its version (history entries and downloads follow this)."""
        return self.audience
