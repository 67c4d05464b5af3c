"""Pulling submissions from ODK Central: the lead's connection (password encrypted at rest), a pull through the
page and the background job against a local server that answers as Central does, the same preview and import
as an uploaded file, and the messages for a wrong password, an unknown form, an unreachable or slow server."""

from __future__ import annotations

import pytest
from django.db import connection as db
from django.test import override_settings
from django.urls import reverse

from soma.accounts.models import AuditEntry
from soma.core.models import Job
from soma.exchange.bundle import services as bundle_services
from soma.exchange.central import vault
from soma.exchange.models import CentralConnection, PendingUpload
from soma.exchange.xlsform import form_writer
from soma.findings.models import Response
from tests.exchange.central.fake_central import Central, serve
from tests.exchange.xlsform.world import demoland_world, odk_central_csv, odk_central_zip  # noqa: F401

pytestmark = pytest.mark.django_db

PASSWORD = "Velmora-field-2026!"
EMAIL = "field.coordinator@velmora.example"
FORM_ID = "soma_demoland_followup"
FIELD_NOTES = [
    {"V_C_q07_answer": "Immediate action is decided by the duty officer of the Velmora desk.",
     "V_C_q07_de_jure": "partly", "V_C_q07_de_facto": "in_place"},
    {"V_C_q07_answer": "The night shift calls the unit chief before acting."},
]


@pytest.fixture
def central(demoland):
    form = form_writer.export_xlsform(demoland.users["assessor"], demoland.assessment, activity=demoland.activity)
    fake = Central(EMAIL, PASSWORD, 3, FORM_ID, odk_central_zip(FORM_ID, odk_central_csv(form, FIELD_NOTES)))
    server, thread = serve(fake)
    yield fake
    server.shutdown()
    server.server_close()
    thread.join(5)


def _connect(client, demoland, base_url, *, password=PASSWORD, project=3, form_id=FORM_ID, status=302):
    client.force_login(demoland.users["lead"])
    page = client.post(reverse("exchange:central", args=[demoland.assessment.pk]), {
        "base_url": base_url, "project_id": project, "form_id": form_id, "email": EMAIL, "password": password})
    assert page.status_code == status, page.content.decode()[:2000]
    return page


def _pull(client, demoland, run_worker, capture) -> Job:
    client.force_login(demoland.users["assessor"])
    with capture(execute=True):
        started = client.post(reverse("exchange:central_pull", args=[demoland.assessment.pk]),
                              {"activity": demoland.activity.pk})
    job = Job.objects.filter(assessment=demoland.assessment, kind="central_pull").latest("pk")
    assert started.status_code == 302 and started["Location"] == reverse("job", args=[job.pk])
    run_worker()
    job.refresh_from_db()
    return job


def _columns_text(pk: int) -> str:
    """Every column of the stored row, as the database holds it."""
    with db.cursor() as cursor:
        cursor.execute("SELECT * FROM exchange_centralconnection WHERE id = %s", [pk])
        return " ".join(bytes(v).decode("latin-1") if isinstance(v, bytes | memoryview) else str(v)
                        for v in cursor.fetchone())


def test_the_lead_saves_a_connection_whose_password_is_stored_encrypted_and_never_shown(client, demoland):
    assessment = demoland.assessment
    url = reverse("exchange:central", args=[assessment.pk])
    client.force_login(demoland.users["assessor"])
    refused = client.post(url, {"base_url": "https://central.velmora.example", "project_id": 3, "form_id": FORM_ID,
                                "email": EMAIL, "password": PASSWORD})
    assert refused.status_code == 403 and not CentralConnection.objects.exists()

    # A missing password and a bad address are refused with the typed values kept (the password is never echoed).
    client.force_login(demoland.users["lead"])
    page = client.post(url, {"base_url": "ftp://central.velmora.example", "project_id": 3, "form_id": FORM_ID,
                             "email": EMAIL, "password": ""})
    assert page.status_code == 400 and not CentralConnection.objects.exists()
    assert b"Enter the password of the Central account." in page.content and EMAIL.encode() in page.content

    _connect(client, demoland, "https://central.velmora.example/")
    row = CentralConnection.objects.get(assessment=assessment)
    assert row.base_url == "https://central.velmora.example" and row.has_password
    assert PASSWORD not in _columns_text(row.pk) and vault.decrypt(row.password_token) == PASSWORD
    shown = client.get(url).content.decode()
    assert EMAIL in shown and PASSWORD not in shown and row.password_token not in shown
    entries = AuditEntry.objects.filter(event="central_connection", assessment_id=assessment.pk)
    assert [e.details["password"] for e in entries] == ["set"]
    assert all(PASSWORD not in str(e.details) and row.password_token not in str(e.details) for e in entries)

    # Saving without a password keeps the stored one; removing it is possible; so is removing the connection.
    token = row.password_token
    _connect(client, demoland, "https://central.velmora.example", password="", project=4)
    row.refresh_from_db()
    assert (row.project_id, row.password_token) == (4, token)
    client.post(url, {"base_url": row.base_url, "project_id": 4, "form_id": FORM_ID, "email": EMAIL,
                      "clear_password": "on"})
    row.refresh_from_db()
    assert row.password_token == "" and "No password is stored" in client.get(url).content.decode()
    client.post(reverse("exchange:central_remove", args=[assessment.pk]))
    assert not CentralConnection.objects.exists()
    assert [e.details["action"] for e in AuditEntry.objects.filter(event="central_connection")] == [
        "created", "changed", "changed", "removed"]

    # Never in a bundle.
    _connect(client, demoland, "https://central.velmora.example")
    bundle = bundle_services.dumps(bundle_services.export_bundle(demoland.users["lead"], assessment)).decode()
    assert PASSWORD not in bundle and EMAIL not in bundle and "central.velmora" not in bundle


