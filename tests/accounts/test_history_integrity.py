"""Content history is append-only and covered by `soma audit verify`: an edited, deleted or inserted history entry,
and content changed with SQL behind SOMA's back, are each named; an untouched database verifies intact."""

import io
import time

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from soma.accounts import audit, audit_triggers
from soma.accounts.models import AuditEntry, AuditRefused, HistoryEntry
from soma.assessments import services as assessment_services
from soma.assessments.models import Assessment
from soma.demo import services as demo
from soma.evidence import services as evidence_services
from soma.exchange.bundle import services as bundle
from soma.findings.models import Response
from soma.responses import services as response_services

QUESTION = "guide:I.A:q01"


@pytest.fixture
def lead(django_user_model):
    return django_user_model.objects.create_user(username="lead.history.demo", password="Demoland-History-2026")


@pytest.fixture
def assessment(catalog, lead):
    assessment = assessment_services.create_assessment(
        lead, title="Demoland history check", jurisdictions=["XD"], scope=["I.A"], comprehensive=False
    ).assessment
    response_services.save_response(lead, assessment, QUESTION, expected_version=0,
                                    narrative="The Demoland Penal Code criminalises smuggling.", de_jure="in_place")
    response = Response.objects.get(assessment=assessment, question=QUESTION)
    response_services.save_response(lead, assessment, QUESTION, expected_version=response.version,
                                    narrative="The Demoland Penal Code criminalises smuggling (art. 12).")
    evidence_services.save_source(lead, assessment, title="Demoland Penal Code", kind="legislation",
                                  reliability="A", credibility="1", classification="public")
    return assessment


