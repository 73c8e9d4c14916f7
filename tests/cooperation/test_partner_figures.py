"""Partner contributions counted right (issue 15): an umbrella agreement's health covers
the agreements under it, a partner's "people trained" and "hours" come from the programs
it delivers (listed, instructors, taught sessions) and their attendance, and each figure
opens the records it counts, scoped."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sinergi.accounts.models import User
from sinergi.cooperation import contributions
from sinergi.cooperation.health import agreement_health
from sinergi.cooperation.models import Agreement, Commitment, Fulfilment
from sinergi.orgs.models import Facility, Partner
from sinergi.programs.choices import AttendanceStatus, CertificateStatus, SessionStatus
from sinergi.programs.models import Attendance, Certificate, Enrollment, Program, Session
from tests.programs.factories import EnrollmentFactory, ProgramFactory

pytestmark = pytest.mark.django_db

PAGE = "/cooperation/partners/disnaker-lotim/contribution/"


def _umbrella(today: datetime.date) -> tuple[Agreement, Agreement]:
    """The demo's Kesepakatan Bersama with the regency (no commitment of its own, in force
    for more than a year) and a PKS under it that delivered five days ago."""
    selong = Facility.objects.get(code="selong")
    disnaker = Partner.objects.get(code="disnaker-lotim")
    kb = Agreement.objects.create(
        kind="mou",
        title="Kesepakatan Bersama Pemkab",
        facility=selong,
        status="active",
        start_date=today - datetime.timedelta(days=400),
        end_date=today + datetime.timedelta(days=700),
    )
    kb.partners.set([disnaker])
    pks = Agreement.objects.create(
        kind="pks",
        title="PKS pelatihan kerja",
        facility=selong,
        parent=kb,
        status="active",
        start_date=today - datetime.timedelta(days=300),
        end_date=today + datetime.timedelta(days=300),
    )
    pks.partners.set([disnaker])
    commitment = Commitment.objects.create(
        agreement=pks,
        partner=disnaker,
        kind="instructors",
        description="Instruktur las",
        target_quantity=Decimal(160),
        unit="jam",
        due_date=today + datetime.timedelta(days=30),
    )
    Fulfilment.objects.create(
        partner=disnaker,
        commitment=commitment,
        description="Instruktur mengajar",
        delivered_on=today - datetime.timedelta(days=5),
        quantity=Decimal(40),
        unit="jam",
    )
    return kb, pks


def test_an_umbrella_agreement_is_active_while_the_pks_under_it_deliver(demo_world):
    today = timezone.localdate()
    kb, pks = _umbrella(today)
    figures = agreement_health(kb)
    assert figures.status == "active"
    assert figures.last_delivery == today - datetime.timedelta(days=5)
    assert figures.commitments == 1  # the PKS's commitment counts in the umbrella's progress
    assert agreement_health(pks).status == "active"


def test_an_umbrella_agreement_is_dormant_when_no_agreement_under_it_delivers(demo_world):
    today = timezone.localdate()
    kb, pks = _umbrella(today)
    Fulfilment.objects.filter(commitment__agreement=pks).update(
        delivered_on=today - datetime.timedelta(days=200)
    )
    assert agreement_health(kb).status == "dormant"


def test_the_umbrella_agreement_page_counts_the_commitments_under_it(client_for):
    kb, _pks = _umbrella(timezone.localdate())
    response = client_for("petugas.selong").get(kb.get_absolute_url())
    assert response.context["health"].status == "active"
    assert "Instruktur las" in response.content.decode()


def test_the_agreements_api_shows_each_agreements_health(client_for):
    kb, pks = _umbrella(timezone.localdate())
    client = client_for("petugas.selong")
    items = client.get("/api/v1/agreements?page_size=200").json()["items"]
    by_id = {a["id"]: a for a in items}
    assert by_id[kb.pk]["health"]["status"] == "active"
    assert by_id[kb.pk]["health"]["commitments"] == 1
    assert by_id[pks.pk]["health"]["status"] == "active"
    assert (
        by_id[pks.pk]["health"]["last_delivery"]
        == (timezone.localdate() - datetime.timedelta(days=5)).isoformat()
    )


def test_the_agreements_api_query_count_does_not_grow_with_umbrellas(client_for):
    client = client_for("petugas.selong")
    _umbrella(timezone.localdate())

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/v1/agreements?page_size=200").status_code == 200
        return len(ctx)

    before = count()
    for _ in range(3):
        _umbrella(timezone.localdate())
    assert count() == before


def _welding_class(n_people: int = 16) -> Program:
    """The issue's situation: BLK (a unit of Disnaker) delivers a 160-hour welding class
    of 16 at Selong; its instructor taught 35 four-hour sessions (140 hours) with
    attendance; one session was cancelled and one is still to come; three valid
    certificates and one revoked."""
    today = timezone.localdate()
    selong = Facility.objects.get(code="selong")
    blk = Partner.objects.get(code="blk-lotim")
    instructor = User.objects.get(username="instruktur.blk")
    program = ProgramFactory(
        facility=selong,
        title="Pelatihan Las Listrik (SMAW) 160 Jam",
        capacity=n_people,
        target_hours=160,
        start_date=today - datetime.timedelta(days=50),
        end_date=today + datetime.timedelta(days=20),
        partners=[blk],
    )
    program.instructors.set([instructor])
    enrollments = [EnrollmentFactory(program=program) for _ in range(n_people)]
    sessions = [
        Session.objects.create(
            program=program,
            date=program.start_date + datetime.timedelta(days=i),
            start_time=datetime.time(8),
            end_time=datetime.time(12),
            instructor=instructor,
        )
        for i in range(35)
    ]
    Session.objects.create(
        program=program,
        date=program.start_date + datetime.timedelta(days=40),
        start_time=datetime.time(8),
        end_time=datetime.time(12),
        instructor=instructor,
        status=SessionStatus.CANCELLED,
    )
    Session.objects.create(
        program=program,
        date=today + datetime.timedelta(days=3),
        start_time=datetime.time(8),
        end_time=datetime.time(12),
        instructor=instructor,
    )
    Attendance.objects.bulk_create(
        Attendance(
            session=s,
            enrollment=e,
            status=AttendanceStatus.PRESENT if i else AttendanceStatus.SICK,
            hours=Decimal(4) if i else Decimal(0),
        )
        for s in sessions
        for i, e in enumerate(enrollments)
    )
    head = User.objects.get(username="kalapas.selong")
    for i, enrollment in enumerate(enrollments[1:5]):
        Certificate.objects.create(
            enrollment=enrollment,
            issued_on=today,
            issued_by=head,
            hours=Decimal(140),
            head_name="Kepala",
            holder_name=enrollment.inmate.name,
            status=CertificateStatus.REVOKED if i == 3 else CertificateStatus.VALID,
        )
    return program


def test_disnaker_counts_the_welding_class_its_unit_taught(demo_world):
    program = _welding_class()
    disnaker = Partner.objects.get(code="disnaker-lotim")
    figures = contributions.figures(disnaker)
    assert figures.people_trained == 16
    assert figures.taught_hours == Decimal(140)
    assert figures.attended_hours == Decimal(35 * 15 * 4)
    assert figures.certificates == 3
    assert set(contributions.delivered_programs(disnaker)) == {program}


def test_a_program_counts_for_the_partner_whose_instructor_teaches_its_sessions(demo_world):
    """Listed as delivering or not: a session taught by the partner's instructor makes the
    program one the partner co-delivers."""
    program = _welding_class(n_people=4)
    program.partners.clear()
    program.instructors.clear()
    blk = Partner.objects.get(code="blk-lotim")
    figures = contributions.figures(blk)
    assert figures.people_trained == 4
    assert figures.taught_hours == Decimal(140)


def test_another_partners_figures_do_not_count_the_class(demo_world):
    _welding_class(n_people=4)
    figures = contributions.figures(Partner.objects.get(code="dukcapil-lotim"))
    assert (figures.people_trained, figures.taught_hours, figures.certificates) == (0, 0, 0)


def test_disnakers_page_shows_the_class_and_how_each_figure_is_counted(client_for):
    _welding_class()
    response = client_for("mitra.disnaker").get(PAGE, language="en")
    assert response.status_code == 200
    figures = response.context["figures"]
    assert (figures.people_trained, figures.taught_hours, figures.certificates) == (
        16,
        Decimal(140),
        3,
    )
    html = response.content.decode()
    for records in ("people", "sessions", "certificates"):
        assert f'href="{PAGE}{records}/"' in html
    assert "How this is counted" in html


def test_disnakers_home_card_shows_people_trained_and_hours(client_for):
    _welding_class()
    html = client_for("mitra.disnaker").get("/", language="en").content.decode()
    assert "16 people trained" in html
    assert "140 training hours taught" in html


def _rows(response: Any) -> list[Any]:
    return list(response.context["page"].object_list)


def test_the_partner_opens_the_enrolments_it_counts_without_names(client_for):
    program = _welding_class()
    response = client_for("mitra.disnaker").get(PAGE + "people/")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 16
    name = Enrollment.objects.filter(program=program).first().inmate.name  # type: ignore[union-attr]
    assert name not in response.content.decode()


def test_facility_staff_open_the_enrolments_of_their_facility_with_names(client_for):
    program = _welding_class()
    response = client_for("petugas.selong").get(PAGE + "people/")
    assert response.context["page"].paginator.count == 16
    name = Enrollment.objects.filter(program=program).first().inmate.name  # type: ignore[union-attr]
    assert name in response.content.decode()
    other = client_for("petugas.lobar").get(PAGE + "people/")
    assert other.status_code == 200
    assert other.context["page"].paginator.count == 0


@pytest.mark.parametrize("records", ["people", "sessions", "certificates"])
def test_another_partner_is_refused_the_records(client_for, records):
    _welding_class(n_people=2)
    assert client_for("mitra.dukcapil").get(PAGE + records + "/").status_code == 404


def test_an_unknown_list_is_not_found(client_for):
    assert client_for("mitra.disnaker").get(PAGE + "inmates/").status_code == 404


def test_the_sessions_and_certificates_lists_count_what_the_figures_count(client_for):
    _welding_class()
    client = client_for("mitra.disnaker")
    assert client.get(PAGE + "sessions/").context["page"].paginator.count == 35
    certificates = client.get(PAGE + "certificates/")
    assert certificates.context["page"].paginator.count == 3


@pytest.mark.parametrize("records", ["people", "sessions", "certificates"])
@pytest.mark.parametrize("username", ["mitra.disnaker", "petugas.selong"])
def test_the_record_lists_query_count_does_not_grow_with_rows(client_for, records, username):
    client = client_for(username)
    _welding_class(n_people=3)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(PAGE + records + "/").status_code == 200
        return len(ctx)

    before = count()
    _welding_class(n_people=8)
    assert count() == before


def test_disnakers_partner_dashboard_counts_the_welding_class(demo_world):
    """The partner dashboard's participation figures use the same definition: the
    sessions Disnaker (through its BLK) taught and the enrolments of the class."""
    from sinergi.indicators.catalogue import PARTNER, Query, get
    from sinergi.indicators.periods import parse_period

    program = _welding_class()
    disnaker = Partner.objects.get(code="disnaker-lotim")
    period = parse_period(f"{program.start_date.isoformat()}..{timezone.localdate().isoformat()}")
    q = Query(period, PARTNER, disnaker.pk)
    hours = get("participation.training_hours").compute(q)[None]
    assert hours.numerator == contributions.attended_hours(disnaker) == Decimal(35 * 15 * 4)
    rate = get("participation.attendance_rate").compute(q)[None]
    assert (rate.numerator, rate.denominator) == (35 * 15, 35 * 16)
    certificates = get("participation.certificates").compute(q)[None]
    assert certificates.numerator == 3
    other = Query(period, PARTNER, Partner.objects.get(code="dukcapil-lotim").pk)
    assert get("participation.training_hours").compute(other)[None].numerator == 0
