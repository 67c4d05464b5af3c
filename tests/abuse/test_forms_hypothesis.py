"""Every form page that takes a POST, fed hostile field values by Hypothesis, as the assessment's lead.

Values: text in any script with control characters and NUL, strings far over every length limit, numbers out
of range or in other notations, impossible dates (0000-00-00), several values where one is expected, fields
missing, fields nobody asked for, and uploads with any name and any bytes. Each form also gets valid values
often enough to reach the services behind it.

Whatever comes in: never a server error (status < 500); and when the page answers with a refusal (400, 403,
409) nothing was written: no row of any assessment table and no history entry. The pages are found from the
URL patterns: test_every_post_form_is_fuzzed fails when a form page has no entry in TARGETS.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from tests.abuse.conftest import FAST, PDF, QUESTION, SUBSECTION, row_counts
from tests.test_permission_matrix import EXPECTED, FORM_POST, OTHER_EXPECTED, PASS, ROUTES

# --- Hostile values ------------------------------------------------------------------------------------------------

# Any character a browser can send (surrogates cannot be encoded in UTF-8 at all).
TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40)
CONTROL = st.text(
    alphabet=st.one_of(st.characters(max_codepoint=0x1F), st.sampled_from("\x7f\u200b\u202e\ufeff\u0000\U0001f6a4")),
    min_size=1, max_size=12,
)
HUGE = st.integers(min_value=301, max_value=30_000).map(lambda n: "Ж" * n)
NUMBER = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["1e309", "-1e309", "NaN", "Infinity", "-0", "0x1F", "١٢", "1_000", "9" * 40, "1.5", " 7 "]),
)
DATE = st.sampled_from(["0000-00-00", "2024-02-30", "2024-13-01", "9999-12-31", "10000-01-01", "-0001-01-01",
                        "01/02/2024", "2024-01-01T25:00", "1970-01-01"])
SCALAR = st.one_of(TEXT, CONTROL, HUGE, NUMBER, DATE, st.just(""))


@dataclass(frozen=True)
class Ref:
    """A value only known once the world exists: the id of one of its objects."""

    name: str


def value(*valid) -> st.SearchStrategy:
    """A field's value: often a valid one, else anything hostile, sometimes several values at once."""
    one = st.one_of(st.sampled_from(valid), SCALAR) if valid else SCALAR
    return st.one_of(one, one, st.lists(one, min_size=0, max_size=3))


EXTRA = st.dictionaries(st.text(alphabet=string.ascii_letters + "-_[]0", min_size=1, max_size=12), SCALAR, max_size=3)

UPLOAD_NAMES = st.one_of(
    st.sampled_from(["report.pdf", "../../etc/passwd.pdf", "/etc/passwd", "C:\\Windows\\system.ini.pdf", "CON.pdf",
                     "nul.txt", "evil.exe", "page.html", "image.svg", "a" * 400 + ".pdf", "bundle.json", "q.xlsx",
                     "submissions.csv", ".pdf", "noextension"]),
    TEXT.map(lambda t: t.replace('"', "").replace("\r", "").replace("\n", "") + ".pdf"),
)
UPLOAD_BYTES = st.one_of(
    st.binary(max_size=200), st.just(PDF), st.binary(max_size=60).map(lambda b: b"%PDF-1.4\n" + b),
    st.just(b"MZ\x90\x00\x03\x00\x00\x00"), st.just(b"<svg xmlns='http://www.w3.org/2000/svg'><script>1</script>"),
    st.just(b"PK\x03\x04" + b"\x00" * 30), st.text(max_size=100).map(lambda t: t.encode("utf-8")),
    st.just(b'{"format": "soma-bundle", "format_version": 1}'),
)
UPLOAD = st.tuples(UPLOAD_NAMES, UPLOAD_BYTES)


# --- The form pages ------------------------------------------------------------------------------------------------


@dataclass
class Target:
    name: str  # URL pattern name
    fields: dict[str, st.SearchStrategy]
    files: dict[str, st.SearchStrategy] = field(default_factory=dict)
    id: str = ""

    def __post_init__(self):
        self.id = self.id or self.name


LEVELS = ("public", "restricted", "confidential")
STATES = ("ready", "reviewed", "returned", "draft")
IMPLEMENTATION = ("in_place", "partly", "not_in_place", "unknown", "not_applicable")
PLAN = {
    "title": value("Demoland assessment"), "jurisdictions": value("XD", "XE", "FR"), "purpose": value(),
    "terms_of_reference": value(), "comprehensive": value("on", "true"), "joint_with_trafficking": value("on"),
    "start_date": value("2025-01-01", "2026-02-28"), "end_date": value("2025-12-31", "2024-01-01"),
    "classification": value(*LEVELS), "dissemination": value(),
    "government_approval": value("not_requested", "granted"),
    "advisory_group": value(),
}
MISSION = {"title": value("Second mission"), "start_date": value("2025-03-01"), "end_date": value("2025-03-09"),
           "places": value("Port Demo"), "notes": value()}
