"""What every form of Sinergi shares: refusing dates that have not come yet, and the
summary of a form's problems listed above it (focused, each linking to its field)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def refuse_future_dates(form: forms.BaseForm, data: dict[str, Any], *fields: str) -> None:
    """Add an error to each of ``fields`` whose date lies after today (in the active time
    zone: on a page, that of the user's facility)."""
    today = timezone.localdate()
    for name in fields:
        value = data.get(name)
        if value and value > today:
            form.add_error(name, _("This date is in the future; enter a date up to today."))


@dataclass(frozen=True)
class FormProblem:
    """One line of a form's error summary: where the problem is (a field's label, after
    the name of its row, e.g. "Commitment 2"), the message, and the id of the element to
    go to (empty for a problem of the whole form, which the summary states in full)."""

    where: str
    message: str
    anchor: str = ""


def _problems_of(form: forms.BaseForm, where: str = "", anchor: str = "") -> list[FormProblem]:
    """The problems of ``form`` in the order of its fields; those of the whole form, or of
    a hidden field, point to ``anchor``."""
    found = [FormProblem(where, str(m), anchor) for m in form.non_field_errors()]
    for name in form.fields:
        if name not in form.errors:
            continue
        field = form[name]
        if field.is_hidden:
            place, target = where, anchor
        else:
            place = f"{where} · {field.label}" if where else str(field.label)
            # A group of checkboxes has no single id: its first box stands for it.
            target = field.id_for_label or (f"{field.auto_id}_0" if field.auto_id else "")
        found += [FormProblem(place, str(m), target) for m in form.errors[name]]
    return found


def form_problems(form: forms.BaseForm) -> list[FormProblem]:
    """The problems of one form, to list above it, each leading to its field."""
    return _problems_of(form)


def error_summary(
    form: forms.BaseForm, rows: forms.BaseFormSet[Any], row_label: str
) -> list[FormProblem]:
    """Every problem of ``form`` and of its ``rows`` (the n-th called ``row_label`` with
    ``%(n)s``, e.g. "Commitment 2"), to list above the form; a row's problems lead to the
    element whose id is the row's prefix."""
    found = _problems_of(form)
    found += [FormProblem("", str(m)) for m in rows.non_form_errors()]
    for index, item in enumerate(rows.forms):
        found += _problems_of(item, row_label % {"n": index + 1}, item.prefix or "")
    return found
