"""The report of a full assessment (whole guide in scope, every question answered, 300 sources): time and peak
memory of the PDF and of the Word file, each against WeasyPrint alone laying out the same HTML (the floor
the PDF cannot go below), measured in the same run.

Each sample runs in a forked child process so that its peak resident memory (ru_maxrss) is its own; the
child starts from the parent's memory, so the figures compare with each other, not with an empty process."""

import io
import multiprocessing
import os
import resource
import secrets
import time

from bench.bench_assessment import build
from bench.harness import emit, figure

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


def _samples(fn, repeat: int) -> tuple[list[float], list[float]]:
    times, peaks = [], []
    for _ in range(repeat):
        ms, peak = _measure(fn)
        times.append(ms)
        peaks.append(peak)
    return times, peaks


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

        floor_times, floor_peaks = _samples(lambda: html_to_pdf(html), repeat)
        extra = {"questions": counts["questions"], "sources": 300, "html_kb": round(len(html) / 1024, 1)}
        for name, fn in (("report_pdf_full_assessment", pdf), ("report_docx_full_assessment", docx)):
            times, peaks = _samples(fn, repeat)
            emit(figure(name, times, floor_times, "WeasyPrint alone on the same HTML",
                        peak_rss_mb=round(max(peaks), 1), baseline_peak_rss_mb=round(max(floor_peaks), 1),
                        pdf_pages=pages, **extra))
    finally:
        from django.contrib.auth import get_user_model

        assessment.delete()
        get_user_model().objects.filter(username=username).delete()
