"""The history of every change to an assessment's content: who, when, what it was before and after."""

from django.conf import settings
from django.db import models


class HistoryEntry(models.Model):
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

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} {self.object_type} {self.object_id}"
