"""Writes of sources (desk review) and citations. Uploaded files are checked, renamed and never run."""

from __future__ import annotations

import secrets
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from soma.accounts import history
from soma.evidence import selectors
from soma.evidence.file_names import clean_file_name
from soma.evidence.models import Citation, Source
from soma.kernel.access import Action, PermissionDenied, require
from soma.kernel.clearance import seen_by
from soma.kernel.errors import ServiceError

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import UploadedFile

    from soma.assessments.models import Activity, Assessment
    from soma.findings.models import Finding, Response

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
# What desk-review documents come as; anything else is refused. Files are stored under a random name and
# served only as downloads, so a type listed here is never rendered by SOMA itself.
ALLOWED_TYPES = {
    ".pdf": ("application/pdf", b"%PDF"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK\x03\x04"),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK\x03\x04"),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", b"PK\x03\x04"),
    ".odt": ("application/vnd.oasis.opendocument.text", b"PK\x03\x04"),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", b"PK\x03\x04"),
    ".doc": ("application/msword", b"\xd0\xcf\x11\xe0"),
    ".xls": ("application/vnd.ms-excel", b"\xd0\xcf\x11\xe0"),
    ".txt": ("text/plain", None),
    ".csv": ("text/csv", None),
    ".png": ("image/png", b"\x89PNG"),
    ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff"),
}

SOURCE_FIELDS = ("title", "kind", "date", "author", "link", "reliability", "credibility", "classification", "notes")


