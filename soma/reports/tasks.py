"""Report rendering in the background (a full assessment's PDF takes a while)."""

from django.contrib.auth import get_user_model
from django.http import Http404
from django.urls import reverse
from django_tasks import task

from soma.core import jobs


@task()
def issue_report_task(job_id: int, user_id: int, assessment_id: int, audience: str, profile_id: int | None,
                      language: str) -> None:
    from soma.assessments import selectors
    from soma.kernel.access import PermissionDenied
    from soma.reports import services
    from soma.reports.models import ReportProfile

    def work():
        user = get_user_model().objects.get(pk=user_id)
        # The permission rules are checked again here: the user's role or clearance may have changed since.
        try:
            assessment = selectors.get_assessment(user, assessment_id)
        except Http404:
            raise jobs.JobError("You are no longer a member of this assessment; the report was not issued.") from None
        profile = ReportProfile.objects.filter(pk=profile_id).first() if profile_id else None
        try:
            report = services.issue_report(user, assessment, audience, profile=profile, language=language,
                                           progress=lambda percent, step: jobs.progress(job_id, percent, step))
        except PermissionDenied as denied:
            raise jobs.JobError(str(denied)) from None
        return reverse("reports:issued", args=[assessment.pk, report.pk])

    jobs.run(job_id, work)
