from pathlib import Path

import pytest

from soma.catalog.extract import SOURCES_DIR


@pytest.fixture
def seeds() -> Path:
    """The five source texts, the project's own copy (soma/catalog/sources/)."""
    return SOURCES_DIR