SOURCE = {
    "title": value("Demoland Criminal Code"), "kind": value("legislation", "statistics", "media"),
    "date": value("2019-05-01"), "author": value("Ministry of Justice"),
    "link": value("https://demoland.example/law", "javascript:alert(1)", "file:///etc/passwd"),
    "reliability": value("A", "F"), "credibility": value("1", "6"), "classification": value(*LEVELS),
    "notes": value(),
}
FINDING = {
    "kind": value("gap", "observation"), "title": value("No aggravating circumstances"), "text": value(),
    "subsection": value(SUBSECTION, "guide:V.C"), "responses": value(Ref("response")),
    "provisions": value("protocol:art6", "protocol:art6.3"), "classification": value(*LEVELS),
    "expected_version": value("1", "0"),
}
CONCLUSION = {"text": value("The framework is incomplete."), "basis": value(), "tentative": value("on"),
              "findings": value(Ref("finding")), "classification": value(*LEVELS), "expected_version": value("1")}
RECOMMENDATION = {
    "text": value("Train prosecutors."), "area": value(SUBSECTION, "guide:I", "guide:V.C"),
    "priority": value("immediate", "short", "long"), "rank": value("1", "2"), "sequence": value("1"),
    "institutions": value(Ref("institution")), "timeline": value("2026"), "estimated_cost": value("1000.50", "-1"),
    "currency": value("USD", "eur"), "status": value("proposed", "done"), "conclusions": value(Ref("conclusion")),
    "toolkit": value("toolkit:7.11"), "framework": value(), "classification": value(*LEVELS),
    "expected_version": value("1"),
}
CHAPTER = {"chapter": value("background", "key_issues"), "background-text": value("Organised crime in Demoland."),
           "background-classification": value(*LEVELS), "background-expected_version": value("1"),
           "key_issues-text": value(), "key_issues-classification": value(*LEVELS)}

TARGETS = [
    Target("assessments:create", {**PLAN, "scope": value("I", "V.C", "XIII"), "missions-TOTAL_FORMS": value("1", "2"),
                                  "missions-INITIAL_FORMS": value("0"), "missions-0-title": value("Mission"),
                                  "missions-0-start_date": value("2025-01-01")}),
    Target("assessments:edit", {**PLAN, "expected_version": value("1", "0")}),
    Target("assessments:scope", {"scope": value("I", "V", "V.C", "II.A")}),
    Target("assessments:missions", MISSION),
    Target("assessments:mission", MISSION),
    Target("assessments:status", {"to_status": value("desk_review", "final", "planning"), "note": value()}),
    Target("assessments:approve", {"note": value()}),
    Target("followup:start", {"title": value("Follow-up of Demoland")}),
    Target("assessments:team", {"username": value("abuse.nonmember.demo", "abuse.lead.demo", "nobody"),
                                "role": value("assessor", "lead", "observer"), "clearance": value(*LEVELS)}),
    Target("assessments:team", {"invite": value("1"), "invite-email": value("new.member@demoland.example", "x@y"),
                                "invite-first_name": value("Nadia"), "invite-last_name": value("Demo"),
                                "invite-role": value("assessor", "lead", "chief"), "invite-clearance": value(*LEVELS)},
           id="assessments:team-invite"),
    Target("assessments:member", {"role": value("assessor", "observer"), "clearance": value(*LEVELS),
                                  "remove": value("1")}),
    Target("assessments:institution_add", {"name": value("Demoland Coast Guard"), "category": value("police", "border"),
                                           "sections": value("I", "V"), "contact_point": value("Officer Demo"),
                                           "clearance_notes": value(), "notes": value()}),
    Target("assessments:institution_edit", {"name": value("Demoland Police"), "category": value("police"),
                                            "sections": value("I"), "contact_point": value(), "notes": value()}),
    Target("assessments:activity_add", {"kind": value("interview", "site_visit"), "title": value("Visit to the port"),
                                        "date": value("2025-04-01"), "mission": value(Ref("mission")),
                                        "institutions": value(Ref("institution")), "questions": value(QUESTION),
                                        "notes": value(), "participants": value("Judge Demo"),
                                        "classification": value(*LEVELS)}),
    Target("assessments:activity_edit", {"kind": value("interview"), "title": value("Interview"),
                                         "classification": value(*LEVELS), "questions": value(QUESTION)}),
    Target("assessments:national", {"subsection": value(SUBSECTION, "guide:V.C"), "parent_key": value(QUESTION, ""),
                                    "text": value("Does Demoland keep statistics?")}),
    Target("evidence:add", SOURCE),
    Target("evidence:add", SOURCE, files={"file": UPLOAD}, id="evidence:add-with-file"),
    Target("evidence:edit", SOURCE),
    Target("evidence:edit", SOURCE, files={"file": UPLOAD}, id="evidence:edit-with-file"),
    Target("evidence:delete", {"confirmed": value("yes", "no", "")}),
    Target("evidence:restore", {}),
    Target("evidence:purge", {}),
    Target("evidence:confirm", {}),
    Target("responses:save", {"expected_version": value("1", "0", "-1"), "narrative": value("Demoland ratified."),
                              "de_jure": value(*IMPLEMENTATION), "de_facto": value(*IMPLEMENTATION),
                              "classification": value(*LEVELS)}),
    Target("responses:review", {"state": value(*STATES)}),
    Target("responses:confirm", {}),
    Target("responses:cite", {"source": value(Ref("source"), Ref("file_source")), "activity": value(Ref("activity")),
                              "pinpoint": value("p. 4"), "stance": value("supports", "contradicts")}),
    Target("responses:uncite", {}),
    Target("responses:bulk", {"action": value("cite", "ready", "reviewed", "returned", "classify", ""),
                              "subsection": value(SUBSECTION, ""), "selected": value(f"1 {QUESTION}", QUESTION),
                              "bulk-source": value(Ref("source")), "bulk-pinpoint": value("p. 4"),
                              "bulk-classification": value(*LEVELS)}),
    Target("findings:finding_create", FINDING),
    Target("findings:finding_edit", FINDING),
    Target("findings:finding_cite", {"evidence": value(Ref("source:source"), Ref("activity:activity")),
                                     "pinpoint": value("art. 3"), "stance": value("supports")}),
    Target("findings:conclusion_create", CONCLUSION),
    Target("findings:conclusion_edit", CONCLUSION),
    Target("findings:recommendation_create", RECOMMENDATION),
    Target("findings:recommendation_edit", RECOMMENDATION),
    Target("findings:recommendation_review", {"state": value(*STATES)}),
    Target("findings:recommendation_confirm", {}),
    Target("reports:chapters", CHAPTER),
    Target("reports:issue", {"audience": value(*LEVELS), "language": value("en", "fr", "ar", "xx"),
                             "profile": value("1", "")}),
    Target("exchange:questionnaire_import", {}, files={"file": UPLOAD}),
    Target("exchange:questionnaire_conflict_dismiss", {"conflict": value("1", "")}),
    Target("exchange:submissions_import", {"activity": value(Ref("activity"))}, files={"file": UPLOAD}),
    Target("exchange:submissions_apply", {"upload": value("1", ""), "activity": value(Ref("activity")),
                                          "digest": value("0" * 64)}),
    Target("exchange_import:bundle_import", {}, files={"file": UPLOAD}),
    Target("exchange:central", {"base_url": value("https://central.demoland.example", "central"),
                                "project_id": value("1", "0"), "form_id": value("demoland_interviews"),
                                "email": value("lead@demoland.example"), "password": value("made-up", ""),
                                "clear_password": value("on", "")}),
    Target("exchange:central_remove", {}),
    Target("exchange:central_pull", {"activity": value(Ref("activity"))}),
    Target("exchange:central_preview", {"upload": value("1", ""), "activity": value(Ref("activity"))}),
]



