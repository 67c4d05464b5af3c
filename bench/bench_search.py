"""Search: latency of search() over the judged queries against a naive substring scan, index build time
against loading the tree, and relevance of the expanded search against plain keywords (same run)."""

import itertools

from bench.harness import emit, paired_figure, sample_pairs

ROUNDS = 5


def run(rounds: int = ROUNDS) -> None:
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    from soma.catalog import packs, selectors
    from soma.catalog.models import Item
    from soma.search import catalog_index, evaluation, services

    catalog, _created = packs.load_builtin()
    user, _ = get_user_model().objects.get_or_create(username="bench.demo")
    queries = [judged.query for judged in evaluation.judged_queries()]
    services.search(user, "warm up the index")  # builds the tree and the index once, outside the timings

    def cycling(fn):
        texts = itertools.cycle(queries)
        return lambda: fn(next(texts))

    def indexed(text):
        return services.search(user, text, limit=20)

    def naive(text):
        """What you'd do without an index: every meaningful word, case-insensitive substring, ORed."""
        words = [w.lower() for w in services.WORD.findall(text)]
        words = [w.rstrip("*") for w in words if w.rstrip("*") not in services.STOPWORDS] or words
        condition = Q()
        for word in words:
            condition |= Q(text__icontains=word) | Q(title__icontains=word)
        return list(Item.objects.filter(condition, catalog=catalog).values_list("key", flat=True))

    repeat = len(queries) * rounds
    emit(
        paired_figure(
            "search_latency",
            # Both sides step through the queries together: each pair times the same query.
            sample_pairs(cycling(indexed), cycling(naive), repeat, warmup=len(queries)),
            "icontains scan of Item.text/title, words ORed",
            queries=len(queries),
            rounds=rounds,
        )
    )

    tree = selectors.tree()
    emit(
        paired_figure(
            "search_index_build",
            sample_pairs(lambda: catalog_index.build(tree), lambda: selectors.Tree(catalog), 5, warmup=1),
            "loading the catalog tree (selectors.Tree)",
            documents=catalog_index.build(tree).index.searcher().num_docs,
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
