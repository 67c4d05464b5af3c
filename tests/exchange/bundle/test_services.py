"""JSON bundles: the round trip keeps every byte, and a bundle holds only what its audience may see."""

import base64
import hashlib
import json

import jsonschema
import pytest

from soma.accounts.models import HistoryEntry
from soma.assessments.models import Activity, Approval, Assessment, Institution, Status
from soma.evidence.models import Citation, Credibility, Reliability, Source
from soma.exchange.bundle import check, services
from soma.findings.models import Finding, Implementation, Priority, Recommendation, ReviewState
from tests.exchange.bundle.world import CONFIDENTIAL, NAME, RESTRICTED, _remove_imported_files, importer, world

pytestmark = pytest.mark.django_db
__all__ = ["_remove_imported_files", "importer", "world"]


def _export(user, assessment, **options) -> dict:
    return json.loads(services.export_bytes(user, assessment, **options))


def test_export_import_export_gives_the_same_bundle(world, importer):
    lead = world.users["lead"]
    first = services.export_bytes(lead, world.assessment)
    created = services.import_bundle(importer, first)
    second = services.export_bytes(importer, created)
    assert services.comparable(json.loads(first)) == services.comparable(json.loads(second))
    assert created.pk != world.assessment.pk
    # The team is not copied: the importing user is the only member, lead with confidential clearance.
    assert [(m.user, m.role, m.clearance) for m in created.memberships.all()] == [(importer, "lead", "confidential")]
    data = json.loads(first)
    assert {m["username"] for m in data["exported"]["team"]} == {u.username for u in world.users.values()}
    assert created.catalog == world.assessment.catalog
    assert created.responses.count() == world.assessment.responses.count()
    assert Citation.objects.filter(assessment=created).count() == world.assessment.citations.count()


def test_the_classification_of_new_work_makes_the_round_trip(world, importer):
    lead = world.users["lead"]
    Assessment.objects.filter(pk=world.assessment.pk).update(classification="confidential",
                                                             new_work_classification="public")
    data = _export(lead, world.assessment)
    assert data["assessment"]["new_work_classification"] == "public"
    created = services.import_bundle(importer, services.dumps(data))
    assert (created.classification, created.new_work_classification) == ("confidential", "public")
    assert _export(importer, created)["assessment"]["new_work_classification"] == "public"


@pytest.mark.parametrize("classification, expected", [("confidential", "restricted"), ("restricted", "restricted"),
                                                      ("public", "public")])
def test_a_bundle_without_the_classification_of_new_work_gets_the_default_under_its_own(
        world, importer, classification, expected):
    data = _export(world.users["lead"], world.assessment)
    del data["assessment"]["new_work_classification"]  # as bundles exported before it was added
    data["assessment"]["classification"] = classification
    created = services.import_bundle(importer, services.dumps(data))
    assert created.new_work_classification == expected


def test_the_round_trip_keeps_files_and_records_history(world, importer):
    lead = world.users["lead"]
    created = services.import_bundle(importer, services.export_bytes(lead, world.assessment))
    original = world.objects["restricted_source"]
    copy = created.sources.get(title=original.title)
    with original.file.open("rb") as a, copy.file.open("rb") as b:
        assert a.read() == b.read()
    assert copy.file.name != original.file.name and copy.file_name == original.file_name
    created_types = set(HistoryEntry.objects.filter(assessment=created, action="created")
                        .values_list("object_type", flat=True))
    assert {"assessment", "institution", "activity", "source", "response", "citation", "finding", "conclusion",
            "recommendation", "mission", "nationalquestion"} <= created_types
    assert HistoryEntry.objects.filter(assessment=created).count() > created.responses.count()


def test_a_public_round_trip_is_also_identical(world, importer):
    first = services.export_bytes(world.users["lead"], world.assessment, audience="public", include_files=False)
    created = services.import_bundle(importer, first)
    second = services.export_bytes(importer, created, audience="public", include_files=False)
    assert services.comparable(json.loads(first)) == services.comparable(json.loads(second))


