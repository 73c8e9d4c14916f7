"""Retention (UU 27/2022): what is anonymised, and when.

``settings.SINERGI_RETENTION_YEARS`` gives, per kind of record, how many years after the
person's release it is kept with the person's identity. When that time has passed,
:func:`sinergi.privacy.actions.apply_retention` overwrites the personal fields of that
kind (``FIELDS``) in the records and in their simple-history rows, and keeps every row,
date, status and category, so counts and indicators do not change. Free-text notes that
may name the person (or a relative) are emptied; the person's name becomes "Anonim <id>".

The release date is the recorded release (``Release.released_on``), or, for a person
released or deceased without one, the day the status changed
(:func:`sinergi.privacy.queries.released_people`). What was done is kept as one
``retention.anonymise`` audit event per person and kind, which is also how a later run
knows it is done (:func:`sinergi.privacy.queries.due`); the audit events about the person
lose the name in their description and the personal values in their recorded changes.

Nothing is written unless ``apply=True`` (``manage.py apply_retention --apply``).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import models

ANONYMOUS = "Anonim"
REDACTED = "[anonim]"

# kind -> model label -> field -> new value (a callable takes the record being changed).
Replacement = Any
FIELDS: dict[str, dict[str, dict[str, Replacement]]] = {
    "identity": {
        "inmates.Inmate": {
            "name": lambda r: f"{ANONYMOUS} {r.pk}",
            "aliases": "",
            "nik": "",
            "registration_number": lambda r: f"ANON-{r.pk}",
            "birth_date": lambda r: r.birth_date and r.birth_date.replace(month=7, day=1),
            "home_regency": "",
        },
        "programs.Certificate": {"holder_name": lambda r: f"{ANONYMOUS} {r.enrollment.inmate_id}"},
    },
    "sentence": {
        "inmates.Sentence": {"verdict_number": "", "crime_text": ""},
        "inmates.Remission": {"decree_number": ""},
        "inmates.DisciplinaryRecord": {"violation": "-", "sanction": ""},
    },
    "programs": {
        "inmates.MonthlyAssessment": {"note": ""},
        "programs.Enrollment": {"end_note": ""},
        "programs.Attendance": {"note": ""},
        "programs.WaitingListEntry": {"note": ""},
    },
    "reintegration": {
        "reintegration.ReintegrationPlan": {"summary": ""},
        "reintegration.Need": {"answer": ""},
        "reintegration.NeedUpdate": {"note": ""},
        "reintegration.Consent": {"guardian_name": "", "basis_reference": "", "signed_form": ""},
        "reintegration.Referral": {"contact": "", "outcome_note": ""},
        "reintegration.JobApplication": {"note": ""},
        # Integration-right proposals: the reasons and notes may name the person or a
        # relative, the documents are the person's (statement, guarantor's letter, Litmas).
        "proposals.Proposal": {"refusal_reason": "", "withdrawal_reason": ""},
        "proposals.ProposalEvent": {"note": ""},
        "proposals.ProposalDocument": {"file": "", "note": ""},
        "proposals.LitmasRequest": {"recommendation": ""},
        "proposals.TppDecision": {"note": ""},
    },
    "follow_ups": {
        "reintegration.Release": {"leaves_with": ""},
        "reintegration.FollowUp": {
            "income_source": "",
            "housing": "",
            "family": "",
            "referrals_used": "",
            "note": "",
        },
    },
}
KINDS = tuple(FIELDS)


def _field_names(model: type[models.Model]) -> set[str]:
    return {f.name for f in model._meta.concrete_fields}


def check_fields() -> list[str]:
    """Fields named in ``FIELDS`` that the models no longer have (a test keeps it empty)."""
    missing = []
    for replacements in FIELDS.values():
        for label, fields_ in replacements.items():
            names = _field_names(apps.get_model(label))
            missing += [f"{label}.{name}" for name in fields_ if name not in names]
    return missing
