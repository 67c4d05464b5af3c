"""The assessment report as a Word document, rendered from the composer's snapshot alone (never the database).

The parts, their order and their headings are those of the HTML report (REPORT_PARTS). Every page states the
version's classification in its header. The same snapshot renders to the same document: no clock, user name
or python-docx default ends up in the file.
"""

from __future__ import annotations

import base64
import copy
import datetime
import io
import re
import unicodedata
import zipfile

import docx
from django.utils import formats, translation
from django.utils.translation import gettext as _
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.image.exceptions import UnrecognizedImageError
from docx.image.image import Image
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.text.run import CT_R
from docx.shared import Cm, Pt, RGBColor
from docx.styles.style import BaseStyle
from docx.text.run import Run

from soma.reports.models import REPORT_PARTS, Chapter
from soma.reports.render_html import Figures, draw_figures, gap_map_alt, shown_parts

# Fonts that Word (Windows and Mac) and LibreOffice both have, per script. Arial: Latin, Greek and Cyrillic
# (LibreOffice sets it in the metric-compatible Liberation Sans, so lines break in the same places) and, as in
# Office's own theme, Arabic (complex script, w:cs). SimSun: Chinese, Japanese and Korean (w:eastAsia), in
# Windows since 1995 and installed with Office for Mac; LibreOffice takes the nearest CJK font it has.
FONTS = {"w:ascii": "Arial", "w:hAnsi": "Arial", "w:cs": "Arial", "w:eastAsia": "SimSun"}
TEXT_WIDTH = Cm(16)  # A4 (21 cm) less two margins of 2.5 cm
# The gap map and the two paragraphs above it (its part's heading, one sentence) fit on one page.
MAX_FIGURE_HEIGHT = Cm(19)
SMALL = Pt(8)
GREY = RGBColor(0x55, 0x55, 0x55)
# Characters XML 1.0 cannot hold; python-docx refuses them, so they are dropped from the snapshot's text.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_PLACEHOLDER = re.compile(r"%\((page|pages)\)s")
# A line that python-docx's Run.text would write as a single w:t (no tab, carriage return or line feed).
_PLAIN_LINE = re.compile(r"[^\t\r\n]+")
# Elements that must follow the ones added here, in the order the OOXML schema sets (Word refuses a file
# whose elements are out of order).
AFTER_BIDI = ("w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
              "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
              "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
AFTER_RTL = ("w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath")
AFTER_SECTION_BIDI = ("w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange")
AFTER_BIDI_VISUAL = ("w:tblStyleRowBandSize", "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing",
                     "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook",
                     "w:tblCaption", "w:tblDescription", "w:tblPrChange")
AFTER_CELL_SHADING = ("w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark",
                      "w:headers", "w:cellIns", "w:cellDel", "w:cellMerge", "w:tcPrChange")

APP_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Application>SOMA</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
    "<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged>"
    "</Properties>"
)


def render_docx(snapshot: dict, content_hash: str = "", figures: Figures | None = None) -> bytes:
    """The report as DOCX bytes. `content_hash`, when given, is printed in small text at the end of the cover.
    `figures`: the report's figures already drawn (render_html.draw_figures); drawn here when not given."""
    if figures is None:
        figures = draw_figures(snapshot)
    with translation.override(snapshot.get("language") or "en"):
        return _Renderer(snapshot, content_hash, figures).render()


def text_direction(text: str) -> str | None:
    """ "rtl" or "ltr" by the text's first strongly directional character (Unicode's own rule for a paragraph's
    direction, rules P2 and P3 of the bidirectional algorithm); None when it has none (numbers, punctuation)."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return None


def is_rtl_text(text: str) -> bool:
    """Whether the text's first strongly directional character is right-to-left (Hebrew, Arabic...)."""
    return text_direction(text) == "rtl"


def _clean(text) -> str:
    return _NOT_XML.sub("", str(text or ""))


def _paragraphs(text: str) -> list[str]:
    """Plain text as paragraphs: blank lines separate them."""
    return [p.strip("\n") for p in re.split(r"\n\s*\n", _clean(text).replace("\r\n", "\n")) if p.strip()]


def _date(value: str) -> str:
    """An ISO date or date-time as the report language writes a date."""
    if not value:
        return ""
    try:
        day = datetime.date.fromisoformat(value[:10])
    except ValueError:
        return value
    return formats.date_format(day, "DATE_FORMAT", use_l10n=True)


