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

from sinergi.inmates.sheet import ENGLISH_VALUES
from sinergi.inmates.templatetags.inmates_tags import SHEET_CONTEXT, sheet, sheet_basis
from sinergi.inmates.wording import say_length
from sinergi.orgs.models import Facility
from sinergi.sentences import (
    DEFAULT_RULE_SET,
    CrimeCategory,
    DisciplinaryPeriod,
    ExplanationLine,
    Length,
    ReligiousHoliday,
    RemissionExtra,
    SentenceInput,
    Term,
    calculate,
    next_remissions,
)
from sinergi.sentences.explain import render_value
from sinergi.sentences.inputs import DetentionKind, DetentionPeriod, RemissionGrant
from sinergi.sentences.rules import RULE_SETS
from tests.inmates.factories import make_inmate

ROOT = Path(__file__).resolve().parents[2]
AS_OF = date(2025, 1, 1)
# 1 January 2024 + 2 years = 1 January 2026: 731 days (2024 is a leap year), so the
# fractions are 243.67, 365.50 and 487.33 days.
START = date(2024, 1, 1)
OPEN_RECORD = DisciplinaryPeriod(date(2024, 9, 1))


def _calculation_lines(
    sentence: SentenceInput, as_of: date = AS_OF, **kwargs: Any
) -> list[ExplanationLine]:
    result = calculate(sentence, as_of, **kwargs)
    lines = list(result.explanation)
    for right in result.rights.values():
        lines += right.explanation
        if right.reason is not None:
            lines.append(right.reason)
    return lines


def _remission_lines(
    sentence: SentenceInput, as_of: date = AS_OF, **kwargs: Any
) -> list[ExplanationLine]:
    due = next_remissions(sentence, as_of, **kwargs)
    lines = due.umum.explanation + due.khusus.explanation
    return lines + [d.reason for d in (due.umum, due.khusus) if d.reason is not None]


def _both(sentence: SentenceInput, as_of: date = AS_OF, **kwargs: Any) -> list[ExplanationLine]:
    """The sheet of the calculation and of the next remisi (umum and Christmas)."""
    return _calculation_lines(sentence, as_of) + _remission_lines(
        sentence, as_of, holiday=ReligiousHoliday.NATAL, **kwargs
    )


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


def _child() -> list[ExplanationLine]:
    # Sentenced as a child, and a 17-year-old at the offence: the children's rule set
    # (pengurangan masa pidana, asimilasi after 3 months, PB/CB/CMB at 1/2).
    return _both(
        SentenceInput(
            date(2024, 3, 1), Term.fixed(2), CrimeCategory.GENERAL, sentenced_as_child=True
        )
    ) + _both(
        SentenceInput(date(2024, 3, 1), Term.fixed(1), CrimeCategory.NARCOTICS, age_at_offence=17)
    )


def _commuted() -> list[ExplanationLine]:
    # A death sentence commuted to 20 years on 1 March 2020.
    return _both(
        SentenceInput(
            date(2010, 5, 1),
            Term.fixed(20),
            CrimeCategory.NARCOTICS,
            verdict_date=date(2011, 2, 1),
            commuted_on=date(2020, 3, 1),
        )
    )


def _earlier_detention() -> list[ExplanationLine]:
    # Rutan (in full), house (1/3) and city (1/5) detention, interrupted before the last.
    return _both(
        SentenceInput(
            date(2024, 6, 1),
            Term.fixed(2),
            CrimeCategory.GENERAL,
            earlier_detention=[
                DetentionPeriod(date(2023, 1, 1), date(2023, 1, 31), DetentionKind.RUTAN),
                DetentionPeriod(date(2023, 2, 1), date(2023, 4, 30), DetentionKind.HOUSE),
                DetentionPeriod(date(2023, 6, 1), date(2023, 10, 31), DetentionKind.CITY),
            ],
        )
    )


