"""An assessment and its plan: terms of reference, scope, team, stakeholders, activities, national questions."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from soma.catalog.models import CatalogVersion
from soma.kernel.access import Role
from soma.kernel.clearance import Level

# The choices of every classification field: the clearance levels themselves (soma.kernel.clearance).
Classification = Level


class Status(models.TextChoices):
    PLANNING = "planning", _("Planning")
    DESK_REVIEW = "desk_review", _("Desk review")
    FIELDWORK = "fieldwork", _("Fieldwork")
    ANALYSIS = "analysis", _("Analysis")
    REPORTING = "reporting", _("Reporting")
    REVIEW = "review", _("Review")
    FINAL = "final", _("Final")


STATUS_ORDER = [choice.value for choice in Status]


class Approval(models.TextChoices):
    NOT_REQUESTED = "not_requested", _("Not requested")
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class Assessment(models.Model):
    title = models.CharField(_("title"), max_length=200)
    jurisdictions = CountryField(_("jurisdictions"), multiple=True)
    purpose = models.TextField(_("purpose"), blank=True)
    terms_of_reference = models.TextField(_("terms of reference"), blank=True)
    comprehensive = models.BooleanField(
        _("complete assessment"), default=True, help_text=_("A complete assessment always covers the legal framework.")
    )
    joint_with_trafficking = models.BooleanField(_("joint assessment with trafficking in persons"), default=False)
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    classification = models.CharField(
        _("classification"), max_length=20, choices=Classification.choices, default=Classification.RESTRICTED
    )
    new_work_classification = models.CharField(
        _("classification of new work"), max_length=20, choices=Classification.choices,
        default=Classification.RESTRICTED,
        help_text=_("What new answers, sources, findings, conclusions, recommendations, report chapters and "
                    "activities start at when nobody chooses otherwise. Never above the assessment's own "
                    "classification, nor above the clearance of the person creating them."),
    )
    dissemination = models.TextField(_("dissemination"), blank=True)
    government_approval = models.CharField(
        _("government approval"), max_length=20, choices=Approval.choices, default=Approval.NOT_REQUESTED
    )
    advisory_group = models.TextField(_("advisory group"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNING)
    catalog = models.ForeignKey(CatalogVersion, on_delete=models.PROTECT, related_name="assessments")
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_ups", verbose_name=_("follows")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self):
        return self.title


class ScopeEntry(models.Model):
    """One guide subsection in the assessment's scope ("guide:V.C"; section XII is "guide:XII")."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scope")
    subsection = models.CharField(max_length=40)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "subsection"], name="unique_scope_entry")]

    def __str__(self):
        return self.subsection


