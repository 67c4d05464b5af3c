"""Shared pieces of the benchmarks: Django set-up on a throw-away database, timing and figures.

A figure and its baseline are sampled as alternating pairs (`sample_pairs`): subject, baseline, baseline,
subject, ... so that whatever else the machine does at a moment weighs on both sides of a pair alike. Each
figure then carries, besides both medians, the median of the per-pair ratios (`ratio_median`), which swings far
less from run to run than the ratio of two medians sampled block by block."""

import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field


def setup_django(urlconf: str = "bench.urls") -> None:
    """Point SOMA at a fresh data folder (unless DATABASE_URL says otherwise) and migrate it."""
    if "SOMA_DATA_DIR" not in os.environ or os.environ.get("SOMA_BENCH_FRESH", "1") == "1":
        os.environ["SOMA_DATA_DIR"] = tempfile.mkdtemp(prefix="soma-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soma.settings")
    import django
    from django.conf import settings

    django.setup()
    settings.ROOT_URLCONF = urlconf
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def sample(fn: Callable[[], object], repeat: int, warmup: int = 5) -> list[float]:
    """Wall-clock milliseconds of `repeat` calls of fn, after `warmup` untimed calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


@dataclass
class Pairs:
    """Milliseconds of a subject and of its baseline, sampled as alternating pairs (the i-th of each together)."""

    subject: list[float] = field(default_factory=list)
    baseline: list[float] = field(default_factory=list)

    def ratios(self) -> list[float]:
        return [s / b for s, b in zip(self.subject, self.baseline, strict=True) if b > 0]


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def sample_pairs(fn: Callable[[], object], baseline: Callable[[], object], repeat: int, warmup: int = 5) -> Pairs:
    """`repeat` pairs of timed calls of fn and of baseline, after `warmup` untimed pairs. The order within a
    pair alternates (A B, B A, A B, ...) so that neither side always runs second, e.g. with a warmer cache."""
    for _ in range(warmup):
        fn()
        baseline()
    pairs = Pairs()
    for n in range(repeat):
        if n % 2 == 0:
            pairs.subject.append(_timed(fn))
            pairs.baseline.append(_timed(baseline))
        else:
            pairs.baseline.append(_timed(baseline))
            pairs.subject.append(_timed(fn))
    return pairs


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def figure(name: str, times_ms: list[float], baseline_ms: list[float], baseline: str, **extra) -> dict:
    """One benchmark figure: median and p95 of the subject against the baseline measured in the same run."""
    from django.db import connection

    return {
        "figure": name,
        "unit": "ms",
        "n": len(times_ms),
        "median": round(statistics.median(times_ms), 3),
        "p95": round(percentile(times_ms, 95), 3),
        "baseline": baseline,
        "baseline_median": round(statistics.median(baseline_ms), 3),
        "baseline_p95": round(percentile(baseline_ms, 95), 3),
        "database": connection.vendor,
        **extra,
    }


def paired_figure(name: str, pairs: Pairs, baseline: str, **extra) -> dict:
    """`figure` of alternating pairs, plus the median and p95 of the per-pair ratios subject / baseline."""
    ratios = pairs.ratios()
    return figure(
        name,
        pairs.subject,
        pairs.baseline,
        baseline,
        sampling="alternating pairs",
        ratio_median=round(statistics.median(ratios), 3),
        ratio_p95=round(percentile(ratios, 95), 3),
        **extra,
    )


def emit(row: dict) -> None:
    print(json.dumps(row, ensure_ascii=False), flush=True)
