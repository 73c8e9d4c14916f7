"""Kept files as downloads, one way for the pages and the API."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404


def kept_file(field_file: Any, *, as_attachment: bool = False) -> FileResponse:
    """The file of ``field_file`` (a model's FileField value) as a response, named as it
    was uploaded; a 404 when there is none or the storage has lost it. Open it before
    auditing the read, so that a lost file is not recorded as read."""
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=as_attachment, filename=field_file.name.rsplit("/", 1)[-1]
    )