def _period(start: str, end: str) -> str:
    return " – ".join(d for d in (_date(start), _date(end)) if d)


def _bookmark(part: str) -> str:
    """The bookmark on a part's heading (a leading underscore: Word lists it among hidden bookmarks)."""
    return f"_Toc_{part}"


def _marks(citations: list[str]) -> str:
    return " ".join(f"[{c}]" for c in citations)


# --- low-level OOXML helpers (python-docx has no API for fields, bidi, header rows or settings) ---------------


def _set_font(rpr_owner) -> None:
    """Set the fonts for Latin, complex-script (Arabic, Hebrew) and East Asian text (FONTS), and drop the theme
    fonts the default template's styles use (they would win over the explicit names)."""
    _set_fonts_in(rpr_owner.get_or_add_rPr())


def _set_fonts_in(rpr) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr, name in FONTS.items():
        fonts.set(qn(attr), name)


def _set_size(run_or_style, size) -> None:
    """Font size for Latin and complex-script text alike (python-docx sets only w:sz, and Word draws Arabic
    with w:szCs)."""
    run_or_style.font.size = size
    rpr = run_or_style.element.get_or_add_rPr()
    size_cs = rpr.find(qn("w:szCs"))
    if size_cs is None:
        size_cs = OxmlElement("w:szCs")
        rpr.find(qn("w:sz")).addnext(size_cs)
    size_cs.set(qn("w:val"), str(int(size.pt * 2)))


def _add_field(paragraph, instruction: str, placeholder: str = "1", size=None):
    """A Word field (PAGE, NUMPAGES...) as begin / instruction / separate / cached result / end runs."""
    for kind, text in (("begin", None), ("instr", instruction), ("separate", None), ("result", placeholder),
                       ("end", None)):
        run = paragraph.add_run()
        if size is not None:
            _set_size(run, size)
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {text} "
            run._r.append(instr)
        elif kind == "result":
            run.text = text
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)


def _make_rtl(paragraph) -> None:
    """Right-to-left paragraph (w:bidi) and runs (w:rtl). python-docx has no bidi API, so the elements are
    added directly. Runs holding right-to-left letters are marked, and runs of only numbers and punctuation
    (they take the paragraph's direction). Runs of Latin text are left alone: marked, Word would order their
    digits and punctuation right-to-left ("27 Page 1 of")."""
    ppr = paragraph._p.get_or_add_pPr()
    if ppr.find(qn("w:bidi")) is None:
        ppr.insert_element_before(OxmlElement("w:bidi"), *AFTER_BIDI)
    for element in paragraph._p.iter(qn("w:r")):  # runs inside links too
        run = Run(element, paragraph)
        kinds = {unicodedata.bidirectional(ch) for ch in run.text}
        if kinds & {"R", "AL"} or (run.text and "L" not in kinds):
            rpr = run._r.get_or_add_rPr()
            if rpr.find(qn("w:rtl")) is None:
                rpr.insert_element_before(OxmlElement("w:rtl"), *AFTER_RTL)


def _repeat_header_row(row) -> None:
    """The table's first row repeats at the top of every page the table runs onto (w:tblHeader)."""
    trpr = row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:tblHeader"))


def _shade(cell, fill: str = "E7E7E7") -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().insert_element_before(shading, *AFTER_CELL_SHADING)