def _special_unmet() -> list[ExplanationLine]:
    # Corruption with the fine unpaid (its substitute term served) and terrorism without
    # the pledge; PB for state security cites PP 99/2012 (Pasal 86 not available); a
    # narcotics sentence from 2019 under PP 99/2012's justice-collaborator requirement.
    return (
        _both(
            SentenceInput(
                date(2023, 1, 1),
                Term.fixed(3),
                CrimeCategory.CORRUPTION,
                fine_paid=False,
                restitution_paid=False,
                fine_substitute_days=90,
                restitution_substitute_days=180,
            )
        )
        + _both(
            SentenceInput(
                date(2022, 6, 1),
                Term.fixed(4),
                CrimeCategory.TERRORISM,
                deradicalisation_completed=False,
                nkri_pledge_signed=None,
            )
        )
        + _both(SentenceInput(date(2022, 6, 1), Term.fixed(6), CrimeCategory.STATE_SECURITY))
        + _both(
            SentenceInput(
                date(2019, 1, 1),
                Term.fixed(8),
                CrimeCategory.NARCOTICS,
                justice_collaborator=False,
            ),
            as_of=date(2020, 1, 1),
        )
    )


def _dated_remisi() -> list[ExplanationLine]:
    # The public case: 2 years from 9 May 2017 with remisi 15 days (Christmas 2017),
    # 60 days (17 August 2018) and 30 days (Christmas 2018); CMB from the last remisi.
    return _both(
        SentenceInput(
            date(2017, 5, 9),
            Term.fixed(2),
            CrimeCategory.GENERAL,
            verdict_date=date(2017, 5, 9),
            remissions=[
                RemissionGrant(date(2017, 12, 25), 15, "khusus"),
                RemissionGrant(date(2018, 8, 17), 60, "umum"),
                RemissionGrant(date(2018, 12, 25), 30, "khusus"),
            ],
        ),
        as_of=date(2018, 1, 1),
    )


def _dasawarsa() -> list[ExplanationLine]:
    # Remisi umum on 17 August 2025 with remisi dasawarsa, remisi tambahan for a justice
    # collaborator, and humanitarian grounds (over 70, chronic illness).
    return _both(
        SentenceInput(
            date(2023, 3, 1),
            Term.fixed(5),
            CrimeCategory.GENERAL,
            remissions=[
                RemissionGrant(date(2023, 12, 25), 15, "khusus"),
                RemissionGrant(date(2024, 8, 17), 60, "umum"),
                RemissionGrant(date(2024, 12, 25), 30, "khusus"),
            ],
            birth_date=date(1950, 1, 1),
            chronic_illness=True,
        ),
        as_of=date(2025, 6, 1),
        tambahan=RemissionExtra.JUSTICE_COLLABORATOR,
    ) + _remission_lines(
        SentenceInput(date(2024, 12, 1), Term.fixed(1), CrimeCategory.GENERAL),
        date(2025, 6, 1),
    )


def _substitute_term() -> list[ExplanationLine]:
    # The prison term is over and the fine's substitute term is being served; a fine
    # remisi day falls in it.
    return _both(
        SentenceInput(
            date(2023, 1, 1),
            Term.fixed(1, 6),
            CrimeCategory.GENERAL,
            fine_paid=False,
            fine_substitute_days=120,
            last_remission_days=30,
            remission_days=30,
        ),
        as_of=date(2024, 7, 1),
    )


def _consecutive() -> list[ExplanationLine]:
    return _both(
        SentenceInput(
            date(2026, 2, 1),
            Term.fixed(1),
            CrimeCategory.GENERAL,
            consecutive_terms=[Term.fixed(0, 6), Term.fixed(2, 1, 10)],
            disciplinary_records=[DisciplinaryPeriod(date(2026, 3, 1), date(2026, 4, 1))],
        ),
        as_of=date(2026, 3, 1),
    )


