"""Checks of uploaded documents: type by extension and by content, and size."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
SIGNATURES = {
    ".pdf": [b"%PDF-"],
    ".jpg": [b"\xff\xd8\xff"],
    ".jpeg": [b"\xff\xd8\xff"],
    ".png": [b"\x89PNG\r\n\x1a\n"],
}


def _check(upload: Any, allowed: tuple[str, ...]) -> None:
    name = (getattr(upload, "name", "") or "").lower()
    suffix = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    if suffix not in allowed:
        raise ValidationError(
            _("Upload a %(types)s file.")
            % {"types": ", ".join(a.lstrip(".").upper() for a in allowed)},
            code="file_type",
        )
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is larger than %(mb)s MB.") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
            code="file_size",
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(16)
    upload.seek(position)
    if not any(head.startswith(sig) for sig in SIGNATURES[suffix]):
        raise ValidationError(
            _("The file's content is not a %(type)s.") % {"type": suffix.lstrip(".").upper()},
            code="file_content",
        )


def validate_pdf(upload: Any) -> None:
    _check(upload, (".pdf",))


def validate_evidence(upload: Any) -> None:
    _check(upload, (".pdf", ".jpg", ".jpeg", ".png"))