class _Renderer:
    def __init__(self, snapshot: dict, content_hash: str, figures: Figures):
        self.s = snapshot
        self.figures = figures
        self.content_hash = content_hash
        self.rtl = snapshot.get("direction") == "rtl"
        self.doc = docx.Document()
        self.headings = {key: str(label) for key, label in REPORT_PARTS}
        self.classification = _clean(snapshot.get("classification_label") or snapshot.get("audience") or "").upper()
        self.title = _clean(snapshot.get("assessment", {}).get("title", ""))
        self.run_templates: dict[tuple, CT_R] = {}
        self.styles_by_name: dict[str, BaseStyle] = {}
        self.bookmarks = 0  # the last bookmark id given

    def render(self) -> bytes:
        self.page_setup()
        self.styles()
        self.header_and_footer()
        self.cover()
        toc_done = False
        for key in self.parts():
            method = getattr(self, f"part_{key}")
            if key != "boilerplate" and not toc_done:
                self.table_of_contents()
                toc_done = True
            method()
        if not toc_done:
            self.table_of_contents()
        self.settings()
        self.properties()
        return self.save()

    def parts(self) -> list[str]:
        """The parts this report shows, in order: those of the HTML report (render_html.shown_parts)."""
        return [key for key in shown_parts(self.s) if key in self.headings]

    # --- document frame -------------------------------------------------------------------------------------

    def page_setup(self) -> None:
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.5)
        section.top_margin = section.bottom_margin = Cm(2.5)
        section.header_distance = section.footer_distance = Cm(1.2)
        section.different_first_page_header_footer = True
        if self.rtl:
            # Section-level right-to-left: columns and page furniture run from the right (no python-docx API).
            section._sectPr.insert_element_before(OxmlElement("w:bidi"), *AFTER_SECTION_BIDI)

    def styles(self) -> None:
        styles = self.doc.styles
        # The document's defaults too, for anything that names no style of its own.
        defaults = styles.element.find(qn("w:docDefaults"))
        default_rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}") if defaults is not None else None
        if default_rpr is not None:
            _set_fonts_in(default_rpr)
        normal = styles["Normal"]
        _set_font(normal.element)
        _set_size(normal, Pt(10))
        normal.paragraph_format.space_after = Pt(6)
        for name, size in (("Title", Pt(24)), ("Subtitle", Pt(14)), ("Heading 1", Pt(16)), ("Heading 2", Pt(13)),
                           ("Heading 3", Pt(11)), ("Heading 4", Pt(10)), ("TOC Heading", Pt(16)),
                           ("Header", Pt(8)), ("Footer", Pt(8))):
            style = styles[name]
            _set_font(style.element)
            _set_size(style, size)
        styles["Heading 1"].paragraph_format.page_break_before = True
        for name in ("Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "Heading 4"):
            styles[name].font.color.rgb = RGBColor(0x1F, 0x3A, 0x5F)

    def header_and_footer(self) -> None:
        section = self.doc.sections[0]
        running = section.header.paragraphs[0]
        self.runs(running, [(self.classification, True), (f" · {self.title}", False)])
        self.direction(running)
        first = section.first_page_header.paragraphs[0]
        first.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self.runs(first, [(self.classification, True)])
        self.direction(first)
        for footer in (section.footer, section.first_page_footer):
            self.page_numbers(footer.paragraphs[0])

    def page_numbers(self, paragraph) -> None:
        """ "Page X of Y" in the report's language, the numbers as PAGE and NUMPAGES fields."""
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        pattern = _("Page %(page)s of %(pages)s")
        for i, piece in enumerate(_PLACEHOLDER.split(pattern)):
            if i % 2:
                _add_field(paragraph, "PAGE" if piece == "page" else "NUMPAGES")
            elif piece:
                paragraph.add_run(piece)
        # By the wording's own direction: an untranslated "Page 1 of 27" in a right-to-left paragraph would
        # show as "27 Page 1 of".
        if is_rtl_text(pattern):
            _make_rtl(paragraph)

    def settings(self) -> None:
        """Ask Word to update the fields (the table of contents) when the document opens."""
        settings = self.doc.settings.element
        update = OxmlElement("w:updateFields")
        update.set(qn("w:val"), "true")
        compat = settings.find(qn("w:compat"))  # w:updateFields must come before w:compat in the schema
        if compat is not None:
            compat.addprevious(update)
        else:
            settings.append(update)

    def properties(self) -> None:
        organisation = _clean(self.s.get("profile", {}).get("organisation", "")).strip() or "SOMA"
        core = self.doc.core_properties
        core.title = " — ".join(t for t in (self.title, _clean(self.s.get("audience_label", ""))) if t)
        core.author = core.last_modified_by = organisation
        for field in ("subject", "keywords", "comments", "category", "content_status", "identifier", "version"):
            setattr(core, field, "")
        core.language = _clean(self.s.get("language", ""))
        core.revision = 1
        composed = self.composed_at()
        core.created = core.modified = composed
        package = self.doc.part.package
        for rel in list(package.rels.values()):
            if rel.reltype == RT.THUMBNAIL:  # the template's picture of an empty page
                del package.rels[rel.rId]
            elif rel.reltype == RT.EXTENDED_PROPERTIES:
                # python-docx has no API for app.xml; the template's says "Microsoft Macintosh Word".
                rel.target_part._blob = APP_XML.encode()

    def composed_at(self) -> datetime.datetime:
        try:
            moment = datetime.datetime.fromisoformat(self.s.get("composed_at", ""))
        except ValueError:
            return datetime.datetime(2000, 1, 1)
        if moment.tzinfo is not None:
            moment = moment.astimezone(datetime.UTC).replace(tzinfo=None)
        return moment

    def save(self) -> bytes:
        """The document with every zip entry dated at composition, so the same snapshot gives the same bytes."""
        raw = io.BytesIO()
        self.doc.save(raw)
        stamp = max(self.composed_at(), datetime.datetime(1980, 1, 1)).timetuple()[:6]
        out = io.BytesIO()
        with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for item in source.infolist():
                entry = zipfile.ZipInfo(item.filename, date_time=stamp)
                entry.compress_type = zipfile.ZIP_DEFLATED
                target.writestr(entry, source.read(item.filename))
        return out.getvalue()

    # --- writing helpers ------------------------------------------------------------------------------------

    def direction(self, paragraph, text: str | None = None) -> None:
        """Each paragraph runs in the direction of its own text (its first strong character), so an English
        paragraph in an Arabic report stays left to right and an Arabic one in an English report runs right to
        left; a paragraph with no letters (numbers, punctuation, empty) takes the report's direction.
        `text`: the paragraph's text when the caller has it (reading it back from the XML costs more)."""
        if (text_direction(paragraph.text if text is None else text) or self.s.get("direction")) == "rtl":
            _make_rtl(paragraph)

    def runs(self, paragraph, pieces, size=None, colour=None) -> None:
        """Add (text, bold) pieces to the paragraph; single newlines become line breaks."""
        for text, bold in pieces:
            for i, line in enumerate(_clean(text).split("\n")):
                if i:
                    paragraph.add_run().add_break(WD_BREAK.LINE)
                run = self.run_like(bold or None, size, colour)
                paragraph._p.append(run)
                if _PLAIN_LINE.fullmatch(line):
                    run.add_t(line)  # what Run.text writes for such a line, without its per-character walk
                else:
                    Run(run, paragraph).text = line

    def style(self, name: str | None):
        """The style object of a name, looked up once (python-docx looks a name up anew on every use)."""
        if name is None:
            return None
        if name not in self.styles_by_name:
            self.styles_by_name[name] = self.doc.styles[name]
        return self.styles_by_name[name]

    def run_like(self, bold, size, colour) -> CT_R:
        """A new, empty w:r formatted so: a copy of the first one made (python-docx's formatting setters cost
        far more than copying the element, and a long report sets the same few formats thousands of times)."""
        key = (bold, size, colour)
        template = self.run_templates.get(key)
        if template is None:
            run = Run(OxmlElement("w:r"), None)  # type: ignore[arg-type]  # a template, copied: it has no parent
            run.bold = bold
            if size is not None:
                _set_size(run, size)
            if colour is not None:
                run.font.color.rgb = colour
            template = self.run_templates[key] = run._r
        return copy.deepcopy(template)

    def para(self, text="", style=None, bold=False, size=None, indent=0, colour=None, italic=False,
             align=None, pieces=None):
        paragraph = self.doc.add_paragraph(style=self.style(style))
        pieces = pieces if pieces is not None else [(text, bold)]
        self.runs(paragraph, pieces, size=size, colour=colour)
        if italic:
            for run in paragraph.runs:
                run.italic = True
        if indent:
            paragraph.paragraph_format.left_indent = Cm(indent)
        if align is not None:
            paragraph.alignment = align
        self.direction(paragraph, "".join(_clean(text) for text, _bold in pieces))
        return paragraph

    def heading(self, text: str, level: int):
        return self.para(text, style=f"Heading {level}")

    def part_heading(self, key: str):
        """The part's heading, with the bookmark its line in the table of contents links to and numbers from."""
        heading = self.heading(self.headings[key], 1)
        start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
        self.bookmarks += 1
        for element in (start, end):
            element.set(qn("w:id"), str(self.bookmarks))
        start.set(qn("w:name"), _bookmark(key))
        properties = heading._p.pPr
        if properties is not None:
            properties.addnext(start)
        else:
            heading._p.insert(0, start)
        heading._p.append(end)
        return heading

    def text(self, text: str, indent=0, empty: str | None = None) -> None:
        """Plain text: blank lines separate paragraphs. `empty` is written when there is no text."""
        paragraphs = _paragraphs(text)
        if not paragraphs and empty is not None:
            self.para(empty, italic=True, colour=GREY)
        for paragraph in paragraphs:
            self.para(paragraph, indent=indent)

    def no_text(self) -> str:
        return _("This part is empty in this version.")

    def label_line(self, pairs, indent=0, size=SMALL) -> None:
        """A line of "Label: value" pairs, the labels in bold; empty values are left out."""
        pieces: list[tuple[str, bool]] = []
        for label, value in pairs:
            if not value:
                continue
            if pieces:
                pieces.append(("  ·  ", False))
            pieces += [(f"{label}: ", True), (value, False)]
        if pieces:
            self.para(pieces=pieces, size=size, indent=indent)

    def table(self, columns: list[str], rows: list[list[str]], widths: list[float] | None = None):
        # All rows at once: python-docx's add_row() looks up the table's grid anew for each row.
        table = self.doc.add_table(rows=1 + len(rows), cols=len(columns))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        if self.rtl:
            # The columns run from the right in a right-to-left report (no python-docx API).
            table._tbl.tblPr.insert_element_before(OxmlElement("w:bidiVisual"), *AFTER_BIDI_VISUAL)
        header, *body = table.rows
        _repeat_header_row(header)
        for cell, name in zip(header.cells, columns, strict=True):
            self.cell(cell, name, bold=True)
            _shade(cell)
        for row, values in zip(body, rows, strict=True):
            row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # a row stays on one page
            cells = row.cells
            for cell, value in zip(cells, values, strict=True):
                self.cell(cell, value)
        if widths:
            table.autofit = False
            for column, width in zip(table.columns, widths, strict=True):
                column.width = Cm(width)  # the grid, which LibreOffice follows; Word follows the cells
            for row in table.rows:
                for cell, width in zip(row.cells, widths, strict=True):
                    cell.width = Cm(width)
        self.para("", size=Pt(4))  # keeps the next table or paragraph off this table's border
        return table

    def cell(self, cell, text, bold=False) -> None:
        paragraphs = _paragraphs(text) or [""]
        first = cell.paragraphs[0]
        for i, chunk in enumerate(paragraphs):
            paragraph = first if i == 0 else cell.add_paragraph()
            paragraph.paragraph_format.space_after = Pt(2)
            self.runs(paragraph, [(chunk, bold)], size=Pt(9))
            self.direction(paragraph, chunk)

    def picture(self, data: bytes, width, description: str, max_height=None):
        """A picture in its own paragraph, scaled down to fit `max_height` when it would be taller.
        `description`: its text alternative (wp:docPr descr: Word's and LibreOffice's "Alt Text")."""
        image = Image.from_blob(data)
        height = int(width * image.px_height / max(image.px_width, 1))
        paragraph = self.doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if max_height is not None and height > max_height:
            shape = paragraph.add_run().add_picture(io.BytesIO(data), height=max_height)
        else:
            shape = paragraph.add_run().add_picture(io.BytesIO(data), width=width)
        shape._inline.docPr.set("descr", _clean(description))
        self.direction(paragraph, "")
        return paragraph

    # --- cover, boilerplate, contents ---------------------------------------------------------------------

    def cover(self) -> None:
        profile, assessment = self.s.get("profile") or {}, self.s.get("assessment") or {}
        logo = profile.get("logo")
        if logo and logo.get("data"):
            try:
                self.picture(base64.b64decode(logo["data"]), Cm(4), profile.get("organisation") or _("Logo"),
                             max_height=Cm(4))
            except (UnrecognizedImageError, ValueError):
                pass  # a broken logo must not stop the report; the organisation's name is printed anyway
        center = WD_ALIGN_PARAGRAPH.CENTER
        if profile.get("organisation"):
            self.para(profile["organisation"], style="Subtitle", align=center)
        self.para("", size=Pt(30))
        self.para(self.title, style="Title", align=center)
        if assessment.get("jurisdictions"):
            self.para(", ".join(assessment["jurisdictions"]), style="Subtitle", align=center)
        for chunk in _paragraphs(profile.get("cover_text", "")):
            self.para(chunk, align=center)
        self.para("", size=Pt(30))
        self.para(self.s.get("audience_label", ""), bold=True, size=Pt(16), align=center)
        self.para(pieces=[(_("Classification") + ": ", False), (self.classification, True)], size=Pt(16),
                  align=center, colour=RGBColor(0xB2, 0x18, 0x2B))
        self.para(_date(self.s.get("composed_at", "")), align=center)
        if self.content_hash:
            self.para("", size=Pt(30))
            self.para(_("Content hash (SHA-256): %(hash)s") % {"hash": self.content_hash}, size=Pt(7),
                      align=center, colour=GREY)

    def part_boilerplate(self) -> None:
        self.part_heading("boilerplate")
        self.text((self.s.get("profile") or {}).get("boilerplate", ""))

    def table_of_contents(self) -> None:
        """The parts of the report (as in the HTML and the PDF), each a link to its heading with its page number
        as a PAGEREF field to a bookmark on the heading. Word and LibreOffice both work the page numbers out
        themselves (a TOC field's page numbers are only its last result, which LibreOffice shows as they
        were written: none), so the list needs no "update this table" note."""
        title = self.para(_("Contents"), style="TOC Heading")
        title.paragraph_format.page_break_before = True
        for key in self.parts():
            name = self.headings[key]
            paragraph = self.doc.add_paragraph()
            paragraph.paragraph_format.space_after = Pt(3)
            paragraph.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
            link = OxmlElement("w:hyperlink")
            link.set(qn("w:anchor"), _bookmark(key))
            link.set(qn("w:history"), "1")
            paragraph._p.append(link)
            run = Run(self.run_like(None, None, None), paragraph)
            run.text = name
            link.append(run._r)
            paragraph.add_run("\t")
            _add_field(paragraph, f"PAGEREF {_bookmark(key)} \\h", placeholder="")
            self.direction(paragraph, name)

    # --- narrative parts ------------------------------------------------------------------------------------

    def narrative(self, key: str) -> str:
        return (self.s.get("narrative") or {}).get(key, "")

    def part_background(self) -> None:
        self.part_heading("background")
        chapters = [Chapter.BACKGROUND, Chapter.PREVALENCE, Chapter.PERCEPTION]
        written = [c for c in chapters if _paragraphs(self.narrative(c.value))]
        if not written:
            self.para(self.no_text(), italic=True, colour=GREY)
        for chapter in written:
            self.heading(str(chapter.label), 2)
            self.text(self.narrative(chapter.value))

    def part_key_issues(self) -> None:
        self.part_heading("key_issues")
        self.text(self.narrative("key_issues"), empty=self.no_text())

    def part_reform_factors(self) -> None:
        self.part_heading("reform_factors")
        self.text(self.narrative("reform_factors"), empty=self.no_text())

    # --- methodology, institutions, desk review -------------------------------------------------------------

    def part_methodology(self) -> None:
        assessment, method = self.s.get("assessment") or {}, self.s.get("methodology") or {}
        self.part_heading("methodology")
        for label, value in ((_("Purpose"), assessment.get("purpose")),
                             (_("Terms of reference"), assessment.get("terms_of_reference")),
                             (_("Dissemination"), assessment.get("dissemination"))):
            value = value or ""
            if _paragraphs(value):
                self.heading(label, 2)
                self.text(value)
        self.heading(_("Scope"), 2)
        if assessment.get("joint_with_trafficking"):
            self.para(_("This assessment was carried out jointly with an assessment of the response to "
                        "trafficking in persons."))
        self.para(_("%(questions)s questions in %(subsections)s subsections, of which %(national)s national "
                    "questions.") % {"questions": method.get("questions", 0),
                                     "subsections": len(method.get("scope", [])),
                                     "national": method.get("national_questions", 0)})
        for sub in method.get("scope", []):
            self.para(f"{sub['code']}  {sub['title']}", style="List Bullet")
        period = _period(assessment.get("start_date", ""), assessment.get("end_date", ""))
        if period:
            self.heading(_("Time frame"), 2)
            self.para(period)
        if method.get("missions"):
            self.heading(_("Missions"), 2)
            for mission in method["missions"]:
                self.para(pieces=[(mission["title"], True),
                                  (f" ({_period(mission['start_date'], mission['end_date'])})"
                                   if mission.get("start_date") or mission.get("end_date") else "", False),
                                  (f": {mission['places']}" if mission.get("places") else "", False)],
                          style="List Bullet")
        if method.get("activities"):
            self.heading(_("Activities"), 2)
            self.table([_("Kind of activity"), _("Number")],
                       [[row["kind"], str(row["count"])] for row in method["activities"]], widths=[12, 4])
        self.heading(_("Sources"), 2)
        self.para(_("Number of sources consulted: %(count)s") % {"count": method.get("sources", 0)})
        if method.get("grading"):
            self.heading(_("Grading of sources and corroboration"), 2)
            for chunk in method["grading"]:
                self.text(chunk)

    def part_institutions(self) -> None:
        self.part_heading("institutions")
        rows = [[i["name"], i["category"]] for i in self.s.get("institutions", [])]
        if rows:
            self.table([_("Institution"), _("Category")], rows, widths=[9, 7])
        else:
            self.para(self.no_text(), italic=True, colour=GREY)

    def part_desk_review(self) -> None:
        self.part_heading("desk_review")
        self.text(self.narrative("desk_review"))
        by_type = (self.s.get("desk_review") or {}).get("sources_by_type", [])
        if by_type:
            self.heading(_("Sources by type"), 2)
            self.table([_("Type of source"), _("Number")], [[row["type"], str(row["count"])] for row in by_type],
                       widths=[12, 4])
        elif not _paragraphs(self.narrative("desk_review")):
            self.para(self.no_text(), italic=True, colour=GREY)

    # --- findings -------------------------------------------------------------------------------------------

    def part_findings(self) -> None:
        self.part_heading("findings")
        for section in self.s.get("sections", []):
            self.heading(f"{section['code']}. {section['title']}" if section.get("title") else section["code"], 2)
            for sub in section.get("subsections", []):
                self.subsection(sub)

    def subsection(self, sub: dict) -> None:
        self.heading(f"{sub['code']} {sub['title']}", 3)
        self.label_line([(_("De jure"), sub.get("de_jure")), (_("De facto"), sub.get("de_facto"))], size=Pt(9))
        answers = sub.get("answers", [])
        if not answers and not sub.get("findings"):
            self.para(_("No answers or findings in this version."), italic=True, colour=GREY)
        for answer in answers:
            self.answer(answer)
        if sub.get("findings"):
            self.heading(_("Findings"), 4)
            for finding in sub["findings"]:
                self.finding(finding)

    def answer(self, answer: dict) -> None:
        indent = 1.0 if answer.get("level") == "secondary" else 0
        pieces = []
        if answer.get("national"):
            pieces.append((f"[{_('National question')}] ", False))
        pieces.append((answer.get("text", ""), True))
        question = self.para(pieces=pieces, indent=indent)
        question.paragraph_format.keep_with_next = True
        question.paragraph_format.space_before = Pt(6)
        self.text(answer.get("narrative", ""), indent=indent)
        self.label_line([(_("De jure"), answer.get("de_jure")), (_("De facto"), answer.get("de_facto")),
                         (_("Corroboration"), answer.get("corroboration")),
                         (_("Evidence"), _marks(answer.get("citations", [])))], indent=indent)

    def finding(self, finding: dict) -> None:
        title = self.para(pieces=[(f"{finding.get('kind', '')}: ", False), (finding.get("title", ""), True)])
        title.paragraph_format.keep_with_next = True
        self.text(finding.get("text", ""))
        self.label_line([(_("Provisions"), "; ".join(finding.get("provisions", []))),
                         (_("Evidence"), _marks(finding.get("citations", [])))])

    # --- gap map, conclusions, recommendations --------------------------------------------------------------

    def part_gap_map(self) -> None:
        heading = self.part_heading("gap_map")
        figure = self.figures.get("gap_map")
        introduction = self.para(_("Each row is a subsection in scope; the colours show the status of the law and "
                                   "policy (de jure) and of practice (de facto). The map shows needs; it is not a "
                                   "score."), size=Pt(9))
        if figure:
            # The heading and the sentence stay on the figure's page.
            heading.paragraph_format.keep_with_next = True
            introduction.paragraph_format.keep_with_next = True
            self.picture(figure.png, TEXT_WIDTH, gap_map_alt(self.s), max_height=MAX_FIGURE_HEIGHT)
        provisions = self.s.get("provisions", [])
        if provisions:
            self.heading(_("Protocol provisions"), 2)
            self.table([_("Provision"), _("Obligation"), _("De jure"), _("De facto")],
                       [[p["label"], p["obligation"], p["de_jure"], p["de_facto"]] for p in provisions],
                       widths=[6, 3, 3.5, 3.5])
        if not figure and not provisions:
            self.para(self.no_text(), italic=True, colour=GREY)

    def part_conclusions(self) -> None:
        self.part_heading("conclusions")
        conclusions = self.s.get("conclusions", [])
        if not conclusions:
            self.para(self.no_text(), italic=True, colour=GREY)
        for c in conclusions:
            pieces = [(f"{c['number']}. ", True)]
            if c.get("tentative"):
                pieces.append((f"[{_('Tentative')}] ", True))
            pieces.append((c.get("text", ""), False))
            first = self.para(pieces=pieces)
            first.paragraph_format.space_before = Pt(6)
            self.label_line([(_("Basis"), c.get("basis", "")), (_("Findings"), "; ".join(c.get("findings", [])))],
                            indent=0.6)

    def part_recommendations(self) -> None:
        self.part_heading("recommendations")
        horizons = self.s.get("recommendations", [])
        if not horizons:
            self.para(self.no_text(), italic=True, colour=GREY)
        for horizon in horizons:
            self.heading(horizon["label"], 2)
            for area in horizon.get("areas", []):
                self.heading(area["label"], 3)
                for item in area.get("items", []):
                    self.recommendation(item)

    def recommendation(self, item: dict) -> None:
        first = self.para(pieces=[(f"{item['number']}. ", True), (item.get("text", ""), False)])
        first.paragraph_format.space_before = Pt(6)
        first.paragraph_format.keep_with_next = True
        cost = " ".join(v for v in (item.get("estimated_cost", ""), item.get("currency", "")) if v) \
            if item.get("estimated_cost") else ""
        self.label_line([(_("Rank"), str(item.get("rank", ""))), (_("Sequence"), str(item.get("sequence", ""))),
                         (_("Status"), item.get("status", ""))], indent=0.6)
        self.label_line([(_("Institutions"), "; ".join(item.get("institutions", []))),
                         (_("Timeline"), item.get("timeline", "")), (_("Estimated cost"), cost)], indent=0.6)
        self.label_line([(_("Toolkit"), "; ".join(item.get("toolkit", []))),
                         (_("Framework for Action"), "; ".join(item.get("framework", [])))], indent=0.6)

    # --- annexes --------------------------------------------------------------------------------------------

    def part_annex_sources(self) -> None:
        self.part_heading("annex_sources")
        rows = []
        for source in self.s.get("annex_sources", []):
            described = "\n".join(v for v in (source.get("title"), source.get("author"), source.get("link")) if v)
            grade = f"{source.get('grade', '')}\n{source.get('grade_label', '')}".strip()
            rows.append([source["number"], described, source.get("type", ""), _date(source.get("date", "")), grade])
        if rows:
            self.table([_("No."), _("Source"), _("Type"), _("Date"), _("Grade")], rows, widths=[1.2, 6, 3, 2.3, 3.5])
        else:
            self.para(self.no_text(), italic=True, colour=GREY)

    def part_annex_activities(self) -> None:
        self.part_heading("annex_activities")
        rows = [[a["number"], _date(a.get("date", "")), a.get("kind", ""), a.get("title", ""),
                 "; ".join(a.get("institutions", []))] for a in self.s.get("annex_activities", [])]
        if rows:
            self.table([_("No."), _("Date"), _("Kind"), _("Activity"), _("Institutions")], rows,
                       widths=[1.2, 2.3, 3, 4.7, 4.8])
        else:
            self.para(self.no_text(), italic=True, colour=GREY)

    def part_annex_individuals(self) -> None:
        individuals = self.s["annex_individuals"]
        self.part_heading("annex_individuals")
        if individuals.get("participants"):
            self.heading(_("Participants in activities"), 2)
            self.table([_("Activity"), _("Participants")],
                       [[p["activity"], p["participants"]] for p in individuals["participants"]], widths=[7, 9])
        if individuals.get("contact_points"):
            self.heading(_("Contact points"), 2)
            self.table([_("Institution"), _("Contact point"), _("Clearances")],
                       [[c["institution"], c["contact_point"], c["clearances"]]
                        for c in individuals["contact_points"]], widths=[5.5, 6, 4.5])
        if _paragraphs(individuals.get("advisory_group", "")):
            self.heading(_("Advisory group"), 2)
            self.text(individuals["advisory_group"])
        if individuals.get("mission_notes"):
            self.heading(_("Mission notes"), 2)
            for note in individuals["mission_notes"]:
                self.heading(note["mission"], 3)
                self.text(note["notes"])