def _old_rule_sets() -> list[ExplanationLine]:
    # Special crimes final before 12 November 2012 (PP 28/2006) and a 2018 verdict under
    # Permenkumham 3/2018 (30-day months for the fractions).
    return _both(
        SentenceInput(
            date(2010, 1, 1),
            Term.fixed(6),
            CrimeCategory.CORRUPTION,
            verdict_date=date(2010, 6, 1),
        ),
        as_of=date(2011, 1, 1),
    ) + _both(
        SentenceInput(date(2018, 5, 8), Term.fixed(1), CrimeCategory.GENERAL),
        as_of=date(2018, 6, 1),
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
    "child": _child,
    "commuted": _commuted,
    "earlier_detention": _earlier_detention,
    "special_unmet": _special_unmet,
    "dated_remisi": _dated_remisi,
    "dasawarsa": _dasawarsa,
    "substitute_term": _substitute_term,
    "consecutive": _consecutive,
    "old_rule_sets": _old_rule_sets,
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
    "rule set",
    "as amended",
    "annulled",
    "verdict",
    "detention",
    "house",
    "city",
    "calendar",
    "commuted",
    "credited",
    "probation",
    "humanitarian",
    "chronic illness",
    "substitute",
    "child",
    "the",
    "served",
    "remaining",
    "rounded",
    "until",
    "from",
    "not",
    "and",
    "with",
]
# Raw enum values (the Indonesian names of the holidays are capitalised: "Natal").
VALUES = ["idul_fitri", "waisak", "natal", "state_service", "human_rights"]
ENGLISH_PATTERN = re.compile(r"\b(" + "|".join(map(re.escape, ENGLISH)) + r")\b", re.IGNORECASE)
VALUES_PATTERN = re.compile(r"\b(" + "|".join(map(re.escape, VALUES)) + r")\b|\d\.\d")
# Codes that must not reach a page in either language: the rule sets' names, enum values
# in snake_case ("not_applicable", "thirty_day", "justice_collaborator"), a detention kind
# or a remisi kind written bare ("(rutan)", "Remisi pmp").
CODES = [rule_set.name for rule_set in RULE_SETS]
CODES_PATTERN = re.compile(
    r"("
    + "|".join(map(re.escape, CODES))
    + r")|\b[a-z]+_[a-z_]+\b|\((rutan|house|city)\)|\bremisi (pmp|humanitarian)\b"
)


def _rendered(lines: list[ExplanationLine], language: str) -> list[str]:
    """Each line as the page writes it: the text, then its legal basis in brackets."""
    with translation.override(language):
        return [
            sheet(item) + (f" ({sheet_basis(item)})" if sheet_basis(item) else "") for item in lines
        ]


def _indonesian(lines: list[ExplanationLine]) -> list[str]:
    return _rendered(lines, "id")


def _joined(name: str) -> str:
    return "\n".join(_indonesian(CASES[name]()))


def _without_versions(text: str, language: str) -> str:
    """The text without the day-count conventions' versions ("2022.1-kalender"): a
    version number is not English, and its dot is not a decimal point."""
    with translation.override(language):
        for rule_set in RULE_SETS:
            text = text.replace(pgettext(SHEET_CONTEXT, rule_set.conventions.version), "")
    return text


@pytest.mark.parametrize("name", CASES)
def test_no_english_value_is_left_in_an_indonesian_sheet(name: str) -> None:
    rendered = [_without_versions(t, "id") for t in _indonesian(CASES[name]())]
    assert rendered
    left = [t for t in rendered if ENGLISH_PATTERN.search(t) or VALUES_PATTERN.search(t)]
    assert left == []


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("name", CASES)
def test_no_code_is_on_the_sheet_in_either_language(name: str, language: str) -> None:
    """No rule set's name, no snake_case enum value, no bare detention or remisi kind."""
    rendered = _rendered(CASES[name](), language)
    left = [t for t in rendered if CODES_PATTERN.search(t)]
    assert left == []


