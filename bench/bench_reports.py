"""The report of a full assessment (whole guide in scope, every question answered, 300 sources): time and peak
memory of the PDF and of the Word file, each against WeasyPrint alone laying out the same HTML (the floor
the PDF cannot go below), measured in the same run, interleaved: each round times the floor, the PDF and the
Word file, the floor first in one round and last in the next.

Each sample runs in a forked child process so that its peak resident memory (ru_maxrss) is its own; the
child starts from the parent's memory, so the figures compare with each other, not with an empty process."""

import io
import multiprocessing
import os
import resource
import secrets
import time

from bench.bench_assessment import build
from bench.harness import Pairs, emit, paired_figure

REPEAT = max(1, min(int(os.environ.get("SOMA_BENCH_REPEAT", "100")), 3))


def _measure(fn) -> tuple[float, float]:
    """(milliseconds, peak resident MB) of one call of fn in a forked child."""
    from django.db import connections

    connections.close_all()  # the child opens its own connection
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe()

    def target():
        start = time.perf_counter()
        fn()
        elapsed = (time.perf_counter() - start) * 1000
        child.send((elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))
        child.close()

    process = context.Process(target=target)
    process.start()
    result = parent.recv()
    process.join()
    assert process.exitcode == 0, f"the measured call failed (exit {process.exitcode})"
    return result


def _interleaved(floor, subjects: dict, repeat: int) -> tuple[dict[str, Pairs], dict[str, list[float]]]:
    """Per subject, its (subject, floor) pairs from the same rounds; and every sample's peak memory."""
    pairs = {name: Pairs() for name in subjects}
    peaks: dict[str, list[float]] = {"floor": [], **{name: [] for name in subjects}}
    for n in range(repeat):
        order = [("floor", floor), *subjects.items()]
        if n % 2:
            order.reverse()
        times = {}
        for name, fn in order:
            times[name], peak = _measure(fn)
            peaks[name].append(peak)
        for name in subjects:
            pairs[name].subject.append(times[name])
            pairs[name].baseline.append(times["floor"])
    return pairs, peaks


def run(repeat: int = REPEAT) -> None:
    from pypdf import PdfReader

    from soma.reports import composer, services
    from soma.reports.render_docx import render_docx
    from soma.reports.render_html import render_html
    from soma.reports.render_pdf import html_to_pdf

    username = f"bench.reports.{secrets.token_hex(4)}"
    user, assessment, _biggest, counts = build(username)
    try:
        snapshot = composer.compose(user, assessment, "confidential")
        html = render_html(snapshot, services.content_hash(snapshot))
        pages = len(PdfReader(io.BytesIO(html_to_pdf(html))).pages)

        def pdf():
            s = composer.compose(user, assessment, "confidential")
            html_to_pdf(render_html(s, services.content_hash(s)))

        def docx():
            s = composer.compose(user, assessment, "confidential")
            render_docx(s, content_hash=services.content_hash(s))

        subjects = {"report_pdf_full_assessment": pdf, "report_docx_full_assessment": docx}
        pairs, peaks = _interleaved(lambda: html_to_pdf(html), subjects, repeat)
        extra = {"questions": counts["questions"], "sources": 300, "html_kb": round(len(html) / 1024, 1)}
        for name in subjects:
            emit(paired_figure(name, pairs[name], "WeasyPrint alone on the same HTML",
                               peak_rss_mb=round(max(peaks[name]), 1),
                               baseline_peak_rss_mb=round(max(peaks["floor"]), 1), pdf_pages=pages, **extra))
    finally:
        from django.contrib.auth import get_user_model

        assessment.delete()
        get_user_model().objects.filter(username=username).delete()