def test_a_pull_downloads_with_pyodk_then_the_same_preview_and_import_as_an_upload(
        client, demoland, central, run_worker, django_capture_on_commit_callbacks):
    assessment = demoland.assessment
    _connect(client, demoland, central.url)
    before = sorted(Response.objects.filter(assessment=assessment).values_list("question", "version"))
    job = _pull(client, demoland, run_worker, django_capture_on_commit_callbacks)
    assert job.state == Job.State.DONE, job.message
    # pyodk signed in with the stored account, then downloaded the export with its session token.
    sign_in, export = central.seen
    assert (sign_in["method"], sign_in["path"]) == ("POST", "/v1/sessions") and PASSWORD.encode() in sign_in["body"]
    assert export["path"] == f"/v1/projects/3/forms/{FORM_ID}/submissions.csv.zip"
    assert export["authorization"].startswith("Bearer ") and export["query"] == {"attachments": ["false"]}
    assert sorted(Response.objects.filter(assessment=assessment).values_list("question", "version")) == before

    preview = client.get(job.result_url)
    assert preview.status_code == 200 and b"guide:V.C:q07" in preview.content
    assert b"Nothing has been written" in preview.content
    held = PendingUpload.objects.get(assessment=assessment, kind="xlsform_submissions")
    assert held.file_name == f"{FORM_ID}.csv.zip"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("exchange:submissions_apply", args=[assessment.pk]), {
            "upload": held.pk, "activity": demoland.activity.pk, "digest": preview.context["preview"].digest})
    run_worker()
    imported = Job.objects.get(assessment=assessment, kind="xlsform_submissions")
    assert imported.state == Job.State.DONE and "1 draft answers written" in imported.message, imported.message
    response = Response.objects.get(assessment=assessment, question="guide:V.C:q07")
    assert response.review_state == "draft" and "Velmora desk" in response.narrative
    pulls = AuditEntry.objects.filter(event="central_pull", assessment_id=assessment.pk)
    assert [e.details["bytes"] for e in pulls] == [len(central.export)]


@pytest.mark.parametrize(("change", "expected"), [
    ({"password": "not-the-password"}, "did not accept the e-mail and password"),
    ({"form_id": "soma_another_form"}, "has no form “soma_another_form” in project 3"),
    ({"project": 9}, "has no form “soma_demoland_followup” in project 9"),
])
def test_wrong_credentials_or_an_unknown_form_fail_the_job_with_a_clear_message(
        client, demoland, central, run_worker, django_capture_on_commit_callbacks, change, expected):
    _connect(client, demoland, central.url, **change)
    job = _pull(client, demoland, run_worker, django_capture_on_commit_callbacks)
    assert job.state == Job.State.FAILED and expected in job.message, job.message
    assert "not-the-password" not in job.message
    assert not PendingUpload.objects.filter(assessment=demoland.assessment).exists()
    entry = AuditEntry.objects.filter(event="central_pull").get()
    assert expected in entry.details["error"] and "not-the-password" not in str(entry.details)


def test_an_unreachable_or_slow_server_fails_the_job_with_a_clear_message(
        client, demoland, central, run_worker, django_capture_on_commit_callbacks):
    server_gone = central.url.rsplit(":", 1)[0] + ":9"  # the discard port: nothing listens there
    _connect(client, demoland, server_gone)
    job = _pull(client, demoland, run_worker, django_capture_on_commit_callbacks)
    assert job.state == Job.State.FAILED and "could not reach ODK Central" in job.message, job.message

    central.delay = 2
    _connect(client, demoland, central.url, password="")
    with override_settings(SOMA_CENTRAL_TIMEOUT=0.5):
        job = _pull(client, demoland, run_worker, django_capture_on_commit_callbacks)
    assert job.state == Job.State.FAILED and "did not answer within 0.5 seconds" in job.message, job.message


def test_a_pull_needs_a_connection_with_a_password(client, demoland):
    client.force_login(demoland.users["assessor"])
    tab = client.get(reverse("exchange:index", args=[demoland.assessment.pk])).content.decode()
    assert reverse("exchange:central", args=[demoland.assessment.pk]) in tab
    page = client.get(reverse("exchange:central", args=[demoland.assessment.pk])).content.decode()
    assert "has no ODK Central connection yet" in page and 'name="password"' not in page  # the lead's form only
    url = reverse("exchange:central_pull", args=[demoland.assessment.pk])
    page = client.post(url, {"activity": demoland.activity.pk})
    assert page.status_code == 400 and b"has no ODK Central connection yet" in page.content
    client.force_login(demoland.users["observer"])
    assert client.post(url, {"activity": demoland.activity.pk}).status_code == 403
    assert not Job.objects.filter(kind="central_pull").exists()


def test_a_password_stored_under_a_former_secret_key_is_read_after_rotation_and_refused_without_it():
    with override_settings(SECRET_KEY="velmora-old-key-" * 4):
        token = vault.encrypt(PASSWORD)
    assert PASSWORD not in token
    with override_settings(SECRET_KEY="velmora-new-key-" * 4, SECRET_KEY_FALLBACKS=["velmora-old-key-" * 4]):
        assert vault.decrypt(token) == PASSWORD
    with override_settings(SECRET_KEY="velmora-new-key-" * 4, SECRET_KEY_FALLBACKS=[]), \
            pytest.raises(vault.Unreadable):
        vault.decrypt(token)
