"""The question page shows one subsection: it builds that subsection's questions only (a full scope has 714),
and shows exactly what the whole scope says of it: its questions in guide order, national ones after the
guide's, and the subsections before and after it."""

import pytest
from django.urls import reverse

from soma.assessments import selectors as assessment_selectors
from soma.assessments import services
from soma.kernel.clearance import seen_by
from tests.fixtures import make_user

SCOPE = ["I", "V.B", "V.C", "IX.D"]


@pytest.fixture
def lead(db):
    return make_user("lead.scope.demo")


@pytest.fixture
def assessment(catalog, lead):
    a = services.create_assessment(lead, title="Republic of Demoland, one subsection", jurisdictions=["XD"],
                                   scope=SCOPE).assessment
    services.add_national_question(lead, a, subsection="guide:V.C", text="Does Demoland train its judges?")
    services.add_national_question(lead, a, subsection="guide:V.C", text="Does Demoland publish its statistics?")
    services.add_national_question(lead, a, subsection="guide:I.A", text="Which Demoland ministry leads?")
    return a


def test_one_subsection_agrees_with_the_whole_scope(assessment, lead):
    scope = assessment_selectors.questions_in_scope(seen_by(lead, assessment))
    assert len(scope) > 4 and any(q.national for sub in scope for q in sub.questions)
    for i, sub in enumerate(scope):
        place = assessment_selectors.subsection_in_scope(seen_by(lead, assessment), sub.key)
        assert place is not None and place.subsection == sub, sub.key
        before, after = (scope[i - 1] if i > 0 else None), (scope[i + 1] if i + 1 < len(scope) else None)
        assert (place.previous.key, place.previous.code, place.previous.title) == (
            before.key, before.code, before.title) if before else place.previous is None
        assert (place.next.key, place.next.code, place.next.title) == (
            after.key, after.code, after.title) if after else place.next is None
    for key in ["guide:IX.A", "guide:section:V", "guide:V.C:q01", "guide", "protocol:art6.1", "", "nonsense"]:
        assert assessment_selectors.subsection_in_scope(seen_by(lead, assessment), key) is None, key


def test_question_page_builds_only_its_subsections_questions(client, assessment, lead, monkeypatch):
    built = []
    guide_question = assessment_selectors._guide_question

    def counted(item, subsection):
        built.append(item.key)
        return guide_question(item, subsection)

    monkeypatch.setattr(assessment_selectors, "_guide_question", counted)
    client.force_login(lead)
    response = client.get(reverse("responses:subsection", args=[assessment.pk, "guide:V.C"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert built and {key.rsplit(":", 1)[0] for key in built} == {"guide:V.C"}, sorted(set(built))[:5]
    assert "Does Demoland publish its statistics?" in html
    for neighbour in ("guide:V.B", "guide:IX.D"):
        assert reverse("responses:subsection", args=[assessment.pk, neighbour]) in html
    assert client.get(reverse("responses:subsection", args=[assessment.pk, "guide:IX.A"])).status_code == 404
