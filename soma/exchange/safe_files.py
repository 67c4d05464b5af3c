"""Reading and writing files that come from outside (or go out to spreadsheets) without being hurt by them.

Uploaded spreadsheets are zip archives: before openpyxl opens one, its directory is checked so that a zip
bomb (tiny file, gigabytes unpacked) or a path trick is refused with a message instead of filling memory.
Cells written to spreadsheets with `put` keep a text like "=HYPERLINK(...)" as text: shown, never run.
"""

from __future__ import annotations

import io
import zipfile

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # an upload larger than this is refused before it is read
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # all members of a spreadsheet together, unpacked
MAX_RATIO = 100  # unpacked size / packed size of any one member
MAX_MEMBERS = 2000

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class UnsafeFile(ValueError):
    """The file was refused; the message says what was wrong and what to do."""


def read_limited(handle, limit: int = MAX_UPLOAD_BYTES, what: str = "The file") -> bytes:
    """The bytes of an upload or file, refusing one over `limit` without reading all of it."""
    data = handle.read(limit + 1)
    if len(data) > limit:
        raise UnsafeFile(f"{what} is larger than {limit // (1024 * 1024)} MB. Split it or remove what is not needed.")
    if not data:
        raise UnsafeFile(f"{what} is empty. Choose the file again.")
    return data


def check_xlsx(data: bytes) -> io.BytesIO:
    """Bytes of an .xlsx that are safe to hand to openpyxl, as a file object; UnsafeFile otherwise."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise UnsafeFile("This is not an Excel workbook (.xlsx). Save the file as .xlsx and try again.") from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise UnsafeFile("The workbook has too many parts to be a SOMA spreadsheet; it was not read.")
        total = 0
        for member in members:
            name = member.filename
            if name.startswith("/") or ".." in name.split("/") or "\\" in name:
                raise UnsafeFile("The workbook contains a file with an unsafe path; it was not read.")
            total += member.file_size
            packed = max(member.compress_size, 1)
            if member.file_size > 1024 * 1024 and member.file_size / packed > MAX_RATIO:
                raise UnsafeFile("The workbook unpacks to far more than its size (a 'zip bomb'); it was not read.")
        if total > MAX_UNPACKED_BYTES:
            raise UnsafeFile("The workbook unpacks to more than 200 MB; it was not read. Split it into smaller ones.")
        if "[Content_Types].xml" not in archive.namelist():
            raise UnsafeFile("This is not an Excel workbook (.xlsx). Save the file as .xlsx and try again.")
    return io.BytesIO(data)


def put(cell, value) -> None:
    """Write a value into an openpyxl cell so that Excel shows formula-like text as text and never runs it
    (formula injection): the cell is stored as a string with Excel's quote prefix, and reads back unchanged."""
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True
