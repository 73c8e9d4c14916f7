"""Writes on inmates recompute the dates and rights, keep history, and are audited."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from sinergi.core.errors import Conflict
from sinergi.core.models import AuditEvent
from sinergi.inmates import actions
from sinergi.inmates.calculation import next_remissions_for
from sinergi.inmates.models import InmateRight
from sinergi.orgs.models import Facility
from tests.inmates.factories import make_inmate, sentence_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def inmate(demo_world):
    # 2-year term from 9 May 2024: expiry 9 May 2026 (731 days, 2024 is a leap year).
    return make_inmate(
        facility=Facility.objects.get(code="selong"),
        term_years=2,
        detention_start=datetime.date(2024, 5, 9),
    )


def test_dates_are_computed_on_creation(inmate):
    assert inmate.sentence.expiry_date == datetime.date(2026, 5, 9)
    assert inmate.sentence.expiry_after_remission == datetime.date(2026, 5, 9)
    assert inmate.sentence.rule_set == "permenkumham-3-2018-amended-7-2022"
    assert set(InmateRight.objects.filter(inmate=inmate).values_list("right", flat=True)) == {
        "asimilasi",
        "pb",
        "cb",
        "cmb",
        "cmk",
    }


def test_remisi_moves_the_expiry_earlier_day_for_day(inmate, user):
    actions.add_remission(
        inmate=inmate,
        values={"kind": "umum", "year": 2025, "months": 1, "days": 0},
        by=user("petugas.selong"),
    )
    inmate.sentence.refresh_from_db()
    assert inmate.sentence.remission_days == 30
    assert inmate.sentence.expiry_after_remission == datetime.date(2026, 4, 9)
    assert AuditEvent.objects.filter(action="remission.create").exists()


def test_life_sentence_gets_no_remisi(demo_world, user):
    life = make_inmate(facility=Facility.objects.get(code="selong"), term_kind="life", term_years=0)
    with pytest.raises(Conflict):
        actions.add_remission(
            inmate=life,
            values={"kind": "umum", "year": 2025, "months": 1, "days": 0},
            by=user("petugas.selong"),
        )
    assert life.sentence.expiry_date is None


def test_open_register_f_entry_blocks_the_rights(inmate, user):
    actions.record_disciplinary(
        inmate=inmate,
        values={
            "date": datetime.date(2025, 1, 5),
            "violation": "Berkelahi",
            "sanction": "",
            "end_date": None,
        },
        by=user("petugas.selong"),
    )
    statuses = dict(InmateRight.objects.filter(inmate=inmate).values_list("right", "status"))
    assert statuses["asimilasi"] == "blocked"


def test_correcting_a_sentence_keeps_history_and_recomputes(inmate, user):
    actions.update_sentence(
        sentence=inmate.sentence, values={"term_years": 3}, by=user("petugas.selong")
    )
    inmate.sentence.refresh_from_db()
    assert inmate.sentence.expiry_date == datetime.date(2027, 5, 9)
    assert inmate.sentence.history.count() == 2
    event = AuditEvent.objects.get(action="sentence.update")
    assert event.changes == {"term_years": [2, 3]}


def test_saving_unchanged_values_writes_nothing(inmate, user):
    actions.update_inmate(inmate=inmate, values={"name": inmate.name}, by=user("petugas.selong"))
    assert not AuditEvent.objects.filter(action="inmate.update").exists()
    assert inmate.history.count() == 1


def test_a_released_inmate_cannot_be_transferred(inmate, user):
    officer = user("petugas.selong")
    actions.change_status(
        inmate=inmate, status="released", on=datetime.date(2026, 5, 9), by=officer
    )
    with pytest.raises(Conflict) as refused, translation.override("id"):
        actions.change_status(
            inmate=inmate, status="transferred", on=datetime.date(2026, 6, 1), by=officer
        )
    # Named by their labels in the reader's language, not by their codes.
    assert refused.value.detail == "Status “Bebas” tidak dapat diubah menjadi “Dipindahkan”."


def test_monthly_score_total_is_the_mean_and_a_second_entry_corrects_it(inmate, user):
    wali = user("wali.selong")
    month = datetime.date(2025, 3, 1)
    scores = {"personality": 80, "independence": 70, "behaviour": 90, "mental_condition": 60}
    first = actions.record_assessment(inmate=inmate, month=month, scores=scores, note="", by=wali)
    assert float(first.total) == 75.0
    again = actions.record_assessment(
        inmate=inmate,
        month=datetime.date(2025, 3, 15),
        scores={**scores, "behaviour": 50},
        note="koreksi",
        by=wali,
    )
    assert again.pk == first.pk
    assert float(again.total) == 65.0


def test_a_future_month_cannot_be_scored(inmate, user):
    with pytest.raises(ValidationError):
        actions.record_assessment(
            inmate=inmate,
            month=datetime.date(2999, 1, 1),
            scores={"personality": 1, "independence": 1, "behaviour": 1, "mental_condition": 1},
            note="",
            by=user("wali.selong"),
        )


def test_duplicate_registration_number_is_refused(inmate, user):
    with pytest.raises(ValidationError):
        actions.create_inmate(
            facility=inmate.facility,
            inmate={"registration_number": inmate.registration_number, "name": "X"},
            sentence={"term_years": 1, "detention_start": datetime.date(2025, 1, 1)},
            by=user("petugas.selong"),
        )


def test_officer_registers_an_inmate_through_the_form(client_for):
    response = client_for("petugas.selong").post(
        "/inmates/new/",
        {
            "inmate-registration_number": "B I 999 / 26",
            "inmate-name": "Lalu Baru",
            "sentence-crime_category": "narcotics",
            "sentence-term_kind": "fixed",
            "sentence-term_years": "5",
            "sentence-term_months": "0",
            "sentence-term_days": "0",
            "sentence-detention_start": "2025-02-01",
            "sentence-remission_days": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    from sinergi.inmates.models import Inmate

    created = Inmate.objects.get(name="Lalu Baru")
    assert created.registration_number == "BI 999/26"
    assert created.sentence.expiry_date == datetime.date(2030, 2, 1)


def test_form_rejects_a_zero_term_with_a_message(client_for):
    response = client_for("petugas.selong").post(
        "/inmates/new/",
        {
            "inmate-registration_number": "BI 998/26",
            "inmate-name": "Lalu Nol",
            "sentence-crime_category": "general",
            "sentence-term_kind": "fixed",
            "sentence-term_years": "0",
            "sentence-term_months": "0",
            "sentence-term_days": "0",
            "sentence-detention_start": "2025-02-01",
            "sentence-remission_days": "0",
        },
    )
    assert response.status_code == 200
    assert response.context["sentence_form"].errors


def test_recalculate_command_refreshes_stored_dates(inmate):
    import io

    from django.core.management import call_command

    from sinergi.inmates.models import Sentence

    Sentence.objects.filter(pk=inmate.sentence.pk).update(expiry_date=None)
    out = io.StringIO()
    call_command("recalculate_sentences", "--facility", "selong", stdout=out)
    inmate.sentence.refresh_from_db()
    assert inmate.sentence.expiry_date == datetime.date(2026, 5, 9)
    assert "Recalculated 1" in out.getvalue()


def test_next_remisi_uses_the_recorded_holiday_of_the_inmates_religion(demo_world):
    from sinergi.inmates.models import ReligiousHolidayDate

    # Detained 10 January 2024, 3 years: by 17 August 2025 more than 6 months are served.
    inmate = make_inmate(facility=Facility.objects.get(code="selong"), religion="hindu")
    ReligiousHolidayDate.objects.create(holiday="nyepi", date=datetime.date(2025, 3, 29))
    due = next_remissions_for(inmate, today=datetime.date(2025, 1, 1))
    assert due is not None
    assert due.umum.due_date == datetime.date(2025, 8, 17)
    assert due.umum.total_days > 0
    assert due.khusus.due_date == datetime.date(2025, 3, 29)
    assert due.khusus.total_days > 0


def test_next_remisi_khusus_explains_a_missing_holiday_date(demo_world):
    inmate = make_inmate(facility=Facility.objects.get(code="selong"), religion="islam")
    due = next_remissions_for(inmate, today=datetime.date(2025, 1, 1))
    assert due is not None
    assert due.khusus.total_days == 0
    assert "not given" in str(due.khusus.reason)


def test_correcting_the_sentence_through_the_form_saves_and_audits(client_for, inmate):
    sentence = inmate.sentence
    data = sentence_form_data(sentence)
    data.update(term_years=4, detention_start="2024-05-09")
    response = client_for("petugas.selong").post(f"/inmates/{inmate.pk}/sentence/", data)
    assert response.status_code == 302, response.context["form"].errors
    sentence.refresh_from_db()
    assert sentence.term_years == 4
    assert sentence.expiry_date == datetime.date(2028, 5, 9)
    assert AuditEvent.objects.get(action="sentence.update").changes["term_years"] == [2, 4]


@pytest.mark.parametrize("field", ["verdict_date", "detention_start"])
def test_a_sentence_dated_in_the_future_is_refused_and_nothing_saved(client_for, inmate, field):
    sentence = inmate.sentence
    data = sentence_form_data(sentence)
    tomorrow = inmate.facility.today() + datetime.timedelta(days=1)
    data.update({field: tomorrow.isoformat(), "term_years": 9})
    response = client_for("petugas.selong").post(f"/inmates/{inmate.pk}/sentence/", data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    sentence.refresh_from_db()
    assert sentence.term_years != 9


def test_a_remisi_granted_in_the_future_is_refused(client_for, inmate):
    tomorrow = inmate.facility.today() + datetime.timedelta(days=1)
    response = client_for("petugas.selong").post(
        f"/inmates/{inmate.pk}/remissions/new/",
        {"kind": "umum", "year": 1, "months": 1, "days": 0, "granted_on": tomorrow.isoformat()},
    )
    assert response.status_code == 200
    assert "granted_on" in response.context["form"].errors
    assert not inmate.remissions.exists()


def test_a_register_f_entry_dated_in_the_future_is_refused(client_for, inmate):
    tomorrow = inmate.facility.today() + datetime.timedelta(days=1)
    response = client_for("petugas.selong").post(
        f"/inmates/{inmate.pk}/register-f/new/",
        {"date": tomorrow.isoformat(), "violation": "Berkelahi", "sanction": "Sel pengasingan"},
    )
    assert response.status_code == 200
    assert "date" in response.context["form"].errors
    assert not inmate.disciplinary_records.exists()


def test_correcting_identity_through_the_form_saves(client_for, inmate):
    response = client_for("petugas.selong").post(
        f"/inmates/{inmate.pk}/edit/",
        {"registration_number": inmate.registration_number, "name": "Nama Baru"},
    )
    assert response.status_code == 302
    inmate.refresh_from_db()
    assert inmate.name == "Nama Baru"
    assert inmate.history.count() == 2
