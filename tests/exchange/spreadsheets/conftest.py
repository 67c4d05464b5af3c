import pytest

from tests.exchange.spreadsheets.helpers import build_demoland


@pytest.fixture
def demoland(catalog, django_user_model):
    """The Demoland assessment the spreadsheet tests share, and its users by role (helpers.build_demoland)."""
    return build_demoland(django_user_model)