@pytest.mark.parametrize("rule_set", RULE_SETS, ids=lambda r: r.name)
def test_each_rule_set_has_a_readable_title_in_both_languages(rule_set: Any) -> None:
    assert rule_set.title and rule_set.name not in rule_set.title
    with translation.override("id"):
        indonesian = pgettext(SHEET_CONTEXT, rule_set.title)
    assert indonesian != rule_set.title
    assert (
        "sebagaimana diubah" in indonesian
        or "berlaku sejak" in indonesian
        or ("dengan Permenkumham" in indonesian)
    )
    assert not ENGLISH_PATTERN.search(indonesian)


def test_each_line_shows_its_legal_basis_as_a_citation() -> None:
    lines = CASES["general"]()
    cited = {item.code: sheet_basis(item) for item in lines if item.basis}
    assert cited["right.cb.sentence_too_long"] == "Pasal 114 Permenkumham 3/2018"
    assert cited["right.time_condition"].startswith("Pasal ")
    # Words in a basis are translated; the citation itself is the same in both languages.
    (annulled,) = {
        item for item in CASES["special_unmet"]() if item.basis.endswith("(annulled 28 Oct 2021)")
    }
    with translation.override("id"):
        assert (
            sheet_basis(annulled)
            == "PP 99/2012 Pasal 34A(1)a, 43A(1)a (dibatalkan 28 Oktober 2021)"
        )
    with translation.override("en"):
        assert sheet_basis(annulled) == annulled.basis


