"""Search behaviour: query language, filters, snippets, access, API and command (tantivy over the catalog)."""

import json
import re
from io import StringIO

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command

from soma.catalog import packs, selectors
from soma.search import services
from soma.search.services import Filters, SearchError, search

PUBLIC_KEYS = {"kind", "id", "title", "snippet", "score", "guide_subsection"}


@pytest.fixture
def tree(db):
    packs.load_builtin()  # already there when the session loaded it; idempotent otherwise
    return selectors.tree()


def _ids(hits):
    return [hit.id for hit in hits]


def _searchable_text(tree, item) -> str:
    """What the index holds for an item: title, text, and the context titles of questions and provisions."""
    parts = [item.title or "", item.text or ""]
    for kind in ("guide_subsection", "field", "protocol_article"):
        ancestor = tree.ancestor_of_kind(item, kind) or (
            tree.by_pk.get(item.parent_id) if kind == "field" and item.parent_id else None
        )
        if ancestor is not None and ancestor is not item:
            parts.append(ancestor.title or "")
    return " ".join(parts)


# --- exact rankings: CI runs the suite on SQLite and on PostgreSQL, so any engine difference fails here ----


def test_exact_top_hits_for_known_queries(tree, member):
    assert _ids(search(member, "are smuggled migrants punished", limit=3)) == [
        "protocol:art5",
        "guide:I.F",
        "guide:I.F:q01",
    ]
    assert _ids(search(member, "carrier sanctions", limit=3)) == ["guide:VI.B", "guide:VI.B:q06", "guide:VI.B:q01"]
    assert _ids(search(member, '"legal persons"', limit=2)) == ["toolkit:5.9", "ffa:index:legal-persons-liability-of"]


# --- query language ----------------------------------------------------------------------------------------


def test_phrase_matches_only_adjacent_words(tree, member):
    phrase = search(member, '"legal persons"', limit=100)
    assert phrase, "the phrase occurs in the catalog"
    for hit in phrase:
        text = _searchable_text(tree, tree.get(hit.id))
        assert re.search(r"\blegal\W+persons?\b", text, re.IGNORECASE), hit.id
    # The same words in the other order are never adjacent, though both occur all over the catalog.
    assert search(member, '"persons legal"') == []
    assert len(search(member, "persons legal", limit=100)) > len(phrase)


def test_prefix_finds_longer_words(tree, member):
    hits = search(member, "crimin*", limit=20)
    assert "protocol:art6" in _ids(hits)  # Article 6: Criminalization
    assert any("criminalization" in (tree.get(h.id).title or "").lower() for h in hits)
    assert any("<mark>Criminalization</mark>" in h.snippet or "<mark>criminalization" in h.snippet for h in hits)


# --- filters -------------------------------------------------------------------------------------------------


def test_document_filter(tree, member):
    hits = search(member, "smuggling of migrants by sea", filters=Filters.clean(document="toolkit"), limit=50)
    assert hits and {hit.document for hit in hits} == {"toolkit"}


def test_section_filter(tree, member):
    hits = search(member, "smuggled migrants", filters=Filters.clean(section="V"), limit=50)
    assert hits
    for hit in hits:
        section = tree.ancestor_of_kind(tree.get(hit.id), "guide_section")
        assert hit.document == "guide" and section is not None and section.code == "V", hit.id


def test_article_filter(tree, member):
    hits = search(member, "vessel", filters=Filters.clean(article="8"), limit=50)
    assert "protocol:art8" in _ids(hits)
    for hit in hits:
        articles = {a.code for a in selectors.related_articles(tree, tree.get(hit.id))}
        assert "8" in {str(code) for code in articles}, hit.id


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"document": "bible"}, "Unknown document 'bible'"),
        ({"section": "5"}, "Roman numeral"),
        ({"article": "six"}, "number from 1 to 25"),
        ({"article": 40}, "number from 1 to 25"),
    ],
)
def test_invalid_filter_raises_clear_error(kwargs, message):
    with pytest.raises(SearchError, match=message):
        Filters.clean(**kwargs)


# --- snippets --------------------------------------------------------------------------------------------


def test_snippets_mark_matches(tree, member):
    hits = search(member, "extradition", limit=5)
    assert hits and all("<mark>" in hit.snippet for hit in hits)


def test_snippets_escape_html_in_text(tree, member):
    # ffa:resource:1 cites a URL with "&" in its query string.
    [hit] = search(member, "ficheouvrage")
    assert hit.id == "ffa:resource:1"
    assert "&amp;lang" in hit.snippet and "&lang" not in hit.snippet
    assert re.sub(r"</?mark>", "", hit.snippet).count("<") == 0


# --- empty queries and access ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", '""', "* ?", "!!!"])
def test_empty_query_gives_nothing(tree, member, text):
    assert search(member, text) == []


def test_stopword_only_query_gives_nothing(tree, member):
    assert search(member, "the of and") == []


def test_anonymous_user_gets_nothing(tree):
    assert search(AnonymousUser(), "smuggling") == []
    assert search(None, "smuggling") == []


def test_limit_is_clamped(tree, member):
    assert len(search(member, "smuggling", limit=0)) == 1
    assert len(search(member, "smuggling", limit=10_000)) == services.MAX_LIMIT


# --- API and command -------------------------------------------------------------------------------------


def test_api_returns_hits_for_signed_in_user(tree, client, member):
    client.force_login(member)
    response = client.get("/api/search/", {"q": "carrier sanctions", "limit": 3})
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 3
    assert PUBLIC_KEYS <= set(data["results"][0])
    assert [row["id"] for row in data["results"]] == ["guide:VI.B", "guide:VI.B:q06", "guide:VI.B:q01"]
    assert data["results"][0]["guide_subsection"] == "VI.B"


def test_api_rejects_missing_query_and_bad_filter(tree, client, member):
    client.force_login(member)
    assert client.get("/api/search/").status_code == 400
    bad = client.get("/api/search/", {"q": "sea", "document": "bible"})
    assert bad.status_code == 400 and "Unknown document" in bad.json()["detail"]


def test_api_refuses_anonymous(tree, client):
    assert client.get("/api/search/", {"q": "smuggling"}).status_code in (401, 403)


def test_command_prints_json(tree):
    out = StringIO()
    call_command("search", "carrier", "sanctions", "--json", "--limit", "3", stdout=out)
    rows = json.loads(out.getvalue())
    assert len(rows) == 3 and all(set(row) == PUBLIC_KEYS for row in rows)
    assert rows[0]["id"] == "guide:VI.B"


def test_hit_links_are_those_reverse_writes(tree, member):
    from django.urls import reverse

    from soma.search import catalog_index

    url = services.item_url()
    keys = [fields["key"] for fields in catalog_index.documents(tree)]
    assert keys and [url(key) for key in keys] == [reverse("catalog:item", args=[key]) for key in keys]
    assert url("odd key/é?&#") == reverse("catalog:item", args=["odd key/é?&#"])
    hits = search(member, "carrier sanctions", limit=3)
    assert [hit.url for hit in hits] == [reverse("catalog:item", args=[hit.id]) for hit in hits]
