"""Checks shared by several apps: a civil servant's NIP, an emblem image."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_EMBLEM_BYTES = 512 * 1024
MAX_EMBLEM_PIXELS = 2000  # per side


def validate_nip(value: str) -> None:
    """A civil servant's NIP: 18 digits, the first eight a birth date (YYYYMMDD), then
    the month of appointment (YYYYMM), the sex (1 or 2) and a sequence number."""
    if not value:
        return
    if len(value) != 18 or not value.isdigit():
        raise ValidationError(_("A NIP has exactly 18 digits."), code="nip_length")
    try:
        datetime.date(int(value[0:4]), int(value[4:6]), int(value[6:8]))
        datetime.date(int(value[8:12]), int(value[12:14]), 1)
    except ValueError:
        raise ValidationError(
            _("A NIP starts with a birth date (YYYYMMDD) and a month of appointment (YYYYMM)."),
            code="nip_dates",
        ) from None
    if value[14] not in "12":
        raise ValidationError(_("The 15th digit of a NIP is 1 (man) or 2 (woman)."), code="nip_sex")


def validate_emblem(upload: Any) -> None:
    """An emblem for a letterhead: a real PNG or JPEG image (read by Pillow, whatever
    its name says), at most 512 KB and 2000 pixels a side."""
    from PIL import Image, UnidentifiedImageError

    if upload is None or not getattr(upload, "name", ""):
        return
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_EMBLEM_BYTES:
        raise ValidationError(
            _("The image is larger than %(kb)s KB.") % {"kb": MAX_EMBLEM_BYTES // 1024},
            code="file_size",
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            kind = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            _("The file is not a PNG or JPEG image."), code="file_content"
        ) from None
    finally:
        upload.seek(position)
    if kind not in ("PNG", "JPEG"):
        raise ValidationError(_("The file is not a PNG or JPEG image."), code="file_content")
    if max(width, height) > MAX_EMBLEM_PIXELS:
        raise ValidationError(
            _("The image is larger than %(px)s pixels a side.") % {"px": MAX_EMBLEM_PIXELS},
            code="image_size",
        )