def verify() -> str:
    out = io.StringIO()
    call_command("audit", "verify", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def broken() -> str:
    with pytest.raises(CommandError) as error:
        verify()
    assert error.value.returncode == 1
    return str(error.value)


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def drop_history_triggers():
    """What someone with the database owner's rights could do first; the digests in the trail must still tell."""
    audit_triggers.remove(connection, (audit_triggers.HISTORY,))


def answer_history(assessment):
    return HistoryEntry.objects.filter(assessment=assessment, object_type="response").order_by("pk")


# --- Intact -----------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_untouched_assessment_verifies_intact(assessment):
    out = verify()
    assert "Audit trail intact" in out and "Content history intact" in out
    entries = HistoryEntry.objects.count()
    assert f"{entries} entries match the trail" in out


@pytest.mark.slow
@pytest.mark.django_db
def test_the_whole_demo_verifies_intact_and_quickly(catalog):
    """Three assessments written through every service (answers, sources, citations, findings, recommendations,
    a follow-up carried over, a reset that deletes the first load) and a bundle import: nothing is reported."""
    demo.build(password="Demoland-Demo-2026")
    result = demo.build(password="Demoland-Demo-2026", reset=True)
    follow_up = result.assessments[0]
    bundle.import_bundle(follow_up.created_by, bundle.export_bytes(follow_up.created_by, follow_up,
                                                                   audience="confidential", include_files=False))
    started = time.monotonic()
    out = verify()
    took = time.monotonic() - started
    assert "Content history intact" in out, out
    assert HistoryEntry.objects.count() > 200
    assert took < 10


# --- Tampering with the history ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_edited_history_entry_is_named(assessment):
    entry = answer_history(assessment).last()
    drop_history_triggers()
    raw("UPDATE accounts_historyentry SET after = %s WHERE id = %s",
        ['{"narrative": "Demoland has no law on smuggling."}', entry.pk])
    message = broken()
    assert f"History entry {entry.pk} (changed response {QUESTION} of assessment {assessment.pk})" in message
    assert "changed after it was written" in message


@pytest.mark.django_db
def test_an_edited_label_or_time_is_named(assessment):
    entry = answer_history(assessment).first()
    drop_history_triggers()
    raw("UPDATE accounts_historyentry SET label = %s WHERE id = %s", ["Something else", entry.pk])
    assert f"History entry {entry.pk} " in broken()


@pytest.mark.django_db
def test_a_deleted_history_entry_is_named(assessment):
    entry = answer_history(assessment).first()
    drop_history_triggers()
    raw("DELETE FROM accounts_historyentry WHERE id = %s", [entry.pk])
    message = broken()
    assert f"History entry {entry.pk} (created response {QUESTION} of assessment {assessment.pk})" in message
    assert "is missing: it was deleted" in message


@pytest.mark.django_db
def test_a_forged_purge_does_not_excuse_history_deleted_from_a_live_assessment(assessment):
    entry = answer_history(assessment).first()
    drop_history_triggers()
    raw("DELETE FROM accounts_historyentry WHERE assessment_id = %s", [assessment.pk])
    audit.record("history_purged", assessment=assessment.pk, entries=1, first=entry.pk, last=entry.pk)
    assert f"History entry {entry.pk} (created response {QUESTION} of assessment {assessment.pk})" in broken()


@pytest.mark.django_db
def test_an_inserted_history_entry_is_named(assessment, lead):
    entry = answer_history(assessment).last()
    raw("INSERT INTO accounts_historyentry (assessment_id, user_id, at, action, object_type, object_id, label, "
        "before, after, classification) VALUES (%s, %s, %s, 'changed', 'response', %s, 'forged', %s, %s, 'public')",
        [assessment.pk, lead.pk, entry.at, QUESTION, '{"de_jure": "in_place"}', '{"de_jure": "not_in_place"}'])
    forged = HistoryEntry.objects.order_by("-pk").first()
    message = broken()
    assert f"History entry {forged.pk} (changed response {QUESTION} of assessment {assessment.pk}) has no " \
           "content_changed entry" in message


# --- Tampering with the content ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_answer_changed_with_sql_is_named(assessment):
    assert "Content history intact" in verify()
    raw("UPDATE findings_response SET narrative = %s WHERE assessment_id = %s AND question = %s",
        ["Demoland has no law on smuggling.", assessment.pk, QUESTION])
    message = broken()
    latest = answer_history(assessment).last()
    assert f"The response {QUESTION} of assessment {assessment.pk} differs from its latest history in narrative " \
           f"(history entry {latest.pk})" in message
    assert "changed behind SOMA's back" in message


@pytest.mark.django_db
def test_an_answer_deleted_with_sql_is_named(assessment):
    raw("DELETE FROM findings_response WHERE assessment_id = %s AND question = %s", [assessment.pk, QUESTION])
    assert f"The response {QUESTION} of assessment {assessment.pk} is gone without a 'deleted' history entry" \
           in broken()


@pytest.mark.django_db
def test_a_source_changed_with_sql_is_named(assessment):
    source = assessment.sources.get()
    raw("UPDATE evidence_source SET classification = 'confidential', reliability = 'F' WHERE id = %s", [source.pk])
    message = broken()
    assert f"The source {source.pk} of assessment {assessment.pk} differs from its latest history in " in message
    assert "classification" in message and "reliability" in message


# --- Append-only, and the paths that must still work ------------------------------------------------------------------


@pytest.mark.django_db
def test_the_database_refuses_update_and_delete(assessment):
    entry = answer_history(assessment).first()
    for sql in ("UPDATE accounts_historyentry SET label = 'x' WHERE id = %s",
                "UPDATE accounts_historyentry SET user_id = NULL, label = 'x' WHERE id = %s",
                "DELETE FROM accounts_historyentry WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            raw(sql, [entry.pk])
    assert HistoryEntry.objects.get(pk=entry.pk).label == entry.label
    err = io.StringIO()
    call_command("audit", "verify", stdout=io.StringIO(), stderr=err)
    assert err.getvalue() == ""


@pytest.mark.django_db
def test_the_model_refuses_save_and_delete(assessment):
    entry = answer_history(assessment).first()
    entry.label = "changed"
    for attempt in (entry.save, entry.delete, lambda: HistoryEntry.objects.filter(pk=entry.pk).delete(),
                    lambda: HistoryEntry.objects.filter(pk=entry.pk).update(label="x"),
                    lambda: assessment.history.all().delete()):
        with pytest.raises(AuditRefused):
            attempt()


@pytest.mark.django_db
def test_verify_warns_when_the_history_triggers_are_gone(assessment):
    drop_history_triggers()
    err = io.StringIO()
    call_command("audit", "verify", stdout=io.StringIO(), stderr=err)
    assert "accounts_historyentry" in err.getvalue() and "soma audit protect" in err.getvalue()
    call_command("audit", "protect", stdout=io.StringIO())
    with pytest.raises(DatabaseError), transaction.atomic():
        raw("DELETE FROM accounts_historyentry")


@pytest.mark.django_db
def test_deleting_an_assessment_purges_its_history_on_the_record(assessment, lead, catalog):
    other = assessment_services.create_assessment(lead, title="Demoland other", jurisdictions=["XD"], scope=["I.A"],
                                                  comprehensive=False).assessment
    kept = HistoryEntry.objects.filter(assessment=other).count()
    gone = HistoryEntry.objects.filter(assessment=assessment).count()
    pk = assessment.pk
    Assessment.objects.get(pk=pk).delete()
    assert not HistoryEntry.objects.filter(assessment_id=pk).exists()
    assert HistoryEntry.objects.filter(assessment=other).count() == kept
    purge = AuditEntry.objects.filter(event="history_purged", assessment_id=pk).get()
    assert purge.details["entries"] == gone
    assert "Content history intact" in verify()
    # The purge opened the way for that assessment only, and only inside its transaction.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw("DELETE FROM accounts_historyentry WHERE assessment_id = %s", [other.pk])


@pytest.mark.django_db
def test_deleting_a_user_keeps_their_history_without_the_name(assessment, django_user_model):
    assessor = django_user_model.objects.create_user(username="assessor.history.demo")
    assessment_services.add_member(assessment.created_by, assessment, assessor, "assessor", "restricted")
    source = assessment.sources.get()
    evidence_services.save_source(assessor, assessment, source, title="Demoland Penal Code (2024)",
                                  kind=source.kind, reliability="A", credibility="1", classification="public")
    theirs = HistoryEntry.objects.filter(user=assessor).values_list("pk", flat=True)
    ids = list(theirs)
    assert ids
    assessor.delete()
    assert set(HistoryEntry.objects.filter(pk__in=ids).values_list("user_id", flat=True)) == {None}
    assert "Content history intact" in verify()


def test_flush_empties_the_history_and_keeps_it_protected(transactional_db, catalog, lead):
    assessment_services.create_assessment(lead, title="Demoland flush", jurisdictions=["XD"], scope=["I.A"],
                                          comprehensive=False)
    assert HistoryEntry.objects.exists()
    call_command("flush", interactive=False, verbosity=0)
    assert not HistoryEntry.objects.exists()
    assert audit_triggers.missing(connection) == set()
