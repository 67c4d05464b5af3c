"""Schemathesis against SOMA's OpenAPI schema (/api/schema/), served in-process by the WSGI application.

Every operation of the schema gets positive (schema-valid) and negative (schema-violating) requests, with the
token of the lead of the world's assessment and that assessment's id in the path, so that the requests reach
the views rather than 404. Checks: no server error (not_a_server_error), and every answer matches what the schema
documents for its status (response_schema_conformance).

test_schema_lists_every_endpoint ties the schema to the URL patterns, so a new endpoint is fuzzed without
editing this file.
"""

from __future__ import annotations

import re

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from soma.wsgi import application
from tests.abuse.conftest import FAST, QUESTION
from tests.test_permission_matrix import _walk

PATH_VALUES = {"question": QUESTION, "key": "protocol:art6"}


def _api_operations() -> list[tuple[str, str]]:
    from django.urls import get_resolver

    found = []
    for route in _walk(get_resolver().url_patterns):
        if not route.route.startswith("api/") or route.name == "api-schema":
            continue
        view = getattr(route.callback, "cls", None)
        path = "/" + route.route
        # drf-spectacular calls an integer primary key `id`
        path = path.replace("<int:pk>", "{id}").replace("<str:question>", "{question}").replace("<path:key>", "{key}")
        path = re.sub(r"<int:(\w+_pk)>", r"{\1}", path)  # a record of the assessment: finding_pk, ...
        found += [(method, path) for method in ("GET", "POST", "PUT", "PATCH", "DELETE")
                  if view is not None and hasattr(view, method.lower())]
    return sorted(found)


OPERATIONS = _api_operations()


@pytest.fixture(scope="module")
def in_process():
    """The WSGI handler closes the database connection after each request; inside a test's transaction that
    would end the test's own connection. Django's test client leaves out the same signal handlers."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def api_schema(django_db_setup, django_db_blocker, in_process):
    """The schema needs a signed-in user (as docs/api.md says): fetched with a superuser's session."""
    with django_db_blocker.unblock():
        from django.contrib.auth.models import User

        reader = User.objects.get_or_create(username="schema.reader", defaults={"is_superuser": True})[0]
        client = Client()
        client.force_login(reader)
        document = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
        reader.delete()
    # Django's test client connects close_old_connections again after its request: undo that, or the first
    # in-process request would close the test's connection (PostgreSQL: "the connection is closed").
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    schema = schemathesis.openapi.from_dict(document)
    schema.app = application
    return schema


@pytest.fixture
def token(world):
    from rest_framework.authtoken.models import Token

    return Token.objects.get_or_create(user=world.users["lead"])[0].key


def test_schema_lists_every_endpoint(api_schema):
    listed = sorted((op.ok().method.upper(), op.ok().path) for op in api_schema.get_all_operations())
    assert listed == OPERATIONS, "the OpenAPI schema and the API's URL patterns differ"


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_no_server_error(api_schema, world, token, method, path):
    operation = api_schema[path][method]
    records = {f"{name}_pk": world.objects[name].pk for name in ("finding", "recommendation")}
    fixed = {name: value for name, value in {"id": world.assessment.pk, **PATH_VALUES, **records}.items()
             if "{" + name + "}" in path}
    cases = st.one_of(
        operation.as_strategy(path_parameters=fixed),
        operation.as_strategy(generation_mode=schemathesis.GenerationMode.NEGATIVE, path_parameters=fixed),
        operation.as_strategy(),
    )

    @FAST
    @given(case=cases)
    def call(case):
        case.call_and_validate(headers={"Authorization": f"Token {token}"},
                               checks=[not_a_server_error, response_schema_conformance])

    call()
