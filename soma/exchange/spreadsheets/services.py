"""What the spreadsheet pages ask of SOMA beyond showing a page: the rules live here (and in questionnaire.py and
recommendations.py, which build and read the workbooks), the views only turn requests into these calls."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from soma.core import jobs
from soma.exchange import safe_files
from soma.exchange.models import PendingUpload
from soma.exchange.spreadsheets import tasks
from soma.kernel.access import Action, require

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import UploadedFile

    from soma.assessments.models import Assessment
    from soma.core.models import Job


def start_questionnaire_import(user: User, assessment: Assessment, upload: UploadedFile | None) -> Job:
    """Check a filled-in questionnaire the user uploaded, keep it and start its import as a background job.

    The user must be allowed to edit the assessment (PermissionDenied otherwise, before the file is read). The
    file must be there, within the upload limit and a real .xlsx: safe_files.UnsafeFile otherwise, with a message
    that says what to do, and nothing is kept. The job reads the kept file, imports it and deletes it
    (tasks.import_questionnaire).
    """
    require(user, Action.EDIT, assessment)
    if upload is None:
        raise safe_files.UnsafeFile(_("Choose the filled-in questionnaire (.xlsx) to import."))
    data = safe_files.read_limited(upload, limit=safe_files.MAX_UPLOAD_BYTES, what=_("The file"))
    safe_files.check_xlsx(data)
    name = upload.name or ""
    kept = PendingUpload.objects.create(assessment=assessment, user=user, kind=tasks.KIND, file_name=name[:255],
                                        data=data)
    return jobs.start(user, tasks.KIND, _("Import of the questionnaire %(name)s") % {"name": name[:200]},
                      tasks.import_questionnaire, kept.pk, assessment=assessment)
