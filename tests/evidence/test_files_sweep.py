"""Stored files without a source row (left by a process killed mid-write) are swept; others are kept."""

import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from soma.assessments import services
from soma.evidence import files
from soma.evidence import services as evidence_services

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_only_old_files_that_no_source_refers_to_are_removed(catalog, member):
    assessment = services.create_assessment(member, title="Demoland sweep", jurisdictions=["XD"], scope=["I.A"])
    assessment = assessment.assessment
    kept = evidence_services.save_source(
        member, assessment, title="Demoland Gazette", kind="legislation", classification="public",
        upload=SimpleUploadedFile("gazette.pdf", PDF, content_type="application/pdf"),
    )
    orphan = default_storage.save(f"assessments/{assessment.pk}/sources/orphan-token", ContentFile(PDF))
    fresh = default_storage.save(f"assessments/{assessment.pk}/sources/fresh-token", ContentFile(PDF))
    old = time.time() - 2 * files.DEFAULT_AGE_SECONDS
    for name in (kept.file.name, orphan):
        os.utime(default_storage.path(name), (old, old))
    try:
        assert files.sweep_orphans() == [orphan]
        assert default_storage.exists(kept.file.name) and default_storage.exists(fresh)  # fresh: maybe mid-write
        assert not default_storage.exists(orphan)
    finally:
        for name in (kept.file.name, orphan, fresh):
            if default_storage.exists(name):
                default_storage.delete(name)


def test_a_new_assessment_starts_with_an_empty_folder_keeping_only_files_a_source_refers_to(catalog, member):
    assessment = services.create_assessment(member, title="Demoland folders", jurisdictions=["XD"], scope=["I.A"])
    assessment = assessment.assessment
    kept = evidence_services.save_source(
        member, assessment, title="Demoland Gazette", kind="legislation", classification="public",
        upload=SimpleUploadedFile("gazette.pdf", PDF, content_type="application/pdf"),
    )
    left = [default_storage.save(f"assessments/{assessment.pk}/sources/left-by-a-killed-import", ContentFile(PDF)),
            default_storage.save(f"assessments/{assessment.pk}/other/stray", ContentFile(PDF))]
    try:
        assert sorted(files.clear_folder(assessment.pk)) == sorted(left)
        assert default_storage.exists(kept.file.name)
        assert not any(default_storage.exists(name) for name in left)
        assert files.clear_folder(assessment.pk + 1000) == []  # no folder: nothing to do
    finally:
        for name in (kept.file.name, *left):
            if default_storage.exists(name):
                default_storage.delete(name)
