import pytest


@pytest.fixture
def password():
    return "Demoland-Harbour-2026"


@pytest.fixture
def member(django_user_model, password):
    """An ordinary signed-up user of the fictional Republic of Demoland team."""
    return django_user_model.objects.create_user(username="amina.demo", password=password)
