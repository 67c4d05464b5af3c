"""The bundle export defaults to the lowest audience without files: more is a deliberate choice."""

import json
import re

import pytest
from django.urls import reverse

from tests.exchange.bundle.world import CONFIDENTIAL, RESTRICTED, _remove_imported_files, world

pytestmark = pytest.mark.django_db
__all__ = ["_remove_imported_files", "world"]


def test_the_form_preselects_public_without_files_even_for_a_confidential_lead(client, world):
    client.force_login(world.users["lead"])
    page = client.get(reverse("exchange:index", args=[world.assessment.pk])).content.decode()
    audience = re.search(r'<select id="bundle-audience".*?</select>', page, re.S).group(0)
    files = re.search(r'<select id="bundle-files".*?</select>', page, re.S).group(0)
    assert re.findall(r'<option value="(\w+)" selected', audience) == ["public"]
    assert re.findall(r'<option value="(\w+)" selected', files) == ["leave_out"]


def test_a_download_without_choices_is_public_and_leaves_files_out(client, world):
    client.force_login(world.users["lead"])
    response = client.get(reverse("exchange:bundle_export", args=[world.assessment.pk]))
    assert response.status_code == 200
    data = json.loads(response.content)
    assert (data["audience"], data["files"]) == ("public", "left_out")
    assert RESTRICTED not in response.content.decode() and CONFIDENTIAL not in response.content.decode()


def test_confidential_with_files_only_when_chosen(client, world):
    client.force_login(world.users["lead"])
    url = reverse("exchange:bundle_export", args=[world.assessment.pk])
    data = json.loads(client.get(url, {"audience": "confidential", "files": "include"}).content)
    assert data["audience"] == "confidential" and data["files"] != "left_out"
