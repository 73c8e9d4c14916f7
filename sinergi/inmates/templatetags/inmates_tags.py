from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import date_format, localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext, pgettext

from sinergi.inmates.sheet import SHEET_CONTEXT, say_basis, say_line, say_text
from sinergi.inmates.wording import say_length
from sinergi.sentences import CONDITION_LABELS, EXCLUSION_LABELS, Length

register = template.Library()

__all__ = [
    "SHEET_CONTEXT",
    "condition",
    "pipeline_right",
    "remisi_length",
    "sheet",
    "sheet_basis",
    "sheet_value",
]


@register.filter
def sheet(line: Any) -> str:
    """One calculation-sheet line in the page's language: its template and its values
    (lengths, decimals, the engine's English phrases and enum values) translated, dates
    the Indonesian way. The legal basis is :func:`sheet_basis`."""
    return say_line(line)


@register.filter
def sheet_basis(line: Any) -> str:
    """The legal basis of a sheet line ("Pasal 82 Permenkumham 3/2018"), or ""."""
    return say_basis(line)


@register.filter
def sheet_value(value: Any) -> str:
    """One of the engine's phrases, titles or enum values in the page's language."""
    return say_text(str(value)) if value is not None else ""


@register.filter
def condition(name: str) -> str:
    """An input the engine could not check (``fine_paid``), named in the page's language."""
    label = CONDITION_LABELS.get(name) or EXCLUSION_LABELS.get(name)
    if label is None:
        return name.replace("_", " ")
    text = pgettext(SHEET_CONTEXT, label)
    return text[:1].upper() + text[1:]


@register.simple_tag
def remisi_length(months: int, days: int) -> str:
    """A remisi's length in words, only the parts that are not zero ("1 bulan",
    "1 month 15 days"), in the page's language with the right plural."""
    return say_length(Length(months=months or 0, days=days or 0))


def _day(value: Any) -> str:
    return date_format(value, "DATE_FORMAT")


@register.simple_tag
def pipeline_right(r: Any) -> SafeString:
    """One right of a person in the integration-rights pipeline (a
    :class:`~sinergi.inmates.pipeline.RightRow`), as the ``<li>`` of the page's list.

    Written here rather than in the template: a page shows some 400 rights, and the
    template's tags for each (a dozen conditions, dates, plurals) took a sixth of the
    page's time; the words are the same messages (ngettext and gettext of the same ids)."""
    parts = [format_html("<li><strong>{}</strong>: ", r.label)]
    if r.state == "due":
        parts.append(format_html("<strong>{}</strong>", r.state_label))
    else:
        parts.append(format_html("{}", r.state_label))
    if r.eligible_from:
        parts.append(format_html(", {}", _day(r.eligible_from)))
    if r.stage_label:
        parts.append(format_html(" · {}: ", gettext("stage")))
        if r.stage_url:
            parts.append(format_html('<a href="{}">{}</a>', r.stage_url, r.stage_label))
        else:
            parts.append(format_html("{}", r.stage_label))
    closed = r.closed
    if closed:
        parts.append(format_html(" {}", gettext("on %(day)s") % {"day": _day(closed.on)}))
        if closed.reason:
            parts.append(format_html(": {}", closed.reason))
        if closed.sk_number:
            parts.append(format_html(" · {} {}", gettext("SK"), closed.sk_number))
            if closed.sk_date:
                parts.append(format_html(", {}", _day(closed.sk_date)))
        if closed.document_url:
            parts.append(
                format_html(' · <a href="{}">{}</a>', closed.document_url, closed.document_label)
            )
        if r.may_be_started:
            parts.append(format_html(" · {}", gettext("A new proposal may be started.")))
    if r.days_waiting is not None:
        n = r.days_waiting
        waiting = ngettext("%(n)s day waiting", "%(n)s days waiting", n) % {"n": localize(n)}
        parts.append(format_html(" · {}", waiting))
    if r.late_since:
        n = r.late_days
        if closed:
            late = ngettext(
                "not proposed again: %(n)s day", "not proposed again: %(n)s days", n
            ) % {"n": localize(n)}
        else:
            late = ngettext(
                "eligible since %(day)s, not proposed: %(n)s day",
                "eligible since %(day)s, not proposed: %(n)s days",
                n,
            ) % {"n": localize(n), "day": _day(r.late_since)}
        parts.append(format_html('<br><strong class="late">{}</strong>', late))
    if r.start_url:
        parts.append(
            format_html(
                '<br><a href="{}" class="start-proposal">{}</a>',
                r.start_url,
                gettext("Start a proposal"),
            )
        )
    if r.missing_conditions:
        parts.append(
            format_html(
                '<br><span class="muted">{}: {}</span>',
                gettext("To verify"),
                format_html_join("; ", "{}", ((condition(c),) for c in r.missing_conditions)),
            )
        )
    parts.append(mark_safe("</li>"))
    return mark_safe("".join(parts))  # noqa: S308 - every part is format_html's
