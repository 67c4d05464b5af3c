"""What the Exchange part keeps between a request and the background work, and what an import left for review."""

from django.conf import settings
from django.db import models

from soma.assessments.models import Assessment, Classification


class PendingUpload(models.Model):
    """An uploaded file, already checked, kept in the database until a background job has read it.

    General on purpose: any import (spreadsheets, XLSForm submissions, bundles) can keep its upload here with
    its own `kind`. The job that reads it deletes it when done."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="pending_uploads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40)  # e.g. "questionnaire"
    file_name = models.CharField(max_length=255)  # display only, never used as a path
    data = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.kind}: {self.file_name}"


class ImportConflict(models.Model):
    """A spreadsheet row that was not imported because the answer changed in SOMA after the export.

    The spreadsheet's values are kept here, shown only to the member who imported them, until they have merged
    them into the answer and dismissed the row."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="import_conflicts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    question = models.CharField(max_length=80)
    place = models.CharField(max_length=100)  # "Questionnaire!row 14"
    file_name = models.CharField(max_length=255)
    narrative = models.TextField(blank=True)
    de_jure = models.CharField(max_length=20)
    de_facto = models.CharField(max_length=20)
    classification = models.CharField(max_length=20, choices=Classification.choices)
    exported_version = models.PositiveIntegerField()
    found_version = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["question", "-created_at", "-pk"]

    def __str__(self):
        return f"{self.question} ({self.place})"


class CentralConnection(models.Model):
    """Where an assessment's field submissions can be pulled from: one ODK Central form (soma.exchange.central).

    The password is kept only encrypted (`password_token`, see soma/exchange/central/vault.py); it is never shown
    back, logged, written to the audit trail or put in a bundle."""

    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, related_name="central_connection")
    base_url = models.URLField(max_length=300)  # https://central.example.org, without /v1
    project_id = models.PositiveIntegerField()
    form_id = models.CharField(max_length=200)  # the form's XML id
    email = models.EmailField(max_length=254)  # the Central web user's e-mail
    password_token = models.TextField(blank=True)  # Fernet token of the password; "" when none is kept
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.base_url} project {self.project_id} form {self.form_id}"

    @property
    def has_password(self) -> bool:
        return bool(self.password_token)
