"""Plain factories for the fictional Republic of Demoland team and its assessments, shared by the test modules.

The pytest fixtures in tests/conftest.py are built from these; a test that needs a variant (another scope, more
members, its own user names) calls the factory directly instead of copying it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from soma.assessments import services
from soma.assessments.models import Assessment

PASSWORD = "Demoland-2026!"
TEAM = ("lead", "assessor", "reviewer", "observer", "outsider")
# The clearance each role of the usual team is given: enough to tell every level of material apart.
CLEARANCES = {"assessor": "restricted", "reviewer": "confidential", "observer": "public"}
TITLE = "Demoland criminal justice response"


def make_user(username: str, password: str | None = PASSWORD) -> Any:
    return get_user_model().objects.create_user(username=username, password=password)


def make_team(names: Iterable[str] = TEAM, *, suffix: str = "demo", password: str | None = PASSWORD) -> dict[str, Any]:
    """Users named "<role>.<suffix>" keyed by role; without a member of the assessment yet."""
    return {name: make_user(f"{name}.{suffix}", password) for name in names}


def make_assessment(lead: AbstractBaseUser, *, title: str = TITLE, scope: Iterable[str] = ("I", "V.C"),
                    jurisdictions: Iterable[str] = ("XD",), **fields: Any) -> Assessment:
    """An assessment created through the service, so its lead and scope are what a user would get."""
    return services.create_assessment(lead, title=title, jurisdictions=list(jurisdictions), scope=list(scope),
                                      **fields).assessment


def add_team(assessment: Assessment, team: dict[str, Any], clearances: dict[str, str] | None = None) -> Assessment:
    """Adds the team's assessor, reviewer and observer (those present) with their usual clearances."""
    lead = team["lead"]
    for role, clearance in (clearances or CLEARANCES).items():
        if role in team:
            services.add_member(lead, assessment, team[role], role, clearance)
    return assessment


def team_assessment(team: dict[str, Any], **fields: Any) -> Assessment:
    """The usual assessment: created by the team's lead, the rest of the team added with their clearances."""
    return add_team(make_assessment(team["lead"], **fields), team)


def api_client(user: AbstractBaseUser) -> APIClient:
    """A REST client signed in with a real token, as a script would be."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client