# Whole lines or parts of lines each case must show in Indonesian.
INDONESIAN = [
    ("general", "Lama pidana: 2 tahun 0 bulan 0 hari"),
    ("general", "Ekspirasi: 1 Januari 2024 + 2 tahun 0 bulan 0 hari = 1 Januari 2026"),
    ("general", "Kategori tindak pidana: umum"),
    ("general", "Tindak pidana khusus: tidak (kategori umum mengikuti ketentuan umum)"),
    ("general", "(731 - 0 hari remisi yang telah diterima) x 1/3 = 243,67 hari"),
    ("general", "(731 - 0 hari remisi yang telah diterima) x 1/2 = 365,50 hari"),
    ("general", "(731 - 0 hari remisi yang telah diterima) x 2/3 = 487,33 hari"),
    ("general", "Cuti bersyarat (CB): tidak berlaku"),
    ("general", "CB hanya untuk pidana paling lama 1 tahun 6 bulan"),
    ("general", "Lama pidana tidak kurang dari 12 bulan"),
    ("general", "Asimilasi: memenuhi syarat mulai 1 Januari 2025"),
    (
        "general",
        "berkelakuan baik, aktif mengikuti program pembinaan, dan telah menunjukkan penurunan "
        "tingkat risiko (SPPN, Litmas)",
    ),
    (
        "general",
        "Perangkat aturan: Permenkumham 3/2018 sebagaimana diubah dengan Permenkumham "
        "18/2019, 7/2022, dan 16/2023",
    ),
    ("general", "Cara menghitung hari (versi 2022.1-kalender): ekspirasi dengan bulan dan"),
    ("general", "lama cuti dengan hitungan 30 hari per bulan (360 hari per tahun)"),
    ("general", "Masa percobaan sampai 1 Januari 2027: sisa masa pidana sampai 1 Januari 2026"),
    ("general", "Masa pengamatan perilaku: tidak ada hukuman Register F dalam tahun berjalan"),
    ("narcotics", "Kategori tindak pidana: narkotika"),
    ("narcotics", "paling singkat 5 tahun"),
    ("narcotics", "Asimilasi selama 1/2 dari sisa masa pidana"),
    ("narcotics_blocked", "status asimilasi: terhalang"),
    ("corruption", "belum terpenuhi: denda sudah dibayar"),
    ("corruption", "belum diketahui: uang pengganti sudah dibayar"),
    ("terrorism", "program deradikalisasi sudah diselesaikan: ya"),
    ("terrorism", "belum diketahui: ikrar setia kepada NKRI sudah ditandatangani"),
    ("remisi", "Remisi umum tahun ke-1: 2 bulan = 60 hari"),
    ("remisi", "Remisi khusus tahun ke-1: 1 bulan = 30 hari"),
    ("remisi", "Remisi khusus: Idul Fitri pada 31 Maret 2025"),
    ("remisi", "Remisi tambahan (berjasa kepada negara)"),
    ("remisi", "Remisi tambahan (pemuka)"),
    ("remisi", "tanggal hari raya keagamaan tidak diketahui"),
    ("remisi", "yang bersangkutan sedang menjalani cuti menjelang bebas (CMB)"),
    ("remisi", "yang bersangkutan sedang menjalani pidana kurungan pengganti denda"),
    ("life_and_death", "Lama pidana: pidana penjara seumur hidup"),
    ("life_and_death", "Untuk pidana mati tidak ada tanggal ekspirasi"),
    ("life_and_death", "narkotika dengan pidana mati, lebih berat dari 5 tahun"),
    ("child", "Dijatuhi pidana sebagai Anak: berlaku ketentuan bagi Anak"),
    ("child", "Syarat waktu: telah menjalani 3 bulan, pada 1 Juni 2024"),
    ("child", "Pengurangan masa pidana (PMP) umum tahun ke-1"),
    ("commuted", "Pidana seumur hidup atau pidana mati diubah menjadi 20 tahun 0 bulan 0 hari"),
    ("commuted", "Perangkat aturan: PP 32/1999 sebagaimana diubah dengan PP 28/2006"),
    ("commuted", "(tanggal putusan berkekuatan hukum tetap)"),
    ("commuted", "dengan hitungan 30 hari per bulan (360 hari per tahun)"),
    ("earlier_detention", "Penahanan sebelumnya (penahanan di rutan) 1 Januari 2023"),
    ("earlier_detention", "Penahanan sebelumnya (tahanan rumah) 1 Februari 2023"),
    ("earlier_detention", "Penahanan sebelumnya (tahanan kota) 1 Juni 2023"),
    ("earlier_detention", "Penahanan pernah terputus"),
    ("earlier_detention", "hari masa penahanan ="),
    ("special_unmet", "Denda tidak dibayar: pidana penggantinya selama 90 hari"),
    ("special_unmet", "Uang pengganti tidak dibayar: pidana penggantinya selama 180 hari"),
    ("special_unmet", "Bebas setelah menjalani pidana pengganti"),
    ("special_unmet", "syarat tindak pidana khusus belum terpenuhi: denda sudah dibayar"),
    ("special_unmet", "belum terpenuhi: program deradikalisasi sudah diselesaikan"),
    ("special_unmet", "Teks Pasal 86 (PB untuk kejahatan terhadap keamanan negara) tidak"),
    ("special_unmet", "belum terpenuhi: justice collaborator"),
    ("dated_remisi", "Remisi khusus sebesar 15 hari diberikan pada 25 Desember 2017"),
    ("dated_remisi", "Remisi umum sebesar 60 hari diberikan pada 17 Agustus 2018"),
    ("dated_remisi", "Ekspirasi setelah remisi: 9 Mei 2019 - 105 hari = 24 Januari 2019"),
    ("dated_remisi", "Remisi tahun ke-1 (0 remisi umum tercatat sebelum"),
    ("dasawarsa", "Remisi dasawarsa (2025): 1/12 x 1800 hari = 90 hari"),
    ("dasawarsa", "paling banyak 90 hari"),
    ("dasawarsa", "Remisi tambahan (justice collaborator): 1/2 x 90 hari = 45 hari"),
    ("dasawarsa", "Dapat diusulkan remisi kemanusiaan (pidana paling lama 1 tahun)"),
    ("dasawarsa", "berusia di atas 70 tahun; menderita sakit berkepanjangan"),
    ("substitute_term", "pidana pengganti denda yang tidak dibayar berjalan sampai"),
    ("consecutive", "Pidana yang dijalani berturut-turut dihitung sebagai satu: 1 tahun 0 bulan"),
    ("consecutive", "+ 0 tahun 6 bulan 0 hari + 2 tahun 1 bulan 10 hari = 3 tahun 7 bulan 10 hari"),
    ("consecutive", "Perangkat aturan: UU 1/2023 (KUHP, berlaku sejak 2 Januari 2026)"),
    ("old_rule_sets", "tindak pidana khusus menurut PP 28/2006 baru mendapat remisi setelah"),
    (
        "old_rule_sets",
        "Perangkat aturan: Permenkumham 3/2018 sebagaimana diubah dengan Permenkumham "
        "18/2019, dengan PP 99/2012",
    ),
    ("old_rule_sets", "(360 - 0 hari remisi yang telah diterima) x 2/3 = 240 hari"),
]


