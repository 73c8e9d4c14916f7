"""The calculation sheet speaks the page's language in its values too, not only in its
templates: lengths, decimals, statuses, categories and the engine's fixed phrases."""

from __future__ import annotations

import ast
import dataclasses
import importlib.util
import re
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import pgettext

from sinergi.inmates.templatetags.inmates_tags import SHEET_CONTEXT, sheet
from sinergi.orgs.models import Facility
from sinergi.sentences import (
    DEFAULT_RULE_SET,
    CrimeCategory,
    DisciplinaryPeriod,
    ExplanationLine,
    ReligiousHoliday,
    RemissionExtra,
    SentenceInput,
    Term,
    calculate,
    next_remissions,
)
from sinergi.sentences.explain import render_value
from tests.inmates.factories import make_inmate

ROOT = Path(__file__).resolve().parents[2]
AS_OF = date(2025, 1, 1)
# 1 January 2024 + 2 years = 1 January 2026: 731 days (2024 is a leap year), so the
# fractions are 243.67, 365.50 and 487.33 days.
START = date(2024, 1, 1)
OPEN_RECORD = DisciplinaryPeriod(date(2024, 9, 1))


def _calculation_lines(sentence: SentenceInput, **kwargs: Any) -> list[ExplanationLine]:
    result = calculate(sentence, AS_OF, **kwargs)
    lines = list(result.explanation)
    for right in result.rights.values():
        lines += right.explanation
        if right.reason is not None:
            lines.append(right.reason)
    return lines


def _remission_lines(sentence: SentenceInput, **kwargs: Any) -> list[ExplanationLine]:
    due = next_remissions(sentence, AS_OF, **kwargs)
    return due.umum.explanation + due.khusus.explanation


def _general() -> list[ExplanationLine]:
    return _calculation_lines(SentenceInput(START, Term.fixed(2), CrimeCategory.GENERAL))


def _narcotics() -> list[ExplanationLine]:
    return _calculation_lines(SentenceInput(START, Term.fixed(6), CrimeCategory.NARCOTICS))


def _narcotics_blocked() -> list[ExplanationLine]:
    return _calculation_lines(
        SentenceInput(
            START, Term.fixed(6), CrimeCategory.NARCOTICS, disciplinary_records=[OPEN_RECORD]
        )
    )


def _corruption() -> list[ExplanationLine]:
    return _calculation_lines(
        SentenceInput(
            START, Term.fixed(3), CrimeCategory.CORRUPTION, fine_paid=False, restitution_paid=None
        )
    )


def _terrorism() -> list[ExplanationLine]:
    return _calculation_lines(
        SentenceInput(
            START,
            Term.fixed(4),
            CrimeCategory.TERRORISM,
            deradicalisation_completed=True,
            nkri_pledge_signed=None,
        )
    )


def _no_cmk_window() -> list[ExplanationLine]:
    rule_set = dataclasses.replace(DEFAULT_RULE_SET, cmk_behaviour_window_months=None)
    return _calculation_lines(
        SentenceInput(START, Term.fixed(2), CrimeCategory.GENERAL), rule_set=rule_set
    )


def _life_and_death() -> list[ExplanationLine]:
    lines: list[ExplanationLine] = []
    for term in (Term.life(), Term.death()):
        for category in (CrimeCategory.GENERAL, CrimeCategory.NARCOTICS):
            sentence = SentenceInput(START, term, category)
            lines += _calculation_lines(sentence)
            lines += _remission_lines(sentence, holiday=ReligiousHoliday.NATAL)
    return lines


def _remisi() -> list[ExplanationLine]:
    sentence = SentenceInput(date(2023, 3, 1), Term.fixed(5), CrimeCategory.GENERAL)
    return (
        _remission_lines(
            sentence,
            holiday=ReligiousHoliday.IDUL_FITRI,
            holiday_date=date(2025, 3, 31),
            tambahan=RemissionExtra.STATE_SERVICE,
        )
        + _remission_lines(
            sentence, tambahan=RemissionExtra.PEMUKA, on_cmb=False, serving_fine_substitute=False
        )
        + _remission_lines(sentence, holiday=ReligiousHoliday.WAISAK, on_cmb=True)
        + _remission_lines(sentence, on_cmb=False, serving_fine_substitute=True)
    )


CASES = {
    "general": _general,
    "narcotics": _narcotics,
    "narcotics_blocked": _narcotics_blocked,
    "corruption": _corruption,
    "terrorism": _terrorism,
    "no_cmk_window": _no_cmk_window,
    "life_and_death": _life_and_death,
    "remisi": _remisi,
}

