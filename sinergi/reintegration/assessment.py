"""The default needs assessment (version 1). The data migration 0002 installs the same
questions (in Indonesian); this copy serves the demo on a database that was flushed
(browser tests), and gives the questions their English."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sinergi.core.seeded_texts import SeededTexts
from sinergi.reintegration.models import AssessmentQuestion, AssessmentVersion

# The questions in English; the database keeps them in Indonesian (their translation, as
# the data migration 0002 wrote them), and pages show them in the reader's language.
DEFAULT_QUESTIONS = [
    (
        "identity",
        _(
            "Does the person have a valid electronic identity card (e-KTP), family card "
            "and birth certificate?"
        ),
    ),
    (
        "work",
        _("What skills and certificates does the person have, and what work do they aim for?"),
    ),
    ("self_employment", _("Does the person plan to start a business, and what capital is needed?")),
    ("housing", _("Where will the person live after release, and is that place certain?")),
    (
        "health",
        _("Is the person registered with BPJS Kesehatan, and is there treatment that must go on?"),
    ),
    ("family", _("Are the family and the community ready to take the person back?")),
    ("finance", _("Does the person have a bank account for work premiums and savings?")),
    ("education", _("Does the person want to continue their education (Paket A/B/C or other)?")),
    ("spiritual", _("Is there a need for spiritual or mental-health support?")),
    ("addiction", _("Is there a history of dependence that needs further rehabilitation?")),
]
DEFAULT_NAME = _("Reintegration needs assessment")

#: The questions and the assessment's name, as pages show them (core.seeded_texts).
SEEDED = SeededTexts([DEFAULT_NAME, *(text for _pathway, text in DEFAULT_QUESTIONS)])


def ensure_default_assessment() -> AssessmentVersion:
    """The assessment in use, installing version 1 when there is none."""
    current = AssessmentVersion.objects.filter(is_current=True).order_by("-version").first()
    if current is not None:
        return current
    version, _created = AssessmentVersion.objects.get_or_create(
        version=1, defaults={"name": SEEDED.stored(DEFAULT_NAME), "is_current": True}
    )
    for order, (pathway, text) in enumerate(DEFAULT_QUESTIONS):
        AssessmentQuestion.objects.get_or_create(
            version=version, pathway=pathway, defaults={"text": SEEDED.stored(text), "order": order}
        )
    return version
