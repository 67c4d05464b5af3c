from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from soma.catalog import selectors
from soma.search import services


@login_required
def search_page(request):
    query = request.GET.get("q", "").strip()
    context = {
        "query": query,
        "documents": selectors.DOCUMENTS,
        "sections": [(s.code, s.title) for s in _sections()],
        "articles": range(1, 26),
        "selected": {key: request.GET.get(key, "") for key in ("document", "section", "article")},
        "hits": [],
        "error": None,
    }
    if query:
        try:
            filters = services.Filters.clean(
                request.GET.get("document"), request.GET.get("section"), request.GET.get("article")
            )
            context["hits"] = services.search(request.user, query, filters=filters, limit=50)
        except services.SearchError as error:
            context["error"] = str(error)
    template = "search/results.html" if request.htmx else "search/page.html"
    return render(request, template, context)


def _sections():
    tree = selectors.tree()
    return tree.children("guide", kind="guide_section") if tree else []
