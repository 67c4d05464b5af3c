"""Search against SQLite FTS5 over the same documents (same run, alternating pairs):

- search_latency: SOMA's search() per judged query against an FTS5 MATCH of the same words over an in-memory
  table of the very documents SOMA indexes (catalog_index.documents), ranked by BM25 with the same column and
  kind weights, top 20 with a highlighted snippet;
- search_index_build: building SOMA's index against building that FTS5 table, both from the same catalog tree;
- search_relevance: SOMA's ranking (with its synonym expansion) against plain keywords (expand=False);
- search_relevance_fts5: SOMA's ranking against the FTS5 ranking of the same words, on the same judged queries.
"""

from __future__ import annotations

import itertools
import sqlite3

from bench.harness import emit, paired_figure, sample_pairs

ROUNDS = 5
LIMIT = 20
# Stored as they are (UNINDEXED), searched with the same tokenizer family SOMA uses: Unicode words, English stems.
FTS5_TABLE = (
    "CREATE VIRTUAL TABLE docs USING fts5(key UNINDEXED, kind UNINDEXED, weight UNINDEXED, document UNINDEXED,"
    " section UNINDEXED, article UNINDEXED, title, body, context, tokenize='porter unicode61 remove_diacritics 2')"
)
# bm25() weights per column, in table order: SOMA boosts the title 1.5 against body and context.
FTS5_SEARCH = (
    "SELECT key, kind, snippet(docs, 7, '<mark>', '</mark>', '…', 32) FROM docs WHERE docs MATCH ?"
    " ORDER BY bm25(docs, 0, 0, 0, 0, 0, 0, 1.5, 1.0, 1.0) * weight, key LIMIT ?"
)


def fts5_build(tree) -> sqlite3.Connection:
    """An in-memory FTS5 table of the documents SOMA's index holds (computed from the tree here too)."""
    from soma.search import catalog_index

    connection = sqlite3.connect(":memory:", check_same_thread=False)
    connection.execute(FTS5_TABLE)
    connection.executemany(
        "INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (d["key"], d["kind"], catalog_index.SEARCHABLE_KINDS[d["kind"]], d["document"], d["section"],
             " ".join(d["article"]), d["title"], d["body"], d["context"])
            for d in catalog_index.documents(tree)
        ),
    )
    connection.commit()
    return connection


def fts5_query(text: str) -> str:
    """The same words SOMA searches for (no stopwords, phrases kept, `word*` as a prefix), ORed, in FTS5 syntax."""
    from soma.search import services

    terms = []
    for match in services.TOKEN.finditer(text or ""):
        phrase, bare = match.groups()
        if phrase is not None:
            words = [w.lower() for w in services.WORD.findall(phrase.replace("*", ""))]
            if len(words) > 1:
                terms.append('"' + " ".join(words) + '"')
                continue
            bare = " ".join(words)
        for word in (w.lower() for w in services.WORD.findall(bare)):
            stem = word.rstrip("*")
            if stem in services.STOPWORDS:
                continue
            if word.endswith("*"):
                if len(stem) >= 2:
                    terms.append(f'"{stem}"*')
            else:
                terms.append(f'"{word}"')
    return " OR ".join(dict.fromkeys(terms))


def fts5_search(connection: sqlite3.Connection, text: str, limit: int = LIMIT) -> list[tuple[str, str, str]]:
    """(key, kind, snippet) of the best `limit` documents for what the user typed."""
    query = fts5_query(text)
    return connection.execute(FTS5_SEARCH, (query, limit)).fetchall() if query else []


def run(rounds: int = ROUNDS) -> None:
    from django.contrib.auth import get_user_model

    from soma.catalog import packs, selectors
    from soma.search import catalog_index, evaluation, services

    packs.load_builtin()
    user, _ = get_user_model().objects.get_or_create(username="bench.demo")
    judged = evaluation.judged_queries()
    queries = [j.query for j in judged]
    services.search(user, "warm up the index")  # builds the tree and the index once, outside the timings
    tree = selectors.tree()
    fts5 = fts5_build(tree)

    def cycling(fn):
        texts = itertools.cycle(queries)
        return lambda: fn(next(texts))

    repeat = len(queries) * rounds
    emit(
        paired_figure(
            "search_latency",
            # Both sides step through the queries together: each pair times the same query.
            sample_pairs(
                cycling(lambda text: services.search(user, text, limit=LIMIT)),
                cycling(lambda text: fts5_search(fts5, text)),
                repeat,
                warmup=len(queries),
            ),
            "SQLite FTS5 MATCH of the same words over the same documents (bm25, top 20, snippet)",
            queries=len(queries),
            rounds=rounds,
            sqlite=sqlite3.sqlite_version,
        )
    )

    documents = sum(1 for _ in catalog_index.documents(tree))
    emit(
        paired_figure(
            "search_index_build",
            sample_pairs(lambda: catalog_index.build(tree), lambda: fts5_build(tree).close(), 2 * rounds, warmup=1),
            "SQLite FTS5 in-memory table of the same documents, built from the same tree",
            documents=documents,
        )
    )

    compared = evaluation.compare(user)
    expanded, plain = compared["expanded"]["summary"], compared["plain"]["summary"]
    row = {"figure": "search_relevance", "queries": len(queries), "baseline": "plain keywords (expand=False)"}
    for group in ("overall", *evaluation.TYPES):
        prefix = "" if group == "overall" else f"{group}_"
        for metric in ("success@5", "mrr@10", "recall@10"):
            row[f"{prefix}{metric}"] = expanded[group][metric]
            row[f"{prefix}baseline_{metric}"] = plain[group][metric]
    emit(row)

    scored = [
        {"type": j.type, **evaluation.score_query(tree, j, [key for key, _kind, _s in fts5_search(fts5, j.query, 10)])}
        for j in judged
    ]
    row = {"figure": "search_relevance_fts5", "queries": len(queries),
           "baseline": "SQLite FTS5, same words ORed, bm25 with the same weights"}
    for group in ("overall", *evaluation.TYPES):
        prefix = "" if group == "overall" else f"{group}_"
        fts5_means = evaluation.mean([s for s in scored if group == "overall" or s["type"] == group])
        for metric in ("success@5", "mrr@10", "recall@10"):
            row[f"{prefix}{metric}"] = expanded[group][metric]
            row[f"{prefix}baseline_{metric}"] = fts5_means[metric]
    emit(row)
    fts5.close()
