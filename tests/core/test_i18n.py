import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def switch(client, language):
    return client.post(reverse("set_language"), {"language": language, "next": reverse("login")})


def test_french_sign_in_page(client):
    switch(client, "fr")
    html = client.get(reverse("login")).content.decode()
    assert 'lang="fr"' in html
    assert "Se connecter" in html


def test_arabic_is_right_to_left(client):
    switch(client, "ar")
    html = client.get(reverse("login")).content.decode()
    assert 'lang="ar"' in html
    assert 'dir="rtl"' in html


def test_every_language_offered_in_switcher(client):
    html = client.get(reverse("login")).content.decode()
    for code in ("en", "fr", "ar"):
        assert f'value="{code}"' in html
