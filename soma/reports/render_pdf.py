"""The report as PDF: the HTML version laid out by WeasyPrint (page numbers, running heads, contents)."""

from __future__ import annotations

from soma.reports.render_html import render_html


def render_pdf(snapshot: dict, content_hash: str = "") -> bytes:
    return html_to_pdf(render_html(snapshot, content_hash))


def html_to_pdf(html: str) -> bytes:
    import weasyprint  # here, not at the top: the URL configuration must not load it (start-up cost)
    from weasyprint.urls import URLFetcher

    # The report is self-contained (images are data URIs): nothing is fetched from disk or network.
    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    return weasyprint.HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf()
