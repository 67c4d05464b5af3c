"""SOMA's settings for a server started by a benchmark: SOMA's URLs plus the framework-floor view."""

from soma.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
