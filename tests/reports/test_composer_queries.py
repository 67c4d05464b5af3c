"""Composing a report makes as many SQL queries for 30 findings and recommendations as for 3: the catalog
labels of their provisions, Toolkit sections and areas come from the tree read once per report."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from soma.reports.composer import compose
from tests.findings import test_query_counts

# The assessment, its team and grow(): the same material as the pages' query-count test.
team, assessment, grow = test_query_counts.team, test_query_counts.assessment, test_query_counts.grow


def composed_queries(user, assessment, audience: str) -> tuple[int, dict]:
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as captured:
        snapshot = compose(user, assessment, audience)
    return len(captured.captured_queries), snapshot


@pytest.mark.parametrize("who,audience", [("lead", "confidential"), ("lead", "public"), ("assessor", "restricted")])
def test_composer_makes_the_same_queries_for_3_and_30_findings_and_recommendations(assessment, team, who, audience):
    counts = {}
    for n in (3, 30):
        grow(team["lead"], assessment, n)
        counts[n], snapshot = composed_queries(team[who], assessment, audience)
        findings = [f for s in snapshot["sections"] for sub in s["subsections"] for f in sub["findings"]]
        recommendations = [i for p in snapshot["recommendations"] for a in p["areas"] for i in a["items"]]
        assert findings and recommendations, (n, audience)
        assert all(f["provisions"] for f in findings) and all(r["toolkit"] for r in recommendations)
    assert counts[3] == counts[30], counts
