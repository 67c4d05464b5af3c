"""Turn each parser's document-shaped output into catalog packs: flat items with parents, and typed links.

The packs follow soma/catalog/content/schema.json; the loader reads nothing else. Item ids are the
parsers' stable ids; every link names ids that exist in the content as a whole (checked by `check`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

PROTOCOL_TITLE = "Protocol against the Smuggling of Migrants by Land, Sea and Air"


class PackBuilder:
    """Collects the items and links of one pack in reading order."""

    def __init__(self, pack_id: str, title: str, document: str):
        self.pack = {"id": pack_id, "title": title, "kind": "content", "generated_by": "soma catalog extract"}
        self.document = document
        self.items: list[dict] = []
        self.links: list[dict] = []
        self._link_keys: set[tuple[str, str, str]] = set()

    def item(self, key: str, kind: str, *, parent=None, code=None, title=None, text=None, source=None, **attrs):
        item: dict[str, Any] = {"id": key, "kind": kind, "document": self.document}
        if parent:
            item["parent"] = parent
        if code:
            item["code"] = str(code)
        if title:
            item["title"] = title
        if text:
            item["text"] = text
        attrs = {name: value for name, value in attrs.items() if value not in (None, [], {}, "")}
        if attrs:
            item["attrs"] = attrs
        if source:
            item["source"] = {"file": source["file"], "lines": list(source["lines"])}
        self.items.append(item)
        return key

    def link(self, source: str, target: str, rel: str, basis: str = "explicit") -> None:
        if (source, target, rel) in self._link_keys or source == target:
            return
        self._link_keys.add((source, target, rel))
        link = {"from": source, "to": target, "rel": rel}
        if basis != "explicit":
            link["basis"] = basis
        self.links.append(link)

    def data(self) -> dict:
        return {"pack": self.pack, "items": self.items, "links": self.links}


def paragraphs(texts: Iterable[str] | None) -> str:
    return "\n\n".join(text for text in texts or [] if text)


# --- Assessment Guide -------------------------------------------------------------------------------------


def guide_pack(parsed: dict) -> dict:
    doc = parsed["document"]
    b = PackBuilder("guide", doc["title"], "guide")
    b.item("guide", "document", title=doc["title"], file=doc["file"])
    for position, stage in enumerate(parsed["methodology"]):
        b.item(
            stage["id"],
            "method_stage",
            parent="guide",
            title=stage["title"],
            text=paragraphs(stage["paragraphs"]),
            source=stage["source"],
            stage=stage["stage"],
            bullets=stage.get("bullets"),
            order=position,
        )
    for section in parsed["sections"]:
        section_key = section_id(section["code"])
        b.item(
            section_key,
            "guide_section",
            parent="guide",
            code=section["code"],
            title=section["title"],
            text=paragraphs(section.get("intro")),
            source=section["source"],
            audiences=section.get("audiences"),
        )
        for sub in section["subsections"]:
            _guide_subsection(b, section_key, sub)
    return b.data()


def section_id(code: str) -> str:
    """Sections get their own namespace: section XII and its only subsection would both be "guide:XII"."""
    return f"guide:section:{code}"


def _guide_subsection(b: PackBuilder, section_key: str, sub: dict) -> None:
    key = b.item(
        sub["id"],
        "guide_subsection",
        parent=section_key,
        code=sub["code"],
        title=sub["title"],
        text=paragraphs(sub.get("narrative")),
        source=sub["source"],
        footnotes=sub.get("footnotes"),
        requirements_notes=sub.get("requirements_notes"),
    )
    for req in sub.get("requirements", []):
        b.item(
            req["id"],
            "requirement",
            parent=key,
            text=req["text"],
            instrument=req["instrument"],
            article=req.get("article"),
            paragraphs=req.get("paragraphs"),
            subparagraphs=req.get("subparagraphs"),
            obligation=req.get("obligation"),
        )
        for provision in req.get("provisions", []):
            b.link(req["id"], provision, "cites")
            b.link(key, provision, "requires")
    for number, field in enumerate(sub.get("fields", []), start=1):
        field_key = b.item(f"{key}:f{number:02d}", "field", parent=key, title=field.get("title") or "")
        for question in field["questions"]:
            b.item(
                question["id"],
                "question",
                parent=field_key,
                text=question["text"],
                level=question["level"],
                parent_question=question.get("parent"),
                options=question.get("options"),
                national=False,
            )
    for number, guideline in enumerate(sub.get("guidelines", []), start=1):
        guideline_key = b.item(f"{key}:g{number:02d}", "guideline", parent=key, text=guideline["text"])
        for ref in guideline.get("refs", []):
            if not ref.startswith("ffa:page:"):
                b.link(guideline_key, ref, "cites")
                b.link(key, ref, "cites")
    for ref in sub.get("cross_references", []):
        if ref.get("target") and ref.get("status") != "flagged":
            target = ref["target"]
            if "." not in target and target != "guide:XII":  # a reference to a whole section
                target = section_id(target.split(":", 1)[1])
            b.link(key, target, "cross_ref", "explicit" if ref["status"] == "resolved" else "curated")
    # Keep the cross-reference notes (corrected or flagged) with the subsection for the browse page.
    notes = [ref for ref in sub.get("cross_references", []) if ref.get("status") != "resolved"]
    if notes:
        b.items[_index_of(b, key)].setdefault("attrs", {})["cross_reference_notes"] = notes


def _index_of(b: PackBuilder, key: str) -> int:
    return next(i for i, item in enumerate(b.items) if item["id"] == key)


# --- Protocol ---------------------------------------------------------------------------------------------


def protocol_pack(parsed: dict) -> dict:
    doc = parsed["document"]
    b = PackBuilder("protocol", doc["title"], "protocol")
    b.item("protocol", "document", title=doc["title"], file=doc["file"], preamble=parsed.get("preamble"))
    for chapter in parsed["chapters"]:
        b.item(
            f"protocol:ch{chapter['number']}",
            "protocol_chapter",
            parent="protocol",
            code=chapter["number"],
            title=chapter["title"],
        )
    for article in parsed["articles"]:
        key = b.item(
            article["id"],
            "protocol_article",
            parent=f"protocol:ch{article['chapter']}",
            code=str(article["number"]),
            title=article["title"],
            source=article["source"],
            number=article["number"],
        )
        # Annex I prints its cross-references beside each article, not each paragraph.
        _provision_links(b, key, article)
        for paragraph in article["paragraphs"]:
            if paragraph["id"] == key:
                # An article without numbered paragraphs: its text and links belong to the article itself.
                b.items[-1]["text"] = paragraph["text"]
                if paragraph.get("obligation"):
                    b.items[-1].setdefault("attrs", {})["obligation"] = paragraph["obligation"]
                for sub in paragraph.get("subparagraphs", []):
                    _provision(b, key, sub, article["number"])
            else:
                _provision(b, key, paragraph, article["number"])
    return b.data()


def _provision(b: PackBuilder, parent: str, para: dict, article: int, label_path: str = "") -> None:
    label = para.get("number") or para.get("label") or ""
    code = f"{article}" + (f".{label_path}{label}" if label else "")
    key = b.item(
        para["id"],
        "provision",
        parent=parent,
        code=code,
        text=para["text"],
        source=para.get("source"),
        obligation=para.get("obligation"),
        label=label,
    )
    for sub in para.get("subparagraphs", []):
        _provision(b, key, sub, article, f"{label_path}{label}." if label else label_path)


def _provision_links(b: PackBuilder, key: str, para: dict) -> None:
    for cell in para.get("ffa_cells", []):
        b.link(key, cell, "implements")
    for number in para.get("ffa_paragraphs", []):
        b.link(key, f"ffa:para:{number}", "discusses")


# --- Framework for Action ---------------------------------------------------------------------------------

TABLE_TEXT_MISSING = (
    "The text of this table cell is not in the source copy of the Framework for Action used by SOMA "
    "(its Part two tables are missing). A content pack can add it."
)


def framework_pack(parsed: dict) -> dict:
    doc = parsed["document"]
    b = PackBuilder("ffa", doc["title"], "ffa")
    b.item("ffa", "document", title=doc["title"], file=doc["file"])
    element_names = {element["code"]: element["name"] for element in parsed["element_types"]}
    for element in parsed["element_types"]:
        b.item(
            f"ffa:element:{element['code']}",
            "ffa_element_type",
            parent="ffa",
            code=element["code"],
            title=element["name"],
        )
    for pillar in parsed["pillars"]:
        b.item(
            pillar["id"],
            "ffa_pillar",
            parent="ffa",
            code=pillar["key"],
            title=pillar["title"],
            overview_paragraphs=pillar.get("overview_paragraphs"),
        )
        for number in pillar.get("overview_paragraphs", []):
            b.link(pillar["id"], f"ffa:para:{number}", "discusses")
    for section in parsed["table_sections"]:
        b.item(
            section["id"],
            "ffa_table_section",
            parent=f"ffa:{section['pillar']}",
            code=section["number"],
            title=section.get("title") or "",
            text_available=section.get("text_available", False),
        )
        for cell in section["cells"]:
            element = cell.rsplit(".", 1)[1]
            b.item(
                cell,
                "ffa_cell",
                parent=section["id"],
                code=cell.split(":", 2)[2],
                title=element_names.get(element, element),
                text_available=False,
                element=element,
                note=TABLE_TEXT_MISSING,
            )
    b.item("ffa:part-one", "document", parent="ffa", title="Part one")
    for para in parsed["paragraphs"]:
        key = b.item(
            para["id"],
            "ffa_paragraph",
            parent="ffa:part-one",
            code=str(para["number"]),
            text=para["text"],
            source=para["source"],
            heading=para.get("heading"),
            footnotes=para.get("footnotes"),
            number=para["number"],
        )
        for article in para.get("protocol_articles", []):
            b.link(key, f"protocol:art{article}", "mentions")
    b.item("ffa:index", "document", parent="ffa", title="Index")
    for term in parsed["index_terms"]:
        key = b.item(
            _short_key(term["id"]),
            "ffa_index_term",
            parent="ffa:index",
            title=term["term"],
            source=term["source"],
            refs=term.get("refs"),
            subterms=term.get("subterms"),
        )
        refs = list(term.get("refs", []))
        for subterm in term.get("subterms", []):
            refs += subterm.get("refs", [])
        for ref in refs:
            if isinstance(ref, str) and ref.startswith("ffa:"):
                b.link(key, ref, "index_ref")
    b.item("ffa:resources", "document", parent="ffa", title="Annex II: Resources")
    for resource in parsed["resources"]:
        b.item(
            resource["id"],
            "ffa_resource",
            parent="ffa:resources",
            title=resource["title"],
            text=resource.get("text"),
            source=resource["source"],
            section=resource.get("section"),
        )
    b.item("ffa:legal-instruments", "document", parent="ffa", title="Annex II: Legal instruments")
    for instrument in parsed["legal_instruments"]:
        b.item(
            instrument["id"],
            "ffa_instrument",
            parent="ffa:legal-instruments",
            title=instrument["title"],
            text=instrument.get("text"),
            source=instrument["source"],
            group=instrument.get("group"),
            url=instrument.get("url"),
        )
    return b.data()


def _short_key(key: str, limit: int = 100) -> str:
    """Cut an over-long slug id at a word boundary (the id pattern allows 120 characters)."""
    if len(key) <= limit:
        return key
    return key[:limit].rsplit("-", 1)[0]


# --- Toolkit and Working Group ------------------------------------------------------------------------------


def toolkit_pack(parsed: dict) -> dict:
    doc = parsed["document"]
    b = PackBuilder("toolkit", doc["title"], "toolkit")
    b.item("toolkit", "document", title=doc["title"], file=doc["file"])
    for tool in parsed["tools"]:
        b.item(
            tool["id"],
            "toolkit_tool",
            parent="toolkit",
            code=str(tool["number"]),
            title=tool["title"],
            text=tool.get("summary"),
            source=tool["source"],
        )
        for section in tool["sections"]:
            key = b.item(
                section["id"],
                "toolkit_section",
                parent=tool["id"],
                code=section["number"],
                title=section["title"],
                source=section["source"],
                articles=section["articles"],
                article_basis=section["article_basis"],
            )
            for article in section["articles"]:
                b.link(key, f"protocol:art{article}", "relates_to", section["article_basis"])
    return b.data()


def working_group_pack(parsed: dict) -> dict:
    b = PackBuilder("wg", "Working Group on the Smuggling of Migrants: background papers", "wg")
    b.item("wg", "document", title="Working Group on the Smuggling of Migrants")
    for paper in parsed["papers"]:
        b.item(
            paper["id"],
            "wg_paper",
            parent="wg",
            code=str(paper["year"]),
            title=paper["title"],
            source=paper["source"],
            year=paper["year"],
            topic=paper.get("topic"),
            symbol=paper.get("symbol"),
        )
        for item in paper["items"]:
            key = b.item(
                item["id"],
                "wg_item",
                parent=paper["id"],
                text=item["text"],
                source=item["source"],
                item_kind=item["kind"],
                paragraph=item.get("paragraph"),
                label=item.get("label"),
                heading=item.get("heading"),
                articles=item["articles"],
                article_basis=item["article_basis"],
            )
            for article in item["articles"]:
                b.link(key, f"protocol:art{article}", "relates_to", item["article_basis"])
    return b.data()


# --- Other instruments ----------------------------------------------------------------------------------------


def instruments_pack(instruments: list[dict]) -> dict:
    """The instruments the guide cites (other than the Protocol itself), with the articles it cites."""
    b = PackBuilder("instruments", "Other international instruments cited", "instruments")
    b.item("instruments", "document", title="Other international instruments")
    for instrument in instruments:
        if instrument["id"] == "protocol":
            continue
        key = b.item(
            instrument["id"],
            "instrument",
            parent="instruments",
            code=instrument.get("short") or "",
            title=instrument["title"],
            short=instrument.get("short"),
        )
        for article in instrument.get("articles_cited", []):
            b.item(
                f"{key}:art{article}", "instrument_article", parent=key, code=str(article), title=f"Article {article}"
            )
    return b.data()


# --- Whole-content checks -------------------------------------------------------------------------------------


def check(packs: Iterable[dict]) -> list[str]:
    """Problems that span packs: duplicate ids, unknown parents, links to ids that do not exist."""
    problems, seen = [], set()
    packs = list(packs)
    for pack in packs:
        for item in pack.get("items", []):
            if item["id"] in seen:
                problems.append(f"{pack['pack']['id']}: duplicate id {item['id']}")
            seen.add(item["id"])
    for pack in packs:
        for item in pack.get("items", []):
            if item.get("parent") and item["parent"] not in seen:
                problems.append(f"{pack['pack']['id']}: {item['id']} has unknown parent {item['parent']}")
        for link in pack.get("links", []):
            for end in ("from", "to"):
                if link[end] not in seen:
                    problems.append(f"{pack['pack']['id']}: link {link['from']} -> {link['to']}: unknown {link[end]}")
    return problems


def resolve_links(packs: list[dict]) -> list[str]:
    """Point each link at the nearest id the content holds; drop and report links that find none.

    A guide requirement may cite "protocol:art6.3.a" where the Protocol text is split only to "protocol:art6.3";
    the link then goes to the paragraph. Links whose ends resolve to nothing are returned as notes.
    """
    known = {item["id"] for pack in packs for item in pack.get("items", [])}
    notes = []
    for pack in packs:
        kept, keys = [], set()
        for link in pack.get("links", []):
            source, target = _nearest(link["from"], known), _nearest(link["to"], known)
            if not source or not target:
                notes.append(f"{link['from']} -> {link['to']} ({link['rel']}): not in the catalog, link left out")
                continue
            if source == target or (source, target, link["rel"]) in keys:
                continue
            keys.add((source, target, link["rel"]))
            kept.append({**link, "from": source, "to": target})
        pack["links"] = kept
    return notes


def _nearest(key: str, known: set[str]) -> str | None:
    while key not in known:
        if "." not in key.rsplit(":", 1)[-1]:
            return None
        key = key.rsplit(".", 1)[0]
    return key