@pytest.mark.parametrize(("name", "expected"), INDONESIAN)
def test_the_indonesian_sheet_writes_the_values_in_indonesian(name: str, expected: str) -> None:
    assert expected in _joined(name)


def _general_inmate() -> Any:
    return make_inmate(
        facility=Facility.objects.get(code="selong"),
        term_years=2,
        detention_start=START,
        crime_category="general",
    )


@pytest.mark.django_db
def test_the_inmate_page_shows_the_sheet_values_in_indonesian(client_for: Any) -> None:
    inmate = _general_inmate()
    html = client_for("petugas.selong").get(f"/inmates/{inmate.pk}/").content.decode()
    assert "Lama pidana: 2 tahun 0 bulan 0 hari" in html
    assert "Kategori tindak pidana: umum" in html
    assert "(731 - 0 hari remisi yang telah diterima) x 1/3 = 243,67 hari" in html
    assert "Cuti bersyarat (CB): tidak berlaku" in html
    for english in ("2 years", "not_applicable", "good behaviour", "engine choice", "243.67"):
        assert english not in html


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["id", "en"])
def test_the_inmate_page_names_the_rule_set_and_the_articles_not_codes(
    client_for: Any, language: str
) -> None:
    inmate = _general_inmate()
    html = (
        client_for("petugas.selong")
        .get(f"/inmates/{inmate.pk}/", language=language)
        .content.decode()
    )
    title = DEFAULT_RULE_SET.title
    with translation.override(language):
        shown_title = pgettext(SHEET_CONTEXT, title)
        day_count = "Cara menghitung hari" if language == "id" else "Day count (version"
    assert f'<dd class="rule-set">{shown_title}</dd>' in html
    assert day_count in html
    # Each line's legal basis, small and muted after it.
    assert '<small class="muted sheet-basis">(Pasal 114 Permenkumham 3/2018)</small>' in html
    # The probation end of PB, and the end of each leave in the rights table.
    probation = "1 Januari 2027" if language == "id" else "1 January 2027"
    assert probation in html
    for code in [r.name for r in RULE_SETS] + ["not_applicable", "thirty_day", "calendar months"]:
        if code == "calendar months" and language == "en":
            continue
        assert code not in html


def _english(item: ExplanationLine) -> str:
    """``str(item)`` without its basis, with the dates written the page's way instead of
    ISO, lengths in the singular or plural, the engine's enum values in words ("not
    applicable", not "not_applicable") and a capital at the start."""
    text = item.template.format(
        **{
            key: date_format(value, "DATE_FORMAT")
            if isinstance(value, date)
            else ENGLISH_VALUES.get(value, value)
            if isinstance(value, str)
            else say_length(value)
            if isinstance(value, Length)
            else render_value(value)
            for key, value in item.params
        }
    )
    return text[:1].upper() + text[1:]


