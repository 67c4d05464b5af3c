"""Bundle pages, the background import and the `soma export` / `soma import` commands."""

import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from soma.assessments.models import Assessment
from soma.core.models import Job
from soma.exchange.bundle import services
from tests.exchange.bundle.world import CONFIDENTIAL, NAME, RESTRICTED, _remove_imported_files, importer, world

pytestmark = pytest.mark.django_db
__all__ = ["_remove_imported_files", "importer", "world"]


def _stash() -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    return list(folder.iterdir()) if folder.exists() else []


# --- Export page ----------------------------------------------------------------------------------------------------


def test_the_exchange_tab_offers_only_the_levels_the_member_holds(client, world):
    client.force_login(world.users["observer"])
    page = client.get(reverse("exchange:index", args=[world.assessment.pk])).content.decode()
    assert reverse("exchange:bundle_export", args=[world.assessment.pk]) in page
    assert 'value="public"' in page and 'value="restricted"' not in page and 'value="confidential"' not in page
    client.force_login(world.users["lead"])
    page = client.get(reverse("exchange:index", args=[world.assessment.pk])).content.decode()
    assert 'value="confidential"' in page and 'value="public" selected' in page


def test_an_observer_downloads_a_public_bundle(client, world):
    client.force_login(world.users["observer"])
    response = client.get(reverse("exchange:bundle_export", args=[world.assessment.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (f'attachment; filename="soma-assessment-{world.assessment.pk}'
                                               '-public.json"')
    text = response.content.decode()
    assert json.loads(text)["audience"] == "public"
    assert RESTRICTED not in text and CONFIDENTIAL not in text and NAME not in text


def test_the_lead_chooses_the_audience_and_leaves_files_out(client, world):
    client.force_login(world.users["lead"])
    url = reverse("exchange:bundle_export", args=[world.assessment.pk])
    data = json.loads(client.get(url, {"audience": "restricted", "files": "leave_out"}).content)
    assert (data["audience"], data["files"]) == ("restricted", "left_out")


def test_an_audience_above_the_clearance_is_not_offered(client, world):
    client.force_login(world.users["observer"])
    url = reverse("exchange:bundle_export", args=[world.assessment.pk])
    response = client.get(url, {"audience": "confidential"})
    assert response.status_code == 302 and response["Location"] == reverse("exchange:index",
                                                                           args=[world.assessment.pk])


def test_non_members_get_404(client, world, importer):
    client.force_login(importer)
    assert client.get(reverse("exchange:bundle_export", args=[world.assessment.pk])).status_code == 404


# --- Import page and the background job ---------------------------------------------------------------------------


def test_the_import_page_is_linked_from_the_assessments_list(client, importer):
    client.force_login(importer)
    url = reverse("exchange_import:bundle_import")
    assert url == "/assessments/import/"
    assert url in client.get(reverse("assessments:list")).content.decode()
    assert client.get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 302


def _upload(client, data: bytes, capture):
    with capture(execute=True):
        return client.post(reverse("exchange_import:bundle_import"),
                           {"file": SimpleUploadedFile("demoland.json", data, content_type="application/json")})


def test_a_bundle_is_imported_in_the_background(client, world, importer, django_capture_on_commit_callbacks,
                                                run_worker):
    """An observer's (public) bundle, imported by someone else: the new assessment is the importer's alone."""
    data = services.export_bytes(world.users["observer"], world.assessment)
    client.force_login(importer)
    before = Assessment.objects.count()
    response = _upload(client, data, django_capture_on_commit_callbacks)
    job = Job.objects.get(user=importer)
    assert response.status_code == 302 and response["Location"] == reverse("job", args=[job.pk])
    assert job.state == Job.State.QUEUED and len(_stash()) == 1
    run_worker()
    job.refresh_from_db()
    assert job.state == Job.State.DONE, job.message
    created = Assessment.objects.get(title=world.assessment.title, memberships__user=importer)
    assert job.result_url == reverse("assessments:detail", args=[created.pk])
    assert Assessment.objects.count() == before + 1
    assert [m.user for m in created.memberships.all()] == [importer]
    assert not created.memberships.filter(user=world.users["observer"]).exists()
    assert _stash() == []  # the upload is deleted once read
    assert client.get(job.result_url).status_code == 200


def test_a_refused_bundle_fails_the_job_with_the_reasons(client, world, importer,
                                                         django_capture_on_commit_callbacks, run_worker):
    data = json.loads(services.export_bytes(world.users["lead"], world.assessment, include_files=False))
    data["responses"][0]["question"] = "guide:V.Z:q01"
    client.force_login(importer)
    before = Assessment.objects.count()
    _upload(client, services.dumps(data), django_capture_on_commit_callbacks)
    run_worker()
    job = Job.objects.get(user=importer)
    assert job.state == Job.State.FAILED
    assert 'responses[0].question: "guide:V.Z:q01" is not a question of catalog version' in job.message
    assert Assessment.objects.count() == before and _stash() == []


def test_an_oversized_upload_is_refused_on_the_page(client, importer, settings):
    settings.SOMA_BUNDLE_MAX_BYTES = 100
    client.force_login(importer)
    response = client.post(reverse("exchange_import:bundle_import"),
                           {"file": SimpleUploadedFile("big.json", b"{" + b" " * 200 + b"}")})
    assert response.status_code == 400 and "larger than" in response.content.decode()
    assert not Job.objects.exists() and _stash() == []


# --- Commands -----------------------------------------------------------------------------------------------------


def test_export_to_stdout_and_import_from_a_file(world, importer, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    call_command("export", str(world.assessment.pk), "--user", "observer.demo", "--audience", "confidential",
                 stdout=out, stderr=err)
    assert json.loads(out.getvalue())["audience"] == "public"
    assert "observer.demo is cleared for public material" in err.getvalue()
    path = tmp_path / "demoland.json"
    call_command("export", str(world.assessment.pk), "--user", "lead.demo", "--audience", "restricted",
                 "--output", str(path), stderr=io.StringIO())
    assert json.loads(path.read_bytes())["audience"] == "restricted"
    out = io.StringIO()
    call_command("import", str(path), "--user", importer.username, stdout=out)
    created = Assessment.objects.get(memberships__user=importer)
    assert out.getvalue().startswith(f"Imported assessment {created.pk} ")
    assert "importer.demo is its lead" in out.getvalue()


def test_export_command_makes_a_public_bundle_unless_asked(world):
    out, err = io.StringIO(), io.StringIO()
    call_command("export", str(world.assessment.pk), "--user", "lead.demo", stdout=out, stderr=err)
    assert json.loads(out.getvalue())["audience"] == "public"
    assert "--audience restricted or confidential" in err.getvalue()


def test_command_errors_say_what_is_wrong(world, importer, tmp_path):
    with pytest.raises(CommandError, match="No assessment"):
        call_command("export", str(world.assessment.pk), "--user", importer.username, stdout=io.StringIO())
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "soma-bundle", "format_version": 1}')
    before = Assessment.objects.count()
    with pytest.raises(CommandError, match="'catalog' is a required property"):
        call_command("import", str(bad), "--user", importer.username)
    with pytest.raises(CommandError, match="--into is for questionnaire spreadsheets"):
        call_command("import", str(bad), "--user", importer.username, "--into", str(world.assessment.pk))
    assert Assessment.objects.count() == before
