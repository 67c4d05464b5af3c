import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests create many users; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def password():
    return "Demoland-Harbour-2026"


@pytest.fixture
def member(django_user_model, password):
    """An ordinary signed-up user of the fictional Republic of Demoland team."""
    return django_user_model.objects.create_user(username="amina.demo", password=password)


@pytest.fixture
def lead(db):
    """The user who creates the assessment (and so leads it): lead.demo."""
    from tests.fixtures import make_user

    return make_user("lead.demo")


@pytest.fixture
def team(lead):
    """The usual team keyed by role: lead, assessor, reviewer, observer and an outsider, users named <role>.demo."""
    from tests.fixtures import TEAM, make_team

    return {"lead": lead, **make_team(name for name in TEAM if name != "lead")}


@pytest.fixture
def assessment(catalog, team):
    """The usual assessment (scope I and V.C), led by the team's lead; assessor cleared for restricted, reviewer
    for confidential, observer for public; the outsider is not a member."""
    from tests.fixtures import team_assessment

    return team_assessment(team)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the built-in catalog once into the test database; each test's changes are rolled back."""
    from soma.catalog import packs

    with django_db_blocker.unblock():
        packs.load_builtin()


@pytest.fixture
def catalog(db):
    """The current catalog's in-memory tree (loaded again when a browser test's flush removed it)."""
    from soma.catalog import packs, selectors
    from soma.catalog.models import CatalogVersion

    if not CatalogVersion.objects.exists():
        packs.load_builtin()
    return selectors.tree()


@pytest.fixture
def run_worker(monkeypatch):
    """Run the real background worker (`soma worker --batch`) over what is waiting, inside the test's
    transaction. Between tasks django-tasks' worker closes connections it thinks are stale; inside a test
    transaction Django sees autocommit off and would close the test's own connection (on PostgreSQL), so that
    one housekeeping call is left out here. The tasks themselves run exactly as in production."""
    from django.core.management import call_command
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    return lambda: call_command("worker", "--batch")


def pytest_collection_modifyitems(items):
    """Browser tests are slow tests too: `-m "not slow"` leaves them out of the quick loop."""
    for item in items:
        if item.get_closest_marker("e2e") or "tests/e2e/" in str(item.path):
            item.add_marker(pytest.mark.slow)
