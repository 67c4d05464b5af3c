"""Searching: turn what a user typed into a ranked, filtered list of hits with highlighted snippets.

Query language, kept deliberately small: words (stemmed, any order), "quoted phrases", prefixes ending in *
(e.g. `crimin*`). Words in lay language are widened with curated synonyms (synonyms.yaml), so that
"people smuggling by boat" also finds "smuggling of migrants by sea"; those matches count for less than the
words typed.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from django.utils.http import RFC3986_SUBDELIMS

from soma.catalog import selectors
from soma.search import catalog_index

if TYPE_CHECKING:
    import tantivy
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

    from soma.catalog.models import Item

MAX_LIMIT = 100
SYNONYM_WEIGHT = 0.6
STOPWORDS = frozenset(
    """a about an and are as at be been but by can could do does did for from has have how i if in into is it its
    me my of on or our should so such than that the being having their them then there these they this to was
    we were what
    when where which who whom why will with would you your us any all also more most other some""".split()
)
TOKEN = re.compile(r'"([^"]*)"|(\S+)')
WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?\*?", re.UNICODE)


class SearchError(ValueError):
    """The query cannot be run; the message says what to change."""


@dataclass
class Hit:
    kind: str
    id: str
    title: str
    snippet: str
    score: float
    guide_subsection: str | None
    document: str
    url: str

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Filters:
    document: str | None = None
    section: str | None = None  # guide section code, e.g. "V"
    article: int | None = None  # Protocol article number

    @classmethod
    def clean(cls, document: str | None = None, section: str | None = None,
              article: str | int | None = None) -> Filters:
        if document and document not in selectors.DOCUMENTS:
            raise SearchError(f"Unknown document '{document}'. Use one of: {', '.join(selectors.DOCUMENTS)}.")
        if section and not re.fullmatch(r"[IVXL]{1,5}", section):
            raise SearchError(f"Unknown guide section '{section}'. Use a Roman numeral from I to XIII.")
        number = None
        if article not in (None, ""):
            try:
                number = int(article)  # type: ignore[arg-type]  # a str or an int here; anything else is refused
            except (TypeError, ValueError):
                raise SearchError(f"Protocol article must be a number from 1 to 25, not '{article}'.") from None
            if not 1 <= number <= 25:
                raise SearchError(f"Protocol article must be a number from 1 to 25, not {number}.")
        return cls(document or None, section or None, number or None)


@cache
def synonyms() -> dict[str, list[str]]:
    """Lay word (stem-free, lower case) -> catalog wording; loaded from synonyms.yaml."""
    import yaml

    data = yaml.safe_load((Path(__file__).with_name("synonyms.yaml")).read_text(encoding="utf-8"))
    table: dict[str, list[str]] = {}
    for entry in data["synonyms"]:
        for word in entry["lay"]:
            table.setdefault(word.lower(), []).extend(entry["catalog"])
    return table


def parse(text: str, *, expand: bool = True) -> list[str]:
    """The clauses of a tantivy query for what the user typed (empty when nothing searchable is left)."""
    clauses: list[str] = []
    tokens = list(TOKEN.finditer(text or ""))
    words = []
    for match in tokens:
        phrase, bare = match.groups()
        if phrase is not None:
            terms = WORD.findall(phrase.replace("*", ""))
            if len(terms) > 1:
                clauses.append('"' + " ".join(terms) + '"^2')
            elif terms:
                words.append(terms[0])
            continue
        words += WORD.findall(bare)
    lowered = [w.lower() for w in words]
    meaningful = [w for w in lowered if w.rstrip("*") not in STOPWORDS]
    for word in meaningful:
        if word.endswith("*"):
            stem = word.rstrip("*")
            if len(stem) >= 2:
                clauses.append(f"{stem}*")
            continue
        clauses.append(word)
    if expand:
        clauses += _expansions(meaningful)
    if len(meaningful) > 1:
        plain = [w for w in meaningful if not w.endswith("*")]
        if len(plain) > 1:
            clauses.append('"' + " ".join(plain) + '"~2^1.5')
    return clauses


def _expansions(words: list[str]) -> list[str]:
    table, found = synonyms(), []
    candidates = list(words) + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]
    for candidate in candidates:
        for wording in table.get(candidate.rstrip("*"), []):
            terms = wording.split()
            clause = f'"{wording}"' if len(terms) > 1 else wording
            found.append(f"{clause}^{SYNONYM_WEIGHT}")
    return list(dict.fromkeys(found))


def search(
    user: AbstractBaseUser | AnonymousUser | None,
    text: str,
    *,
    filters: Filters | None = None,
    limit: int = 20,
    expand: bool = True,
) -> list[Hit]:
    """Ranked hits for what the user typed, among what the user may see (today: the catalog)."""
    if user is None or not user.is_authenticated:
        return []
    limit = max(1, min(int(limit), MAX_LIMIT))
    clauses = parse(text, expand=expand)
    if not clauses:
        return []
    indexed = catalog_index.current()
    if indexed is None:
        return []
    query_text = "(" + " ".join(clauses) + ")" + _filter_clauses(filters or Filters())
    query, _errors = indexed.index.parse_query_lenient(query_text, ["title", "body", "context"], {"title": 1.5})
    searcher = indexed.index.searcher()
    result = searcher.search(query, limit * 3)
    snippets = tantivy_snippets(searcher, query, indexed.schema)
    ranked = []
    for score, address in result.hits:
        doc = searcher.doc(address)
        item = indexed.tree.get(doc["key"][0])
        if item is None:  # the index is built from this tree; kept for the type checker
            continue
        weighted = round(score * catalog_index.SEARCHABLE_KINDS.get(item.kind, 1.0), 4)
        ranked.append((weighted, item.key, item, doc))
    ranked.sort(key=lambda entry: (-entry[0], entry[1]))
    # Labels, links and snippets cost more than ranking: make them only for the hits returned.
    url = item_url()
    return [_hit(indexed.tree, item, score, snippets(doc), url) for score, _key, item, doc in ranked[:limit]]


def similar(text: str, document: str, limit: int = 5, kinds: tuple[str, ...] = ()) -> list[Item]:
    """Catalog items of one document whose text best matches `text` (for suggestions, not for users' queries)."""
    indexed = catalog_index.current()
    clauses = parse(text, expand=False)
    if indexed is None or not clauses:
        return []
    query_text = "(" + " ".join(clauses) + ")" + _filter_clauses(Filters(document=document))
    query, _errors = indexed.index.parse_query_lenient(query_text, ["title", "body"], {"title": 2.0})
    searcher = indexed.index.searcher()
    items = [indexed.tree.get(searcher.doc(address)["key"][0]) for _score, address in searcher.search(query, 50).hits]
    return [item for item in items if item is not None and (not kinds or item.kind in kinds)][:limit]


def _filter_clauses(filters: Filters) -> str:
    parts = []
    if filters.document:
        parts.append(f" +document:{filters.document}")
    if filters.section:
        parts.append(f" +section:{filters.section}")
    if filters.article:
        parts.append(f" +article:{filters.article}")
    return "".join(parts)


def tantivy_snippets(searcher: tantivy.Searcher, query: tantivy.Query,
                     schema: tantivy.Schema) -> Callable[[tantivy.Document], str]:
    import tantivy

    body = tantivy.SnippetGenerator.create(searcher, query, schema, "body")
    body.set_max_num_chars(220)
    title = tantivy.SnippetGenerator.create(searcher, query, schema, "title")

    def snippet(doc: tantivy.Document) -> str:
        for generator in (body, title):
            html_text = generator.snippet_from_doc(doc).to_html()
            if "<b>" in html_text:
                return html_text.replace("<b>", "<mark>").replace("</b>", "</mark>")
        text = (doc.get_first("body") or doc.get_first("title") or "")[:220]
        return html.escape(text)

    return snippet


def item_url() -> Callable[[str], str]:
    """key -> the catalog item page's URL, as reverse() writes it, for one reverse() per search instead of one
    per hit (a reverse() cost as much as ranking)."""
    from django.urls import reverse

    head, tail = reverse("catalog:item", args=[_PLACEHOLDER]).rsplit(_PLACEHOLDER, 1)
    return lambda key: head + quote(key, safe=RFC3986_SUBDELIMS + "/~:@") + tail


_PLACEHOLDER = "ITEM-KEY"


def _hit(tree: selectors.Tree, item: Item, score: float, snippet: str, url: Callable[[str], str]) -> Hit:
    return Hit(
        kind=item.kind,
        id=item.key,
        title=selectors.label(item),
        snippet=snippet,
        score=score,
        guide_subsection=selectors.guide_subsection_code(tree, item),
        document=item.document,
        url=url(item.key),
    )
