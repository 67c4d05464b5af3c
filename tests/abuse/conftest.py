"""Shared fixtures of the abuse tests: one assessment with one record of each kind (the permission matrix's
world, under its own usernames), one test client, row counts to prove that a refusal wrote nothing, and
clean-up of files stored by examples that were accepted.

Hypothesis keeps no example database here (`database=None`), so nothing is written into the repository."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests.test_permission_matrix import PDF, QUESTION, SUBSECTION, World, build_world, remove_world

__all__ = ["PDF", "QUESTION", "SUBSECTION", "World", "FAST", "row_counts"]

hypothesis_settings.register_profile(
    "abuse", max_examples=25, deadline=None, database=None, derandomize=False,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large],
)
# The settings every property test here uses: few examples, no deadline (the machine is shared), no database.
FAST = hypothesis_settings.get_profile("abuse")

# Every table an assessment page, import or API endpoint may write to (HistoryEntry records every service write,
# so an update that changes no row count still shows there).
COUNTED = (
    "assessments.Assessment", "assessments.ScopeEntry", "assessments.Mission", "assessments.Membership",
    "assessments.Institution", "assessments.Activity", "assessments.NationalQuestion", "assessments.StatusChange",
    "assessments.FinalApproval", "evidence.Source", "evidence.Citation", "findings.Response", "findings.Finding",
    "findings.Conclusion", "findings.Recommendation", "reports.ReportText", "reports.IssuedReport",
    "exchange.PendingUpload", "exchange.ImportConflict", "core.Job", "accounts.HistoryEntry",
)


def row_counts() -> dict[str, int]:
    from django.apps import apps

    return {label: apps.get_model(label).objects.count() for label in COUNTED}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        w = build_world("abuse")
    yield w
    with django_db_blocker.unblock():
        remove_world(w)


@pytest.fixture(scope="module")
def client():
    """One test client for the module (building one indexes every static file). CSRF checks are off in it."""
    return Client()


@pytest.fixture
def lead(client, world):
    client.cookies.clear()
    client.force_login(world.users["lead"])
    return client


@pytest.fixture(autouse=True)
def _remove_files_stored_by_the_test():
    """Files of uploads a test's examples accepted are stored at once; their rows are rolled back with the
    test, so the files are removed here."""
    root = Path(settings.MEDIA_ROOT)
    before = {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()
    yield
    if root.exists():
        for path in {p for p in root.rglob("*") if p.is_file()} - before:
            path.unlink(missing_ok=True)