def _resolve(raw, world):
    if isinstance(raw, list):
        return [_resolve(item, world) for item in raw]
    if isinstance(raw, Ref):
        prefix, _, name = raw.name.rpartition(":")
        pk = world.objects[name].pk
        return f"{prefix}:{pk}" if prefix else str(pk)
    return raw


def _url(world, name: str) -> str:
    if name in ROUTES:
        return reverse(name, kwargs=world.kwargs(ROUTES[name]))
    return reverse(name)


def _body(world, fields: dict, extra: dict, files: dict) -> dict:
    body = {key: val for key, val in extra.items() if key not in fields}
    body.update({key: _resolve(raw, world) for key, raw in fields.items()})
    for key, (name, content) in files.items():
        body[key] = SimpleUploadedFile(name, content)
    return body


def form_data(target: Target):
    return st.fixed_dictionaries(
        {"fields": st.fixed_dictionaries({}, optional=target.fields), "extra": EXTRA,
         "files": st.fixed_dictionaries({}, optional=target.files)}
    )


# --- The tests -----------------------------------------------------------------------------------------------------


def test_every_post_form_is_fuzzed():
    """A page that writes on POST (per the permission matrix) and is missing here fails: add it to TARGETS."""
    writing = {name for name, rules in EXPECTED.items()
               if not name.startswith("api-") and PASS in rules.get("POST", {}).values()}
    writing |= {name for name, rules in OTHER_EXPECTED.items() if rules.get("POST") == FORM_POST}
    missing = sorted(writing - {t.name for t in TARGETS})
    assert not missing, f"form pages without a hostile-input test: add them to TARGETS in {__file__}: {missing}"


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.id)
def test_hostile_form_input_is_refused_cleanly(lead, world, target):
    url = _url(world, target.name)

    @FAST
    @given(data=form_data(target))
    def post(data):
        body = _body(world, data["fields"], data["extra"], data["files"])
        before = row_counts()
        response = lead.post(url, body)
        assert response.status_code < 500, f"{target.name}: server error for {body!r}"
        if response.status_code in (400, 403, 409):
            after = row_counts()
            changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
            assert not changed, f"{target.name} answered {response.status_code} but wrote rows {changed}"

    post()