@pytest.mark.parametrize("name", CASES)
def test_an_english_sheet_is_the_engine_english(name: str) -> None:
    # The consecutive terms are one parameter the engine wrote in English (in the plural
    # even for one year); the page writes them as lengths (test_consecutive_terms_...).
    lines = [item for item in CASES[name]() if item.code != "calc.consecutive"]
    undated = [item for item in lines if not any(isinstance(v, date) for _, v in item.params)]
    coded = [
        item
        for item in undated
        if any(isinstance(v, str) and v in ENGLISH_VALUES for _, v in item.params)
    ]
    assert undated
    with translation.override("en"):
        assert [sheet(item) for item in lines] == [_english(item) for item in lines]
        # Without dates, codes and lengths, the page's English is the engine's (but for
        # the capital at the start).
        plain = [
            item
            for item in undated
            if item not in coded and not any(isinstance(v, Length) for _, v in item.params)
        ]
        assert plain
        assert [sheet(item).lower() for item in plain] == [
            item.template.format(**{k: render_value(v) for k, v in item.params}).lower()
            for item in plain
        ]
        assert [sheet_basis(item) for item in lines] == [item.basis for item in lines]


def test_consecutive_terms_are_written_as_lengths_in_both_languages() -> None:
    (item,) = [line for line in CASES["consecutive"]() if line.code == "calc.consecutive"]
    with translation.override("en"):
        assert sheet(item) == (
            "Consecutive sentences counted as one: 1 year 0 months 0 days + 0 years 6 months "
            "0 days + 2 years 1 month 10 days = 3 years 7 months 10 days"
        )
    with translation.override("id"):
        assert sheet(item) == (
            "Pidana yang dijalani berturut-turut dihitung sebagai satu: 1 tahun 0 bulan 0 hari "
            "+ 0 tahun 6 bulan 0 hari + 2 tahun 1 bulan 10 hari = 3 tahun 7 bulan 10 hari"
        )


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
SAME_IN_INDONESIAN = {
    "umum",
    "khusus",
    "pemuka",
    "remisi",
    "dasawarsa",
    "tambahan",
    "pengurangan masa pidana (PMP)",
    " + ",
    "; ",
}


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


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["id", "en"])
def test_the_next_remisi_shows_dasawarsa_blocked_and_humanitarian_grounds(
    client_for: Any, monkeypatch: pytest.MonkeyPatch, language: str
) -> None:
    """The next remisi as the engine gives it on 1 June 2025 (the page asks for today's):
    remisi umum with remisi dasawarsa on 17 August 2025 and humanitarian grounds; for a
    corruption case with the fine unpaid, remisi blocked and the condition named."""
    from sinergi.inmates import views

    inmate = _general_inmate()
    general = SentenceInput(
        date(2023, 3, 1),
        Term.fixed(5),
        CrimeCategory.GENERAL,
        birth_date=date(1950, 1, 1),
        chronic_illness=True,
    )
    corruption = SentenceInput(
        date(2023, 1, 1), Term.fixed(3), CrimeCategory.CORRUPTION, fine_paid=False
    )
    pages = {}
    for name, sentence in (("general", general), ("corruption", corruption)):
        due = next_remissions(sentence, date(2025, 6, 1), holiday=ReligiousHoliday.NATAL)
        monkeypatch.setattr(views, "next_remissions_for", lambda _inmate, due=due: due)
        pages[name] = (
            client_for("petugas.selong")
            .get(f"/inmates/{inmate.pk}/", language=language)
            .content.decode()
        )
    if language == "id":
        assert "remisi dasawarsa 90 hari" in pages["general"]
        assert (
            "Dapat diusulkan remisi kemanusiaan: berusia di atas 70 tahun; menderita"
            in (pages["general"])
        )
        assert (
            '<strong class="blocked">Terhalang: syarat tindak pidana khusus belum terpenuhi: '
            "denda sudah dibayar</strong>"
        ) in pages["corruption"]
    else:
        assert "remisi dasawarsa 90 days" in pages["general"]
        assert (
            "May be proposed for humanitarian remisi: over 70 years old; chronic illness"
            in (pages["general"])
        )
        assert (
            '<strong class="blocked">Blocked: special-crime condition not met: fine (denda) '
            "paid</strong>"
        ) in pages["corruption"]
    assert '<small class="muted">(PP 99/2012 Pasal 34A, 43A)</small>' in pages["corruption"]
    for html in pages.values():
        assert not CODES_PATTERN.search(html.split('<section aria-labelledby="remisi-title">')[1])
