"""The needs-assessment questions are stored in Indonesian and shown in the reader's
language; a question someone edited is shown as written."""

from __future__ import annotations

import importlib

import pytest
from django.utils import translation

from sinergi.reintegration.assessment import DEFAULT_QUESTIONS, SEEDED, ensure_default_assessment
from sinergi.reintegration.templatetags.assessment_tags import assessment_name, assessment_text

pytestmark = pytest.mark.django_db


def test_the_code_stores_the_questions_as_the_data_migration_did():
    migration = importlib.import_module("sinergi.reintegration.migrations.0002_assessment_v1")
    assert [(p, SEEDED.stored(text)) for p, text in DEFAULT_QUESTIONS] == migration.QUESTIONS


def test_a_stored_question_is_shown_in_english_to_an_english_reader():
    version = ensure_default_assessment()
    question = version.questions.get(pathway="housing")
    with translation.override("en"):
        assert assessment_text(question.text) == (
            "Where will the person live after release, and is that place certain?"
        )
        assert assessment_name(version) == f"v{version.version} Reintegration needs assessment"
    with translation.override("id"):
        assert assessment_text(question.text) == question.text


def test_an_edited_question_is_shown_as_written():
    with translation.override("en"):
        assert assessment_text("Pertanyaan baru dari Lapas") == "Pertanyaan baru dari Lapas"
