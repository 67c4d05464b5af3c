"""The reports' selectors read through the checked Seen: versions, issued reports and chapters within the
reader's clearance, and nothing of an assessment the reader is not a member of."""

import pytest
from django.http import Http404

from soma.kernel.clearance import seen_by
from soma.reports import selectors
from soma.reports.models import IssuedReport
from tests.reports.conftest import marker


def _issue(assessment, user, audience: str) -> IssuedReport:
    # A stored report row is enough here: which versions a reader may list does not depend on the files.
    return IssuedReport.objects.create(assessment=assessment, audience=audience, language="en", title=audience,
                                       snapshot={}, content_hash=audience, html=b"", pdf=b"", docx=b"",
                                       issued_by=user)


@pytest.mark.django_db
def test_versions_are_those_within_the_clearance(planted, team):
    assert [value for value, _label in selectors.audiences(seen_by(team["observer"], planted))] == ["public"]
    assert [value for value, _label in selectors.audiences(seen_by(team["assessor"], planted))] == [
        "public", "restricted"]
    assert len(selectors.audiences(seen_by(team["reviewer"], planted))) == 3


@pytest.mark.django_db
def test_issued_reports_above_the_clearance_are_neither_listed_nor_found(planted, team):
    reports = {level: _issue(planted, team["lead"], level) for level in ("public", "restricted", "confidential")}
    assessor = seen_by(team["assessor"], planted)
    assert {r.audience for r in selectors.issued_reports(assessor)} == {"public", "restricted"}
    assert selectors.issued_report(assessor, reports["restricted"].pk) == reports["restricted"]
    with pytest.raises(Http404):
        selectors.issued_report(assessor, reports["confidential"].pk)
    with pytest.raises(Http404):
        selectors.issued_report(seen_by(team["observer"], planted), reports["restricted"].pk)


@pytest.mark.django_db
def test_chapters_above_the_clearance_say_only_that_they_exist(planted, team):
    rows = {chapter.value: (row, hidden) for chapter, row, hidden in selectors.chapters(seen_by(team["observer"],
                                                                                               planted))}
    assert rows["background"][0].text == marker("public", "chapter") and not rows["background"][1]
    assert rows["key_issues"] == (None, True)  # restricted: hidden, its text not read
    assert rows["reform_factors"] == (None, True)  # confidential


@pytest.mark.django_db
def test_a_non_member_gets_no_seen_to_read_with(planted, team):
    with pytest.raises(Http404):
        seen_by(team["outsider"], planted)
