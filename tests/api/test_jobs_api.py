"""GET /api/jobs/{id}/ (soma/core/api.py): a background job's state for the user who started it, nobody else."""

from soma.core.models import Job
from tests.fixtures import api_client as client_for


def test_a_job_is_its_starters_only(assessment, team):
    job = Job.objects.create(user=team["lead"], assessment=assessment, kind="report", label="Issue the report",
                             state=Job.State.DONE, progress=100, result_url="/assessments/1/reports/3/")
    lead = client_for(team["lead"])
    data = lead.get(f"/api/jobs/{job.pk}/").json()
    assert (data["state"], data["finished"], data["progress"], data["result_url"], data["assessment"]) == (
        "done", True, 100, "/assessments/1/reports/3/", assessment.pk)
    assert client_for(team["assessor"]).get(f"/api/jobs/{job.pk}/").status_code == 404  # same team, not theirs
    assert lead.get(f"/api/jobs/{job.pk + 1000}/").status_code == 404


def test_a_running_job_is_not_finished(team):
    job = Job.objects.create(user=team["lead"], kind="import", label="Import the survey", state=Job.State.RUNNING,
                             progress=40, step="Reading rows")
    data = client_for(team["lead"]).get(f"/api/jobs/{job.pk}/").json()
    assert (data["finished"], data["step"], data["result_url"], data["assessment"]) == (
        False, "Reading rows", "", None)
