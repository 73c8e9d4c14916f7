"""The development record (buku pembinaan) and the attendance sheet, rendered to PDF and
read back by text extraction: what each states, and the record's bounded queries."""

from __future__ import annotations

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import formats, translation
from pypdf import PdfReader

from sinergi.inmates import actions as inmate_actions
from sinergi.inmates.models import MonthlyAssessment
from sinergi.programs import actions
from sinergi.programs.models import (
    Certificate,
    CompetencyAssessment,
    CompetencyUnit,
    Session,
)
from sinergi.programs.record import CHART_MONTHS, development_record, sppn_chart
from tests.inmates.factories import make_inmate
from tests.programs.conftest import selong_today
from tests.programs.factories import EnrollmentFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    """The text of every page, whitespace collapsed."""
    assert data.startswith(b"%PDF")
    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(" ".join(page.extract_text() or "" for page in pages).split())


@pytest.fixture
def person(selong):
    return make_inmate(
        facility=selong,
        name="Lalu Ahmad Fauzi",
        registration_number="BI 283/26",
        detention_start=datetime.date(2024, 6, 1),
        term_years=5,
    )


def _scores(person, officer, months: int, today: datetime.date) -> None:
    """SPPN scores for the ``months`` months up to the current one."""
    for n in range(months):
        index = today.year * 12 + today.month - 1 - n
        inmate_actions.record_assessment(
            inmate=person,
            month=datetime.date(index // 12, index % 12 + 1, 1),
            scores={
                "personality": 70 + n % 5,
                "independence": 60,
                "behaviour": 80 - n % 7,
                "mental_condition": 75,
            },
            note="",
            by=officer,
        )


@pytest.fixture
def recorded(running, person, officer, instructor):
    """The welding program completed with scores, a unit, an LSP certificate and
    Sinergi's certificate; an earlier program left; three months of SPPN; Register F."""
    today = selong_today()
    running.capacity = 20
    running.save()
    enrollment = actions.enroll(program=running, inmate=person, by=officer).enrollment
    enrollment.enrolled_on = running.start_date
    enrollment.save(update_fields=["enrolled_on"])
    for session in running.sessions.filter(date__lt=today):
        actions.record_attendance(
            session=session, marks={enrollment.pk: ("present", "")}, by=instructor
        )
    running.sessions.filter(date__gt=today).delete()
    type(running).objects.filter(pk=running.pk).update(end_date=today)
    running.refresh_from_db()
    unit = CompetencyUnit.objects.create(program=running, code="LAS.01", title="Mengelas pelat")
    actions.record_scores(enrollment=enrollment, pre_test=42, post_test=87, by=officer)
    actions.record_competency(enrollment=enrollment, unit=unit, result="competent", by=officer)
    actions.record_competency_certification(
        enrollment=enrollment,
        issuer="LSP Las Nusantara",
        number="LSP-0042/2026",
        issued_on=today,
        by=officer,
    )
    certificate = actions.issue_certificate(enrollment=enrollment, by=officer)
    earlier = EnrollmentFactory(
        program=ProgramFactory(
            facility=person.facility,
            kind="personality",
            category="religious",
            title="Pesantren Kilat",
            start_date=today - datetime.timedelta(days=200),
            end_date=today - datetime.timedelta(days=150),
            status="completed",
        ),
        inmate=person,
        ended_on=today - datetime.timedelta(days=160),
        end_reason="withdrawn_inmate",
    )
    _scores(person, officer, 3, person.facility.today())
    inmate_actions.record_disciplinary(
        inmate=person,
        values={
            "date": today - datetime.timedelta(days=40),
            "violation": "Membawa telepon genggam",
            "sanction": "Tutupan sunyi 6 hari",
            "end_date": today - datetime.timedelta(days=34),
        },
        by=officer,
    )
    return {"enrollment": enrollment, "certificate": certificate, "earlier": earlier}


def test_the_development_record_lists_every_program_scores_and_register_f(
    client_for, person, recorded, running
):
    response = client_for("wali.selong").get(f"/programs/inmates/{person.pk}/record.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    certificate: Certificate = recorded["certificate"]
    for expected in [
        "Buku pembinaan",
        "Lalu Ahmad Fauzi",
        "BI 283/26",
        running.title,
        "Pesantren Kilat",
        "42 / 87",  # pre and post test
        "LAS.01 Mengelas pelat",
        "Kompeten",
        certificate.code,
        "LSP-0042/2026",
        "LSP Las Nusantara",
        "Mengundurkan diri",  # the earlier program's end reason, in Indonesian
        "Membawa telepon genggam",
        "Tutupan sunyi 6 hari",
        "Register F",
    ]:
        assert expected in text, expected
    # The hours attended: those credited by the attendance, beside the program's target.
    assert f"{certificate.hours.normalize():f} / {running.target_hours}" in text
    # Each month scored is a row of the SPPN table; the chart is drawn beside it.
    for score in MonthlyAssessment.objects.filter(inmate=person):
        with translation.override("id"):
            assert formats.localize(score.total) in text  # "71,25"


def test_the_record_in_english_is_in_english(person, recorded, officer):
    from sinergi.programs.documents import development_record_pdf

    actions.revoke_certificate(certificate=recorded["certificate"], reason="Salah", by=officer)
    with translation.override("en"):
        text = pdf_text(development_record_pdf(None, development_record(person)))  # type: ignore[arg-type]
    for expected in [
        "Development record",
        "Programs taken part in",
        "Monthly development scores (SPPN)",
        "Register F (discipline)",
        "Certificates: 0",  # a revoked certificate is listed, not counted
        "(Revoked)",
        "Competent",
        "71.25",
    ]:
        assert expected in text, expected
    for indonesian in ["Buku pembinaan", "Program yang diikuti", "Kompeten ", "Sertifikat"]:
        assert indonesian not in text, indonesian


def test_the_record_draws_the_sppn_chart_as_inline_svg(person, recorded):
    from django.template.loader import render_to_string

    from sinergi.programs.documents import development_record_context

    record = development_record(person)
    html = render_to_string(
        "programs/pdf/development_record.html", development_record_context(record)
    )
    assert html.count("<rect ") == 3 == len(record.chart.bars)  # type: ignore[union-attr]
    assert "<polyline" in html and "<svg" in html


def test_the_chart_shows_the_last_two_years_labelled_without_crowding():
    scores = [
        MonthlyAssessment(
            month=datetime.date(2024 + (n // 12), n % 12 + 1, 1),
            personality=0,
            independence=0,
            behaviour=50,
            mental_condition=0,
            total=n,
        )
        for n in range(30)
    ]
    chart = sppn_chart(scores)
    assert chart is not None and len(chart.bars) == CHART_MONTHS
    assert chart.bars[-1].label == "06/26" and chart.bars[-2].label == ""
    assert chart.bars[-1].height > chart.bars[0].height  # the higher total, the taller bar
    assert all(bar.y + bar.height == chart.bottom for bar in chart.bars)
    assert sppn_chart([]) is None


def test_the_record_without_anything_says_so(client_for, person):
    text = pdf_text(
        client_for("petugas.selong").get(f"/programs/inmates/{person.pk}/record.pdf").content
    )
    assert "Lalu Ahmad Fauzi" in text
    assert "Belum ada program" in text
    assert "Belum ada nilai bulanan" in text
    assert "Tidak ada catatan Register F" in text


def test_the_inmate_page_offers_the_record_without_any_program(client_for, person):
    page = client_for("petugas.selong").get(f"/inmates/{person.pk}/").content.decode()
    assert f"/programs/inmates/{person.pk}/record.pdf" in page


def _queries(client, person) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/programs/inmates/{person.pk}/record.pdf")
    assert response.status_code == 200
    return len(queries)


def test_the_record_needs_the_same_queries_for_one_program_or_many(
    client_for, person, officer, selong
):
    client = client_for("petugas.selong")
    first = EnrollmentFactory(program=ProgramFactory(facility=selong), inmate=person)
    _scores(person, officer, 1, selong.today())
    few = _queries(client, person)
    for n in range(4):
        enrollment = EnrollmentFactory(
            program=ProgramFactory(facility=selong, title=f"Program {n}"), inmate=person
        )
        unit = CompetencyUnit.objects.create(program=enrollment.program, title=f"Unit {n}")
        CompetencyAssessment.objects.create(
            enrollment=enrollment, unit=unit, result="competent", assessed_on=selong.today()
        )
        Certificate.objects.create(
            enrollment=enrollment,
            issued_on=selong.today(),
            hours=10,
            head_name="Kepala",
            holder_name=person.name,
        )
    assert first.pk
    _scores(person, officer, 6, selong.today())
    for n in range(3):
        inmate_actions.record_disciplinary(
            inmate=person,
            values={
                "date": selong.today() - datetime.timedelta(days=100 + 10 * n),
                "violation": f"Pelanggaran {n}",
            },
            by=officer,
        )
    assert _queries(client, person) == few


def test_the_attendance_sheet_states_topic_instructor_and_time_with_the_zone(
    client_for, running, person, officer
):
    session: Session = running.sessions.filter(date__gt=selong_today()).order_by("date").first()
    session.topic = "Teknik pengelasan SMAW"
    session.save(update_fields=["topic"])
    actions.enroll(program=running, inmate=person, by=officer)
    response = client_for("petugas.selong").get(f"/programs/sessions/{session.pk}/sheet.pdf")
    text = pdf_text(response.content)
    assert "Teknik pengelasan SMAW" in text
    assert "Instruktur BLK Lombok Timur" in text
    assert "08.00" in text and "12.00 WITA" in text
    assert "Daftar hadir" in text
    assert "BI 283/26" in text  # the facility's officer sees registration numbers
