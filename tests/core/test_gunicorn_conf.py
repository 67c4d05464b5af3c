"""soma/gunicorn_conf.py: the master process warms SOMA up before it forks the workers (`soma serve --workers`)."""

import pytest
from django.db import connection
from django.template import engines

from soma import gunicorn_conf
from soma.api_urls import urlpatterns as api_patterns
from soma.kernel.lazy_api_views import LazyAPIView


@pytest.mark.django_db(transaction=True)  # the warm-up closes the connection, which a test's transaction would lose
def test_warm_up_compiles_the_templates_loads_the_api_and_leaves_no_connection_to_fork():
    gunicorn_conf.warm_up()

    cached = engines["django"].engine.template_loaders[0]  # the cached loader: DEBUG is off in tests
    names = set(cached.get_template_cache)
    assert {"base.html", "registration/login.html", "responses/subsection.html"} <= names
    assert all(p.callback.loaded for p in api_patterns if isinstance(p.callback, LazyAPIView))
    # Django keeps an in-memory SQLite database (the tests' own) open through close(); a file or a server is closed.
    assert connection.connection is None or connection.is_in_memory_db()


def test_workers_are_forked_warm_and_answer_several_requests_at_once():
    assert gunicorn_conf.preload_app is True
    assert gunicorn_conf.worker_class == "gthread" and gunicorn_conf.threads >= 2
