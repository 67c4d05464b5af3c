"""Background jobs as the user sees them: what is running for them, how far it is, and what came of it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    """One piece of background work (a report rendering, a large import) started by a user.

    The task itself runs in a django-tasks worker; this row is what the page polls for progress and where the
    outcome is kept (a result to link to, or a message that says what went wrong)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=40)
    label = models.CharField(max_length=300)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs")
    assessment = models.ForeignKey(
        "assessments.Assessment", null=True, blank=True, on_delete=models.CASCADE, related_name="jobs"
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=200, blank=True)
    message = models.TextField(blank=True)
    result_url = models.CharField(max_length=300, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.label} ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)


class SignInPolicy(models.Model):
    """The site's sign-in rules that an administrator sets (one row, edited in the administration pages)."""

    require_two_factor_for_leads = models.BooleanField(
        _("Require two-factor sign-in for leads"),
        default=False,
        help_text=_("Anyone who leads an assessment must set up an authenticator app before doing anything else."),
    )

    class Meta:
        verbose_name = _("sign-in policy")
        verbose_name_plural = _("sign-in policy")

    def __str__(self):
        return str(_("Sign-in policy"))

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def current(cls) -> "SignInPolicy":
        return cls.objects.get_or_create(pk=1)[0]


class WorkerBeat(models.Model):
    """A running background worker (`soma worker`), as it reports itself every few seconds.

    django-tasks records which worker claimed a task (DBTaskResult.worker_ids) but not whether that worker is
    still alive; this row is that lease. A worker killed without warning (kill -9, power cut) stops updating
    it, and its running jobs are then marked failed by the next worker or by the job page (soma.core.jobs)."""

    worker_id = models.CharField(max_length=64, unique=True)
    host = models.CharField(max_length=255)  # host name and process namespace: where `pid` means something
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField()

    def __str__(self):
        return f"worker {self.worker_id} (pid {self.pid} on {self.host})"
