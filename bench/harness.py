"""Shared pieces of the benchmarks: Django set-up on a throw-away database, timing and figures."""

import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable


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


def emit(row: dict) -> None:
    print(json.dumps(row, ensure_ascii=False), flush=True)