def check_upload(upload: UploadedFile) -> tuple[str, str]:
    """The safe display name and content type of an upload, or ServiceError saying what is wrong."""
    name = clean_file_name(str(upload.name))
    extension = PurePath(name).suffix.lower()
    if extension not in ALLOWED_TYPES:
        allowed = ", ".join(sorted(ALLOWED_TYPES))
        raise ServiceError(f"Files of type '{extension or 'none'}' are not accepted. Use one of: {allowed}.")
    size = upload.size or 0  # None only for a file of unknown size, which no upload is
    if size > MAX_UPLOAD_BYTES:
        raise ServiceError(f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB. Upload a smaller copy.")
    if size == 0:
        raise ServiceError("The file is empty.")
    content_type, magic = ALLOWED_TYPES[extension]
    head = upload.read(8)
    upload.seek(0)
    if magic is not None and not head.startswith(magic):
        raise ServiceError(f"The file does not look like a {extension} file. Check that it is the right file.")
    if magic is None and b"\x00" in upload.read(4096):
        raise ServiceError(f"The file does not look like a {extension} text file.")
    upload.seek(0)
    return name, content_type


@transaction.atomic
def save_source(user: User, assessment: Assessment, source: Source | None = None, *,
                upload: UploadedFile | None = None, **fields: Any) -> Source:
    require(user, Action.EDIT, assessment)
    unknown = set(fields) - set(SOURCE_FIELDS) - {"confirmed"}
    if unknown:
        raise ServiceError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    source = source or Source(assessment=assessment, added_by=user)
    if source.assessment_id != assessment.pk:
        raise ServiceError("That source belongs to another assessment.")
    if source.pk and not seen_by(user, assessment).may_see(source.classification):
        raise PermissionDenied("That source is classified above your clearance.")
    if "classification" in fields and not seen_by(user, assessment).may_see(fields["classification"]):
        raise ServiceError("You cannot classify material above your own clearance.")
    if not source.pk and "classification" not in fields:
        fields["classification"] = seen_by(user, assessment).default_classification()
    before = history.snapshot(source) if source.pk else None
    for name, value in fields.items():
        setattr(source, name, value)
    if upload is not None:
        source.file_name, source.file_type = check_upload(upload)
        source.file_size = upload.size
        old_name = source.file.name if source.file else ""
        source.file_token = secrets.token_hex(16)
        source.file.save(source.file_token, upload, save=False)
        _delete_if_unused(old_name, source)
    if not source.title.strip():
        raise ServiceError("Give the source a title.")
    source.full_clean(exclude=["assessment", "file"])
    source.save()
    history.record(user, assessment, "changed" if before else "created", source, before, history.snapshot(source))
    return source


@transaction.atomic
def delete_source(user: User, assessment: Assessment, source: Source) -> int:
    """Delete a source together with its citations, recorded in the content history, so that it can be restored
    (restore_source): the rows and the stored file stay, marked deleted, out of every page, export and report.
    Returns the number of citations that went with it. Refused when some citation supports work above the
    user's clearance: that work is not theirs to change."""
    require(user, Action.EDIT, assessment)
    if source.assessment_id != assessment.pk or not seen_by(user, assessment).may_see(source.classification):
        raise PermissionDenied("That source is classified above your clearance.")
    locked = Source.objects.select_for_update().filter(pk=source.pk).first()
    if locked is None:
        raise ServiceError("This source was already deleted.")
    source = locked
    impact = selectors.deletion_impact(seen_by(user, assessment), source)
    if impact.hidden:
        raise ServiceError("This source is also cited in work classified above your clearance. Ask a team member "
                           "cleared for it to delete the source, or leave it.")
    now = timezone.now()
    citations = list(source.citations.all())
    for citation in citations:
        before = history.snapshot(citation)
        citation.deleted_at = now
        citation.save(update_fields=["deleted_at"])
        history.record(user, assessment, "changed", citation, before, history.snapshot(citation))
    before = history.snapshot(source)
    source.deleted_at, source.deleted_by = now, user
    source.save(update_fields=["deleted_at", "deleted_by"])
    history.record(user, assessment, "changed", source, before, history.snapshot(source))
    return len(citations)


@transaction.atomic
def restore_source(user: User, assessment: Assessment, source: Source) -> int:
    """Put a deleted source back with the citations deleted with it; returns how many citations came back."""
    require(user, Action.EDIT, assessment)
    if source.assessment_id != assessment.pk or not seen_by(user, assessment).may_see(source.classification):
        raise PermissionDenied("That source is classified above your clearance.")
    source = Source.all_objects.select_for_update().get(pk=source.pk)
    if source.deleted_at is None:
        raise ServiceError("This source is not deleted.")
    citations = list(Citation.all_objects.filter(source=source, deleted_at=source.deleted_at))
    before = history.snapshot(source)
    source.deleted_at, source.deleted_by = None, None
    source.save(update_fields=["deleted_at", "deleted_by"])
    history.record(user, assessment, "changed", source, before, history.snapshot(source))
    for citation in citations:
        before = history.snapshot(citation)
        citation.deleted_at = None
        citation.save(update_fields=["deleted_at"])
        history.record(user, assessment, "changed", citation, before, history.snapshot(citation))
    return len(citations)


@transaction.atomic
def purge_source(user: User, assessment: Assessment, source: Source) -> int:
    """Remove a deleted source for good (lead only): its row, the citations deleted with it and, once no other
    source refers to it, its file. Recorded in the content history; cannot be undone. Returns the citations."""
    require(user, Action.MANAGE, assessment)
    if source.assessment_id != assessment.pk or not seen_by(user, assessment).may_see(source.classification):
        raise PermissionDenied("That source is classified above your clearance.")
    source = Source.all_objects.select_for_update().get(pk=source.pk)
    if source.deleted_at is None:
        raise ServiceError("Only a deleted source can be removed for good. Delete it first.")
    citations = list(Citation.all_objects.filter(source=source))
    for citation in citations:
        history.record(user, assessment, "deleted", citation, history.snapshot(citation), None)
        citation.delete()
    history.record(user, assessment, "deleted", source, history.snapshot(source), None)
    name = source.file.name if source.file else ""
    source.delete()
    _delete_if_unused(name, source)
    return len(citations)


def _delete_if_unused(name: str, source: Source) -> None:
    """Remove a stored file once no source refers to it (a follow-up's carried-over sources share files)."""
    # A deleted source still refers to its file: it may be restored.
    if name and not Source.all_objects.filter(file=name).exclude(pk=source.pk).exists():
        storage = source.file.storage
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def cite(user: User, assessment: Assessment, *, response: Response | None = None, finding: Finding | None = None,
         source: Source | None = None, activity: Activity | None = None, pinpoint: str = "",
         stance: str = "supports") -> Citation:
    require(user, Action.EDIT, assessment)
    if (response is None) == (finding is None):
        raise ServiceError("A citation supports either a response or a finding.")
    if source is None and activity is None:
        raise ServiceError("Choose a source or an activity to cite.")
    for obj in (response, finding, source, activity):
        if obj is not None and obj.assessment_id != assessment.pk:
            raise ServiceError("Everything cited must belong to this assessment.")
        if obj is not None and not seen_by(user, assessment).may_see(obj.classification):
            raise PermissionDenied("That is classified above your clearance.")
    citation = Citation.objects.create(
        assessment=assessment,
        response=response,
        finding=finding,
        source=source,
        activity=activity,
        pinpoint=pinpoint.strip()[:200],
        stance=stance,
    )
    history.record(user, assessment, "created", citation, None, history.snapshot(citation))
    return citation


@transaction.atomic
def uncite(user: User, assessment: Assessment, citation: Citation) -> None:
    require(user, Action.EDIT, assessment)
    if citation.assessment_id != assessment.pk:
        raise ServiceError("That citation belongs to another assessment.")
    cited = citation.source or citation.activity
    if cited is not None and not seen_by(user, assessment).may_see(cited.classification):
        raise PermissionDenied("That citation is classified above your clearance.")
    history.record(user, assessment, "deleted", citation, history.snapshot(citation), None)
    citation.delete()
