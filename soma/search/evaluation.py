"""Relevance of search on a fixed set of judged queries (relevance.yaml): success@5, MRR@10 and recall@10.

Each query is run twice, with the synonym expansion (expand=True) and without it (the plain keyword
baseline), and the figures are averaged per query type (keyword, paraphrase, question) and overall. A hit
counts as relevant when it is a judged item or a descendant of one (a question of a judged subsection, a
provision of a judged article).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from soma.catalog import selectors
from soma.search import services

TYPES = ("keyword", "paraphrase", "question")


@dataclass(frozen=True)
class Judged:
    query: str
    type: str
    relevant: tuple[str, ...]


@cache
def judged_queries() -> tuple[Judged, ...]:
    data = yaml.safe_load(Path(__file__).with_name("relevance.yaml").read_text(encoding="utf-8"))
    return tuple(Judged(q["query"], q["type"], tuple(q["relevant"])) for q in data["queries"])


def _matched(tree: selectors.Tree, hit_id: str, relevant: tuple[str, ...]) -> str | None:
    """The judged id this hit stands for (itself or its nearest judged ancestor), if any."""
    if hit_id in relevant:
        return hit_id
    item = tree.get(hit_id)
    if item is None:
        return None
    return next((a.key for a in reversed(tree.ancestors(item)) if a.key in relevant), None)


def score_query(tree, judged: Judged, hit_ids: list[str]) -> dict[str, float]:
    """success@5, reciprocal rank within 10 and recall@10 for one query's ranked hit ids."""
    matches = [_matched(tree, hit_id, judged.relevant) for hit_id in hit_ids[:10]]
    first = next((rank for rank, match in enumerate(matches, start=1) if match), None)
    return {
        "success@5": 1.0 if first and first <= 5 else 0.0,
        "mrr@10": 1.0 / first if first else 0.0,
        "recall@10": len({m for m in matches if m}) / len(judged.relevant),
    }


def mean(rows: list[dict[str, float]]) -> dict[str, float]:
    keys = ("success@5", "mrr@10", "recall@10")
    return {key: round(sum(row[key] for row in rows) / len(rows), 3) if rows else 0.0 for key in keys}


def evaluate(user, *, expand: bool, queries=None) -> dict:
    """Per-type and overall means, plus each query's scores, for search() with or without expansion."""
    tree = selectors.tree()
    queries = queries or judged_queries()
    per_query = []
    for judged in queries:
        hits = services.search(user, judged.query, limit=10, expand=expand)
        scores = score_query(tree, judged, [hit.id for hit in hits])
        per_query.append({"query": judged.query, "type": judged.type, **scores})
    summary = {kind: mean([row for row in per_query if row["type"] == kind]) for kind in TYPES}
    summary["overall"] = mean(per_query)
    return {"expand": expand, "summary": summary, "queries": per_query}


def compare(user) -> dict:
    """Expanded against plain, side by side: {"expanded": {...}, "plain": {...}}."""
    return {"expanded": evaluate(user, expand=True), "plain": evaluate(user, expand=False)}
