"""The rules the inmate forms show are the actions' rules: a caller that is not the page
(the admin, a script, a later API) gets the same refusal, as a ValidationError at the
same field; and only the facility's officers (its staff, for a monthly score) write."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from sinergi.core.models import AuditEvent
from sinergi.inmates import actions
from sinergi.inmates.models import DisciplinaryRecord, Inmate, MonthlyAssessment
from sinergi.orgs.models import Facility
from tests.inmates.factories import make_inmate, sentence_form_data

pytestmark = pytest.mark.django_db

SCORES = {"personality": 70, "independence": 70, "behaviour": 70, "mental_condition": 70}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def selong(demo_world):
    return Facility.objects.get(code="selong")


@pytest.fixture
def inmate(selong):
    return make_inmate(
        facility=selong,
        registration_number="BI 283/26",
        term_years=2,
        detention_start=datetime.date(2024, 5, 9),
    )


@pytest.fixture
def officer(user):
    return user("petugas.selong")


def _refused(call, field: str, message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        call()
    assert any(message in text for text in refused.value.message_dict[field]), (
        refused.value.message_dict
    )


def _tomorrow(inmate: Inmate) -> datetime.date:
    return inmate.facility.today() + datetime.timedelta(days=1)


def _sentence(**values: object) -> dict[str, object]:
    return {"term_years": 1, "detention_start": datetime.date(2025, 1, 1), **values}


# --- registration number ----------------------------------------------------------------


def test_the_action_stores_the_registration_number_normalised(selong, officer):
    created = actions.create_inmate(
        facility=selong,
        inmate={"registration_number": "b.i 77 / 26", "name": "Lalu Baru"},
        sentence=_sentence(),
        by=officer,
    )
    assert created.registration_number == "BI 77/26"


def test_a_registration_number_taken_in_another_spelling_is_refused_at_the_field(inmate, officer):
    _refused(
        lambda: actions.create_inmate(
            facility=inmate.facility,
            inmate={"registration_number": "B I 283 / 26", "name": "X"},
            sentence=_sentence(),
            by=officer,
        ),
        "registration_number",
        "already registered",
    )
    assert Inmate.objects.filter(registration_number="BI 283/26").count() == 1


def test_correcting_a_registration_number_to_one_taken_is_refused_at_the_field(
    inmate, selong, officer
):
    other = make_inmate(facility=selong, registration_number="BI 284/26")
    _refused(
        lambda: actions.update_inmate(
            inmate=other, values={"registration_number": "bi 283/26"}, by=officer
        ),
        "registration_number",
        "already registered",
    )
    other.refresh_from_db()
    assert other.registration_number == "BI 284/26"


def test_the_registration_form_shows_the_taken_number_at_its_field(inmate, client_for):
    response = client_for("petugas.selong").post(
        "/inmates/new/",
        {
            "inmate-registration_number": "B.I 283/26",
            "inmate-name": "Lalu Dua",
            "sentence-crime_category": "general",
            "sentence-term_kind": "fixed",
            "sentence-term_years": "1",
            "sentence-term_months": "0",
            "sentence-term_days": "0",
            "sentence-detention_start": "2025-02-01",
            "sentence-remission_days": "0",
        },
        language="en",
    )
    assert response.status_code == 200
    assert "registration_number" in response.context["inmate_form"].errors


# --- sentence ---------------------------------------------------------------------------


def test_a_fixed_term_of_zero_is_refused_by_the_action_at_the_years(selong, officer):
    _refused(
        lambda: actions.create_inmate(
            facility=selong,
            inmate={"registration_number": "BI 90/26", "name": "X"},
            sentence=_sentence(term_years=0),
            by=officer,
        ),
        "term_years",
        "A fixed term needs years, months or days",
    )
    assert not Inmate.objects.filter(registration_number="BI 90/26").exists()


@pytest.mark.parametrize("field", ["detention_start", "verdict_date"])
def test_a_sentence_dated_in_the_future_is_refused_by_the_action(inmate, officer, field):
    _refused(
        lambda: actions.update_sentence(
            sentence=inmate.sentence, values={field: _tomorrow(inmate)}, by=officer
        ),
        field,
        "in the future",
    )


@pytest.mark.parametrize(("field", "value"), [("term_years", 30_000), ("term_days", 40_000)])
def test_a_term_too_long_to_compute_is_refused_by_the_action(inmate, officer, field, value):
    _refused(
        lambda: actions.update_sentence(
            sentence=inmate.sentence, values={field: value}, by=officer
        ),
        field,
        "At most",
    )


def test_a_term_too_long_to_compute_is_a_field_error_on_the_page_not_a_crash(inmate, client_for):
    """30,000 years fit the column but not the calendar: the dates cannot be computed
    (the page answered 500)."""
    sentence = inmate.sentence
    data = sentence_form_data(sentence)
    data.update(term_years=30_000, detention_start="2024-05-09")
    response = client_for("petugas.selong").post(f"/inmates/{inmate.pk}/sentence/", data)
    assert response.status_code == 200
    assert "term_years" in response.context["form"].errors
    sentence.refresh_from_db()
    assert sentence.term_years == 2


# --- remisi and Register F --------------------------------------------------------------


def test_a_remisi_without_months_or_days_is_refused_by_the_action(inmate, officer):
    _refused(
        lambda: actions.add_remission(
            inmate=inmate, values={"kind": "umum", "year": 2025, "months": 0, "days": 0}, by=officer
        ),
        "months",
        "months or days",
    )
    assert not inmate.remissions.exists()


def test_a_remisi_granted_in_the_future_is_refused_by_the_action(inmate, officer):
    values = {"kind": "umum", "year": 2025, "months": 1, "granted_on": _tomorrow(inmate)}
    _refused(
        lambda: actions.add_remission(inmate=inmate, values=values, by=officer),
        "granted_on",
        "in the future",
    )


def test_a_register_f_entry_ending_before_it_starts_is_refused_by_the_action(inmate, officer):
    values = {
        "date": datetime.date(2025, 3, 10),
        "end_date": datetime.date(2025, 3, 1),
        "violation": "Berkelahi",
    }
    _refused(
        lambda: actions.record_disciplinary(inmate=inmate, values=values, by=officer),
        "end_date",
        "before the date of the entry",
    )
    assert not inmate.disciplinary_records.exists()


def test_correcting_a_register_f_entry_to_end_before_it_starts_is_refused(inmate, officer):
    record = actions.record_disciplinary(
        inmate=inmate,
        values={"date": datetime.date(2025, 3, 10), "violation": "Berkelahi"},
        by=officer,
    )
    _refused(
        lambda: actions.update_disciplinary(
            record=record, values={"end_date": datetime.date(2025, 3, 1)}, by=officer
        ),
        "end_date",
        "before the date of the entry",
    )
    assert DisciplinaryRecord.objects.get(pk=record.pk).end_date is None


def test_a_register_f_entry_dated_in_the_future_is_refused_by_the_action(inmate, officer):
    values = {"date": _tomorrow(inmate), "violation": "Berkelahi"}
    _refused(
        lambda: actions.record_disciplinary(inmate=inmate, values=values, by=officer),
        "date",
        "in the future",
    )


# --- monthly score and status -----------------------------------------------------------


def test_a_month_not_started_is_refused_at_the_month(inmate, user):
    next_month = (inmate.facility.today().replace(day=1) + datetime.timedelta(days=32)).replace(
        day=1
    )
    _refused(
        lambda: actions.record_assessment(
            inmate=inmate, month=next_month, scores=SCORES, note="", by=user("wali.selong")
        ),
        "month",
        "has not started",
    )
    assert not MonthlyAssessment.objects.filter(inmate=inmate).exists()


def test_an_unknown_status_is_refused_at_the_status(inmate, officer):
    _refused(
        lambda: actions.change_status(
            inmate=inmate, status="escaped", on=inmate.facility.today(), by=officer
        ),
        "status",
        "Choose one of the statuses",
    )
    inmate.refresh_from_db()
    assert inmate.status == "in_custody"


# --- who writes -------------------------------------------------------------------------

OUTSIDERS = ["petugas.lobar", "kanwil.ntb", "mitra.disnaker", "pk.bapas"]


@pytest.mark.parametrize("outsider", [*OUTSIDERS, "wali.selong"])
def test_only_the_facilitys_officers_register_an_inmate(selong, user, outsider):
    with pytest.raises(PermissionDenied, match="register its inmates"):
        actions.create_inmate(
            facility=selong,
            inmate={"registration_number": "BI 91/26", "name": "X"},
            sentence=_sentence(),
            by=user(outsider),
        )
    assert not Inmate.objects.filter(registration_number="BI 91/26").exists()


def _every_change(inmate: Inmate, record: DisciplinaryRecord, by: object) -> list:
    today = inmate.facility.today()
    return [
        lambda: actions.update_inmate(inmate=inmate, values={"name": "Lain"}, by=by),
        lambda: actions.update_sentence(sentence=inmate.sentence, values={"term_years": 5}, by=by),
        lambda: actions.add_remission(
            inmate=inmate, values={"kind": "umum", "year": 2025, "months": 1}, by=by
        ),
        lambda: actions.record_disciplinary(
            inmate=inmate, values={"date": today, "violation": "X"}, by=by
        ),
        lambda: actions.update_disciplinary(record=record, values={"violation": "Y"}, by=by),
        lambda: actions.change_status(inmate=inmate, status="released", on=today, by=by),
    ]


@pytest.mark.parametrize("outsider", [*OUTSIDERS, "wali.selong"])
def test_only_the_facilitys_officers_change_an_inmates_records(inmate, officer, user, outsider):
    record = actions.record_disciplinary(
        inmate=inmate, values={"date": datetime.date(2025, 3, 10), "violation": "A"}, by=officer
    )
    events = AuditEvent.objects.count()
    for change in _every_change(inmate, record, user(outsider)):
        with pytest.raises(PermissionDenied, match="change its inmates' records"):
            change()
    assert AuditEvent.objects.count() == events
    inmate.refresh_from_db()
    assert (inmate.name, inmate.status, inmate.sentence.term_years) != ("Lain", "released", 5)
    assert not inmate.remissions.exists()


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_only_the_facilitys_staff_score_an_inmate(inmate, user, outsider):
    with pytest.raises(PermissionDenied, match="score its inmates"):
        actions.record_assessment(
            inmate=inmate,
            month=datetime.date(2025, 1, 1),
            scores=SCORES,
            note="",
            by=user(outsider),
        )
    assert not MonthlyAssessment.objects.filter(inmate=inmate).exists()


def test_a_guardian_officer_scores_an_inmate_of_their_facility(inmate, user):
    actions.record_assessment(
        inmate=inmate,
        month=datetime.date(2025, 1, 1),
        scores=SCORES,
        note="",
        by=user("wali.selong"),
    )
    assert MonthlyAssessment.objects.filter(inmate=inmate).count() == 1


# --- the admin --------------------------------------------------------------------------


def test_the_admins_sentence_form_shows_the_actions_rules(inmate):
    from sinergi.inmates.admin import SentenceAdminForm

    data = {
        "term_kind": "fixed",
        "term_years": 30_000,
        "term_months": 0,
        "term_days": 0,
        "detention_start": _tomorrow(inmate).isoformat(),
    }
    form = SentenceAdminForm(data, instance=inmate.sentence)
    assert not form.is_valid()
    assert "At most 100." in form.errors["term_years"]
    assert "detention_start" in form.errors


def test_the_admin_stores_the_registration_number_normalised(inmate, client_for):
    from sinergi.inmates.admin import InmateAdminForm

    form = InmateAdminForm({"registration_number": "b i 300 / 26"}, instance=inmate)
    form.is_valid()
    assert form.cleaned_data["registration_number"] == "BI 300/26"
    page = client_for("admin").get(f"/admin/inmates/inmate/{inmate.pk}/change/")
    assert page.status_code == 200
