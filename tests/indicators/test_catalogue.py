"""Each of the 19 indicators against a small fixture whose figures are computed by hand.

Every fixture holds rows that the definition must leave out (outside the period, another
facility, cancelled, revoked, draft...), so that a passing test proves the filter. Unless
said otherwise the period is August 2025 (2025-08-01..2025-08-31); facilities A and B are
in the north region, facility C in the south.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils.translation import override

from sinergi.indicators import catalogue
from sinergi.indicators.catalogue import (
    AVERAGE,
    CATALOGUE,
    COUNT,
    MEDIAN,
    RATIO,
    SUM,
    Query,
    Value,
    compute_all,
    for_level,
    get,
    make_value,
)
from sinergi.indicators.periods import CUSTOM, Period, parse_period
from sinergi.reintegration.models import NeedUpdate
from tests.indicators.conftest import AUG, check, compute, day, local

# -- the catalogue itself ---------------------------------------------------------------


def test_the_catalogue_has_twenty_four_indicators_with_distinct_ids():
    ids = [indicator.id for indicator in CATALOGUE]
    assert len(ids) == 24
    assert len(set(ids)) == 24
    assert all(get(i).id == i for i in ids)


def test_describe_gives_every_text_in_both_languages():
    for indicator in CATALOGUE:
        entry = indicator.describe()
        for text in ("name", "definition", "formula", "records"):
            assert entry[f"{text}_id"], (indicator.id, text)
            assert entry[f"{text}_en"], (indicator.id, text)
        assert entry["id"] == indicator.id
        assert entry["kind"] == indicator.kind
        assert entry["levels"] == list(indicator.levels)
        assert ("partner" in entry["breakdowns"]) == indicator.by_partner
        with override("en"):
            assert entry["name_en"] == str(indicator.name)


def test_describe_gives_the_english_name_and_the_breakdowns():
    entry = get("participation.attendance_rate").describe()
    assert entry["name_en"] == "Attendance rate"
    assert entry["unit"] == "percent"
    assert entry["breakdowns"] == ["kind", "category"]
    assert get("cooperation.requests").describe()["breakdowns"] == ["status", "kind", "partner"]


def test_an_indicator_supports_partner_grouping_only_when_it_says_so():
    assert get("cooperation.requests").supports("partner")
    assert not get("participation.attendance_rate").supports("partner")
    assert get("participation.attendance_rate").supports("category")
    assert not get("participation.attendance_rate").supports("pathway")
    for indicator in CATALOGUE:
        assert indicator.supports(None)
        assert indicator.supports("facility")
        assert indicator.supports("region")


def test_for_level_partner_lists_the_indicators_shown_to_partners():
    shown = {i.id for i in for_level("partner")}
    assert "cooperation.median_days_to_answer" in shown
    assert "participation.enrolled_share" not in shown
    assert "development.average_score" not in shown
    assert len(for_level("national")) == 22


def test_compute_all_leaves_out_indicators_that_do_not_support_the_grouping(w):
    by_partner = compute_all(Query(AUG, by="partner"))
    assert set(by_partner) == {i.id for i in CATALOGUE if i.by_partner}
    by_category = compute_all(Query(AUG, by="category"))
    assert set(by_category) == {i.id for i in CATALOGUE if "category" in i.breakdowns}
    everything = compute_all(Query(AUG))
    assert set(everything) == {i.id for i in CATALOGUE}
    # An empty database: every count is zero and every ratio has no value.
    assert everything["participation.completions"] == {None: make_value(COUNT, 0)}
    no_marks = Value(Decimal(0), Decimal(0), None)
    assert everything["participation.attendance_rate"] == {None: no_marks}


def test_an_indicator_without_a_partner_path_gives_nothing_for_a_partner_area(w):
    assert compute("participation.enrolled_share", area="partner", area_id=w.p.pk) == {}
    assert compute("development.average_score", area="partner", area_id=w.p.pk) == {}


# -- make_value -------------------------------------------------------------------------


def test_make_value_ratio_is_a_percentage_rounded_half_up():
    check(make_value(RATIO, 3, 4), 3, 4, "75.0")  # 3 of 4 -> 75.0
    check(make_value(RATIO, 2, 3), 2, 3, "66.7")  # 66.666... -> 66.7
    check(make_value(RATIO, 1, 16), 1, 16, "6.3")  # 6.25 -> 6.3 (half up, not to even)


def test_make_value_ratio_with_a_zero_denominator_has_no_value():
    check(make_value(RATIO, 0, 0), 0, 0, None)
    check(make_value(RATIO, None, None), 0, 0, None)


def test_make_value_count_and_sum_have_no_denominator():
    check(make_value(COUNT, 5), 5, None, 5)
    check(make_value(COUNT, None), 0, None, 0)
    check(make_value(SUM, Decimal("5.50")), "5.5", None, "5.5")


def test_make_value_average_divides_and_rounds_to_one_decimal():
    check(make_value(AVERAGE, Decimal("197.5"), 3), "197.5", 3, "65.8")  # 65.83 -> 65.8
    check(make_value(AVERAGE, 0, 0), 0, 0, None)


def test_make_value_median_keeps_the_median_and_the_count():
    check(make_value(MEDIAN, Decimal("3.54"), 5), "3.5", 5, "3.5")
    check(make_value(MEDIAN, 0, 0), 0, 0, None)
    # A duration is turned into days: 1 day 12 hours -> 1.5.
    check(make_value(MEDIAN, datetime.timedelta(days=1, hours=12), 1), "1.5", 1, "1.5")


def test_value_as_dict_gives_whole_numbers_as_ints():
    assert make_value(RATIO, 3, 4).as_dict() == {"numerator": 3, "denominator": 4, "value": 75}
    assert make_value(RATIO, 2, 3).as_dict() == {
        "numerator": 2,
        "denominator": 3,
        "value": 66.7,
    }
    assert make_value(SUM, 0).as_dict() == {"numerator": 0, "denominator": None, "value": 0}


# -- participation.enrolled_share -------------------------------------------------------


@pytest.fixture
def custody(w):
    """Inmates of A and C, and their enrolments."""
    vocational = w.program(w.a, kind="independence", category="vocational")
    religious = w.program(w.a, kind="personality", category="religious")
    at_c = w.program(w.c, kind="independence", category="vocational")
    # In custody with an open enrolment in both programs of A: counted (num and den).
    i1 = w.inmate(w.a, admission_date=day("2025-01-01"))
    w.enrol(vocational, i1, on="2025-07-01")
    w.enrol(religious, i1, on="2025-08-20")
    # In custody (no admission date), enrolment ended before August: den only.
    i2 = w.inmate(w.a)
    w.enrol(vocational, i2, on="2025-03-01", ended="2025-07-31", reason="completed")
    # Released during August, enrolled until then: counted (num and den).
    i3 = w.inmate(w.a, status="released", status_changed_on=day("2025-08-10"))
    w.enrol(vocational, i3, on="2025-08-01", ended="2025-08-10", reason="released")
    # Released in July: not in custody in August, left out although still enrolled.
    i4 = w.inmate(w.a, status="released", status_changed_on=day("2025-07-20"))
    w.enrol(religious, i4, on="2025-06-01")
    # Admitted in September: left out.
    i5 = w.inmate(w.a, admission_date=day("2025-09-03"))
    w.enrol(vocational, i5, on="2025-09-05")
    # In custody, enrolment starting in September: den only.
    i6 = w.inmate(w.a, admission_date=day("2025-05-01"))
    w.enrol(religious, i6, on="2025-09-01")
    # Facility C: one inmate in custody and enrolled.
    i7 = w.inmate(w.c, admission_date=day("2025-02-01"))
    w.enrol(at_c, i7, on="2025-08-15")


def test_enrolled_share_counts_inmates_in_custody_with_an_enrolment_in_the_period(w, custody):
    # National: in custody i1, i2, i3, i6, i7 = 5; enrolled i1, i3, i7 = 3 -> 60.0
    check(compute("participation.enrolled_share")[None], 3, 5, "60.0")
    # Facility A: i1, i2, i3, i6 = 4; enrolled i1, i3 = 2 -> 50.0
    a = compute("participation.enrolled_share", area="facility", area_id=w.a.pk)
    check(a[None], 2, 4, "50.0")
    # Region south = facility C: 1 of 1 -> 100.0
    south = compute("participation.enrolled_share", area="region", area_id=w.south.pk)
    check(south[None], 1, 1, "100.0")


def test_enrolled_share_by_facility_and_by_region(w, custody):
    by_facility = compute("participation.enrolled_share", by="facility")
    assert set(by_facility) == {w.a.pk, w.c.pk}
    check(by_facility[w.a.pk], 2, 4, "50.0")
    check(by_facility[w.c.pk], 1, 1, "100.0")
    by_region = compute("participation.enrolled_share", by="region")
    check(by_region[w.north.pk], 2, 4, "50.0")
    check(by_region[w.south.pk], 1, 1, "100.0")


def test_enrolled_share_by_category_divides_by_the_whole_population(w, custody):
    rows = compute("participation.enrolled_share", by="category")
    # vocational: i1, i3 (A) and i7 (C) of 5 -> 60.0 (i2's ended and i5's later
    # enrolments are left out)
    check(rows["vocational"], 3, 5, "60.0")
    # religious: i1 of 5 -> 20.0 (i4 is not in custody, i6 starts in September)
    check(rows["religious"], 1, 5, "20.0")
    kinds = compute("participation.enrolled_share", by="kind", area="facility", area_id=w.a.pk)
    # Facility A: independence i1, i3 of 4 -> 50.0; personality i1 of 4 -> 25.0
    check(kinds["independence"], 2, 4, "50.0")
    check(kinds["personality"], 1, 4, "25.0")


# -- participation.attendance_rate and training_hours -----------------------------------


@pytest.fixture
def attendance(w):
    welding = w.program(w.a, partners=(w.p,))  # independence / vocational, partner P
    prayer = w.program(w.c, kind="personality", category="religious")  # no partner
    e1, e2 = w.enrol(welding), w.enrol(welding)
    s1, s2, s3 = (w.session(welding, d) for d in ("2025-08-04", "2025-08-05", "2025-08-06"))
    w.mark(s1, e1, "present", "2")
    w.mark(s1, e2, "sick")
    w.mark(s2, e1, "present", "2")
    w.mark(s2, e2, "present", "1.5")
    # A mark "session cancelled" on a held session: left out.
    w.mark(s3, e1, "cancelled", "2")
    # Marks of a cancelled session: left out.
    called_off = w.session(welding, "2025-08-07", status="cancelled")
    w.mark(called_off, e1, "present", "2")
    w.mark(called_off, e2, "present", "2")
    # A session in July and one in September: left out.
    w.mark(w.session(welding, "2025-07-31"), e1, "present", "2")
    w.mark(w.session(welding, "2025-09-01"), e2, "refused")
    # Facility C.
    e3, e4 = w.enrol(prayer), w.enrol(prayer)
    s4 = w.session(prayer, "2025-08-31")
    w.mark(s4, e3, "present", "3")
    w.mark(s4, e4, "refused")


def test_attendance_rate_leaves_out_cancelled_sessions_and_cancelled_marks(w, attendance):
    # National: present s1/e1, s2/e1, s2/e2, s4/e3 = 4 of 6 marks -> 66.7
    check(compute("participation.attendance_rate")[None], 4, 6, "66.7")
    # Facility A: 3 of 4 marks present -> 75.0
    a = compute("participation.attendance_rate", area="facility", area_id=w.a.pk)
    check(a[None], 3, 4, "75.0")
    # Partner P delivers the welding program only: 3 of 4 -> 75.0
    p = compute("participation.attendance_rate", area="partner", area_id=w.p.pk)
    check(p[None], 3, 4, "75.0")
    # Region south (facility C): 1 of 2 -> 50.0
    south = compute("participation.attendance_rate", area="region", area_id=w.south.pk)
    check(south[None], 1, 2, "50.0")


def test_attendance_rate_by_facility_region_and_category(w, attendance):
    by_facility = compute("participation.attendance_rate", by="facility")
    check(by_facility[w.a.pk], 3, 4, "75.0")
    check(by_facility[w.c.pk], 1, 2, "50.0")
    by_region = compute("participation.attendance_rate", by="region")
    check(by_region[w.north.pk], 3, 4, "75.0")
    check(by_region[w.south.pk], 1, 2, "50.0")
    by_category = compute("participation.attendance_rate", by="category")
    assert set(by_category) == {"vocational", "religious"}
    check(by_category["vocational"], 3, 4, "75.0")
    check(by_category["religious"], 1, 2, "50.0")


def test_training_hours_sums_the_hours_of_present_marks_of_held_sessions(w, attendance):
    # National: 2 + 2 + 1.5 (A) + 3 (C) = 8.5 hours; the cancelled session, the
    # "cancelled" mark and July are left out.
    check(compute("participation.training_hours")[None], "8.5", None, "8.5")
    a = compute("participation.training_hours", area="facility", area_id=w.a.pk)
    check(a[None], "5.5", None, "5.5")  # 2 + 2 + 1.5
    p = compute("participation.training_hours", area="partner", area_id=w.p.pk)
    check(p[None], "5.5", None, "5.5")
    by_kind = compute("participation.training_hours", by="kind")
    check(by_kind["independence"], "5.5", None, "5.5")
    check(by_kind["personality"], 3, None, 3)


def test_training_hours_is_zero_without_attendance(w):
    check(compute("participation.training_hours")[None], 0, None, 0)


# -- participation.completions and certificates -----------------------------------------


@pytest.fixture
def completions(w):
    welding = w.program(w.a, partners=(w.p,), certification="blk")
    prayer = w.program(w.c, kind="personality", category="religious")
    done = [
        w.enrol(welding, ended="2025-08-10", reason="completed"),  # counted
        w.enrol(welding, ended="2025-08-31", reason="completed"),  # counted (last day)
        w.enrol(prayer, ended="2025-08-20", reason="completed"),  # counted (C)
    ]
    w.enrol(welding, ended="2025-09-01", reason="completed")  # September: left out
    w.enrol(welding, ended="2025-07-31", reason="completed")  # July: left out
    w.enrol(welding, ended="2025-08-15", reason="withdrawn_inmate")  # not completed
    w.enrol(welding)  # still open
    return welding, prayer, done


def test_completions_count_enrolments_completed_in_the_period(w, completions):
    # National: 2 (A) + 1 (C) = 3
    check(compute("participation.completions")[None], 3, None, 3)
    check(compute("participation.completions", area="facility", area_id=w.a.pk)[None], 2, None, 2)
    check(compute("participation.completions", area="partner", area_id=w.p.pk)[None], 2, None, 2)
    check(compute("participation.completions", area="partner", area_id=w.q.pk)[None], 0, None, 0)
    by_category = compute("participation.completions", by="category")
    check(by_category["vocational"], 2, None, 2)
    check(by_category["religious"], 1, None, 1)
    by_region = compute("participation.completions", by="region")
    check(by_region[w.north.pk], 2, None, 2)
    check(by_region[w.south.pk], 1, None, 1)


def test_certificates_count_valid_certificates_issued_in_the_period(w, completions):
    welding, _prayer, (first, second, third) = completions
    w.certificate(first, "2025-08-05")  # counted
    w.certificate(second, "2025-08-20", status="revoked")  # revoked: left out
    w.certificate(third, "2025-08-31")  # counted (C, internal)
    w.certificate(w.enrol(welding, ended="2025-07-30", reason="completed"), "2025-07-30")  # July
    # National: 2
    check(compute("participation.certificates")[None], 2, None, 2)
    check(compute("participation.certificates", area="facility", area_id=w.a.pk)[None], 1, None, 1)
    check(compute("participation.certificates", area="partner", area_id=w.p.pk)[None], 1, None, 1)
    by_scheme = compute("participation.certificates", by="scheme")
    assert set(by_scheme) == {"blk", "internal"}
    check(by_scheme["blk"], 1, None, 1)
    check(by_scheme["internal"], 1, None, 1)
    by_facility = compute("participation.certificates", by="facility")
    check(by_facility[w.a.pk], 1, None, 1)
    check(by_facility[w.c.pk], 1, None, 1)


# -- cooperation.active_agreements ------------------------------------------------------


@pytest.fixture
def agreements(w):
    w.agreement(w.p, facility=w.a)  # in force all year: counted
    w.agreement(w.q, region=w.north, start="2025-08-31")  # regional, starts on the last day
    w.agreement(w.p, w.q, facility=w.c, end="2025-08-01")  # ends on the first day: counted
    w.agreement(w.p, facility=w.b, end="2025-07-31")  # ended in July: left out
    w.agreement(w.p, facility=w.a, start="2025-09-01")  # starts in September: left out
    w.agreement(w.q, facility=w.a, status="draft")  # draft: left out
    w.agreement(w.q, facility=w.b, status="terminated")  # terminated: left out


def test_active_agreements_count_agreements_in_force_during_the_period(w, agreements):
    # National: the agreement of A, the regional one and the one of C = 3
    check(compute("cooperation.active_agreements")[None], 3, None, 3)
    # Partner P: A's and C's = 2; partner Q: the regional one and C's = 2
    p = compute("cooperation.active_agreements", area="partner", area_id=w.p.pk)
    check(p[None], 2, None, 2)
    q = compute("cooperation.active_agreements", area="partner", area_id=w.q.pk)
    check(q[None], 2, None, 2)


def test_a_regional_agreement_counts_at_region_level_but_not_at_facility_level(w, agreements):
    # Facility A: its own agreement only = 1; facility B: none
    a = compute("cooperation.active_agreements", area="facility", area_id=w.a.pk)
    check(a[None], 1, None, 1)
    b = compute("cooperation.active_agreements", area="facility", area_id=w.b.pk)
    check(b[None], 0, None, 0)
    # Region north: A's and the regional one = 2; south: C's = 1
    north = compute("cooperation.active_agreements", area="region", area_id=w.north.pk)
    check(north[None], 2, None, 2)
    by_region = compute("cooperation.active_agreements", by="region")
    check(by_region[w.north.pk], 2, None, 2)
    check(by_region[w.south.pk], 1, None, 1)
    by_facility = compute("cooperation.active_agreements", by="facility")
    assert set(by_facility) == {w.a.pk, w.c.pk}
    check(by_facility[w.a.pk], 1, None, 1)


# -- cooperation.commitments_on_time ----------------------------------------------------


@pytest.fixture
def commitments(w):
    at_a = w.agreement(w.p, w.q, facility=w.a)
    regional = w.agreement(w.q, region=w.north)
    at_c = w.agreement(w.p, facility=w.c)
    # c1: 6 + 4 = 10 of 10, last delivery on the due day: on time
    c1 = w.commitment(at_a, w.p, kind="instructors", target="10", due="2025-08-15")
    w.deliver(w.p, "2025-08-01", commitment=c1, quantity="6")
    w.deliver(w.p, "2025-08-15", commitment=c1, quantity="4")
    # c2: 5 of 5 but delivered after the due day: late
    c2 = w.commitment(at_a, w.p, kind="equipment", target="5", due="2025-08-20")
    w.deliver(w.p, "2025-08-25", commitment=c2, quantity="5")
    # c3: 4 of 10: short
    c3 = w.commitment(at_a, w.q, kind="instructors", target="10", due="2025-08-31")
    w.deliver(w.q, "2025-08-10", commitment=c3, quantity="4")
    # c4: regional, 2 of 2 before the due day: on time
    c4 = w.commitment(regional, w.q, kind="training_places", target="2", due="2025-08-10")
    w.deliver(w.q, "2025-08-01", commitment=c4, quantity="2")
    # c5: due in September: left out although on time
    c5 = w.commitment(at_a, w.p, target="1", due="2025-09-05")
    w.deliver(w.p, "2025-08-05", commitment=c5, quantity="1")
    # c6: facility C, 1 of 1 on the due day: on time
    c6 = w.commitment(at_c, w.p, kind="funding", target="1", due="2025-08-05")
    w.deliver(w.p, "2025-08-05", commitment=c6, quantity="1")
    # c7: due in July: left out
    w.commitment(at_a, w.q, target="1", due="2025-07-31")


def test_commitments_on_time_share_of_commitments_due_in_the_period(w, commitments):
    # National: c1, c4, c6 on time of c1, c2, c3, c4, c6 due -> 3 of 5 -> 60.0
    check(compute("cooperation.commitments_on_time")[None], 3, 5, "60.0")
    # Facility A: c1 of c1, c2, c3 -> 33.3 (the regional c4 is left out)
    a = compute("cooperation.commitments_on_time", area="facility", area_id=w.a.pk)
    check(a[None], 1, 3, "33.3")
    # Region north: c1, c4 of c1..c4 -> 50.0
    north = compute("cooperation.commitments_on_time", area="region", area_id=w.north.pk)
    check(north[None], 2, 4, "50.0")
    # Partner P promised c1, c2, c6: 2 of 3 -> 66.7
    p = compute("cooperation.commitments_on_time", area="partner", area_id=w.p.pk)
    check(p[None], 2, 3, "66.7")


def test_commitments_on_time_by_partner_region_and_kind(w, commitments):
    by_partner = compute("cooperation.commitments_on_time", by="partner")
    assert set(by_partner) == {w.p.pk, w.q.pk}
    check(by_partner[w.p.pk], 2, 3, "66.7")  # c1, c6 of c1, c2, c6
    check(by_partner[w.q.pk], 1, 2, "50.0")  # c4 of c3, c4
    by_region = compute("cooperation.commitments_on_time", by="region")
    check(by_region[w.north.pk], 2, 4, "50.0")
    check(by_region[w.south.pk], 1, 1, "100.0")
    by_kind = compute("cooperation.commitments_on_time", by="kind")
    check(by_kind["instructors"], 1, 2, "50.0")  # c1 of c1, c3
    check(by_kind["equipment"], 0, 1, "0.0")  # c2 late
    check(by_kind["training_places"], 1, 1, "100.0")


# -- cooperation.requests ---------------------------------------------------------------


@pytest.fixture
def requests(w):
    w.request(w.a, w.p, status="accepted", submitted="2025-08-01 08:00")
    w.request(w.a, w.q, kind="equipment", status="submitted", submitted="2025-08-31 23:30")
    w.request(w.c, w.p, status="declined", submitted="2025-08-10 10:00")
    w.request(w.a, w.p, status="draft")  # a draft was never submitted: left out
    w.request(w.a, w.p, status="accepted", submitted="2025-07-31 23:00")  # July
    # 06:00 on 1 September in WIB is still 31 August in UTC: September, left out.
    w.request(w.a, w.q, status="submitted", submitted="2025-09-01 06:00")


def test_requests_count_requests_submitted_in_the_period(w, requests):
    # National: 3; facility A: 2
    check(compute("cooperation.requests")[None], 3, None, 3)
    check(compute("cooperation.requests", area="facility", area_id=w.a.pk)[None], 2, None, 2)
    check(compute("cooperation.requests", area="partner", area_id=w.p.pk)[None], 2, None, 2)


def test_requests_by_status_kind_and_partner(w, requests):
    by_status = compute("cooperation.requests", by="status")
    assert set(by_status) == {"accepted", "submitted", "declined"}
    assert all(v.numerator == 1 for v in by_status.values())
    by_kind = compute("cooperation.requests", by="kind")
    check(by_kind["instructor"], 2, None, 2)
    check(by_kind["equipment"], 1, None, 1)
    by_partner = compute("cooperation.requests", by="partner")
    check(by_partner[w.p.pk], 2, None, 2)
    check(by_partner[w.q.pk], 1, None, 1)


# -- cooperation.median_days_to_answer --------------------------------------------------


@pytest.fixture
def answers(w):
    # Partner P, facility A: waits 1, 3.5 and 8 days -> median 3.5 (odd: the middle one)
    w.request(w.a, w.p, submitted="2025-08-01 09:00", answered="2025-08-02 09:00")
    w.request(w.a, w.p, submitted="2025-08-01 09:00", answered="2025-08-04 21:00")
    w.request(w.a, w.p, submitted="2025-07-28 09:00", answered="2025-08-05 09:00")
    # Partner Q, facility C: waits 2 and 7 days -> median 4.5 (even: mean of the two)
    w.request(w.c, w.q, submitted="2025-08-10 09:00", answered="2025-08-12 09:00")
    w.request(w.c, w.q, submitted="2025-08-10 09:00", answered="2025-08-17 09:00")
    # Answered in July or September: left out.
    w.request(w.a, w.p, submitted="2025-04-01 09:00", answered="2025-07-31 09:00")
    w.request(w.c, w.q, submitted="2025-08-31 09:00", answered="2025-09-01 09:00")
    # Not answered: left out.
    w.request(w.a, w.q, submitted="2025-08-20 09:00")


def test_median_days_to_answer_with_an_odd_number_of_answers(w, answers):
    # National: waits 1, 2, 3.5, 7, 8 -> median 3.5 of 5 answers
    check(compute("cooperation.median_days_to_answer")[None], "3.5", 5, "3.5")
    a = compute("cooperation.median_days_to_answer", area="facility", area_id=w.a.pk)
    check(a[None], "3.5", 3, "3.5")


def test_median_days_to_answer_with_an_even_number_is_the_mean_of_the_middle_two(w, answers):
    # Facility C: waits 2 and 7 -> (2 + 7) / 2 = 4.5
    c = compute("cooperation.median_days_to_answer", area="facility", area_id=w.c.pk)
    check(c[None], "4.5", 2, "4.5")
    # Region north holds A only: 1, 3.5, 8 -> 3.5
    north = compute("cooperation.median_days_to_answer", area="region", area_id=w.north.pk)
    check(north[None], "3.5", 3, "3.5")


def test_median_days_to_answer_grouped_by_partner_facility_and_region(w, answers):
    by_partner = compute("cooperation.median_days_to_answer", by="partner")
    assert set(by_partner) == {w.p.pk, w.q.pk}
    check(by_partner[w.p.pk], "3.5", 3, "3.5")  # 1, 3.5, 8
    check(by_partner[w.q.pk], "4.5", 2, "4.5")  # 2, 7
    by_facility = compute("cooperation.median_days_to_answer", by="facility")
    assert set(by_facility) == {w.a.pk, w.c.pk}
    check(by_facility[w.c.pk], "4.5", 2, "4.5")
    by_region = compute("cooperation.median_days_to_answer", by="region")
    check(by_region[w.north.pk], "3.5", 3, "3.5")
    check(by_region[w.south.pk], "4.5", 2, "4.5")
    p = compute("cooperation.median_days_to_answer", area="partner", area_id=w.q.pk)
    check(p[None], "4.5", 2, "4.5")


def test_median_days_to_answer_of_four_answers_in_one_group(w):
    # Partner P: waits 1, 2, 4, 10 -> (2 + 4) / 2 = 3.0
    for wait in (1, 2, 4, 10):
        answered = f"2025-08-{10 + wait:02d} 09:00"
        w.request(w.a, w.p, submitted="2025-08-10 09:00", answered=answered)
    # Partner Q: one answer of 6 days -> 6.0
    w.request(w.a, w.q, submitted="2025-08-01 09:00", answered="2025-08-07 09:00")
    by_partner = compute("cooperation.median_days_to_answer", by="partner")
    check(by_partner[w.p.pk], 3, 4, "3.0")
    check(by_partner[w.q.pk], 6, 1, "6.0")
    # All five: 1, 2, 4, 6, 10 -> 4.0
    check(compute("cooperation.median_days_to_answer")[None], 4, 5, "4.0")


def test_median_days_to_answer_without_answers(w):
    assert compute("cooperation.median_days_to_answer") == {None: make_value(MEDIAN, 0, 0)}
    check(compute("cooperation.median_days_to_answer")[None], 0, 0, None)
    assert compute("cooperation.median_days_to_answer", by="partner") == {}


# -- cooperation.instructor_hours and equipment_value -----------------------------------


@pytest.fixture
def deliveries(w):
    at_a = w.agreement(w.q, facility=w.a)
    regional = w.agreement(w.q, region=w.north)
    at_c = w.agreement(w.p, facility=w.c)
    teach_a = w.request(w.a, w.p, kind="instructor", status="in_delivery")
    teach_c = w.request(w.c, w.p, kind="instructor", status="in_delivery")
    tools_a = w.request(w.a, w.p, kind="equipment", status="in_delivery")
    teaching_a = w.commitment(at_a, w.q, kind="instructors")
    teaching_regional = w.commitment(regional, w.q, kind="instructors")
    tools_c = w.commitment(at_c, w.p, kind="equipment")
    # Instructor hours
    w.deliver(w.p, "2025-08-05", request=teach_a, quantity="10", value="750000")  # A
    w.deliver(w.q, "2025-08-06", commitment=teaching_a, quantity="6")  # A, by commitment
    w.deliver(w.q, "2025-08-07", commitment=teaching_regional, quantity="4")  # north only
    w.deliver(w.p, "2025-08-31", request=teach_c, quantity="2")  # C
    w.deliver(w.p, "2025-07-31", request=teach_a, quantity="100")  # July: left out
    # Equipment
    w.deliver(w.p, "2025-08-08", request=tools_a, quantity="3", value="5000000")  # A
    w.deliver(w.p, "2025-08-09", commitment=tools_c, quantity="1", value="2500000")  # C
    # An equipment request towards an instructor commitment: the request's kind decides.
    w.deliver(
        w.p, "2025-08-10", request=tools_a, commitment=teaching_a, quantity="1", value="1000000"
    )
    w.deliver(w.p, "2025-09-01", request=tools_a, quantity="1", value="9000000")  # September


def test_instructor_hours_sums_instructor_deliveries_in_the_period(w, deliveries):
    # National: 10 + 6 + 4 + 2 = 22 hours
    check(compute("cooperation.instructor_hours")[None], 22, None, 22)
    # Facility A: 10 + 6 = 16; the regional 4 hours count for the north region only
    a = compute("cooperation.instructor_hours", area="facility", area_id=w.a.pk)
    check(a[None], 16, None, 16)
    north = compute("cooperation.instructor_hours", area="region", area_id=w.north.pk)
    check(north[None], 20, None, 20)  # 10 + 6 + 4
    q = compute("cooperation.instructor_hours", area="partner", area_id=w.q.pk)
    check(q[None], 10, None, 10)  # 6 + 4


def test_instructor_hours_by_partner_facility_and_region(w, deliveries):
    by_partner = compute("cooperation.instructor_hours", by="partner")
    check(by_partner[w.p.pk], 12, None, 12)  # 10 + 2
    check(by_partner[w.q.pk], 10, None, 10)  # 6 + 4
    by_facility = compute("cooperation.instructor_hours", by="facility")
    assert set(by_facility) == {w.a.pk, w.c.pk}
    check(by_facility[w.a.pk], 16, None, 16)
    check(by_facility[w.c.pk], 2, None, 2)
    by_region = compute("cooperation.instructor_hours", by="region")
    check(by_region[w.north.pk], 20, None, 20)
    check(by_region[w.south.pk], 2, None, 2)


def test_equipment_value_sums_the_value_of_equipment_deliveries(w, deliveries):
    # National: 5,000,000 + 2,500,000 + 1,000,000 = 8,500,000 (the instructor delivery's
    # 750,000 and September's 9,000,000 are left out)
    check(compute("cooperation.equipment_value")[None], 8500000, None, 8500000)
    # Facility A: 5,000,000 + 1,000,000
    a = compute("cooperation.equipment_value", area="facility", area_id=w.a.pk)
    check(a[None], 6000000, None, 6000000)
    by_facility = compute("cooperation.equipment_value", by="facility")
    check(by_facility[w.c.pk], 2500000, None, 2500000)
    by_partner = compute("cooperation.equipment_value", by="partner")
    assert set(by_partner) == {w.p.pk}
    check(by_partner[w.p.pk], 8500000, None, 8500000)


# -- cooperation.dormant_partners -------------------------------------------------------


def test_dormant_partners_count_partners_in_force_without_a_recent_delivery(w):
    w.agreement(w.p, w.q, facility=w.a)
    w.agreement(w.q, region=w.north)
    w.agreement(w.r, facility=w.c)
    w.agreement(w.p, facility=w.b, end="2025-07-31")  # ended: does not make P engaged at B
    w.deliver(w.p, "2025-07-01")  # P delivered within the 90 days up to 31 August: active
    w.deliver(w.q, "2025-06-02")  # Q: exactly 90 days before 31 August: dormant
    w.deliver(w.r, "2025-09-05")  # R: only after the period: dormant
    # National: P, Q, R engaged; Q and R dormant -> 2
    check(compute("cooperation.dormant_partners")[None], 2, None, 2)
    # Facility A: P, Q engaged; Q dormant -> 1
    a = compute("cooperation.dormant_partners", area="facility", area_id=w.a.pk)
    check(a[None], 1, None, 1)
    # Region north: P, Q (A and the regional agreement) -> Q -> 1; south: R -> 1
    by_region = compute("cooperation.dormant_partners", by="region")
    check(by_region[w.north.pk], 1, None, 1)
    check(by_region[w.south.pk], 1, None, 1)
    by_facility = compute("cooperation.dormant_partners", by="facility")
    check(by_facility[w.a.pk], 1, None, 1)
    check(by_facility[w.c.pk], 1, None, 1)


def test_dormant_partners_counts_a_partner_only_where_its_agreement_is_in_force(w):
    w.agreement(w.r, facility=w.c)  # R is in force at C only, and delivered nothing
    w.agreement(w.r, facility=w.b, status="draft")  # a draft with B
    w.agreement(w.r, facility=w.b, end="2025-07-31")  # an expired one with B
    check(compute("cooperation.dormant_partners")[None], 1, None, 1)
    c = compute("cooperation.dormant_partners", area="facility", area_id=w.c.pk)
    check(c[None], 1, None, 1)
    # Facility B has no agreement in force: no dormant partner there.
    b = compute("cooperation.dormant_partners", area="facility", area_id=w.b.pk)
    check(b[None], 0, None, 0)
    north = compute("cooperation.dormant_partners", area="region", area_id=w.north.pk)
    check(north[None], 0, None, 0)


# -- reintegration.released_with_plan ---------------------------------------------------


def test_released_with_plan_leaves_out_transfers_deaths_and_other_months(w):
    with_plan = w.release(w.a, "2025-08-05", "expiry")
    w.need(with_plan.inmate, "identity")  # counted
    plan_without_needs = w.release(w.a, "2025-08-10", "pb")
    w.plan(plan_without_needs.inmate)  # a plan with no assessed need: not counted
    w.release(w.a, "2025-08-20", "cb")  # no plan
    transfer = w.release(w.a, "2025-08-15", "transfer")  # left out
    w.need(transfer.inmate, "work")
    death = w.release(w.a, "2025-08-16", "death")  # left out
    w.need(death.inmate, "work")
    july = w.release(w.a, "2025-07-31", "expiry")  # left out
    w.need(july.inmate, "work")
    at_c = w.release(w.c, "2025-08-31", "expiry")
    w.need(at_c.inmate, "housing", "not_needed")  # counted: the need was assessed
    # National: with a plan 2 of 4 releases -> 50.0
    check(compute("reintegration.released_with_plan")[None], 2, 4, "50.0")
    # Facility A: 1 of 3 -> 33.3
    a = compute("reintegration.released_with_plan", area="facility", area_id=w.a.pk)
    check(a[None], 1, 3, "33.3")
    by_kind = compute("reintegration.released_with_plan", by="kind")
    assert set(by_kind) == {"expiry", "pb", "cb"}
    check(by_kind["expiry"], 2, 2, "100.0")
    check(by_kind["pb"], 0, 1, "0.0")
    by_facility = compute("reintegration.released_with_plan", by="facility")
    check(by_facility[w.c.pk], 1, 1, "100.0")


# -- reintegration.needs_met_before_release ---------------------------------------------


@pytest.fixture
def needs(w):
    a = w.release(w.a, "2025-08-10").inmate
    w.need(a, "identity", "met", met_at="2025-08-10 21:00")  # met on the release day
    w.need(a, "work", "met", met_at="2025-08-11 06:00")  # met the day after release
    w.need(a, "housing", "in_progress", partner=w.p)  # not met
    w.need(a, "finance", "met", partner=w.p, met_at="2025-07-01 10:00")  # met before
    w.need(a, "health", "not_needed", met_at="2025-07-01 10:00")  # left out
    w.need(a, "family", "declined")  # left out
    c = w.release(w.c, "2025-08-20").inmate
    w.need(c, "identity", "met", partner=w.q, met_at="2025-08-01 10:00")
    w.need(c, "work", "met", partner=w.q, met_at="2025-08-19 10:00")
    # Released by transfer, in July, or not released: their needs are left out.
    transfer = w.release(w.a, "2025-08-15", "transfer").inmate
    w.need(transfer, "identity", "met", met_at="2025-08-01 10:00")
    july = w.release(w.a, "2025-07-20").inmate
    w.need(july, "identity", "met", met_at="2025-07-01 10:00")
    w.need(w.inmate(w.a), "identity", "met", met_at="2025-07-01 10:00")


def test_needs_met_before_release_counts_needs_met_by_the_release_day(w, needs):
    # National: met in time A identity, A finance, C identity, C work = 4 of
    # A identity, work, housing, finance + C identity, work = 6 -> 66.7
    check(compute("reintegration.needs_met_before_release")[None], 4, 6, "66.7")
    # Facility A: identity and finance of 4 -> 50.0 (work was met after release)
    a = compute("reintegration.needs_met_before_release", area="facility", area_id=w.a.pk)
    check(a[None], 2, 4, "50.0")
    south = compute("reintegration.needs_met_before_release", area="region", area_id=w.south.pk)
    check(south[None], 2, 2, "100.0")


def test_needs_met_before_release_by_partner_and_pathway(w, needs):
    by_partner = compute("reintegration.needs_met_before_release", by="partner")
    assert set(by_partner) == {w.p.pk, w.q.pk}
    check(by_partner[w.p.pk], 1, 2, "50.0")  # finance met, housing not
    check(by_partner[w.q.pk], 2, 2, "100.0")
    p = compute("reintegration.needs_met_before_release", area="partner", area_id=w.p.pk)
    check(p[None], 1, 2, "50.0")
    by_pathway = compute("reintegration.needs_met_before_release", by="pathway")
    assert set(by_pathway) == {"identity", "work", "housing", "finance"}
    check(by_pathway["identity"], 2, 2, "100.0")
    check(by_pathway["work"], 1, 2, "50.0")  # C in time, A after release
    check(by_pathway["housing"], 0, 1, "0.0")


def test_a_need_met_only_after_release_does_not_count(w):
    person = w.release(w.a, "2025-08-10").inmate
    need = w.need(person, "identity", "met", met_at="2025-08-12 10:00")
    check(compute("reintegration.needs_met_before_release")[None], 0, 1, "0.0")
    # Marked met earlier as well (met, reopened, met again): counts.
    w.need(person, "work")  # a second need, not met
    early = NeedUpdate.objects.create(need=need, status="met")
    NeedUpdate.objects.filter(pk=early.pk).update(at=local("2025-08-09 10:00"))
    check(compute("reintegration.needs_met_before_release")[None], 1, 2, "50.0")


# -- reintegration.referrals_completed --------------------------------------------------


def test_referrals_completed_leaves_out_cancelled_referrals_and_other_months(w):
    a1, a2, c1 = w.inmate(w.a), w.inmate(w.a), w.inmate(w.c)
    w.refer(a1, w.p, "completed", "2025-08-05 10:00")  # counted
    w.refer(a1, w.p, "in_progress", "2025-08-06 10:00")  # sent, not completed
    w.refer(a2, w.q, "sent", "2025-08-10 10:00")  # sent, not completed
    w.refer(a2, w.q, "cancelled", "2025-08-07 10:00")  # cancelled: left out
    w.refer(a2, w.q, "completed", "2025-07-31 10:00")  # July: left out
    w.refer(c1, w.q, "completed", "2025-08-20 10:00")  # counted (C)
    w.refer(c1, w.p, "declined", "2025-08-21 10:00")  # sent, not completed
    # National: completed 2 of 5 -> 40.0
    check(compute("reintegration.referrals_completed")[None], 2, 5, "40.0")
    # Facility A: 1 of 3 -> 33.3
    a = compute("reintegration.referrals_completed", area="facility", area_id=w.a.pk)
    check(a[None], 1, 3, "33.3")
    by_partner = compute("reintegration.referrals_completed", by="partner")
    check(by_partner[w.p.pk], 1, 3, "33.3")  # completed, in progress, declined
    check(by_partner[w.q.pk], 1, 2, "50.0")  # sent, completed
    q = compute("reintegration.referrals_completed", area="partner", area_id=w.q.pk)
    check(q[None], 1, 2, "50.0")
    by_region = compute("reintegration.referrals_completed", by="region")
    check(by_region[w.north.pk], 1, 3, "33.3")
    check(by_region[w.south.pk], 1, 2, "50.0")


# -- reintegration.in_work_3m and in_work_6m --------------------------------------------


@pytest.fixture
def follow_ups(w):
    def released(facility):
        return w.release(facility, "2025-05-10")

    # 3-month follow-ups due in August
    w.follow_up(released(w.a), 3, "2025-08-10", done="2025-08-10", contact=True, work="employed")
    w.follow_up(
        released(w.a), 3, "2025-08-11", done="2025-08-12", contact=True, work="self_employed"
    )
    w.follow_up(released(w.a), 3, "2025-08-12", done="2025-08-12", contact=True, work="looking")
    w.follow_up(released(w.a), 3, "2025-08-13", done="2025-08-13")  # no contact: left out
    w.follow_up(released(w.a), 3, "2025-08-14")  # not done: left out
    w.follow_up(  # due in September: left out
        released(w.a), 3, "2025-09-01", done="2025-08-30", contact=True, work="employed"
    )
    w.follow_up(released(w.c), 3, "2025-08-20", done="2025-08-21", contact=True, work="not_working")
    # 6-month follow-ups due in August
    six = released(w.a)
    w.follow_up(six, 6, "2025-08-05", done="2025-08-05", contact=True, work="employed")
    w.follow_up(six, 3, "2025-05-05", done="2025-05-05", contact=True, work="employed")  # May
    w.follow_up(released(w.c), 6, "2025-08-06", done="2025-08-06", contact=True, work="unknown")
    w.follow_up(released(w.c), 6, "2025-08-07")  # not done: left out


def test_in_work_3m_counts_follow_ups_done_with_contact(w, follow_ups):
    # National: employed, self-employed of employed, self-employed, looking, not working
    # -> 2 of 4 -> 50.0
    check(compute("reintegration.in_work_3m")[None], 2, 4, "50.0")
    a = compute("reintegration.in_work_3m", area="facility", area_id=w.a.pk)
    check(a[None], 2, 3, "66.7")
    by_facility = compute("reintegration.in_work_3m", by="facility")
    check(by_facility[w.a.pk], 2, 3, "66.7")
    check(by_facility[w.c.pk], 0, 1, "0.0")
    north = compute("reintegration.in_work_3m", area="region", area_id=w.north.pk)
    check(north[None], 2, 3, "66.7")


def test_in_work_6m_counts_only_six_month_follow_ups(w, follow_ups):
    # National: employed (A) of employed (A), unknown (C) -> 1 of 2 -> 50.0
    check(compute("reintegration.in_work_6m")[None], 1, 2, "50.0")
    a = compute("reintegration.in_work_6m", area="facility", area_id=w.a.pk)
    check(a[None], 1, 1, "100.0")
    by_region = compute("reintegration.in_work_6m", by="region")
    check(by_region[w.north.pk], 1, 1, "100.0")
    check(by_region[w.south.pk], 0, 1, "0.0")


# -- reintegration.reoffending_12m ------------------------------------------------------


@pytest.fixture
def cohort(w):
    """Releases whose first twelve months ended in August 2025: released in August 2024."""
    w.readmit(w.release(w.a, "2024-08-01"), "2025-08-01")  # re-admitted after 365 days
    w.readmit(w.release(w.a, "2024-08-10"), "2025-08-11")  # after 366 days: not counted
    w.follow_up(w.release(w.a, "2024-08-15"), 12, "2025-08-15", new_offence=True)  # counted
    w.follow_up(w.release(w.a, "2024-08-20"), 6, "2025-02-20")  # no offence
    w.follow_up(w.release(w.a, "2024-08-25"), 18, "2026-02-25", new_offence=True)  # month 18
    w.readmit(w.release(w.a, "2024-08-31", "transfer"), "2024-12-01")  # transfer: left out
    w.readmit(w.release(w.a, "2024-07-31"), "2024-12-01")  # not in the cohort
    w.readmit(w.release(w.a, "2024-09-01"), "2024-12-01")  # not in the cohort
    w.follow_up(w.release(w.c, "2024-08-05"), 3, "2024-11-05", new_offence=True)  # counted


def test_reoffending_12m_counts_readmissions_and_new_offences_within_a_year(w, cohort):
    # Facility A: cohort of 5 (1, 10, 15, 20, 25 August 2024); re-admitted within 365
    # days (1 August) or new offence by month 12 (15 August) -> 2 of 5 -> 40.0
    a = compute("reintegration.reoffending_12m", area="facility", area_id=w.a.pk)
    check(a[None], 2, 5, "40.0")
    # National: plus C's release with a new offence at month 3 -> 3 of 6 -> 50.0
    check(compute("reintegration.reoffending_12m")[None], 3, 6, "50.0")
    by_facility = compute("reintegration.reoffending_12m", by="facility")
    check(by_facility[w.a.pk], 2, 5, "40.0")
    check(by_facility[w.c.pk], 1, 1, "100.0")
    by_region = compute("reintegration.reoffending_12m", by="region")
    check(by_region[w.north.pk], 2, 5, "40.0")


def test_reoffending_12m_cohort_of_a_year_is_the_releases_of_the_year_before(w, cohort):
    # 2025: every release from 2024-01-01 to 2024-12-31 except the transfer = 8, of
    # which 1 Aug, 15 Aug, 31 Jul, 1 Sep (re-admitted 1 Dec 2024) and C -> 5 of 8 -> 62.5
    year = compute("reintegration.reoffending_12m", parse_period("2025"))
    check(year[None], 5, 8, "62.5")


def test_reoffending_12m_includes_a_release_on_29_february(w):
    # Released on 29 February 2024: the twelve months end on 28 February 2025.
    w.readmit(w.release(w.a, "2024-02-29"), "2024-06-01")
    february = compute("reintegration.reoffending_12m", parse_period("2025-02"))
    march = compute("reintegration.reoffending_12m", parse_period("2025-03"))
    check(february[None], 1, 1, "100.0")
    check(march[None], 0, 0, None)


def test_reoffending_12m_puts_each_release_in_the_period_of_its_first_anniversary(w):
    """Single-day periods around the end of February, in a leap year and in the year
    after: each release belongs to the day its twelve months end (the anniversary, or
    28 February for a release on 29 February), and to no other day."""

    def anniversary(released: datetime.date) -> datetime.date:
        try:
            return released.replace(year=released.year + 1)
        except ValueError:
            return released.replace(year=released.year + 1, day=28)

    released = [
        day(first) + datetime.timedelta(days=n)
        for first in ("2023-02-25", "2024-02-25")
        for n in range(8)
    ]
    for on in released:
        w.release(w.a, on.isoformat())
    for first in ("2024-02-26", "2025-02-26"):
        for n in range(5):
            one_day = day(first) + datetime.timedelta(days=n)
            expected = sum(anniversary(on) == one_day for on in released)
            rows = compute("reintegration.reoffending_12m", Period(CUSTOM, one_day, one_day))
            assert rows[None].denominator == expected, one_day


# -- development.average_score and above_pass_mark --------------------------------------


@pytest.fixture
def scores(w):
    i1, i2, i3 = w.inmate(w.a), w.inmate(w.a), w.inmate(w.c)
    w.score(i1, "2025-08-01", "72.5")
    w.score(i2, "2025-08-01", "60")
    w.score(i3, "2025-08-01", "65")  # exactly the pass mark
    w.score(i1, "2025-07-01", "90")  # July: left out
    w.score(i2, "2025-09-01", "10")  # September: left out


def test_average_score_averages_the_monthly_totals_of_the_period(w, scores):
    # National: (72.5 + 60 + 65) / 3 = 197.5 / 3 = 65.83 -> 65.8
    check(compute("development.average_score")[None], "197.5", 3, "65.8")
    # Facility A: (72.5 + 60) / 2 = 66.25 -> 66.3 (half up)
    a = compute("development.average_score", area="facility", area_id=w.a.pk)
    check(a[None], "132.5", 2, "66.3")
    by_region = compute("development.average_score", by="region")
    check(by_region[w.south.pk], 65, 1, "65.0")


def test_above_pass_mark_counts_scores_at_or_above_65(w, scores):
    assert catalogue.SPPN_PASS_MARK == 65
    # National: 72.5 and 65 of 3 -> 66.7
    check(compute("development.above_pass_mark")[None], 2, 3, "66.7")
    # Facility A: 72.5 of 72.5, 60 -> 50.0
    by_facility = compute("development.above_pass_mark", by="facility")
    check(by_facility[w.a.pk], 1, 2, "50.0")
    check(by_facility[w.c.pk], 1, 1, "100.0")


# -- reintegration.held_past_release and held_past_release_days ------------------------


def test_held_past_release_counts_people_and_person_days_on_the_periods_last_day(w):
    """On 31 August 2025: in A, one held 3 days past 28 August (released on 5 September)
    and one 31 days past 31 July (still held); one whose date is 31 August itself is not
    overdue; one released on 20 August is left out; in B one 1 day past 30 August;
    in C (south) one 10 days past 21 August."""
    from sinergi.inmates.models import Sentence

    def held(facility, release, **values):
        inmate = w.inmate(facility, **values)
        Sentence.objects.create(
            inmate=inmate,
            term_years=1,
            detention_start=day("2024-01-01"),
            expiry_after_remission=release,
        )

    held(w.a, day("2025-08-28"), status="released", status_changed_on=day("2025-09-05"))
    held(w.a, day("2025-07-31"))
    held(w.a, day("2025-08-31"))
    held(w.a, day("2025-08-01"), status="released", status_changed_on=day("2025-08-20"))
    held(w.b, day("2025-08-30"))
    held(w.c, day("2025-08-21"))
    count = compute("reintegration.held_past_release", area="facility", area_id=w.a.pk)[None]
    check(count, 2, None, 2)
    days = compute("reintegration.held_past_release_days", area="facility", area_id=w.a.pk)
    check(days[None], 34, None, 34)
    north = compute("reintegration.held_past_release_days", area="region", area_id=w.north.pk)
    check(north[None], 35, None, 35)
    by_facility = compute("reintegration.held_past_release", by="facility")
    assert {k: v.value for k, v in by_facility.items()} == {w.a.pk: 2, w.b.pk: 1, w.c.pk: 1}


# -- proposals.eligible_to_released_days and decided_before_eligible --------------------


def _proposal(w, facility, stage, eligible, **values):
    """A proposal as its moves leave it (made directly: these tests are about counting)."""
    from sinergi.proposals.models import Proposal, ProposalEvent

    dates = {k: day(v) if isinstance(v, str) else v for k, v in values.items()}
    refused_on = dates.pop("refused_on", None)
    proposal = Proposal.objects.create(
        inmate=w.inmate(facility, status="released" if stage == "released" else "in_custody"),
        facility=facility,
        right="pb",
        stage=stage,
        stage_since=dates.pop("stage_since", None) or refused_on or day(eligible),
        eligible_on=day(eligible),
        **dates,
    )
    if refused_on is not None:
        ProposalEvent.objects.create(
            proposal=proposal, from_stage="sent", to_stage="refused", on=refused_on
        )
    return proposal


def test_eligible_to_released_median_days_of_the_proposals_released_in_the_period(w):
    """A: 9 (10 Aug - 1 Aug), 30 (20 Aug - 21 Jul), 2 (31 Aug - 29 Aug): median 9.
    B: 35 (5 Aug - 1 Jul). North: 2, 9, 30, 35: median (9 + 30) / 2 = 19.5.
    C (south): 0 (released on the eligibility date). National: 0, 2, 9, 30, 35: 9.
    Left out: released 1 September and 31 July, granted but not released."""
    _proposal(w, w.a, "released", "2025-08-01", sk_date="2025-08-09", released_on="2025-08-10")
    _proposal(w, w.a, "released", "2025-07-21", sk_date="2025-08-20", released_on="2025-08-20")
    _proposal(w, w.a, "released", "2025-08-29", sk_date="2025-08-31", released_on="2025-08-31")
    _proposal(w, w.b, "released", "2025-07-01", sk_date="2025-08-05", released_on="2025-08-05")
    _proposal(w, w.c, "released", "2025-08-15", sk_date="2025-08-15", released_on="2025-08-15")
    _proposal(w, w.a, "released", "2025-06-01", sk_date="2025-09-01", released_on="2025-09-01")
    _proposal(w, w.a, "released", "2025-06-01", sk_date="2025-07-31", released_on="2025-07-31")
    _proposal(w, w.a, "granted", "2025-06-01", sk_date="2025-08-10")
    indicator = "proposals.eligible_to_released_days"
    check(compute(indicator, area="facility", area_id=w.a.pk)[None], 9, 3, 9)
    check(compute(indicator, area="region", area_id=w.north.pk)[None], "19.5", 4, "19.5")
    check(compute(indicator)[None], 9, 5, 9)
    by_facility = compute(indicator, by="facility")
    assert {k: (v.value, v.denominator) for k, v in by_facility.items()} == {
        w.a.pk: (9, 3),
        w.b.pk: (35, 1),
        w.c.pk: (0, 1),
    }
    by_region = compute(indicator, by="region")
    assert {k: v.value for k, v in by_region.items()} == {
        w.north.pk: Decimal("19.5"),
        w.south.pk: 0,
    }
    # Nothing released: no median, a denominator of zero; a partner has no proposals.
    check(compute(indicator, period=parse_period("2025-05"))[None], 0, 0, None)
    assert compute(indicator, area="partner", area_id=w.p.pk) == {}
    assert get(indicator).kind == MEDIAN and get(indicator).unit == "days"


def test_decided_before_eligible_counts_grants_by_the_sk_date_and_refusals_by_their_day(w):
    """A: granted on 10 Aug for 15 Aug (in time), released with an SK of 20 Aug for
    20 Aug (the day itself is in time), refused on 12 Aug for 1 Aug (late), granted on
    5 Aug for 1 Aug then withdrawn (decided, late): 2 of 4, 50.0. B: refused on 31 Aug
    for 10 Sep (in time, although its stage began in July): 1 of 1. C: granted on 2 Aug
    for 1 Aug: 0 of 1. North 3 of 5 = 60.0, national 3 of 6 = 50.0. Left out: granted
    2 Sep, refused 30 Jul, still at "sent", withdrawn without an SK."""
    _proposal(w, w.a, "granted", "2025-08-15", sk_date="2025-08-10")
    _proposal(w, w.a, "released", "2025-08-20", sk_date="2025-08-20", released_on="2025-08-25")
    _proposal(w, w.a, "refused", "2025-08-01", refused_on="2025-08-12")
    _proposal(w, w.a, "withdrawn", "2025-08-01", sk_date="2025-08-05")
    _proposal(w, w.b, "refused", "2025-09-10", refused_on="2025-08-31", stage_since="2025-07-01")
    _proposal(w, w.c, "granted", "2025-08-01", sk_date="2025-08-02")
    _proposal(w, w.a, "granted", "2025-09-10", sk_date="2025-09-02")
    _proposal(w, w.a, "refused", "2025-09-10", refused_on="2025-07-30", stage_since="2025-08-03")
    _proposal(w, w.a, "sent", "2025-09-10", sent_on="2025-08-03")
    _proposal(w, w.a, "withdrawn", "2025-09-10", stage_since="2025-08-03")
    indicator = "proposals.decided_before_eligible"
    check(compute(indicator, area="facility", area_id=w.a.pk)[None], 2, 4, "50.0")
    check(compute(indicator, area="region", area_id=w.north.pk)[None], 3, 5, "60.0")
    check(compute(indicator)[None], 3, 6, "50.0")
    by_facility = compute(indicator, by="facility")
    check(by_facility[w.b.pk], 1, 1, "100.0")
    check(by_facility[w.c.pk], 0, 1, "0.0")
    check(compute(indicator, by="region")[w.south.pk], 0, 1, "0.0")


def test_the_proposal_indicators_read_the_same_in_both_languages():
    for indicator_id, name_en, name_id in (
        (
            "proposals.eligible_to_released_days",
            "Eligible to released, median days",
            "Dari memenuhi syarat sampai bebas, median hari",
        ),
        (
            "proposals.decided_before_eligible",
            "Share decided before the eligibility date",
            "Persentase diputus sebelum tanggal memenuhi syarat",
        ),
    ):
        entry = get(indicator_id).describe()
        assert (entry["name_en"], entry["name_id"]) == (name_en, name_id)
        assert entry["definition_en"] != entry["definition_id"]
        assert entry["levels"] == ["facility", "region", "national"]


def test_every_indicator_has_a_hand_computed_test():
    """A guard: the ids named in this module cover the whole catalogue."""
    import pathlib

    source = pathlib.Path(__file__).read_text()
    missing = [i.id for i in CATALOGUE if f'"{i.id}"' not in source]
    assert missing == []