# English that must not reach an Indonesian page (words, matched as whole words).
ENGLISH = [
    "year",
    "years",
    "month",
    "months",
    "day",
    "days",
    "yes",
    "general",
    "eligible",
    "not_applicable",
    "blocked",
    "narcotics",
    "corruption",
    "terrorism",
    "good behaviour",
    "pembinaan and",
    "family's guarantee",
    "engine choice",
    "no window",
    "life imprisonment",
    "death penalty",
    "religious holiday",
    "paid",
    "signed",
    "completed",
    "fine-substitute",
]
# Raw enum values (the Indonesian names of the holidays are capitalised: "Natal").
VALUES = ["idul_fitri", "waisak", "natal", "state_service", "human_rights"]
ENGLISH_PATTERN = re.compile(r"\b(" + "|".join(map(re.escape, ENGLISH)) + r")\b", re.IGNORECASE)
VALUES_PATTERN = re.compile(r"\b(" + "|".join(map(re.escape, VALUES)) + r")\b|\d\.\d")


def _indonesian(lines: list[ExplanationLine]) -> list[str]:
    with translation.override("id"):
        return [sheet(item) for item in lines]


def _joined(name: str) -> str:
    return "\n".join(_indonesian(CASES[name]()))


@pytest.mark.parametrize("name", CASES)
def test_no_english_value_is_left_in_an_indonesian_sheet(name: str) -> None:
    rendered = _indonesian(CASES[name]())
    assert rendered
    left = [t for t in rendered if ENGLISH_PATTERN.search(t) or VALUES_PATTERN.search(t)]
    assert left == []


# Whole lines or parts of lines each case must show in Indonesian.
INDONESIAN = [
    ("general", "Lama pidana: 2 tahun 0 bulan 0 hari"),
    ("general", "Ekspirasi: 1 Januari 2024 + 2 tahun 0 bulan 0 hari = 1 Januari 2026"),
    ("general", "Kategori tindak pidana: umum"),
    ("general", "Tindak pidana khusus: tidak (kategori umum mengikuti ketentuan umum)"),
    ("general", "731 x 1/3 = 243,67 hari"),
    ("general", "731 x 1/2 = 365,50 hari"),
    ("general", "731 x 2/3 = 487,33 hari"),
    ("general", "cuti bersyarat (CB): tidak berlaku"),
    ("general", "CB hanya untuk pidana paling lama 1 tahun 3 bulan"),
    ("general", "Lama pidana tidak kurang dari 12 bulan"),
    ("general", "asimilasi: memenuhi syarat mulai 1 Januari 2025"),
    (
        "general",
        "berkelakuan baik, aktif mengikuti program pembinaan, dan telah menunjukkan penurunan "
        "tingkat risiko (SPPN, Litmas)",
    ),
    ("general", "(pilihan aplikasi: tidak ada masa pengamatan"),
    ("no_cmk_window", "(tidak ada masa pengamatan yang ditetapkan untuk CMK)"),
    ("narcotics", "Kategori tindak pidana: narkotika"),
    ("narcotics", "paling singkat 5 tahun"),
    ("narcotics", "730 x 1/2 = 365, dibulatkan"),
    ("narcotics_blocked", "status asimilasi: terhalang"),
    ("corruption", "belum terpenuhi: denda sudah dibayar"),
    ("corruption", "belum diketahui: uang pengganti sudah dibayar"),
    ("terrorism", "program deradikalisasi sudah diselesaikan: ya"),
    ("terrorism", "belum diketahui: ikrar setia kepada NKRI sudah ditandatangani"),
    ("remisi", "Remisi umum tahun ke-2: 3 bulan = 90 hari"),
    ("remisi", "Remisi khusus tahun ke-2: 1 bulan = 30 hari"),
    ("remisi", "Remisi khusus: Idul Fitri pada 31 Maret 2025"),
    ("remisi", "Remisi tambahan (berjasa kepada negara)"),
    ("remisi", "Remisi tambahan (pemuka)"),
    ("remisi", "tanggal hari raya keagamaan tidak diketahui"),
    ("remisi", "yang bersangkutan sedang menjalani cuti menjelang bebas (CMB)"),
    ("remisi", "yang bersangkutan sedang menjalani pidana kurungan pengganti denda"),
    ("life_and_death", "Lama pidana: pidana penjara seumur hidup"),
    ("life_and_death", "Untuk pidana mati tidak ada tanggal ekspirasi"),
    ("life_and_death", "narkotika dengan pidana mati, lebih berat dari 5 tahun"),
]


