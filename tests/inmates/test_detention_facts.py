"""The facts of a sentence the rules depend on (issue 13): detention before the current
one, consecutive sentences, the child status, the commutation, the substitute terms and
dated remisi. Recorded through the actions (rules at the field, the facility's officers
only, history and audit), fed to the engine by the recalculation, shown on the inmate's
page and in the API."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from sinergi.core.models import AuditEvent
from sinergi.inmates import actions
from sinergi.inmates.calculation import load_facts, recalculate
from sinergi.inmates.models import (
    ConsecutiveSentence,
    DetentionPeriod,
    Inmate,
    InmateRight,
    Remission,
    Sentence,
)
from sinergi.orgs.models import Facility, FacilityKind
from tests.factories import FacilityFactory
from tests.inmates.factories import make_inmate, sentence_form_data

pytestmark = pytest.mark.django_db

D = datetime.date
# A 2-year general term from 9 May 2024 (Permenkumham 3/2018 as amended by 7/2022):
# expiry 9 May 2026; 1/2 on 9 May 2025; 2/3 = ceil(731 x 2/3) = 488 days = 8 Sep 2025.
START = D(2024, 5, 9)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def selong(demo_world):
    return Facility.objects.get(code="selong")


@pytest.fixture
def inmate(selong):
    return make_inmate(facility=selong, term_years=2, detention_start=START)


@pytest.fixture
def officer(user):
    return user("petugas.selong")


def _refused(call, field: str, message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        call()
    assert any(message in text for text in refused.value.message_dict[field]), (
        refused.value.message_dict
    )


def _sentence(inmate: Inmate) -> Sentence:
    return Sentence.objects.get(inmate=inmate)


def _right(inmate: Inmate, right: str) -> InmateRight:
    return InmateRight.objects.get(inmate=inmate, right=right)


# --- earlier detention ------------------------------------------------------------------


def test_a_30_day_rutan_detention_moves_the_expiry_30_days_earlier(inmate, officer):
    assert _sentence(inmate).expiry_date == D(2026, 5, 9)
    period = actions.add_detention_period(
        inmate=inmate,
        values={"start_date": D(2024, 3, 1), "end_date": D(2024, 3, 30), "kind": "rutan"},
        by=officer,
    )
    sentence = _sentence(inmate)
    # 1 to 30 March: 30 days in a rutan, credited in full: the term runs from
    # 9 May 2024 - 30 days = 9 April 2024 and expires on 9 April 2026.
    assert sentence.term_start == D(2024, 4, 9)
    assert sentence.expiry_date == D(2026, 4, 9)
    assert sentence.release_date == D(2026, 4, 9)
    # PB probation: remainder + 1 year = to the release + 1 year.
    assert sentence.pb_probation_end == D(2027, 4, 9)
    assert _right(inmate, "pb").ends_on == D(2027, 4, 9)
    # History attributed, audited with the facility.
    assert period.history.get().history_user == officer
    assert period.recorded_by == officer
    event = AuditEvent.objects.get(action="detention_period.create")
    assert event.actor == officer
    assert event.facility_id == inmate.facility_id
    assert event.target_id == str(period.pk)


def test_house_detention_counts_a_third_rounded_down(inmate, officer):
    # 1 to 30 March 2024: 30 days of house detention x 1/3 = 10 days credited.
    actions.add_detention_period(
        inmate=inmate,
        values={"start_date": D(2024, 3, 1), "end_date": D(2024, 3, 30), "kind": "house"},
        by=officer,
    )
    assert _sentence(inmate).expiry_date == D(2026, 4, 29)


def test_correcting_and_deleting_a_period_recalculates(inmate, officer):
    period = actions.add_detention_period(
        inmate=inmate,
        values={"start_date": D(2024, 3, 1), "end_date": D(2024, 3, 30), "kind": "rutan"},
        by=officer,
    )
    # 31 days of city detention x 1/5 = 6 days (rounded down): expiry 3 May 2026.
    actions.update_detention_period(
        period=period, values={"end_date": D(2024, 3, 31), "kind": "city"}, by=officer
    )
    assert _sentence(inmate).expiry_date == D(2026, 5, 3)
    assert period.history.count() == 2
    assert AuditEvent.objects.get(action="detention_period.update").changes["kind"] == [
        "rutan",
        "city",
    ]
    actions.delete_detention_period(period=period, by=officer)
    assert not DetentionPeriod.objects.exists()
    assert _sentence(inmate).expiry_date == D(2026, 5, 9)
    deleted = DetentionPeriod.history.filter(history_type="-").get()
    assert deleted.history_user == officer
    assert AuditEvent.objects.filter(action="detention_period.delete").exists()


def test_a_period_must_end_before_the_detention_start(inmate, officer):
    _refused(
        lambda: actions.add_detention_period(
            inmate=inmate,
            values={"start_date": D(2024, 4, 1), "end_date": START, "kind": "rutan"},
            by=officer,
        ),
        "end_date",
        "must end before the current detention start (9 May 2024)",
    )
    # The day before the detention start is fine.
    actions.add_detention_period(
        inmate=inmate,
        values={"start_date": D(2024, 4, 1), "end_date": D(2024, 5, 8), "kind": "rutan"},
        by=officer,
    )


def test_a_period_ending_before_it_starts_is_refused_at_the_end(inmate, officer):
    _refused(
        lambda: actions.add_detention_period(
            inmate=inmate,
            values={"start_date": D(2024, 3, 2), "end_date": D(2024, 3, 1), "kind": "rutan"},
            by=officer,
        ),
        "end_date",
        "The end cannot be before the start.",
    )


def test_periods_may_not_overlap(inmate, officer):
    actions.add_detention_period(
        inmate=inmate,
        values={"start_date": D(2024, 3, 1), "end_date": D(2024, 3, 10), "kind": "rutan"},
        by=officer,
    )
    _refused(
        lambda: actions.add_detention_period(
            inmate=inmate,
            values={"start_date": D(2024, 3, 10), "end_date": D(2024, 3, 20), "kind": "house"},
            by=officer,
        ),
        "start_date",
        "overlaps the one recorded from 1 March 2024 to 10 March 2024",
    )
    # The next day is not an overlap.
    second = actions.add_detention_period(
        inmate=inmate,
        values={"start_date": D(2024, 3, 11), "end_date": D(2024, 3, 20), "kind": "house"},
        by=officer,
    )
    # A period corrected onto itself is not an overlap with itself.
    actions.update_detention_period(period=second, values={"note": "PN Selong"}, by=officer)


def test_a_period_in_the_future_is_refused(selong, officer):
    today = selong.today()
    person = make_inmate(facility=selong, term_years=1, detention_start=today)
    tomorrow = today + datetime.timedelta(days=1)
    _refused(
        lambda: actions.add_detention_period(
            inmate=person,
            values={"start_date": tomorrow, "end_date": tomorrow, "kind": "rutan"},
            by=officer,
        ),
        "start_date",
        "This date is in the future",
    )


def test_the_detention_start_cannot_move_before_a_recorded_period(inmate, officer):
    actions.add_detention_period(
        inmate=inmate,
        values={"start_date": D(2024, 3, 1), "end_date": D(2024, 3, 30), "kind": "rutan"},
        by=officer,
    )
    _refused(
        lambda: actions.update_sentence(
            sentence=_sentence(inmate),
            values={"detention_start": D(2024, 3, 30)},
            by=officer,
        ),
        "detention_start",
        "An earlier detention period ends on 30 March 2024",
    )


def test_another_facilitys_officer_and_a_guardian_are_refused(inmate, user):
    values = {"start_date": D(2024, 3, 1), "end_date": D(2024, 3, 30), "kind": "rutan"}
    for username in ("petugas.lobar", "wali.selong", "kanwil.ntb"):
        with pytest.raises(PermissionDenied):
            actions.add_detention_period(inmate=inmate, values=values, by=user(username))
    period = actions.add_detention_period(inmate=inmate, values=values, by=user("petugas.selong"))
    with pytest.raises(PermissionDenied):
        actions.delete_detention_period(period=period, by=user("petugas.lobar"))
    with pytest.raises(PermissionDenied):
        actions.update_detention_period(
            period=period, values={"kind": "city"}, by=user("petugas.lobar")
        )
    assert DetentionPeriod.objects.count() == 1


def test_the_pages_refuse_an_outsider_and_nothing_changes(inmate, client_for):
    url = f"/inmates/{inmate.pk}/detention/new/"
    form = {"start_date": "2024-03-01", "end_date": "2024-03-30", "kind": "rutan"}
    assert client_for("petugas.lobar").post(url, form).status_code == 404
    assert client_for("wali.selong").post(url, form).status_code == 403
    assert not DetentionPeriod.objects.exists()
    response = client_for("petugas.selong").post(url, form)
    assert response.status_code == 302
    period = DetentionPeriod.objects.get()
    delete = f"/inmates/{inmate.pk}/detention/{period.pk}/delete/"
    assert client_for("petugas.lobar").post(delete).status_code == 404
    assert client_for("wali.selong").post(delete).status_code == 403
    assert client_for("petugas.selong").get(delete).status_code == 405
    assert DetentionPeriod.objects.exists()
    assert client_for("petugas.selong").post(delete).status_code == 302
    assert not DetentionPeriod.objects.exists()


def test_the_form_shows_the_actions_refusal_at_the_field(inmate, client_for):
    response = client_for("petugas.selong").post(
        f"/inmates/{inmate.pk}/detention/new/",
        {"start_date": "2024-04-01", "end_date": "2024-05-09", "kind": "rutan"},
    )
    assert response.status_code == 200
    # In the officer's language (Indonesian).
    assert "harus berakhir sebelum awal penahanan sekarang (9 Mei 2024)" in " ".join(
        response.context["form"].errors["end_date"]
    )


# --- consecutive sentences --------------------------------------------------------------


def test_a_consecutive_sentence_is_counted_as_one_term(inmate, officer):
    record = actions.add_consecutive_sentence(
        inmate=inmate,
        values={"verdict_number": "12/Pid.B/2025/PN Sel", "court": "PN Selong", "months": 6},
        by=officer,
    )
    # 2 years + 6 months from 9 May 2024: expiry 9 November 2026.
    assert _sentence(inmate).expiry_date == D(2026, 11, 9)
    assert record.history.get().history_user == officer
    assert AuditEvent.objects.filter(
        action="consecutive_sentence.create", target_id=str(record.pk)
    ).exists()
    actions.update_consecutive_sentence(record=record, values={"months": 3}, by=officer)
    assert _sentence(inmate).expiry_date == D(2026, 8, 9)
    actions.delete_consecutive_sentence(record=record, by=officer)
    assert _sentence(inmate).expiry_date == D(2026, 5, 9)
    assert AuditEvent.objects.filter(action="consecutive_sentence.delete").exists()


def test_a_consecutive_sentence_of_zero_is_refused_at_the_years(inmate, officer):
    _refused(
        lambda: actions.add_consecutive_sentence(inmate=inmate, values={}, by=officer),
        "years",
        "needs years, months or days",
    )


def test_a_life_sentence_takes_no_consecutive_sentence(selong, officer):
    life = make_inmate(facility=selong, term_kind="life", term_years=0)
    _refused(
        lambda: actions.add_consecutive_sentence(inmate=life, values={"years": 1}, by=officer),
        "years",
        "Only a fixed term can be followed",
    )


def test_the_term_cannot_become_life_while_consecutive_sentences_follow(inmate, officer):
    actions.add_consecutive_sentence(inmate=inmate, values={"years": 1}, by=officer)
    _refused(
        lambda: actions.update_sentence(
            sentence=_sentence(inmate),
            values={"term_kind": "life", "term_years": 0},
            by=officer,
        ),
        "term_kind",
        "Consecutive sentences are recorded after this one",
    )


def test_an_outsider_records_no_consecutive_sentence(inmate, user):
    with pytest.raises(PermissionDenied):
        actions.add_consecutive_sentence(
            inmate=inmate, values={"years": 1}, by=user("petugas.lobar")
        )
    assert not ConsecutiveSentence.objects.exists()


# --- the sentence's own facts -------------------------------------------------------------


def test_a_commutation_is_to_a_fixed_term_and_not_before_the_detention_start(inmate, officer):
    sentence = _sentence(inmate)
    _refused(
        lambda: actions.update_sentence(
            sentence=sentence, values={"commuted_on": D(2024, 5, 8)}, by=officer
        ),
        "commuted_on",
        "cannot be before the detention start",
    )
    _refused(
        lambda: actions.update_sentence(
            sentence=sentence,
            values={"term_kind": "life", "term_years": 0, "commuted_on": D(2025, 1, 1)},
            by=officer,
        ),
        "commuted_on",
        "the fixed term it was commuted to",
    )
    # Life commuted to 20 years on 1 January 2025: the term runs from the commutation.
    actions.update_sentence(
        sentence=sentence, values={"term_years": 20, "commuted_on": D(2025, 1, 1)}, by=officer
    )
    sentence = _sentence(inmate)
    assert sentence.term_start == D(2025, 1, 1)
    assert sentence.expiry_date == D(2045, 1, 1)


@pytest.mark.parametrize(("age", "ok"), [(0, True), (120, True), (121, False)])
def test_the_age_at_the_offence_is_0_to_120(inmate, officer, age, ok):
    call = lambda: actions.update_sentence(  # noqa: E731
        sentence=_sentence(inmate), values={"age_at_offence": age}, by=officer
    )
    if ok:
        call()
    else:
        _refused(call, "age_at_offence", "Enter an age from 0 to 120")


def test_a_person_under_18_at_the_offence_gets_pb_at_half(inmate, officer):
    # An adult's PB: 2/3 = 8 September 2025; a child's: 1/2 = 9 May 2025.
    assert _right(inmate, "pb").eligible_from == D(2025, 9, 8)
    actions.update_sentence(sentence=_sentence(inmate), values={"age_at_offence": 18}, by=officer)
    assert _right(inmate, "pb").eligible_from == D(2025, 9, 8)
    actions.update_sentence(sentence=_sentence(inmate), values={"age_at_offence": 17}, by=officer)
    assert _right(inmate, "pb").eligible_from == D(2025, 5, 9)


def test_an_lpka_inmate_gets_the_childrens_pb_at_half(demo_world):
    lpka = FacilityFactory(kind=FacilityKind.LPKA, code="lpka-test")
    child = make_inmate(facility=lpka, term_years=2, detention_start=START)
    adult = make_inmate(
        facility=Facility.objects.get(code="selong"), term_years=2, detention_start=START
    )
    assert _right(child, "pb").eligible_from == D(2025, 5, 9)  # 1/2
    assert _right(child, "asimilasi").eligible_from == D(2024, 8, 9)  # after 3 months
    assert _right(adult, "pb").eligible_from == D(2025, 9, 8)  # 2/3


def test_sentenced_as_a_child_gets_the_childrens_rules(inmate, officer):
    actions.update_sentence(
        sentence=_sentence(inmate), values={"sentenced_as_child": True}, by=officer
    )
    assert _right(inmate, "pb").eligible_from == D(2025, 5, 9)


def test_an_unpaid_fine_lengthens_the_stay_by_its_substitute_term(inmate, officer):
    actions.update_sentence(
        sentence=_sentence(inmate),
        values={"fine_paid": False, "fine_substitute_days": 60},
        by=officer,
    )
    sentence = _sentence(inmate)
    assert sentence.expiry_after_remission == D(2026, 5, 9)
    # 9 May 2026 + 60 days = 8 July 2026.
    assert sentence.release_date == D(2026, 7, 8)
    actions.update_sentence(
        sentence=sentence,
        values={"restitution_paid": False, "restitution_substitute_days": 30},
        by=officer,
    )
    assert _sentence(inmate).release_date == D(2026, 8, 7)


# --- dated remisi -------------------------------------------------------------------------


def test_a_dated_remisi_moves_the_two_thirds_date_only_from_its_grant_date(inmate, officer):
    # 90 days of remisi: 2/3 of (731 - 90) = ceil(427.33) = 428 days from 9 May 2024 =
    # 10 July 2025 if counted from the start; granted on 17 August 2025, the 2/3 date
    # cannot be before the grant: 17 August 2025.
    actions.add_remission(
        inmate=inmate,
        values={"kind": "umum", "year": 2025, "months": 3, "granted_on": D(2025, 8, 17)},
        by=officer,
    )
    sentence = _sentence(inmate)
    assert sentence.expiry_after_remission == D(2026, 2, 8)
    assert sentence.two_thirds_date == D(2025, 8, 17)
    assert _right(inmate, "pb").eligible_from == D(2025, 8, 17)
    # CMB lasts as long as the last remisi and ends on the release day.
    assert _right(inmate, "cmb").ends_on == D(2026, 2, 8)


def test_a_remisi_umum_without_its_date_is_dated_17_august_of_its_year(inmate, officer):
    actions.add_remission(
        inmate=inmate, values={"kind": "umum", "year": 2025, "months": 3}, by=officer
    )
    assert _sentence(inmate).two_thirds_date == D(2025, 8, 17)


def test_a_remisi_khusus_without_its_date_counts_from_the_detention_start(inmate, officer):
    actions.add_remission(
        inmate=inmate, values={"kind": "khusus", "year": 2025, "months": 3}, by=officer
    )
    assert _sentence(inmate).two_thirds_date == D(2025, 7, 10)


def test_the_new_remisi_kinds_can_be_recorded(inmate, officer):
    for kind in ("dasawarsa", "humanitarian", "pmp"):
        actions.add_remission(
            inmate=inmate,
            values={"kind": kind, "year": 2025, "days": 10, "granted_on": D(2025, 8, 17)},
            by=officer,
        )
    assert set(Remission.objects.values_list("kind", flat=True)) == {
        "dasawarsa",
        "humanitarian",
        "pmp",
    }
    assert _sentence(inmate).remission_days == 30


# --- the recalculation loads it all in bulk -----------------------------------------------


def _facts_for_many(selong, officer, n: int) -> list[int]:
    ids = []
    for _ in range(n):
        person = make_inmate(facility=selong, term_years=2, detention_start=START)
        actions.add_detention_period(
            inmate=person,
            values={"start_date": D(2024, 3, 1), "end_date": D(2024, 3, 30), "kind": "rutan"},
            by=officer,
        )
        actions.add_consecutive_sentence(inmate=person, values={"months": 1}, by=officer)
        ids.append(person.pk)
    return ids


def test_recalculate_asks_the_same_queries_for_1_or_8_people(selong, officer):
    few = _facts_for_many(selong, officer, 1)
    many = few + _facts_for_many(selong, officer, 7)
    with CaptureQueriesContext(connection) as one:
        recalculate(few)
    with CaptureQueriesContext(connection) as eight:
        recalculate(many)
    assert len(one) == len(eight), "\n".join(q["sql"] for q in eight.captured_queries)
    facts = load_facts(many)
    assert all(len(facts[pk].detention) == 1 and len(facts[pk].consecutive) == 1 for pk in many)
    # 2 years + 1 month from 9 April 2024 (30 days credited): 9 May 2026.
    assert set(
        Sentence.objects.filter(inmate_id__in=many).values_list("expiry_date", flat=True)
    ) == {D(2026, 5, 9)}


def test_facts_that_no_longer_fit_are_left_out_not_a_failure(inmate, officer):
    # A period recorded, then the detention start moved before it by a write that does
    # not go through the actions (an SDP import): the recalculation still runs.
    actions.add_detention_period(
        inmate=inmate,
        values={"start_date": D(2024, 3, 1), "end_date": D(2024, 3, 30), "kind": "rutan"},
        by=officer,
    )
    Sentence.objects.filter(inmate=inmate).update(detention_start=D(2024, 3, 15))
    assert recalculate([inmate.pk]) == 1
    assert _sentence(inmate).expiry_date == D(2026, 3, 15)


# --- the pages ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("en", ["Detention before the current detention", "Consecutive sentences", "counts 1/3"]),
        ("id", ["Penahanan sebelum penahanan sekarang", "Pidana berturut-turut", "dihitung 1/3"]),
    ],
)
def test_the_inmate_page_lists_the_periods_and_sentences(
    inmate, officer, client_for, language, texts
):
    period = actions.add_detention_period(
        inmate=inmate,
        values={"start_date": D(2024, 3, 1), "end_date": D(2024, 3, 30), "kind": "house"},
        by=officer,
    )
    record = actions.add_consecutive_sentence(
        inmate=inmate, values={"verdict_number": "12/Pid.B/2025", "months": 6}, by=officer
    )
    client = client_for("petugas.selong")
    client.cookies["django_language"] = language
    body = client.get(f"/inmates/{inmate.pk}/", language=language).content.decode()
    for text in texts:
        assert text in body
    assert f"/inmates/{inmate.pk}/detention/{period.pk}/" in body
    assert f"/inmates/{inmate.pk}/consecutive/{record.pk}/" in body
    # A reader who may not change them sees no correction link.
    reader = client_for("wali.selong").get(f"/inmates/{inmate.pk}/").content.decode()
    assert f"/inmates/{inmate.pk}/detention/{period.pk}/" not in reader
    assert "12/Pid.B/2025" in reader


@pytest.mark.parametrize("language", ["en", "id"])
def test_the_forms_render(inmate, officer, client_for, language):
    period = actions.add_detention_period(
        inmate=inmate,
        values={"start_date": D(2024, 3, 1), "end_date": D(2024, 3, 30), "kind": "rutan"},
        by=officer,
    )
    record = actions.add_consecutive_sentence(inmate=inmate, values={"years": 1}, by=officer)
    client = client_for("petugas.selong")
    client.cookies["django_language"] = language
    for url in (
        f"/inmates/{inmate.pk}/detention/new/",
        f"/inmates/{inmate.pk}/detention/{period.pk}/",
        f"/inmates/{inmate.pk}/consecutive/new/",
        f"/inmates/{inmate.pk}/consecutive/{record.pk}/",
        f"/inmates/{inmate.pk}/sentence/",
    ):
        response = client.get(url, language=language)
        assert response.status_code == 200, url
    body = client.get(f"/inmates/{inmate.pk}/sentence/").content.decode()
    for name in ("commuted_on", "age_at_offence", "sentenced_as_child", "justice_collaborator"):
        assert f'name="{name}"' in body


def test_the_sentence_page_records_the_new_facts(inmate, client_for):
    data = sentence_form_data(
        _sentence(inmate),
        sentenced_as_child="on",
        age_at_offence=16,
        fine_paid="false",
        fine_substitute_days=30,
        justice_collaborator="true",
    )
    response = client_for("petugas.selong").post(f"/inmates/{inmate.pk}/sentence/", data)
    assert response.status_code == 302, response.context["form"].errors
    sentence = _sentence(inmate)
    assert sentence.sentenced_as_child is True
    assert sentence.age_at_offence == 16
    assert sentence.justice_collaborator is True
    assert sentence.release_date == D(2026, 6, 8)


def test_the_sentence_page_shows_a_commutation_refusal_at_its_field(inmate, client_for):
    data = sentence_form_data(_sentence(inmate), commuted_on="2024-01-01")
    response = client_for("petugas.selong").post(f"/inmates/{inmate.pk}/sentence/", data)
    assert response.status_code == 200
    assert "Perubahan pidana tidak boleh sebelum awal penahanan." in " ".join(
        response.context["form"].errors["commuted_on"]
    )


def test_the_inmate_page_asks_the_same_queries_whatever_the_number_of_facts(
    inmate, officer, client_for
):
    client = client_for("petugas.selong")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/inmates/{inmate.pk}/").status_code == 200
        return len(ctx)

    actions.add_detention_period(
        inmate=inmate,
        values={"start_date": D(2024, 1, 1), "end_date": D(2024, 1, 5), "kind": "rutan"},
        by=officer,
    )
    actions.add_consecutive_sentence(inmate=inmate, values={"months": 1}, by=officer)
    few = count()
    for day in (10, 20):
        actions.add_detention_period(
            inmate=inmate,
            values={"start_date": D(2024, 2, day), "end_date": D(2024, 2, day + 2), "kind": "city"},
            by=officer,
        )
        actions.add_consecutive_sentence(inmate=inmate, values={"days": day}, by=officer)
    assert count() == few


# --- the API --------------------------------------------------------------------------------


def test_the_inmate_api_gives_the_stored_dates_and_the_facts(inmate, officer, client_for):
    actions.add_detention_period(
        inmate=inmate,
        values={"start_date": D(2024, 3, 1), "end_date": D(2024, 3, 30), "kind": "rutan"},
        by=officer,
    )
    body = client_for("petugas.selong").get(f"/api/v1/inmates/{inmate.pk}").json()
    sentence = body["sentence"]
    assert sentence["term_start"] == "2024-04-09"
    assert sentence["release_date"] == "2026-04-09"
    assert sentence["pb_probation_end"] == "2027-04-09"
    assert sentence["rule_set"] == "permenkumham-3-2018-amended-7-2022"
    assert sentence["sentenced_as_child"] is False
    assert body["detention_periods"] == [
        {"start_date": "2024-03-01", "end_date": "2024-03-30", "kind": "rutan", "note": ""}
    ]
    assert body["consecutive_sentences"] == []
    assert client_for("petugas.lobar").get(f"/api/v1/inmates/{inmate.pk}").status_code == 404


def test_a_chronic_illness_is_recorded_with_the_identity_and_shown(inmate, officer, client_for):
    actions.update_inmate(inmate=inmate, values={"chronic_illness": True}, by=officer)
    body = client_for("petugas.selong").get(f"/inmates/{inmate.pk}/").content.decode()
    assert "Penyakit kronis" in body
    assert Inmate.objects.get(pk=inmate.pk).history.first().history_change_reason == "edited"


# Walkthrough finding: the forms showed the check constraint's name ("Constraint
# “detention_period_end_after_start” is violated.") instead of an error at the field.
def test_the_period_form_shows_an_end_before_the_start_at_the_end_field(inmate, client_for):
    response = client_for("petugas.selong").post(
        f"/inmates/{inmate.pk}/detention/new/",
        {"start_date": "2020-12-10", "end_date": "2020-12-01", "kind": "rutan", "note": ""},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "end_date" in form.errors
    assert not form.non_field_errors()
    assert "detention_period_end_after_start" not in response.content.decode()


def test_the_consecutive_form_shows_a_zero_term_at_the_years_field(inmate, client_for):
    response = client_for("petugas.selong").post(
        f"/inmates/{inmate.pk}/consecutive/new/",
        {"verdict_number": "", "court": "", "years": "0", "months": "0", "days": "0"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "years" in form.errors
    assert not form.non_field_errors()
    assert "consecutive_sentence_not_zero" not in response.content.decode()


# Walkthrough finding: "justice collaborator" was stored but the next remisi ignored it.
# 5 years from 1 Jan 2025 (the 2022 rule set), no remisi or Register F recorded: on
# 17 Aug 2026 year 1 with 593 days served -> 2 months = 60 days; remisi tambahan for a
# justice collaborator 1/2 x 60 = 30 days (Pasal 35A, 7/2022).
def test_a_justice_collaborator_gets_remisi_tambahan_in_the_next_remisi(inmate):
    from sinergi.inmates.calculation import next_remissions_for

    Sentence.objects.filter(inmate=inmate).update(
        term_kind="fixed",
        term_years=5,
        term_months=0,
        term_days=0,
        detention_start=D(2025, 1, 1),
        verdict_date=None,
        remission_days=0,
        justice_collaborator=True,
        crime_category="general",
    )
    inmate.remissions.all().delete()
    inmate.disciplinary_records.all().delete()
    inmate.refresh_from_db()
    due = next_remissions_for(inmate, D(2026, 7, 1))
    assert due is not None
    assert (due.umum.total_days, due.umum.tambahan_days) == (60, 30)
    Sentence.objects.filter(inmate=inmate).update(justice_collaborator=None)
    inmate.refresh_from_db()
    due = next_remissions_for(inmate, D(2026, 7, 1))
    assert due is not None and due.umum.tambahan_days == 0


# Walkthrough finding: a remisi of year 0, a remisi of 2025 granted in 2026 and a second
# remisi khusus in one year were all saved.
@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"kind": "umum", "year": 0, "months": 1, "days": 0}, "year"),
        ({"kind": "umum", "year": 1944, "months": 1, "days": 0}, "year"),
        (
            {"kind": "umum", "year": 2025, "months": 1, "days": 0, "granted_on": D(2026, 1, 2)},
            "granted_on",
        ),
    ],
)
def test_a_remisi_year_is_a_calendar_year_of_its_grant(inmate, officer, values, field):
    _refused(
        lambda: actions.add_remission(inmate=inmate, values=values, by=officer),
        field,
        "",
    )


def test_a_second_remisi_of_the_same_kind_in_one_year_is_refused(inmate, officer):
    inmate.remissions.all().delete()
    values = {"kind": "khusus", "year": 2025, "months": 0, "days": 15}
    actions.add_remission(inmate=inmate, values=values, by=officer)
    _refused(
        lambda: actions.add_remission(inmate=inmate, values=dict(values), by=officer),
        "year",
        "already recorded",
    )


# A remisi umum of year 0 without a date (recorded before the form checked the year)
# made datetime.date(0, 8, 17) fail the whole recalculation; it now counts undated.
def test_a_remisi_of_an_impossible_year_does_not_fail_the_recalculation(inmate):
    from sinergi.inmates.models import Remission

    inmate.remissions.all().delete()
    Remission.objects.create(inmate=inmate, kind="umum", year=0, months=1, days=0)
    Sentence.objects.filter(inmate=inmate).update(remission_days=30)
    assert recalculate([inmate.pk]) == 1
