"""What every printed document takes from the organisation that issues it: its kop surat
(letterhead), the signatory for the document's kind (or the deputy while the signatory is
marked absent) and the place-and-date line.

A document's context gets them all from :func:`document_context`; the templates
``documents/pdf/letterhead.html`` and ``documents/pdf/signature.html`` print them, the same way
in every PDF.
"""

from __future__ import annotations

import base64
import datetime
import logging
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from sinergi.core.dates import long_date, place_and_date
from sinergi.orgs.models import (
    DEFAULT_DIRECTORATE,
    DEFAULT_MINISTRY,
    DocumentKind,
    Facility,
    Region,
    Signatory,
)

logger = logging.getLogger(__name__)

Organisation = Facility | Region


@dataclass(frozen=True)
class Letterhead:
    ministry: str
    lines: tuple[str, ...]
    name: str
    address: str
    phone: str
    email: str
    town: str
    emblem: str = ""  # a data: URI, so the PDF needs no file access


@dataclass(frozen=True)
class Signature:
    name: str
    nip: str
    title: str
    acting: str = ""  # "Plh." or "Plt." when a deputy signs

    @property
    def title_line(self) -> str:
        return f"{self.acting} {self.title}".strip()


def _emblem_data_uri(org: Organisation) -> str:
    if not org.emblem:
        return ""
    try:
        with org.emblem.open("rb") as handle:
            data = handle.read()
    except OSError:  # the storage lost the file: print the letterhead without it
        logger.warning("emblem of %s missing from the storage", org)
        return ""
    mime = "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def town_of(org: Organisation) -> str:
    if org.town:
        return org.town
    if isinstance(org, Facility):
        return org.regency
    return org.province


def letterhead_of(org: Organisation) -> Letterhead:
    lines = tuple(line.strip() for line in org.letterhead_lines.splitlines() if line.strip())
    if not lines:
        if isinstance(org, Facility):
            lines = (DEFAULT_DIRECTORATE, org.region.name)
        else:
            lines = (DEFAULT_DIRECTORATE,)
    return Letterhead(
        ministry=org.letterhead_ministry or DEFAULT_MINISTRY,
        lines=lines,
        name=org.letterhead_name or org.name,
        address=org.address,
        phone=org.phone,
        email=org.email,
        town=town_of(org),
        emblem=_emblem_data_uri(org),
    )


def signature_of(signatory: Signatory) -> Signature:
    if signatory.absent and signatory.deputy_name:
        return Signature(
            name=signatory.deputy_name,
            nip=signatory.deputy_nip,
            title=signatory.title,
            acting=signatory.deputy_kind,
        )
    return Signature(name=signatory.name, nip=signatory.nip, title=signatory.title)


def signatory_for(org: Organisation, kind: str) -> Signatory | None:
    """The organisation's signatory for ``kind``, else its signatory for any document."""
    found = {
        s.document_kind: s
        for s in org.signatories.filter(document_kind__in=[kind, DocumentKind.ANY])
    }
    return found.get(kind) or found.get(DocumentKind.ANY)


def signature_for(org: Organisation, kind: str, fallback_name: str = "") -> Signature:
    """Who signs ``kind`` for ``org``: its signatory (or the deputy); without one, the
    head: ``fallback_name`` (the head's account) or the name recorded on the unit."""
    signatory = signatory_for(org, kind)
    if signatory is not None:
        return signature_of(signatory)
    head = fallback_name or getattr(org, "head_name", "")
    return Signature(name=head, nip="", title=_("Head of %(unit)s") % {"unit": org.name})


def document_context(
    org: Organisation,
    kind: str,
    *,
    date: datetime.date | datetime.datetime | None,
    number: str = "",
    signature: Signature | None = None,
    fallback_name: str = "",
) -> dict[str, Any]:
    """The letterhead, signature and dating of a document ``org`` issues: merge into the
    template's context. ``signature`` replaces the organisation's signatory (the chair of
    a meeting signs its minutes); ``fallback_name`` signs when the organisation names no
    signatory for ``kind``."""
    letterhead = letterhead_of(org)
    return {
        "letterhead": letterhead,
        "signature": signature or signature_for(org, kind, fallback_name),
        "document_number": number,
        "document_date": date,
        "document_date_long": long_date(date),
        "place_date": place_and_date(letterhead.town, date),
    }
