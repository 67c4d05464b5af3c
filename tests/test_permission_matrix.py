"""Who gets what: every role on every assessment page and API endpoint (non-members get 404).

Table-driven. Every URL pattern that takes an assessment pk is found by walking the URL resolver; EXPECTED
says, for each of them and each HTTP method, what each role gets. A pattern without an entry fails the suite,
so a new view cannot ship without its permission rules.

The outcome classes are about the permission decision, not about the form: a write with empty or minimal
data that comes back 400 (form invalid) or 302 (saved) got through the permission check (PASS); 403 is a
member refused for their role (DENY); 404 hides the assessment from outsiders (HIDE).

The fixture data is created once for the module (outside the per-test transactions) and deleted at its end;
what each request writes is rolled back with its test.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

ROLES = ("anonymous", "nonmember", "superuser", "observer", "assessor", "reviewer", "lead")
MEMBER_ROLES = ("observer", "assessor", "reviewer", "lead")

# --- Outcome classes -----------------------------------------------------------------------------------------------

VIEW = "view (200)"
PASS = "passed the permission check (200/201/302/400/409)"
DENY = "denied (403)"
HIDE = "hidden (404)"
LOGIN = "redirect to sign in (302)"
UNAUTH = "unauthenticated (401/403)"
NOMETHOD = "method not allowed (405)"


def outcome(response) -> str:
    code = response.status_code
    if code == 302 and response["Location"].startswith(resolve_url(settings.LOGIN_URL)):
        return LOGIN
    return {200: VIEW, 403: DENY, 404: HIDE, 405: NOMETHOD}.get(code) or (
        PASS if code in (201, 302, 400, 409) else f"unexpected {code}"
    )


def matches(expected: str, response, api: bool) -> bool:
    got = outcome(response)
    if expected == PASS:
        return got in (VIEW, PASS)
    if expected == UNAUTH:
        return api and response.status_code in (401, 403)
    return got == expected


# --- What each role gets ---------------------------------------------------------------------------------------------

# What the four member roles get, by what the request needs (soma/accounts/permissions.py ALLOWED).
MEMBERS = {
    "view": {"observer": VIEW, "assessor": VIEW, "reviewer": VIEW, "lead": VIEW},
    "edit": {"observer": DENY, "assessor": PASS, "reviewer": DENY, "lead": PASS},
    "review": {"observer": DENY, "assessor": DENY, "reviewer": PASS, "lead": PASS},
    "manage": {"observer": DENY, "assessor": DENY, "reviewer": DENY, "lead": PASS},
    # Approving the final status is a reviewer's act; the lead then moves the status (assessments.services).
    "approve": {"observer": DENY, "assessor": DENY, "reviewer": PASS, "lead": DENY},
    "405": dict.fromkeys(MEMBER_ROLES, NOMETHOD),
}


def page(needs: str, outsiders: str = HIDE) -> dict:
    """A page: anonymous users are sent to sign in; signed-in non-members (a superuser too) get 404, except
    where the method is refused before the assessment is looked up (405 says nothing about the assessment)."""
    return {"anonymous": LOGIN, "nonmember": outsiders, "superuser": outsiders, **MEMBERS[needs]}


def api(needs: str) -> dict:
    """An API endpoint: no credentials 401/403; non-members 404 (405 for a method the endpoint lacks)."""
    outsiders = NOMETHOD if needs == "405" else HIDE
    return {"anonymous": UNAUTH, "nonmember": outsiders, "superuser": outsiders, **MEMBERS[needs]}


def pages(get: str, post: str, outsiders_on_get: str = HIDE) -> dict:
    return {"GET": page(get, outsiders_on_get), "POST": page(post)}


# A POST to a reading page that does not restrict methods just shows the page again (nothing is written).
READ = pages("view", "view")
# The view does not answer this method: members get 405. Outsiders still get 404 where the assessment is looked
# up before the method check (assessment_view, member_page) ...
WRONG_METHOD = "405"
# ... and 405 where the view refuses the method first (evidence, responses): the same as for no assessment at all.
METHOD_FIRST = NOMETHOD

EXPECTED: dict[str, dict[str, dict[str, str]]] = {
    # soma/assessments/urls.py
    "assessments:detail": READ,
    "assessments:edit": pages("manage", "manage"),
    "assessments:scope": pages("manage", "manage"),
    "assessments:missions": pages("view", "manage"),
    "assessments:mission": pages("manage", "manage"),
    "assessments:status": pages(WRONG_METHOD, "manage"),
    "assessments:approve": pages(WRONG_METHOD, "approve"),
    "assessments:follow_up": pages(WRONG_METHOD, "manage"),
    "assessments:team": pages("view", "manage"),
    "assessments:member": pages(WRONG_METHOD, "manage"),
    "assessments:institutions": READ,
    "assessments:institution_add": pages("edit", "edit"),
    "assessments:institution_edit": pages("edit", "edit"),
    "assessments:activities": READ,
    "assessments:activity_add": pages("edit", "edit"),
    "assessments:activity_edit": pages("edit", "edit"),
    "assessments:national": pages("view", "manage"),
    "assessments:history": READ,
    # soma/evidence/urls.py
    "evidence:list": READ,
    "evidence:add": pages("edit", "edit"),
    "evidence:edit": pages("edit", "edit"),
    "evidence:delete": pages(WRONG_METHOD, "edit", outsiders_on_get=METHOD_FIRST),
    "evidence:confirm": pages(WRONG_METHOD, "edit", outsiders_on_get=METHOD_FIRST),
    "evidence:download": READ,
    # soma/findings/urls_responses.py
    "responses:index": READ,
    "responses:subsection": READ,
    "responses:save": pages(WRONG_METHOD, "edit", outsiders_on_get=METHOD_FIRST),
    "responses:review": pages(WRONG_METHOD, "review", outsiders_on_get=METHOD_FIRST),
    "responses:confirm": pages(WRONG_METHOD, "edit", outsiders_on_get=METHOD_FIRST),
    "responses:cite": pages(WRONG_METHOD, "edit", outsiders_on_get=METHOD_FIRST),
    "responses:uncite": pages(WRONG_METHOD, "edit", outsiders_on_get=METHOD_FIRST),
    # soma/findings/urls.py
    "findings:overview": pages("view", WRONG_METHOD),
    "findings:findings": pages("view", WRONG_METHOD),
    "findings:finding_create": pages("edit", "edit"),
    "findings:finding_edit": pages("edit", "edit"),
    "findings:finding_cite": pages(WRONG_METHOD, "edit"),
    "findings:conclusions": pages("view", WRONG_METHOD),
    "findings:conclusion_create": pages("edit", "edit"),
    "findings:conclusion_edit": pages("edit", "edit"),
    "findings:recommendations": pages("view", WRONG_METHOD),
    "findings:recommendation_create": pages("edit", "edit"),
    "findings:recommendation_suggestions": pages("edit", WRONG_METHOD),
    "findings:recommendation_edit": pages("edit", "edit"),
    "findings:recommendation_review": pages(WRONG_METHOD, "review"),
    "findings:recommendation_confirm": pages(WRONG_METHOD, "edit"),
    # soma/reports/urls.py
    "reports:index": READ,
    "reports:chapters": pages("view", "edit"),
    "reports:preview": pages("view", WRONG_METHOD),
    "reports:issue": pages(WRONG_METHOD, "manage"),
    "reports:issued": pages("view", WRONG_METHOD),
    "reports:download": pages("view", WRONG_METHOD),
    # soma/exchange/urls*.py
    "exchange:index": READ,
    "exchange:bundle_export": pages("view", WRONG_METHOD),
    "exchange:xlsform_export": READ,
    "exchange:submissions_import": pages("edit", "edit"),
    "exchange:submissions_apply": pages(WRONG_METHOD, "edit"),
    "exchange:questionnaire_export": pages("view", WRONG_METHOD),
    "exchange:questionnaire_import": pages("edit", "edit"),
    "exchange:questionnaire_conflict_dismiss": pages(WRONG_METHOD, "edit"),
    "exchange:recommendations_export": pages("view", WRONG_METHOD),
    # soma/api_urls.py
    "api-assessment": {"GET": api("view"), "POST": api("405"), "PATCH": api("manage")},
    "api-assessment-status": {"GET": api("405"), "POST": api("manage")},
    "api-assessment-members": {"GET": api("view"), "POST": api("manage")},
    "api-assessment-questions": {"GET": api("view"), "POST": api("405")},
    "api-assessment-response": {"GET": api("view"), "POST": api("405"), "PUT": api("edit")},
    "api-assessment-sources": {"GET": api("view"), "POST": api("edit")},
    "api-assessment-findings": {"GET": api("view"), "POST": api("edit")},
    "api-assessment-recommendations": {"GET": api("view"), "POST": api("edit")},
}

# Minimal request bodies where an empty one would be refused before the decision under test (e.g. a review
# needs a state, and the API validates fields before asking the permission module). Callables get the world.
BODIES = {
    ("responses:review", "POST"): {"state": "reviewed"},
    ("findings:recommendation_review", "POST"): {"state": "reviewed"},
    ("api-assessment", "PATCH"): lambda w: {"version": w.current_version()},
    # Two stages ahead: valid for the serializer, refused by the service (400) once the lead is let through.
    ("api-assessment-status", "POST"): {"status": "fieldwork"},
    ("api-assessment-response", "PUT"): lambda w: {"version": w.response_version(), "narrative": "Matrix check."},
    ("api-assessment-findings", "POST"): {"kind": "gap", "title": "No aggravation for endangering migrants' lives"},
    ("api-assessment-recommendations", "POST"): {"text": "Train prosecutors.", "area": "guide:I.A",
                                                  "priority": "short"},
}

QUESTION = "guide:I.A:q01"
SUBSECTION = "guide:I.A"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


# --- The URL patterns that take an assessment --------------------------------------------------------------------


@dataclass
class Route:
    name: str
    route: str
    kwargs: list[str]
    callback: object

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api/")

    def api_methods(self) -> set[str]:
        view_class = getattr(self.callback, "view_class", None) or getattr(self.callback, "cls", None)
        if view_class is None:
            return set()
        return {m.upper() for m in ("get", "post", "put", "patch", "delete") if hasattr(view_class, m)}


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, route, ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else f"<unnamed {route}>"
            yield Route(name, route, re.findall(r"<(?:\w+:)?(\w+)>", route), entry.callback)


def assessment_routes() -> dict[str, Route]:
    found = {}
    for route in _walk(get_resolver().url_patterns):
        if route.route.startswith(("assessments/<int:pk>/", "api/assessments/<int:pk>/")):
            found[route.name] = route
    return found


ROUTES = assessment_routes()


# --- The world: one assessment with something of each kind ---------------------------------------------------------


@dataclass
class World:
    assessment: object
    users: dict
    objects: dict = field(default_factory=dict)
    file_name: str = ""

    def kwargs(self, route: Route, pk=None) -> dict:
        values = {
            "pk": pk or self.assessment.pk,
            "question": QUESTION,
            "key": SUBSECTION,
            "member_pk": self.objects["membership"].pk,
            "mission_pk": self.objects["mission"].pk,
            "institution_pk": self.objects["institution"].pk,
            "activity_pk": self.objects["activity"].pk,
            # The download needs a stored file; the other source pages use a source without one.
            "source_pk": self.objects["file_source" if route.name == "evidence:download" else "source"].pk,
            "citation_pk": self.objects["citation"].pk,
            "finding_pk": self.objects["finding"].pk,
            "conclusion_pk": self.objects["conclusion"].pk,
            "recommendation_pk": self.objects["recommendation"].pk,
            "report_pk": self.objects["report"].pk,
            "fmt": "pdf",
        }
        unknown = [name for name in route.kwargs if name not in values]
        assert not unknown, f"{route.name}: no fixture value for {unknown}; add one to World.kwargs"
        return {name: values[name] for name in route.kwargs}

    def current_version(self) -> int:
        return type(self.assessment).objects.get(pk=self.assessment.pk).version

    def response_version(self) -> int:
        response = self.objects["response"]
        return type(response).objects.get(pk=response.pk).version


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    from soma.assessments import services
    from soma.catalog import packs
    from soma.catalog.models import CatalogVersion
    from soma.evidence import services as evidence_services
    from soma.findings import services as finding_services
    from soma.reports.models import IssuedReport

    user_model = get_user_model()
    with django_db_blocker.unblock():
        if not CatalogVersion.objects.exists():  # a browser test's flush may have removed it
            packs.load_builtin()
        users = {
            role: user_model.objects.create_user(username=f"matrix.{role}.demo", password=None)
            for role in ("nonmember", "observer", "assessor", "reviewer", "lead")
        }
        users["superuser"] = user_model.objects.create_superuser(
            username="matrix.admin.demo", email="admin@demoland.example", password=None
        )
        lead = users["lead"]
        a = services.create_assessment(
            lead, title="Demoland permission matrix", jurisdictions=["XD"], scope=["I", "V.C"]
        ).assessment
        w = World(assessment=a, users=users)
        services.add_member(lead, a, users["assessor"], "assessor", "restricted")
        services.add_member(lead, a, users["reviewer"], "reviewer", "confidential")
        w.objects["membership"] = services.add_member(lead, a, users["observer"], "observer", "public")
        public = {"classification": "public"}
        w.objects["mission"] = services.save_mission(lead, a, title="First mission to Demoland")
        w.objects["institution"] = services.save_institution(
            lead, a, name="Demoland Prosecution Service", category="prosecution"
        )
        w.objects["activity"] = services.save_activity(
            lead, a, kind="interview", title="Interview at the prosecution service", **public
        )
        w.objects["source"] = evidence_services.save_source(
            lead, a, title="Demoland Penal Code", kind="legislation", **public
        )
        w.objects["file_source"] = evidence_services.save_source(
            lead, a, title="Demoland Gazette 12/2004", kind="legislation",
            upload=SimpleUploadedFile("gazette.pdf", PDF, content_type="application/pdf"), **public,
        )
        w.file_name = w.objects["file_source"].file.name
        w.objects["response"] = finding_services.save_response(
            lead, a, QUESTION, expected_version=0, narrative="Demoland ratified the Protocol in 2004.", **public
        )
        w.objects["citation"] = evidence_services.cite(
            lead, a, response=w.objects["response"], activity=w.objects["activity"], pinpoint="notes p. 2"
        )
        w.objects["finding"] = finding_services.save_finding(
            lead, a, kind="gap", title="Smuggling is not defined in the Penal Code", **public
        )
        w.objects["conclusion"] = finding_services.save_conclusion(
            lead, a, text="The legal framework is incomplete.", **public
        )
        w.objects["recommendation"] = finding_services.save_recommendation(
            lead, a, text="Define the offence of smuggling of migrants.", area=SUBSECTION, priority="short",
            **public,
        )
        # An issued public report (its files are not what this module tests: see tests/reports/).
        w.objects["report"] = IssuedReport.objects.create(
            assessment=a, audience="public", language="en", title="Demoland report", snapshot={},
            content_hash="0" * 64, html=b"<p>report</p>", pdf=PDF, docx=b"PK", issued_by=lead,
        )
    yield w
    with django_db_blocker.unblock():
        storage = w.objects["file_source"].file.storage
        type(a).objects.filter(pk=a.pk).delete()
        user_model.objects.filter(pk__in=[u.pk for u in users.values()]).delete()
        if w.file_name:
            storage.delete(w.file_name)


@pytest.fixture(scope="module")
def client():
    """One test client for the module: building a client's middleware (WhiteNoise indexes every static file)
    costs more than most of the requests here."""
    return Client()


def call(client, world, route: Route, method: str, role: str, pk=None):
    client.cookies.clear()
    if role != "anonymous":
        client.force_login(world.users[role])
    url = reverse(route.name, kwargs=world.kwargs(route, pk))
    body = BODIES.get((route.name, method), {})
    if callable(body):
        body = body(world)
    if route.is_api:
        if method == "GET":
            return client.get(url)
        return client.generic(method, url, json.dumps(body), content_type="application/json")
    if method == "GET":
        return client.get(url)
    return client.post(url, body)


# --- The tests -----------------------------------------------------------------------------------------------------


def test_every_assessment_url_has_rules():
    assert ROUTES, "no URL pattern under assessments/<int:pk>/ found: has the URL layout changed?"
    missing = sorted(set(ROUTES) - set(EXPECTED))
    stale = sorted(set(EXPECTED) - set(ROUTES))
    assert not missing, f"URL patterns without permission rules in EXPECTED: {missing}"
    assert not stale, f"EXPECTED names URL patterns that no longer exist: {stale}"
    for name, methods in EXPECTED.items():
        for method, roles in methods.items():
            assert set(roles) == set(ROLES), f"{name} {method}: rules for {sorted(roles)}, expected {ROLES}"
        untested = ROUTES[name].api_methods() - set(methods)
        assert not untested, f"{name}: the view answers {sorted(untested)} but EXPECTED has no rules for it"


CASES = [
    pytest.param(name, method, role, id=f"{name}-{method}-{role}")
    for name in sorted(EXPECTED)
    for method in EXPECTED[name]
    for role in ROLES
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method", "role"), CASES)
def test_permission(client, world, name, method, role):
    route = ROUTES.get(name)
    if route is None:
        pytest.fail(f"{name} is in EXPECTED but not a URL pattern (see test_every_assessment_url_has_rules)")
    response = call(client, world, route, method, role)
    expected = EXPECTED[name][method][role]
    assert matches(expected, response, route.is_api), (
        f"{role} {method} {name}: expected {expected}, got {outcome(response)} "
        f"[{response.status_code} {response.get('Location', '')}]"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_outsiders_cannot_tell_the_assessment_exists(client, world, name):
    """A non-member gets the same answer for this assessment as for one that does not exist."""
    route = ROUTES.get(name)
    if route is None:
        pytest.fail(f"{name} is not a URL pattern")
    missing_pk = type(world.assessment).objects.order_by("-pk").first().pk + 1000
    for method in EXPECTED[name]:
        real = call(client, world, route, method, "nonmember").status_code
        absent = call(client, world, route, method, "nonmember", pk=missing_pk).status_code
        assert real == absent, f"{method} {name}: {real} for a real assessment, {absent} for none"
