"""Reading and writing files that come from outside (or go out to spreadsheets) without being hurt by them.

Uploaded spreadsheets are zip archives: before openpyxl opens one, its directory is checked so that a zip
bomb (tiny file, gigabytes unpacked) or a path trick is refused with a message instead of filling memory.
Cells written to spreadsheets with `put` keep a text like "=HYPERLINK(...)" as text: shown, never run.
"""

from __future__ import annotations

import io
import zipfile

from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # an upload larger than this is refused before it is read
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # all members of a spreadsheet together, unpacked
MAX_RATIO = 100  # unpacked size / packed size of any one member
MAX_MEMBERS = 2000

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class UnsafeFile(ValueError):
    """The file was refused; the message says what was wrong and what to do."""


def read_limited(handle, limit: int = MAX_UPLOAD_BYTES, what: str | None = None) -> bytes:
    """The bytes of an upload or file, refusing one over `limit` without reading all of it."""
    what = what or _("The file")
    data = handle.read(limit + 1)
    if len(data) > limit:
        raise UnsafeFile(_("%(what)s is larger than %(mb)s MB. Split it or remove what is not needed.")
                         % {"what": what, "mb": limit // (1024 * 1024)})
    if not data:
        raise UnsafeFile(_("%(what)s is empty. Choose the file again.") % {"what": what})
    return data


def checked_zip(data: bytes, what: str) -> zipfile.ZipFile:
    """The zip archive in `data`, open, once its directory passed the checks (member count, paths, unpacked
    size and ratio); UnsafeFile otherwise. `what` names the file in messages ("The workbook", "The archive").
    Close it after use."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise UnsafeFile(_("%(what)s is not a readable ZIP archive. Download or save it again.")
                         % {"what": what}) from None
    try:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise UnsafeFile(_("%(what)s has too many parts to be a file for SOMA; it was not read.") % {"what": what})
        total = 0
        for member in members:
            name = member.filename
            if name.startswith("/") or ".." in name.split("/") or "\\" in name:
                raise UnsafeFile(_("%(what)s contains a file with an unsafe path; it was not read.") % {"what": what})
            total += member.file_size
            packed = max(member.compress_size, 1)
            if member.file_size > 1024 * 1024 and member.file_size / packed > MAX_RATIO:
                raise UnsafeFile(_("%(what)s unpacks to far more than its size (a 'zip bomb'); it was not read.")
                                 % {"what": what})
        if total > MAX_UNPACKED_BYTES:
            raise UnsafeFile(_("%(what)s unpacks to more than %(mb)s MB; it was not read. Split it into smaller ones.")
                             % {"what": what, "mb": MAX_UNPACKED_BYTES // (1024 * 1024)})
    except BaseException:
        archive.close()
        raise
    return archive


def read_member(archive: zipfile.ZipFile, name: str, limit: int = MAX_UPLOAD_BYTES) -> bytes:
    """The unpacked bytes of one member of a checked archive, refusing one over `limit` whatever its directory
    entry claims (it is read in bounded steps)."""
    with archive.open(name) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise UnsafeFile(_("%(name)s is larger than %(mb)s MB unpacked. Export fewer submissions at a time.")
                         % {"name": name, "mb": limit // (1024 * 1024)})
    return data


def check_xlsx(data: bytes) -> io.BytesIO:
    """Bytes of an .xlsx that are safe to hand to openpyxl, as a file object; UnsafeFile otherwise."""
    not_xlsx = _("This is not an Excel workbook (.xlsx). Save the file as .xlsx and try again.")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise UnsafeFile(not_xlsx)
    with checked_zip(data, _("The workbook")) as archive:
        if "[Content_Types].xml" not in archive.namelist():
            raise UnsafeFile(not_xlsx)
    return io.BytesIO(data)


def put(cell, value) -> None:
    """Write a value into an openpyxl cell so that Excel shows formula-like text as text and never runs it
    (formula injection): the cell is stored as a string with Excel's quote prefix, and reads back unchanged."""
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True
