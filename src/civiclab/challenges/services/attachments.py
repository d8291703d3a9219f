"""Files attached to ideas: checked by name and by content, stored under random names.

A file is accepted only when its extension is on the list *and* its first bytes are what that
kind of file starts with, so a renamed program or web page is refused whatever it is called.
Files are stored under MEDIA_ROOT with random names and served only through a view that
checks who may read the idea (never by a direct media address).
"""

import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_FILES_PER_IDEA = 5
SNIFF_BYTES = 64 * 1024
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
LOOKS_LIKE_HTML = (b"<!doctype", b"<html", b"<script", b"<svg", b"<?xml", b"<iframe", b"<body")


def max_bytes() -> int:
    """The size limit per file: the IDEA_ATTACHMENT_MAX_BYTES setting, 10 MB by default."""
    return int(getattr(settings, "IDEA_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def _zip_names(head: bytes, upload: UploadedFile) -> list[str] | None:
    if not head.startswith(b"PK\x03\x04"):
        return None
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        upload.seek(0)


def _is_pdf(head: bytes, upload: UploadedFile) -> bool:
    return head.startswith(b"%PDF-")


def _is_png(head: bytes, upload: UploadedFile) -> bool:
    return head.startswith(b"\x89PNG\r\n\x1a\n")


def _is_jpeg(head: bytes, upload: UploadedFile) -> bool:
    return head.startswith(b"\xff\xd8\xff")


def _is_office_open_xml(head: bytes, upload: UploadedFile, folder: str) -> bool:
    names = _zip_names(head, upload) or []
    return "[Content_Types].xml" in names and any(n.startswith(folder) for n in names)


def _is_docx(head: bytes, upload: UploadedFile) -> bool:
    return _is_office_open_xml(head, upload, "word/")


def _is_xlsx(head: bytes, upload: UploadedFile) -> bool:
    return _is_office_open_xml(head, upload, "xl/")


def _is_odt(head: bytes, upload: UploadedFile) -> bool:
    # The OpenDocument format puts an uncompressed `mimetype` file first in the archive.
    return (
        head.startswith(b"PK\x03\x04")
        and ODT_MIMETYPE in head[:200]
        and bool(_zip_names(head, upload))
    )


def _is_text(head: bytes, upload: UploadedFile) -> bool:
    """Plain text in UTF-8 (or Latin-1 without control characters), and not a web page."""
    if not head or b"\x00" in head:
        return False
    if head.lstrip().lower().startswith(LOOKS_LIKE_HTML):
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # The sample may end in the middle of a character; anything earlier is not UTF-8.
        if error.start < len(head) - 3:
            return not any(byte < 9 or 13 < byte < 32 for byte in head)
    return True


@dataclass(frozen=True)
class Kind:
    content_type: str
    label: str
    matches: Callable[[bytes, UploadedFile], bool]


KINDS: dict[str, Kind] = {
    "pdf": Kind("application/pdf", "PDF", _is_pdf),
    "png": Kind("image/png", "PNG", _is_png),
    "jpg": Kind("image/jpeg", "JPEG", _is_jpeg),
    "jpeg": Kind("image/jpeg", "JPEG", _is_jpeg),
    "docx": Kind(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word (DOCX)",
        _is_docx,
    ),
    "xlsx": Kind(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Excel (XLSX)",
        _is_xlsx,
    ),
    "odt": Kind("application/vnd.oasis.opendocument.text", "OpenDocument text (ODT)", _is_odt),
    "csv": Kind("text/csv", "CSV", _is_text),
    "txt": Kind("text/plain", "text (TXT)", _is_text),
}


def allowed_types_text() -> str:
    return "PDF, PNG, JPEG, DOCX, XLSX, ODT, CSV, TXT"


def extension_of(name: str) -> str:
    return os.path.splitext(name or "")[1].lower().lstrip(".")


def clean_original_name(name: str | None) -> str:
    """The name the person gave the file, without any folder part, for the download."""
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    return base[-200:] or "attachment"


def validate_upload(upload: UploadedFile) -> str:
    """Check one uploaded file; return its content type or raise a ValidationError naming it."""
    name = clean_original_name(getattr(upload, "name", ""))
    kind = KINDS.get(extension_of(name))
    if kind is None:
        raise ValidationError(
            _("“%(name)s” must be a %(types)s file")
            % {"name": name, "types": allowed_types_text()},
            code="file_type",
        )
    limit = max_bytes()
    size = upload.size or 0  # Django measures every upload; one without a size is empty
    if size > limit:
        raise ValidationError(
            _("“%(name)s” must be smaller than %(size)s")
            % {"name": name, "size": filesizeformat(limit)},
            code="file_size",
        )
    if size == 0:
        raise ValidationError(_("“%(name)s” is empty") % {"name": name}, code="file_empty")
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    if not kind.matches(head, upload):
        raise ValidationError(
            _("“%(name)s” is not really a %(type)s file; its content does not match its name")
            % {"name": name, "type": kind.label},
            code="file_content",
        )
    return kind.content_type


def validate_count(*, existing: int, adding: int) -> None:
    if existing + adding > MAX_FILES_PER_IDEA:
        raise ValidationError(
            _("An idea can have at most %(max)s attachments; remove some to add others")
            % {"max": MAX_FILES_PER_IDEA},
            code="file_count",
        )
