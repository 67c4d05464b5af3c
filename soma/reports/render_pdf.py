"""The report as PDF: the HTML version laid out by WeasyPrint (page numbers, running heads, contents).

Every PDF is tagged for accessibility and claims PDF/UA-1 (ISO 14289-1): its structure tree follows the HTML
(headings, lists, tables with their header cells, the figure with its text alternative), it states its
language and shows its title. An issued report is also PDF/A-3u (ISO 19005-3), the archival form: fonts
embedded, colours tied to the sRGB profile, metadata in XMP, which names both standards."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree

if TYPE_CHECKING:
    from soma.reports.render_html import Figures

#: WeasyPrint's names of the variants SOMA writes.
ACCESSIBLE = "pdf/ua-1"
ARCHIVAL = "pdf/a-3u"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_PDFUA_ID = "http://www.aiim.org/pdfua/ns/id/"


def render_pdf(snapshot: dict, content_hash: str = "", *, archival: bool = False,
               figures: Figures | None = None) -> bytes:
    from soma.reports.render_html import render_html

    return html_to_pdf(render_html(snapshot, content_hash, figures=figures), archival=archival)


def html_to_pdf(html: str, *, archival: bool = False) -> bytes:
    """Tagged PDF/UA-1; with `archival` (issued reports) PDF/A-3u as well."""
    import weasyprint  # here, not at the top: the URL configuration must not load it (start-up cost)
    from weasyprint.urls import URLFetcher

    # The report is self-contained (images are data URIs): nothing is fetched from disk or network.
    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    document = weasyprint.HTML(string=html, base_url=None, url_fetcher=fetcher)
    if not archival:
        return document.write_pdf(pdf_variant=ACCESSIBLE)
    # WeasyPrint writes one variant's identification; the PDF/UA one is added to the PDF/A metadata it wrote.
    return document.write_pdf(pdf_variant=ARCHIVAL, pdf_tags=True, finisher=_also_pdf_ua)


def _also_pdf_ua(document: Any, pdf: Any) -> None:
    """WeasyPrint finisher: add the PDF/UA-1 identification (pdfuaid:part 1) to the XMP metadata stream that the
    PDF/A variant wrote, next to its pdfaid:part and pdfaid:conformance."""
    for item in pdf.objects:  # pydyf objects; the metadata stream is the one whose /Type is /Metadata
        extra = getattr(item, "extra", None)
        if isinstance(extra, dict) and extra.get("Type") == "/Metadata":
            packet = b"".join(part if isinstance(part, bytes) else str(part).encode() for part in item.stream)
            start, end = packet.index(b"<rdf:RDF"), packet.index(b"</rdf:RDF>") + len(b"</rdf:RDF>")
            rdf = ElementTree.fromstring(packet[start:end])
            described = rdf.find(f"{{{_RDF}}}Description")
            if described is None:
                raise ValueError("The PDF/A metadata has no rdf:Description to identify PDF/UA in.")
            described.set(f"{{{_PDFUA_ID}}}part", "1")
            item.stream = [packet[:start] + ElementTree.tostring(rdf, encoding="utf-8", xml_declaration=False)
                           + packet[end:]]
            return
    raise ValueError("WeasyPrint wrote no XMP metadata stream for the PDF/A variant.")