@pytest.mark.parametrize(("name", "expected"), INDONESIAN)
def test_the_indonesian_sheet_writes_the_values_in_indonesian(name: str, expected: str) -> None:
    assert expected in _joined(name)


@pytest.mark.django_db
def test_the_inmate_page_shows_the_sheet_values_in_indonesian(client_for: Any) -> None:
    inmate = make_inmate(
        facility=Facility.objects.get(code="selong"),
        term_years=2,
        detention_start=START,
        crime_category="general",
    )
    html = client_for("petugas.selong").get(f"/inmates/{inmate.pk}/").content.decode()
    assert "Lama pidana: 2 tahun 0 bulan 0 hari" in html
    assert "Kategori tindak pidana: umum" in html
    assert "731 x 1/3 = 243,67 hari" in html
    assert "cuti bersyarat (CB): tidak berlaku" in html
    for english in ("2 years", "not_applicable", "good behaviour", "engine choice", "243.67"):
        assert english not in html


def _english(item: ExplanationLine) -> str:
    """``str(item)`` with the dates written the page's way instead of ISO."""
    return item.template.format(
        **{
            key: date_format(value, "DATE_FORMAT")
            if isinstance(value, date)
            else render_value(value)
            for key, value in item.params
        }
    )


@pytest.mark.parametrize("name", CASES)
def test_an_english_sheet_is_the_engine_english(name: str) -> None:
    lines = CASES[name]()
    undated = [item for item in lines if not any(isinstance(v, date) for _, v in item.params)]
    assert undated
    with translation.override("en"):
        assert [sheet(item) for item in lines] == [_english(item) for item in lines]
        assert [sheet(item) for item in undated] == [str(item) for item in undated]


def test_an_english_page_writes_a_one_year_term_in_the_singular() -> None:
    (term_line,) = [
        item
        for item in _calculation_lines(SentenceInput(START, Term.fixed(1), CrimeCategory.GENERAL))
        if item.code == "calc.term"
    ]
    assert str(term_line) == "Term: 1 years 0 months 0 days"  # the engine's English, pinned
    with translation.override("en"):
        assert sheet(term_line) == "Term: 1 year 0 months 0 days"


def _extractor() -> ModuleType:
    path = ROOT / "scripts" / "extract_sheet_messages.py"
    spec = importlib.util.spec_from_file_location("extract_sheet_messages", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _generated() -> tuple[list[str], list[str]]:
    tree = ast.parse((ROOT / "sinergi" / "inmates" / "sheet_messages.py").read_text("utf-8"))
    templates: list[str] = []
    phrases: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            values = [
                arg.value
                for arg in node.args
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
            ]
            if node.func.id == "gettext_noop":
                templates += values
            elif node.func.id == "pgettext_lazy":
                assert values[0] == SHEET_CONTEXT
                phrases.append(values[1])
    return templates, phrases


def test_sheet_messages_py_is_up_to_date_with_the_engine() -> None:
    extractor = _extractor()
    templates, phrases = _generated()
    assert templates == extractor.templates()
    assert phrases == extractor.phrases()
    assert extractor.CONTEXT == SHEET_CONTEXT


# Values that are the same word in Indonesian.
SAME_IN_INDONESIAN = {"umum", "khusus", "pemuka"}


def test_every_phrase_and_enum_value_has_an_indonesian_translation() -> None:
    with translation.override("id"):
        untranslated = [
            text
            for text in _extractor().phrases()
            if text not in SAME_IN_INDONESIAN and pgettext(SHEET_CONTEXT, text) == text
        ]
    assert untranslated == []


def test_an_empty_or_unknown_string_comes_back_unchanged() -> None:
    item = ExplanationLine("x", "{a}|{b}|{c}", (("a", ""), ("b", "permenkumham-x"), ("c", "1/3")))
    with translation.override("id"):
        assert sheet(item) == "|permenkumham-x|1/3"


@pytest.mark.parametrize(
    ("name", "indonesian", "english"),
    [
        ("fine_paid", "Denda", "Fine (denda) paid"),
        ("restitution_paid", "uang pengganti", "Restitution (uang pengganti) paid"),
        ("on_cmb", "CMB", "On cuti menjelang bebas (CMB)"),
    ],
)
def test_a_condition_to_verify_is_named_not_coded(name, indonesian, english):
    from sinergi.inmates.templatetags.inmates_tags import condition

    with translation.override("id"):
        assert indonesian.lower() in condition(name).lower()
        assert "_" not in condition(name)
    with translation.override("en"):
        assert condition(name) == english
