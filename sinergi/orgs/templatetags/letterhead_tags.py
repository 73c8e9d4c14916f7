"""The letterhead and signature of a document in a template whose view does not pass
:func:`sinergi.orgs.letterhead.document_context`::

    {% load letterhead_tags %}
    {% letterhead facility %}
    …
    {% signature facility "attendance_sheet" session.date %}

A date that is a datetime is taken in the active time zone: wrap the tag in
``{% timezone facility.time_zone %}`` to date it at the facility.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import template

from sinergi.orgs.letterhead import Organisation, document_context, letterhead_of

register = template.Library()


@register.inclusion_tag("documents/pdf/letterhead.html")
def letterhead(org: Organisation) -> dict[str, Any]:
    return {"letterhead": letterhead_of(org)}


@register.inclusion_tag("documents/pdf/signature.html")
def signature(
    org: Organisation,
    kind: str,
    date: datetime.date | datetime.datetime | None = None,
    intro: str = "",
    fallback_name: str = "",
) -> dict[str, Any]:
    """The signature block of ``kind`` for ``org`` dated ``date``: ``intro`` above the
    title ("Mengetahui,"), ``fallback_name`` signs when ``org`` names no signatory."""
    context = document_context(org, kind, date=date, fallback_name=fallback_name)
    return {**context, "signature_intro": intro}
