"""The needs assessment's stored texts in the reader's language."""

from __future__ import annotations

from django import template

from sinergi.reintegration.assessment import SEEDED
from sinergi.reintegration.models import AssessmentVersion

register = template.Library()


@register.filter
def assessment_text(text: str) -> str:
    """A question (or the assessment's name) as stored, in the reader's language."""
    return SEEDED.shown(text)


@register.filter
def assessment_name(version: AssessmentVersion) -> str:
    return f"v{version.version} {SEEDED.shown(version.name)}"
