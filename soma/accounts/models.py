"""The history of every change to an assessment's content: who, when, what it was before and after."""

from django.conf import settings
from django.db import models


class AuditRefused(Exception):
    """Audit entries and history entries are written once and never changed or deleted."""


class HistoryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditRefused("Content history is append-only: entries cannot be changed.")

    def delete(self):
        raise AuditRefused("Content history is append-only: entries cannot be deleted (deleting the assessment "
                           "purges its history, recorded in the audit trail).")


class HistoryEntry(models.Model):
    """One change to an assessment's content. Append-only like the audit trail, which holds a digest of every entry
    (soma/accounts/history_check.py compares them). Deleting the assessment purges its entries through the one path
    the database permits (soma.accounts.history.purge), recorded in the audit trail; deleting a user sets `user` to
    NULL, the only change the database permits."""

    assessment = models.ForeignKey("assessments.Assessment", on_delete=models.CASCADE, related_name="history")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=20)  # created | changed | deleted
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=80)
    label = models.CharField(max_length=300, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    classification = models.CharField(max_length=20, default="public")

    objects = HistoryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} {self.object_type} {self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditRefused("Content history is append-only: entries cannot be changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditRefused("Content history is append-only: entries cannot be deleted.")


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditRefused("The audit trail is append-only: entries cannot be changed.")

    def delete(self):
        raise AuditRefused("The audit trail is append-only: entries cannot be deleted.")


class AuditEntry(models.Model):
    """One event in the append-only, hash-chained audit trail (soma/accounts/audit.py says how it is hashed).

    No foreign keys: an entry outlives the user and the assessment it names, and keeps the username of the time.
    Entries hold no content of the assessment: a content change points at its HistoryEntry with a digest."""

    sequence = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField()
    event = models.CharField(max_length=40, db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_username = models.CharField(max_length=150, blank=True)
    assessment_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    ip = models.CharField(max_length=45, blank=True)
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["sequence"]
        default_permissions = ("view",)
        verbose_name = "audit entry"
        verbose_name_plural = "audit trail"

    def __str__(self):
        return f"#{self.sequence} {self.at:%Y-%m-%d %H:%M:%S} {self.event} {self.actor_username}".rstrip()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditRefused("The audit trail is append-only: entries cannot be changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditRefused("The audit trail is append-only: entries cannot be deleted.")