class Mission(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="missions")
    title = models.CharField(_("title"), max_length=200)
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    places = models.CharField(_("places"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["start_date", "pk"]

    def __str__(self):
        return self.title


class Membership(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(
        _("role"),
        max_length=20,
        choices=[(Role.LEAD, _("Lead")), (Role.ASSESSOR, _("Assessor")), (Role.REVIEWER, _("Reviewer")),
                 (Role.OBSERVER, _("Observer"))],
    )
    clearance = models.CharField(
        _("clearance"), max_length=20, choices=Classification.choices, default=Classification.RESTRICTED
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "user"], name="one_membership_per_user")]

    def __str__(self):
        return f"{self.user} ({self.role})"


class Institution(models.Model):
    """A stakeholder. Statements are attributed to institutions; the contact point is restricted material."""

    class Category(models.TextChoices):
        POLICY = "policy", _("Policymakers and lawmakers")
        JUSTICE = "justice", _("Department of justice or attorney general")
        INTERIOR = "interior", _("Ministry of interior or home affairs")
        FOREIGN = "foreign", _("Ministry of foreign affairs, embassy or consulate")
        POLICE = "police", _("Police or other law enforcement agency")
        INTELLIGENCE = "intelligence", _("Criminal intelligence agency")
        BORDER = "border", _("Immigration, customs or border control agency")
        MILITARY = "military", _("Navy, military or maritime authority")
        PROSECUTION = "prosecution", _("Prosecution service")
        JUDICIARY = "judiciary", _("Judiciary")
        ANTI_CORRUPTION = "anti_corruption", _("Anti-corruption agency")
        COORDINATION = "coordination", _("Coordinating committee")
        CARRIERS = "carriers", _("Civil aviation authority or commercial carrier")
        WELFARE = "welfare", _("Social welfare agency")
        BAR = "bar", _("Law or bar association")
        LIAISON = "liaison", _("INTERPOL office, liaison officer or regional cooperation body")
        INTERNATIONAL = "international", _("International organization")
        NGO = "ngo", _("Non-governmental organization")
        RESEARCH = "research", _("University or research institute")
        MEDIA = "media", _("Media")
        OTHER = "other", _("Other")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="institutions")
    name = models.CharField(_("name"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    sections = models.JSONField(_("guide sections concerned"), default=list, blank=True)
    contact_point = models.TextField(_("contact point"), blank=True, help_text=_("Restricted: never in public output."))
    clearance_notes = models.TextField(_("clearances"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


# Table 1 of the guide: which sections concern which kind of institution.
SECTIONS_BY_CATEGORY = {
    "policy": ["I", "II", "IX", "XII"],
    "justice": ["I", "II", "III", "VII", "VIII", "IX"],
    "interior": ["I", "II", "III", "X", "XI", "XII"],
    "foreign": ["IX", "X"],
    "police": ["II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XII"],
    "intelligence": ["IV"],
    "border": ["II", "III", "VI", "IX", "X", "XI", "XII"],
    "military": ["II", "III", "VI"],
    "prosecution": ["V", "VII", "VIII"],
    "judiciary": ["V", "VII", "VIII", "IX"],
    "anti_corruption": ["II"],
    "coordination": ["II"],
    "carriers": ["II", "VI", "X"],
    "welfare": ["XI"],
    "bar": ["VII", "VIII"],
    "liaison": ["IX"],
    "international": ["IX", "XI", "XII", "XIII"],
    "ngo": ["XI", "XII", "XIII"],
    "research": ["XIII"],
    "media": ["XII"],
    "other": [],
}


class Activity(models.Model):
    class Kind(models.TextChoices):
        DOCUMENT_STUDY = "document_study", _("Document study")
        INTERVIEW = "interview", _("Interview")
        FOCUS_GROUP = "focus_group", _("Focus group")
        QUESTIONNAIRE = "questionnaire", _("Questionnaire")
        SITE_VISIT = "site_visit", _("Site visit")
        GROUP_MEETING = "group_meeting", _("Group meeting")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"), null=True, blank=True)
    mission = models.ForeignKey(Mission, null=True, blank=True, on_delete=models.SET_NULL, related_name="activities")
    institutions = models.ManyToManyField(Institution, blank=True, related_name="activities")
    questions = models.JSONField(_("questions covered"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    participants = models.TextField(
        _("individuals met"), blank=True, help_text=_("Names appear only in the restricted annex.")
    )
    classification = models.CharField(
        _("classification"), max_length=20, choices=Classification.choices, default=Classification.RESTRICTED
    )

    class Meta:
        ordering = ["date", "pk"]

    def __str__(self):
        return self.title


class NationalQuestion(models.Model):
    """A question the advisory group added to a subsection; treated like the guide's own everywhere."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="national_questions")
    subsection = models.CharField(max_length=40)
    number = models.PositiveIntegerField()
    text = models.TextField(_("question"))
    parent_key = models.CharField(_("primary question"), max_length=80, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["subsection", "number"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "subsection", "number"], name="unique_national_number")
        ]

    def __str__(self):
        return self.key

    @property
    def key(self) -> str:
        """A stable id beside the guide's own: guide:V.C:n01."""
        return f"{self.subsection}:n{self.number:02d}"


class StatusChange(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Status.choices)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.from_status} -> {self.to_status}"


class FinalApproval(models.Model):
    """A reviewer's approval that the assessment may become final."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="final_approvals")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    def __str__(self):
        return f"{self.reviewer} approved {self.assessment}"
