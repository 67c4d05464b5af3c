"""gunicorn's settings for `soma serve --workers N` (the load bench serves with them too).

Workers start warm. Without this, every worker built its caches (the URL configuration, compiled templates,
translations, the catalog's tree, the REST framework) while its first requests waited: right after a start
or a restart, when a whole team opens the question page at once, a page took seconds. Here the master
process loads SOMA once (`preload_app`), warms it, closes its database connections and forks the workers,
which share that memory. After a code upgrade restart the service (gunicorn's HUP reloads the configuration,
not preloaded code).

Each worker answers several requests at once (`gthread`), so a long page does not hold up the saves queued
behind it. SOMA_THREADS sets the threads per worker (default 8).
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Any

log = logging.getLogger("soma.gunicorn")

wsgi_app = "soma.wsgi:application"
preload_app = True
worker_class = "gthread"
threads = int(os.environ.get("SOMA_THREADS", "8"))
timeout = 120


def when_ready(server: Any) -> None:
    """In the master, after SOMA is loaded and before the workers are forked."""
    start = time.perf_counter()
    warm_up()
    server.log.info("SOMA warmed up in %.1f s", time.perf_counter() - start)


def warm_up() -> None:
    """Load what a worker's first requests would otherwise load while people wait. A failure here only costs
    the first requests their time (the database may be down at start: /healthz says so), never the start."""
    from django.db import DatabaseError, connections

    try:
        _urls_and_api()
        _templates()
        _translations()
        try:
            _catalog_tree()
        except DatabaseError as error:
            log.warning("Warm-up without the catalog's tree (database unavailable: %s)", error)
    finally:
        connections.close_all()  # the forked workers open their own


def _urls_and_api() -> None:
    from django.urls import reverse

    from soma.api_urls import urlpatterns as api_patterns
    from soma.kernel.lazy_api_views import LazyAPIView

    reverse("home")  # imports the URL configuration and fills the resolver's reverse tables
    for pattern in api_patterns:
        if isinstance(pattern.callback, LazyAPIView):
            pattern.callback.view()


def _templates() -> None:
    """Compile SOMA's own templates into the cached loader."""
    from django.conf import settings
    from django.template import TemplateSyntaxError
    from django.template.loader import get_template

    base = Path(settings.BASE_DIR)
    for folder in [base / "templates", *base.glob("*/templates")]:
        for path in sorted(folder.rglob("*.html")):
            name = path.relative_to(folder).as_posix()
            try:
                get_template(name)
            except TemplateSyntaxError as error:  # the page that uses it will say so; the start goes on
                log.warning("Template %s does not compile: %s", name, error)


def _translations() -> None:
    from django.conf import settings
    from django.utils import translation

    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("SOMA")


def _catalog_tree() -> None:
    from soma.catalog import selectors as catalog_selectors

    catalog_selectors.tree()
