"""Filters for printed documents: ``{{ day|long_date }}`` gives "5 Desember 2026"."""

from __future__ import annotations

import datetime

from django import template

from sinergi.core.dates import long_date as _long_date

register = template.Library()


@register.filter
def long_date(value: datetime.date | datetime.datetime | None) -> str:
    return _long_date(value)
