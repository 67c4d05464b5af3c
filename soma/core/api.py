"""REST API of background jobs (a report being issued, a large import): the job's state for the user who started
it, as its page shows it (soma/core/views.py job, soma.core.jobs)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from soma.core import jobs
from soma.core.models import Job
from soma.kernel.api import SomaAPIView


class JobSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="What it does, e.g. report.")
    label = serializers.CharField()  # type: ignore[assignment]  # the field, not Field.label
    assessment = serializers.IntegerField(source="assessment_id", allow_null=True)
    state = serializers.ChoiceField(choices=Job.State.choices)
    finished = serializers.BooleanField(help_text="Done or failed: polling can stop.")
    progress = serializers.IntegerField(help_text="Percent done.")
    step = serializers.CharField(help_text="What it is doing now.")
    message = serializers.CharField(help_text="What came of it; for a failure, what went wrong and what to do.")
    result_url = serializers.CharField(help_text="Where the result is once done (a path on this site), or empty.")
    waiting = serializers.SerializerMethodField(help_text="Why a queued job has not started yet, or empty.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_waiting(self, job: Job) -> str:
        return str(jobs.waiting_notice(job))


class JobView(SomaAPIView):
    @extend_schema(summary="One of your background jobs: its state, progress and result (404 for anyone else's)",
                   responses={200: JobSerializer})
    def get(self, request: Request, pk: int) -> Response:
        user: Any = request.user
        return Response(JobSerializer(jobs.check(jobs.job_for(user, pk))).data)
