import json
import re

from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand, CommandError

from soma.search import services


class _CommandLineUser(AnonymousUser):
    """Whoever runs `soma` on the server has the data folder already; the catalog is theirs to read."""

    @property
    def is_authenticated(self):
        return True


class Command(BaseCommand):
    help = "Search the catalog: soma search QUERY [--json] [--limit N] [--document D] [--section S] [--article N]."

    def add_arguments(self, parser):
        parser.add_argument("query", nargs="+", help='Words, "quoted phrases", prefixes ending in *.')
        parser.add_argument("--json", action="store_true", help="Print the hits as JSON.")
        parser.add_argument("--limit", type=int, default=10, help="At most this many hits (default 10, up to 100).")
        parser.add_argument("--document", choices=["guide", "protocol", "ffa", "toolkit", "wg", "instruments"])
        parser.add_argument("--section", help="Guide section, e.g. V.")
        parser.add_argument("--article", help="Protocol article number.")

    def handle(self, *args, query, json: bool, limit, document, section, article, **options):
        text = " ".join(query)
        try:
            filters = services.Filters.clean(document, section, article)
        except services.SearchError as error:
            raise CommandError(str(error)) from None
        hits = services.search(_CommandLineUser(), text, filters=filters, limit=limit)
        if json:
            self.stdout.write(_dumps([_public(hit) for hit in hits]))
            return
        if not hits:
            self.stdout.write("Nothing matched. Try fewer or other words.")
        for number, hit in enumerate(hits, start=1):
            snippet = re.sub(r"</?mark>", "*", hit.snippet)
            snippet = snippet.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
            self.stdout.write(f"{number:>2}. {hit.title}  [{hit.id}]  {hit.score:.2f}")
            self.stdout.write(f"    {snippet}")


def _public(hit) -> dict:
    data = hit.as_dict()
    return {key: data[key] for key in ("kind", "id", "title", "snippet", "score", "guide_subsection")}


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1)
