"""The audit trail: what is recorded, the hash chain, `soma audit verify`, and the database's refusal to change it."""

import hashlib
import io
import json
import threading
import time

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, OperationalError, connection, connections, transaction
from django.urls import reverse

from soma.accounts import audit
from soma.accounts.models import AuditEntry, AuditRefused, HistoryEntry
from soma.assessments import services
from soma.exchange.bundle import services as bundle
from soma.exchange.spreadsheets import questionnaire
from soma.exchange.spreadsheets import recommendations as recommendations_xlsx
from soma.exchange.xlsform import form_writer as xlsform
from soma.reports.services import issue_report

PASSWORD = "Demoland-Audit-2026"


@pytest.fixture
def lead(django_user_model):
    return django_user_model.objects.create_user(username="lead.audit.demo", password=PASSWORD)


@pytest.fixture
def colleague(django_user_model):
    return django_user_model.objects.create_user(username="colleague.audit.demo", password=PASSWORD)


@pytest.fixture
def assessment(catalog, lead):
    return services.create_assessment(lead, title="Demoland audit check", jurisdictions=["XD"], scope=["I.A"],
                                      comprehensive=False).assessment


@pytest.fixture
def start(db):
    """The trail's last number before the test: committed entries of other tests may precede it."""
    last = AuditEntry.objects.order_by("-sequence").first()
    return last.sequence if last else 0


def entries_since(start, event=None):
    rows = AuditEntry.objects.filter(sequence__gt=start)
    return list(rows.filter(event=event) if event else rows)