@pytest.mark.parametrize("who, audience", [("lead", "public"), ("observer", None), ("observer", "confidential")])
def test_a_public_bundle_holds_nothing_above_public(world, who, audience):
    """The lead asking for public, and a public-cleared observer asking for anything, get the same: no restricted
    or confidential text, no names of people, no link or citation to anything left out."""
    user = world.users[who]
    raw = services.export_bytes(user, world.assessment, audience=audience)
    data = json.loads(raw)
    assert data["audience"] == "public"
    text = raw.decode()
    for marker in (RESTRICTED, CONFIDENTIAL, NAME, "lead.demo", "observer.demo"):
        assert marker not in text
    for file in (s["file"] for s in data["sources"] if s["file"]):  # nor inside an included file
        assert RESTRICTED.encode() not in base64.b64decode(file["content"])
    levels = {row["classification"] for name in ("activities", "sources", "responses", "findings", "conclusions",
                                                 "recommendations") for row in data[name]}
    assert levels == {"public"}
    assert all("contact_point" not in i and "clearance_notes" not in i for i in data["institutions"])
    assert all("participants" not in a for a in data["activities"])
    hidden = {world.objects["restricted_response"].question, world.objects["confidential_response"].question}
    assert not hidden & {r["question"] for r in data["responses"]}
    assert not hidden & {q for f in data["findings"] for q in f["responses"]}
    public = next(r for r in data["responses"] if r["question"] == world.objects["public_response"].question)
    assert public["citations"] == []  # both of its citations cite material above public
    finding = next(f for f in data["findings"] if f["title"] == "Public finding")
    assert finding["responses"] == [world.objects["public_response"].question] and finding["citations"] == []
    conclusion = next(c for c in data["conclusions"] if c["text"] == "Public conclusion")
    assert conclusion["findings"] == []
    recommendation = next(r for r in data["recommendations"] if r["text"] == "Public recommendation")
    assert recommendation["conclusions"] == [conclusion["id"]]


def test_a_restricted_bundle_holds_restricted_material_but_nothing_confidential(world):
    raw = services.export_bytes(world.users["lead"], world.assessment, audience="restricted").decode()
    assert RESTRICTED in raw and NAME in raw
    assert CONFIDENTIAL not in raw


def test_the_audience_is_capped_at_the_clearance(world):
    assessor = world.users["assessor"]  # cleared for restricted
    data = _export(assessor, world.assessment, audience="confidential")
    assert data["audience"] == "restricted"
    assert CONFIDENTIAL not in json.dumps(data)


def test_a_confidential_bundle_holds_everything_the_lead_sees(world):
    data = _export(world.users["lead"], world.assessment)
    assert data["audience"] == "confidential"
    a = world.assessment
    assert len(data["sources"]) == a.sources.count() and len(data["responses"]) == a.responses.count()
    assert len(data["findings"]) == a.findings.count() and len(data["activities"]) == a.activities.count()
    restricted_source = next(s for s in data["sources"] if s["title"] == world.objects["restricted_source"].title)
    content = base64.b64decode(restricted_source["file"]["content"])
    assert hashlib.sha256(content).hexdigest() == restricted_source["file"]["sha256"]
    assert restricted_source["file"]["name"] == f"{RESTRICTED}.txt"
    national = data["national_questions"][0]
    assert national["key"] == "guide:VI.C:n01"
    assert national["key"] in {r["question"] for r in data["responses"]}


def test_files_can_be_left_out(world):
    data = _export(world.users["lead"], world.assessment, include_files=False)
    files = [s["file"] for s in data["sources"] if s["file"]]
    assert files and all("content" not in f and len(f["sha256"]) == 64 for f in files)
    assert data["files"] == "left_out"


def test_bundles_match_their_schema_and_the_schema_matches_the_models(world):
    data = _export(world.users["lead"], world.assessment)
    jsonschema.Draft202012Validator.check_schema(check.schema())
    jsonschema.Draft202012Validator(check.schema()).validate(data)
    schema = check.schema()
    props, defs = schema["properties"], schema["$defs"]

    def enum(collection, name):
        return props[collection]["items"]["properties"][name]["enum"]

    assert props["assessment"]["properties"]["status"]["enum"] == Status.values
    assert props["assessment"]["properties"]["government_approval"]["enum"] == Approval.values
    assert enum("institutions", "category") == Institution.Category.values
    assert enum("activities", "kind") == Activity.Kind.values
    assert enum("sources", "kind") == Source.Kind.values
    assert enum("sources", "reliability") == Reliability.values
    assert enum("sources", "credibility") == Credibility.values
    assert enum("findings", "kind") == Finding.Kind.values
    assert enum("recommendations", "priority") == Priority.values
    assert enum("recommendations", "status") == Recommendation.State.values
    assert defs["implementation"]["enum"] == Implementation.values
    assert defs["review_state"]["enum"] == ReviewState.values
    assert defs["citations"]["items"]["properties"]["stance"]["enum"] == Citation.Stance.values


def test_bundle_ids_are_local_and_stable_and_keys_are_sorted(world):
    raw = services.export_bytes(world.users["lead"], world.assessment)
    data = json.loads(raw)
    assert [s["id"] for s in data["sources"]] == [f"source-{n}" for n in range(1, len(data["sources"]) + 1)]
    assert raw == services.dumps(json.loads(raw))  # sorted keys, fixed layout
    assert all(q.startswith("guide:") for q in (r["question"] for r in data["responses"]))
    assert data["catalog"] == {"version": world.assessment.catalog.version,
                               "digest": world.assessment.catalog.digest}


def test_non_members_cannot_export(world, importer):
    from django.http import Http404

    with pytest.raises(Http404):
        services.export_bundle(importer, world.assessment)
