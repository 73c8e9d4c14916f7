"""The summary of a form's problems above it (``_error_summary.html``), for the forms whose
view does not build one: ``{% error_summary_of form %}``, or of several forms sent as one
(``{% error_summary_of inmate_form sentence_form %}``)."""

from __future__ import annotations

from typing import Any

from django import forms, template

from sinergi.core.forms import FormProblem, form_problems

register = template.Library()


@register.inclusion_tag("_error_summary.html")
def error_summary_of(*sent: forms.BaseForm | None) -> dict[str, Any]:
    """Every problem of the bound forms among ``sent``, in order (nothing before a form
    is sent: the summary is empty and not shown)."""
    problems: list[FormProblem] = []
    for form in sent:
        if form is not None and form.is_bound:
            problems += form_problems(form)
    return {"error_summary": problems}