def verify() -> str:
    out = io.StringIO()
    call_command("audit", "verify", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def drop_triggers():
    """What someone with the database's owner rights could do; the hash chain must still tell."""
    if connection.vendor == "postgresql":
        raw("DROP TRIGGER accounts_auditentry_append_only ON accounts_auditentry")
    else:
        raw("DROP TRIGGER accounts_auditentry_no_update")
        raw("DROP TRIGGER accounts_auditentry_no_delete")


# --- What is recorded ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_sign_in_failed_sign_in_and_sign_out_through_the_pages(client, lead, start):
    client.post(reverse("login"), {"username": lead.username, "password": "not-the-password"})
    client.post(reverse("login"), {"username": lead.username, "password": PASSWORD})
    client.post(reverse("logout"))
    events = [(e.event, e.actor_username, e.ip) for e in entries_since(start)]
    assert events == [
        ("sign_in_failed", "", "127.0.0.1"),
        ("sign_in", lead.username, "127.0.0.1"),
        ("sign_out", lead.username, "127.0.0.1"),
    ]
    failed = entries_since(start, "sign_in_failed")[0]
    assert failed.details == {"username": lead.username}
    stored = json.dumps([e.details for e in entries_since(start)])
    assert "not-the-password" not in stored and PASSWORD not in stored and "****" not in stored


@pytest.mark.django_db
def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(client, lead, start, settings):
    settings.SOMA_PROXY_COUNT = 1
    client.post(reverse("login"), {"username": lead.username, "password": "not-the-password"},
                HTTP_X_FORWARDED_FOR="198.51.100.9, 203.0.113.7")
    assert [e.ip for e in entries_since(start)] == ["203.0.113.7"]


@pytest.mark.django_db
def test_password_change_on_its_page(client, lead, start):
    client.force_login(lead)
    new = "Demoland-Harbour-Lighthouse-9"
    response = client.post(reverse("password_change"),
                           {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
    assert response.status_code == 302
    changed = entries_since(start, "password_changed")
    assert len(changed) == 1 and changed[0].details == {"account_id": lead.pk, "account": lead.username}
    assert changed[0].ip == "127.0.0.1"
    assert new not in json.dumps(changed[0].details)


@pytest.mark.django_db
def test_account_flags_and_creation_are_recorded(django_user_model, start):
    user = django_user_model.objects.create_user(username="new.audit.demo", password=PASSWORD)
    user.is_superuser = True
    user.save()
    created, changed = entries_since(start, "user_created"), entries_since(start, "user_changed")
    assert created[0].details["account"] == "new.audit.demo" and created[0].details["superuser"] is False
    assert changed[0].details["before"] == {"is_superuser": False}
    assert changed[0].details["after"] == {"is_superuser": True}


@pytest.mark.django_db
def test_assessment_creation_membership_changes_and_status(assessment, lead, colleague, start):
    membership = services.add_member(lead, assessment, colleague, "assessor", "restricted")
    services.change_member(lead, assessment, membership, role="reviewer", clearance="confidential")
    services.remove_member(lead, assessment, membership)
    services.change_status(lead, assessment, "desk_review")
    made = entries_since(start)
    team = [(e.event, e.details["role"], e.details["clearance"]) for e in made if e.event.startswith("membership")]
    assert team == [("membership_added", "assessor", "restricted"), ("membership_changed", "reviewer", "confidential"),
                    ("membership_removed", "reviewer", "confidential")]
    changed = next(e for e in made if e.event == "membership_changed")
    assert changed.details["before"] == {"role": "assessor", "clearance": "restricted"}
    assert changed.details["member"] == colleague.username and changed.actor_username == lead.username
    assert all(e.assessment_id == assessment.pk for e in made)
    status = next(e for e in made if e.event == "status_changed")
    assert status.details == {"from_status": "planning", "to_status": "desk_review"}
    assert AuditEntry.objects.filter(event="assessment_created", assessment_id=assessment.pk).count() == 1


@pytest.mark.django_db
def test_a_content_change_points_at_its_history_entry_without_its_content(assessment, lead, start):
    services.save_institution(lead, assessment, name="Demoland Coast Guard", category="border",
                              contact_point="Captain Ezra Fictive")
    entry = entries_since(start, "content_changed")[-1]
    history = HistoryEntry.objects.get(pk=entry.details["history_entry"])
    content = json.dumps({"before": history.before, "after": history.after}, sort_keys=True,
                         separators=(",", ":"), ensure_ascii=False)
    assert entry.details["digest"] == hashlib.sha256(content.encode()).hexdigest()
    assert entry.details["object_type"] == "institution" and entry.details["action"] == "created"
    assert "Coast Guard" not in json.dumps(entry.details) and "Ezra" not in json.dumps(entry.details)


@pytest.mark.django_db
def test_exports_and_an_import_are_recorded(assessment, lead, colleague, start):
    data = bundle.export_bytes(lead, assessment, audience="restricted", include_files=False)
    questionnaire.export_questionnaire(lead, assessment)
    recommendations_xlsx.export_recommendations(lead, assessment)
    form = xlsform.build(lead, assessment)
    created = bundle.import_bundle(colleague, data)
    exports = {e.details["format"]: e.details for e in entries_since(start, "export")}
    assert exports["bundle"] == {"format": "bundle", "audience": "restricted", "files": False}
    assert exports["questionnaire"]["audience"] == "confidential"  # the exporter's clearance
    assert "recommendations" in exports and exports["xlsform"]["version"] == form.version
    imported = entries_since(start, "import")
    assert [(e.assessment_id, e.actor_username, e.details) for e in imported] == [
        (created.pk, colleague.username, {"format": "bundle"})
    ]


@pytest.mark.slow
@pytest.mark.django_db
def test_an_issued_report_is_recorded_with_its_hash(assessment, lead, start):
    report = issue_report(lead, assessment, "public")
    issued = entries_since(start, "report_issued")
    assert len(issued) == 1
    assert issued[0].details == {"report": report.pk, "audience": "public", "language": report.language,
                                 "content_hash": report.content_hash}
    assert "Audit trail intact" in verify()


# --- The chain --------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_chain_links_every_entry_and_its_hash_can_be_recomputed_by_hand(lead, start):
    for n in range(3):
        audit.record("sign_in_failed", username=f"someone-{n}")
    rows = AuditEntry.objects.order_by("sequence")
    assert [r.sequence for r in rows] == list(range(1, rows.count() + 1))
    previous = audit.GENESIS
    for row in rows:
        value = {"sequence": row.sequence, "at": row.at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "event": row.event,
                 "actor_id": row.actor_id, "actor_username": row.actor_username,
                 "assessment_id": row.assessment_id, "ip": row.ip, "details": row.details, "prev_hash": previous}
        text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert row.prev_hash == previous and row.hash == hashlib.sha256(text.encode()).hexdigest()
        previous = row.hash
    assert verify().splitlines()[0] == f"Audit trail intact: {rows.count()} entries, last {previous}"


@pytest.mark.django_db
def test_a_changed_entry_is_named_by_verify(lead, start):
    for n in range(3):
        audit.record("sign_in_failed", username=f"someone-{n}")
    target = start + 2
    drop_triggers()
    raw("UPDATE accounts_auditentry SET actor_username = %s WHERE sequence = %s", ["mallory", target])
    with pytest.raises(CommandError) as broken:
        verify()
    assert f"broken at entry {target} " in str(broken.value) and "hash mismatch" in str(broken.value)
    assert broken.value.returncode == 1


@pytest.mark.django_db
def test_a_rewritten_entry_with_a_fresh_hash_breaks_the_next_link(lead, start):
    for n in range(3):
        audit.record("sign_in_failed", username=f"someone-{n}")
    target = AuditEntry.objects.get(sequence=start + 2)
    target.details = {"username": "someone-else"}
    drop_triggers()
    raw("UPDATE accounts_auditentry SET details = %s, hash = %s WHERE sequence = %s",
        [json.dumps(target.details), audit.entry_hash(target), target.sequence])
    with pytest.raises(CommandError) as broken:
        verify()
    assert f"broken at entry {start + 3} " in str(broken.value) and "broken link" in str(broken.value)


@pytest.mark.django_db
def test_a_deleted_middle_entry_is_named_as_missing(lead, start):
    for n in range(3):
        audit.record("sign_in_failed", username=f"someone-{n}")
    drop_triggers()
    raw("DELETE FROM accounts_auditentry WHERE sequence = %s", [start + 2])
    with pytest.raises(CommandError) as broken:
        verify()
    assert f"broken at entry {start + 2}: entry {start + 2} is missing" in str(broken.value)


@pytest.mark.django_db
def test_an_anchor_shows_entries_cut_from_the_end(lead, start):
    for n in range(2):
        audit.record("sign_in_failed", username=f"someone-{n}")
    last = AuditEntry.objects.order_by("-sequence").first()
    call_command("audit", "verify", "--anchor", f"{last.sequence}:{last.hash}", stdout=io.StringIO())
    drop_triggers()
    raw("DELETE FROM accounts_auditentry WHERE sequence = %s", [last.sequence])
    assert "Audit trail intact" in verify()  # a cut end alone does not show...
    with pytest.raises(CommandError, match=f"entry {last.sequence}: it is missing"):  # ...against an anchor it does
        call_command("audit", "verify", "--anchor", f"{last.sequence}:{last.hash}", stdout=io.StringIO())


# --- Append-only ------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_database_refuses_update_and_delete(lead, start):
    audit.record("sign_in_failed", username="someone")
    number = start + 1
    for sql in ("UPDATE accounts_auditentry SET actor_username = 'mallory' WHERE sequence = %s",
                "DELETE FROM accounts_auditentry WHERE sequence = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            raw(sql, [number])
    assert AuditEntry.objects.get(sequence=number).details == {"username": "someone"}
    out, err = io.StringIO(), io.StringIO()
    call_command("audit", "verify", stdout=out, stderr=err)
    assert err.getvalue() == ""  # the triggers are in place: no warning


@pytest.mark.django_db
def test_the_model_refuses_save_and_delete(lead, start):
    entry = audit.record("sign_in_failed", username="someone")
    entry.actor_username = "mallory"
    for attempt in (entry.save, entry.delete, lambda: AuditEntry.objects.filter(pk=entry.pk).delete(),
                    lambda: AuditEntry.objects.filter(pk=entry.pk).update(actor_username="mallory")):
        with pytest.raises(AuditRefused):
            attempt()


@pytest.mark.django_db
def test_verify_warns_when_the_triggers_are_gone(lead):
    drop_triggers()
    err = io.StringIO()
    call_command("audit", "verify", stdout=io.StringIO(), stderr=err)
    assert "triggers" in err.getvalue() and "soma audit protect" in err.getvalue()
    call_command("audit", "protect", stdout=io.StringIO())
    with pytest.raises(DatabaseError), transaction.atomic():
        raw("DELETE FROM accounts_auditentry")


@pytest.mark.django_db
def test_list_shows_the_last_entries(lead, start):
    for n in range(3):
        audit.record("sign_in_failed", username=f"someone-{n}")
    out = io.StringIO()
    call_command("audit", "list", "--last", "2", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2 and "someone-1" in lines[0] and "someone-2" in lines[1]


@pytest.mark.django_db
def test_only_superusers_see_the_trail_in_the_admin(client, django_user_model, lead):
    audit.record("sign_in", user=lead)
    staff = django_user_model.objects.create_user(username="staff.audit.demo", password=PASSWORD, is_staff=True)
    admin = django_user_model.objects.create_superuser(username="admin.audit.demo", password=PASSWORD)
    url = reverse("admin:accounts_auditentry_changelist")
    client.force_login(staff)
    assert client.get(url).status_code == 403
    client.force_login(admin)
    page = client.get(url)
    assert page.status_code == 200 and b"lead.audit.demo" in page.content
    entry = AuditEntry.objects.order_by("-sequence").first()
    detail = client.get(reverse("admin:accounts_auditentry_change", args=[entry.pk]))
    assert detail.status_code == 200 and b'name="_save"' not in detail.content
    assert client.get(reverse("admin:accounts_auditentry_add")).status_code == 403
    assert client.post(reverse("admin:accounts_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


# --- Concurrent writers -----------------------------------------------------------------------------------------------


def _append_waiting(username: str, busy: list) -> None:
    """Append one entry in its own transaction. SQLite's in-memory test database (shared cache) answers a
    table another connection is writing with "locked" at once, where a file database waits for its turn
    (IMMEDIATE transactions, a timeout): here the writer waits and tries again itself."""
    while True:
        try:
            with transaction.atomic():
                audit.record("sign_in_failed", username=username)
            return
        except OperationalError as error:
            if connection.vendor != "sqlite" or "locked" not in str(error):
                raise
            busy.append(1)
            time.sleep(0.001)


def test_concurrent_writers_keep_one_gap_free_chain(transactional_db):
    """Threads, each with its own database connection, append at once; the chain must not fork."""
    threads, per_thread, errors, busy = 6, 15, [], []
    # Entries committed by earlier tests' module-wide fixtures stay: the trail is append-only.
    before = AuditEntry.objects.count()
    barrier = threading.Barrier(threads)

    def write(n):
        try:
            barrier.wait()
            for i in range(per_thread):
                _append_waiting(f"writer-{n}-{i}", busy)
        except Exception as error:  # reported below, in the test's own thread
            errors.append(error)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=write, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    if connection.vendor == "postgresql":
        assert busy == []  # writers wait for the chain's lock; nobody is refused
    total = before + threads * per_thread
    assert list(AuditEntry.objects.order_by("sequence").values_list("sequence", flat=True)) == list(range(1, total + 1))
    assert verify().startswith(f"Audit trail intact: {total} entries")


def test_flush_empties_the_trail_and_keeps_it_protected(transactional_db):
    audit.record("sign_in_failed", username="someone")
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEntry.objects.exists()
    audit.record("sign_in_failed", username="someone")
    with pytest.raises(DatabaseError), transaction.atomic():
        raw("DELETE FROM accounts_auditentry")
