"""Release, hand-over to Bapas, follow-ups, and re-admission detected as reoffending."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from sinergi.accounts.models import User
from sinergi.core.api import Conflict
from sinergi.orgs.models import Facility, Partner
from sinergi.programs import actions as program_actions
from sinergi.reintegration import actions
from sinergi.reintegration.models import FollowUp, Readmission
from tests.inmates.factories import make_inmate
from tests.reintegration.factories import ReferralFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def released(officer):
    person = make_inmate(
        facility=Facility.objects.get(code="selong"),
        name="Lalu Bebas",
        nik="5203011203900001",
        birth_date=datetime.date(1990, 3, 12),
        detention_start=datetime.date(2024, 6, 1),
        term_years=2,
    )
    actions.start_plan(inmate=person, by=officer)
    dukcapil = Partner.objects.get(code="dukcapil-lotim")
    actions.record_consent(
        inmate=person, partner=dukcapil, purpose="e-KTP", given_on=timezone.localdate(), by=officer
    )
    referral = actions.refer(
        inmate=person, partner=dukcapil, purpose="Perekaman e-KTP", contact="x", by=officer
    )
    referral.needs_custody = True
    referral.save()
    release = actions.record_release(
        inmate=person,
        by=officer,
        values={
            "released_on": datetime.date(2026, 6, 1),
            "kind": "expiry",
            "bapas": Facility.objects.get(code="bapas-mataram"),
            "probation_officer": User.objects.get(username="pk.bapas"),
        },
    )
    return person, release, referral


def test_release_sets_status_cancels_custody_referrals_and_schedules_follow_ups(released):
    person, release, referral = released
    person.refresh_from_db()
    referral.refresh_from_db()
    assert person.status == "released"
    assert referral.status == "cancelled"
    assert [(f.month, f.due_on) for f in FollowUp.objects.filter(release=release)] == [
        (1, datetime.date(2026, 7, 1)),
        (3, datetime.date(2026, 9, 1)),
        (6, datetime.date(2026, 12, 1)),
        (12, datetime.date(2027, 6, 1)),
    ]


def test_release_ends_open_enrolments(officer, demo_world):
    from tests.programs.conftest import new_program

    selong = Facility.objects.get(code="selong")
    person = make_inmate(facility=selong, detention_start=datetime.date(2025, 6, 1), term_years=4)
    program = new_program(selong, officer)
    program_actions.transition(program=program, to="submitted", by=officer)
    program_actions.transition(
        program=program, to="approved", by=User.objects.get(username="kalapas.selong")
    )
    enrollment = program_actions.enroll(program=program, inmate=person, by=officer).enrollment
    actions.record_release(
        inmate=person,
        by=officer,
        values={
            "released_on": timezone.localdate(),
            "kind": "pb",
            "sk_number": "PAS-1.PK.01.05.06",
            "sk_date": timezone.localdate(),
            "bapas": Facility.objects.get(code="bapas-mataram"),
        },
    )
    enrollment.refresh_from_db()
    assert enrollment.end_reason == "released"
    # no status code written as a note; the audit names the reason by its label
    assert enrollment.end_note == ""
    from django.utils import translation

    from sinergi.core.models import AuditEvent
    from sinergi.core.templatetags.audit_tags import audit_changes

    event = AuditEvent.objects.filter(action="enrollment.end").latest("pk")
    with translation.override("id"):
        shown = dict(audit_changes(event))
    assert "released" not in shown.values()
    assert "Bebas" in shown.values()


def test_the_probation_officer_records_the_3_month_follow_up(client_for, released):
    _person, release, _referral = released
    three = FollowUp.objects.get(release=release, month=3)
    client = client_for("pk.bapas")
    assert client.get("/reintegration/follow-ups/").status_code == 200
    response = client.post(
        f"/reintegration/follow-ups/{three.pk}/",
        {
            "contact_made": "on",
            "work_status": "employed",
            "income_source": "Bengkel las",
            "note": "Baik",
        },
    )
    assert response.status_code == 302
    three.refresh_from_db()
    assert three.done_on is not None and three.work_status == "employed"
    assert three.done_by.username == "pk.bapas"


def test_others_cannot_record_a_follow_up(client_for, released):
    _person, release, _referral = released
    one = FollowUp.objects.get(release=release, month=1)
    assert (
        client_for("mitra.disnaker").get(f"/reintegration/follow-ups/{one.pk}/").status_code == 404
    )
    with pytest.raises(PermissionDenied):
        actions.record_follow_up(
            follow_up=one, values={"note": "x"}, by=User.objects.get(username="petugas.lobar")
        )


def test_re_admission_is_detected_by_nik(released, demo_world):
    _person, release, _referral = released
    again = make_inmate(
        facility=Facility.objects.get(code="lobar"), name="Lalu B.", nik="5203011203900001"
    )
    officer = User.objects.get(username="petugas.lobar")
    actions.detect_readmissions(inmate_ids=[again.pk], by=officer)
    readmission = Readmission.objects.get(new_inmate=again)
    assert readmission.earlier_release == release and readmission.matched_by == "nik"
    assert readmission.detected_by == officer


def test_adding_an_inmate_detects_the_re_admission_as_the_user_who_added_them(released):
    from sinergi.inmates import actions as inmate_actions

    _person, release, _referral = released
    officer = User.objects.get(username="petugas.lobar")
    again = inmate_actions.create_inmate(
        facility=Facility.objects.get(code="lobar"),
        inmate={
            "registration_number": "BI 778/26",
            "name": "Lalu B.",
            "nik": "5203011203900001",
        },
        sentence={"detention_start": datetime.date(2026, 11, 1), "term_years": 1},
        by=officer,
    )
    readmission = Readmission.objects.get(new_inmate=again)
    assert (readmission.earlier_release, readmission.detected_by) == (release, officer)


def test_re_admission_is_detected_by_name_and_birth_date_on_import(released, tmp_path, settings):
    import io

    from django.core.management import call_command

    settings.MEDIA_ROOT = tmp_path
    export = tmp_path / "lobar.csv"
    export.write_text(
        "No. Registrasi;Nama;Tanggal Lahir;Lama Pidana;Tanggal Penahanan\n"
        "BI 777/26;lalu bebas;12-03-1990;1 tahun;01-11-2026\n",
        encoding="utf-8",
    )
    call_command("import_inmates", str(export), "--facility", "lobar", stdout=io.StringIO())
    readmission = Readmission.objects.get()
    assert readmission.matched_by == "name_birth_date"


def test_re_admission_reads_no_release_of_another_person_born_the_same_day(
    released, officer, monkeypatch
):
    """Releases of people born the same day but of another name (a fifth of a country's
    releases for an import's chunk) are compared as values, never loaded as rows."""
    from sinergi.reintegration.models import Release

    _person, release, _referral = released
    born = datetime.date(1990, 3, 12)
    for n in range(3):
        other = make_inmate(
            facility=Facility.objects.get(code="selong"),
            name=f"Other {n}",
            birth_date=born,
            detention_start=datetime.date(2024, 6, 1),
            term_years=2,
        )
        actions.record_release(
            inmate=other,
            by=officer,
            values={"released_on": datetime.date(2026, 6, 1), "kind": "expiry"},
        )
    loaded: list[int] = []
    real_from_db = Release.from_db.__func__  # type: ignore[attr-defined]

    def counting(cls, db, field_names, values):  # type: ignore[no-untyped-def]
        loaded.append(1)
        return real_from_db(cls, db, field_names, values)

    monkeypatch.setattr(Release, "from_db", classmethod(counting))
    again = make_inmate(
        facility=Facility.objects.get(code="lobar"), name=" LALU bebas ", birth_date=born
    )
    assert actions.detect_readmissions(inmate_ids=[again.pk], by=officer) == 1
    assert loaded == []
    readmission = Readmission.objects.get(new_inmate=again)
    assert readmission.earlier_release == release
    assert readmission.matched_by == "name_birth_date" and readmission.detected_by == officer


def test_a_release_is_recorded_once(released, officer):
    person, _release, _referral = released
    with pytest.raises(Conflict):
        actions.record_release(
            inmate=person,
            by=officer,
            values={"released_on": timezone.localdate(), "kind": "expiry"},
        )


def test_hand_over_pdf(client_for, released):
    person, _release, _referral = released
    response = client_for("petugas.selong").get(f"/reintegration/inmates/{person.pk}/handover.pdf")
    assert response.content.startswith(b"%PDF")


def test_jobs_match_certified_skills_and_need_consent(client_for, officer, demo_world):
    from io import StringIO

    from sinergi.inmates import demo as inmates_demo
    from sinergi.programs import demo as programs_demo
    from sinergi.programs.models import Certificate
    from sinergi.reintegration.models import JobApplication, JobOpening

    out = StringIO()
    inmates_demo.seed(out)
    programs_demo.seed(out)
    employer = client_for("mitra.disnaker")  # a government office cannot post jobs
    assert employer.post("/reintegration/jobs/", {"title": "x"}).status_code == 403
    business = Partner.objects.get(code="bengkel-rinjani")
    boss = User.objects.create(username="mitra.bengkel")
    boss.memberships.create(role="partner_user", partner=business)
    opening = actions.post_job(
        partner=business,
        by=boss,
        values={
            "title": "Tukang las",
            "sector": "Bengkel",
            "place": "Selong",
            "vacancies": 2,
            "skill_categories": ["small_industry"],
            "closing_date": timezone.localdate() + datetime.timedelta(days=30),
        },
    )
    certified = Certificate.objects.filter(
        enrollment__program__category="small_industry", status="valid"
    ).values_list("enrollment__inmate_id", flat=True)
    from sinergi.inmates.models import Inmate

    matches = actions.job_matches(opening, Inmate.objects.filter(facility__code="selong"))
    assert set(matches.values_list("pk", flat=True)) == set(certified)
    person = matches.first()
    with pytest.raises(Conflict):
        actions.apply_for_job(opening=opening, inmate=person, by=officer)
    actions.record_consent(
        inmate=person,
        partner=business,
        purpose="Lamaran kerja",
        given_on=timezone.localdate(),
        by=officer,
    )
    application = actions.apply_for_job(opening=opening, inmate=person, by=officer)
    actions.update_application(application=application, status="hired", note="Mulai Senin", by=boss)
    assert JobApplication.objects.get().status == "hired"
    assert client_for("petugas.selong").get(f"/reintegration/jobs/{opening.pk}/").status_code == 200
    assert client_for("mitra.dukcapil").get(f"/reintegration/jobs/{opening.pk}/").status_code == 404
    assert JobOpening.objects.count() == 1


def test_a_partner_the_person_was_referred_to_does_not_reach_the_follow_ups(client_for, released):
    """Follow-ups belong to the Bapas; the partner records the outcome of its referral."""
    person, release, _referral = released
    disnaker = Partner.objects.get(code="disnaker-lotim")
    # Referred before the release (after it the plan no longer changes).
    referral = ReferralFactory(inmate=person, partner=disnaker, purpose="Kerja")
    six = FollowUp.objects.get(release=release, month=6)
    client = client_for("mitra.disnaker")
    assert client.get(f"/reintegration/follow-ups/{six.pk}/").status_code == 404
    actions.transition_referral(
        referral=referral, to="accepted", by=User.objects.get(username="mitra.disnaker")
    )
    assert (
        client.post(
            f"/reintegration/follow-ups/{six.pk}/",
            {"contact_made": "on", "work_status": "employed"},
        ).status_code
        == 404
    )


def test_consent_form_prints_and_the_signed_scan_is_checked(
    client_for, released, tmp_path, settings
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sinergi.reintegration.models import Consent

    settings.MEDIA_ROOT = tmp_path
    consent = Consent.objects.get()
    client = client_for("petugas.selong")
    assert client.get(f"/reintegration/consents/{consent.pk}/form.pdf").content.startswith(b"%PDF")
    client.post(
        f"/reintegration/consents/{consent.pk}/signed/",
        {"signed_form": SimpleUploadedFile("scan.exe", b"MZ")},
    )
    consent.refresh_from_db()
    assert not consent.signed_form and not list(tmp_path.rglob("*.*"))
    client.post(
        f"/reintegration/consents/{consent.pk}/signed/",
        {"signed_form": SimpleUploadedFile("scan.pdf", b"%PDF-1.4 signed")},
    )
    consent.refresh_from_db()
    assert consent.signed_form
    assert client.get(f"/reintegration/consents/{consent.pk}/signed/file/").status_code == 200
    assert (
        client_for("petugas.lobar")
        .get(f"/reintegration/consents/{consent.pk}/signed/file/")
        .status_code
        == 404
    )


def test_worklist_filters_by_right(client_for, demo_world):
    make_inmate(
        facility=Facility.objects.get(code="selong"),
        name="Hak Asimilasi",
        detention_start=timezone.localdate() - datetime.timedelta(days=200),
        term_years=1,
    )
    client = client_for("petugas.selong")
    body = client.get("/reintegration/?right=asimilasi&days=60").content.decode()
    assert "Hak Asimilasi" in body
    body = client.get("/reintegration/?right=pb&days=60").content.decode()
    assert "Hak Asimilasi" not in body


def test_api_records_a_release_and_lists_follow_ups(client_for, demo_world):
    person = make_inmate(
        facility=Facility.objects.get(code="selong"),
        detention_start=datetime.date(2024, 6, 1),
        term_years=2,
    )
    response = client_for("petugas.selong").post(
        "/api/v1/releases",
        {
            "inmate_id": person.pk,
            "released_on": "2026-06-01",
            "kind": "expiry",
            "confirm": True,
            "bapas": "bapas-mataram",
            "probation_officer": "pk.bapas",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    follow_ups = client_for("pk.bapas").get("/api/v1/follow-ups?due_only=true").json()
    assert follow_ups["count"] == 4
    assert client_for("mitra.dukcapil").get("/api/v1/follow-ups").json()["count"] == 0
    refused = client_for("kanwil.ntb").post(
        "/api/v1/releases",
        {"inmate_id": person.pk, "released_on": "2026-06-01", "kind": "expiry"},
        content_type="application/json",
    )
    assert refused.status_code in (403, 409)


def test_job_openings_are_listed_alike_on_the_page_and_in_the_api(client_for, demo_world):
    """Facility staff see every opening still open; an employer sees its own, closed ones
    too, and not a competitor's; a regional viewer (who cannot open one) sees none."""
    from sinergi.reintegration.models import JobOpening

    today = timezone.localdate()
    bengkel = Partner.objects.get(code="bengkel-rinjani")
    rival = Partner.objects.create(code="toko-las", name="Toko Las Selong", kind="business")
    boss = User.objects.create(username="mitra.bengkel")
    boss.memberships.create(role="partner_user", partner=bengkel)

    def opening(partner, title, days):
        return JobOpening.objects.create(
            partner=partner, title=title, closing_date=today + datetime.timedelta(days=days)
        )

    own_open = opening(bengkel, "Tukang las", 30)
    own_closed = opening(bengkel, "Kenek", -3)
    rivals = opening(rival, "Pelayan toko", 30)
    expected = {
        "petugas.selong": {own_open.title, rivals.title},
        "mitra.bengkel": {own_open.title, own_closed.title},
        "kanwil.ntb": set(),
        "mitra.dukcapil": set(),
    }
    for username, titles in expected.items():
        client = client_for(username)
        page = client.get("/reintegration/jobs/")
        listed = {o.title for o in page.context["openings"]} if page.status_code == 200 else set()
        api = client.get("/api/v1/job-openings").json()["items"]
        assert listed == titles, username
        assert {o["title"] for o in api} == titles, username


def test_a_referral_cancelled_at_release_is_recorded_and_its_partner_told(released):
    """A referral only for while in custody ends with the release like any move: in its
    history and the audit trail, and the partner is told (it leaves their worklist)."""
    from sinergi.accounts.models import Notification
    from sinergi.core.models import AuditEvent

    _person, _release, referral = released
    referral.refresh_from_db()
    assert referral.status == "cancelled"
    assert referral.history.first().status == "cancelled"
    event = AuditEvent.objects.filter(action="referral.transition").latest("created_at")
    assert event.changes["status"] == ["sent", "cancelled"]
    told = Notification.objects.filter(
        user__username="mitra.dukcapil", url=referral.get_absolute_url()
    )
    assert told.filter(key=f"referral:{referral.pk}:cancelled").exists()


def test_the_re_admission_check_passes_many_people_as_one_parameter(released, officer):
    """An import admits 5,000 people a chunk: their ids, NIKs and birth dates go to
    PostgreSQL as one array each, where ``__in`` gave each person a parameter of its own
    (quoted one by one on the client, a sixth of the import of a new file); they are
    still found."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        pytest.skip("one array parameter on PostgreSQL; SQLite has IN (…) as usual")
    _person, release, _referral = released
    lobar = Facility.objects.get(code="lobar")
    people = [
        make_inmate(facility=lobar, name=f"Baru {n}", nik=f"52030112039{n:05d}") for n in range(30)
    ]
    again = make_inmate(facility=lobar, name="Lalu B.", nik="5203011203900001")
    ids = [p.pk for p in people] + [again.pk]
    with CaptureQueriesContext(connection) as queries:
        assert actions.detect_readmissions(inmate_ids=ids, by=officer) == 1
    assert Readmission.objects.get(new_inmate=again).earlier_release == release
    one_by_one = re.compile(r"IN \((?:'?[\w-]+'?(?:::\w+)?, ){10,}")  # IN (1, 2, 3, …)
    for query in queries.captured_queries:
        assert not one_by_one.search(query["sql"]), query["sql"]
