"""“Today” is the facility's day: WITA (Lombok) is a day ahead of WIB (settings.TIME_ZONE)
from 16:00 to 17:00 UTC, and both are a day ahead of UTC until midnight UTC. Every
check here runs at 16:30 UTC, inside that hour, whatever the machine's clock says."""

from __future__ import annotations

import datetime
import io
from unittest import mock

import pytest
from django.test import RequestFactory
from django.utils import timezone

from sinergi.accounts.actions import create_api_token
from sinergi.accounts.models import User
from sinergi.api.auth import BearerToken
from sinergi.core.demo import in_demo_time_zone
from sinergi.indicators import actions
from sinergi.orgs.models import Facility
from tests.inmates.factories import make_inmate

pytestmark = pytest.mark.django_db

EVENING = datetime.datetime(2026, 11, 30, 16, 30, tzinfo=datetime.UTC)
NOV_30 = datetime.date(2026, 11, 30)
DEC_1 = datetime.date(2026, 12, 1)


@pytest.fixture
def evening():
    with mock.patch("django.utils.timezone.now", return_value=EVENING):
        yield


def test_a_facility_knows_its_own_date(demo_world, evening):
    selong = Facility.objects.get(code="selong")
    assert selong.time_zone == "Asia/Makassar"
    assert selong.today() == DEC_1
    selong.time_zone = "Asia/Jakarta"
    assert selong.today() == NOV_30
    assert timezone.localdate() == NOV_30  # settings.TIME_ZONE is WIB


def test_a_page_judges_future_dates_by_the_officers_facility(client_for, evening):
    inmate = make_inmate(
        facility=Facility.objects.get(code="selong"),
        term_years=2,
        detention_start=datetime.date(2026, 5, 9),
    )
    officer = client_for("petugas.selong")
    url = f"/inmates/{inmate.pk}/register-f/new/"
    entry = {"violation": "Berkelahi", "sanction": "Teguran tertulis"}
    refused = officer.post(url, {**entry, "date": "2026-12-02"})
    assert refused.status_code == 200
    assert "date" in refused.context["form"].errors
    # 1 December is today in Selong (WITA), though not yet in Jakarta or in UTC.
    accepted = officer.post(url, {**entry, "date": "2026-12-01"})
    assert accepted.status_code == 302
    assert inmate.disciplinary_records.get().date == DEC_1


def test_an_api_caller_with_a_token_acts_on_its_facilitys_date(demo_world, evening):
    user = User.objects.get(username="petugas.selong")
    _token, secret = create_api_token(user=user, name="SDP", by=user)
    request = RequestFactory().get("/api/v1/me")
    try:
        assert BearerToken().authenticate(request, secret) == user
        assert timezone.localdate() == DEC_1
    finally:
        timezone.deactivate()


def test_a_monthly_report_month_is_judged_by_the_facilitys_date(demo_world, evening):
    selong = Facility.objects.get(code="selong")
    officer = User.objects.get(username="petugas.selong")
    # December has begun in Selong though not yet in Jakarta.
    report = actions.request_report(facility=selong, month=DEC_1, by=officer)
    assert report.month == DEC_1
    with pytest.raises(Exception, match="2027-01"):
        actions.request_report(facility=selong, month=datetime.date(2027, 1, 1), by=officer)


def test_the_demo_is_built_on_the_demo_facilities_date(evening):
    seen: list[datetime.date] = []

    @in_demo_time_zone
    def seed(out: io.StringIO) -> None:
        seen.append(timezone.localdate())

    seed(io.StringIO())
    assert seen == [DEC_1]
    assert timezone.localdate() == NOV_30


@pytest.mark.parametrize(
    ("username", "zone"),
    [
        ("petugas.selong", "Asia/Makassar"),  # the facility's own zone
        ("instruktur.blk", "Asia/Makassar"),  # a partner in NTB: its province's zone
        ("kanwil.ntb", "Asia/Makassar"),  # the regional office: its province's zone
        ("admin", None),  # national: settings.TIME_ZONE (WIB)
    ],
)
def test_each_user_sees_the_date_of_their_province(demo_world, username, zone):
    assert User.objects.get(username=username).time_zone_name == zone


def test_a_partner_reports_the_sessions_taught_up_to_the_facilitys_today(demo_world, evening):
    from sinergi.cooperation.forms import FulfilmentForm
    from sinergi.cooperation.models import SupportRequest
    from sinergi.orgs.models import Partner
    from sinergi.programs import actions as program_actions
    from tests.programs.conftest import new_program

    selong = Facility.objects.get(code="selong")
    officer = User.objects.get(username="petugas.selong")
    program = new_program(selong, officer)  # a session every day
    program_actions.transition(program=program, to="submitted", by=officer)
    program_actions.transition(
        program=program, to="approved", by=User.objects.get(username="kalapas.selong")
    )
    request = SupportRequest.objects.create(
        facility=selong,
        partner=Partner.objects.get(code="disnaker-lotim"),
        program=program,
        kind="instructor",
        title="Instruktur las",
        quantity=40,
        unit="jam",
        needed_by=DEC_1,
        justification="Kelas las",
        status="accepted",
    )
    # The partner's own zone is not the point: the sessions are the facility's.
    with timezone.override("Asia/Jakarta"):
        form = FulfilmentForm(request_obj=request)
    dates = {session.date for session in form.fields["sessions"].queryset}
    assert DEC_1 in dates
    assert DEC_1 + datetime.timedelta(days=1) not in dates


def test_regions_take_the_time_zone_of_their_facilities_when_migrated(demo_world):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from sinergi.orgs.models import Region

    Region.objects.update(time_zone="Asia/Jakarta")
    executor = MigrationExecutor(connection)
    migration = executor.loader.get_migration("orgs", "0002_region_time_zone")
    operation = migration.operations[-1]
    operation.code(executor.loader.project_state(("orgs", "0002_region_time_zone")).apps, None)
    assert Region.objects.get(code="ntb").time_zone == "Asia/Makassar"


def test_the_recalculation_command_judges_each_facility_by_its_own_date(demo_world, evening):
    from django.core.management import call_command

    selong = Facility.objects.get(code="selong")
    jakarta = Facility.objects.create(
        code="salemba",
        name="Rutan Salemba",
        kind="rutan",
        region=selong.region,
        regency="Jakarta Pusat",
        time_zone="Asia/Jakarta",
    )
    in_selong = make_inmate(
        facility=selong, term_years=2, detention_start=datetime.date(2026, 5, 9)
    )
    in_jakarta = make_inmate(
        facility=jakarta, term_years=2, detention_start=datetime.date(2026, 5, 9)
    )
    from sinergi.inmates import recalculation

    seen: dict[int, datetime.date] = {}
    engine = recalculation.compute

    def record(sentence, inputs, today):
        seen[sentence.inmate_id] = today
        return engine(sentence, inputs, today)

    # The command computes each person once, chunk by chunk, on their facility's date.
    with mock.patch("sinergi.inmates.recalculation.compute", record):
        call_command("recalculate_sentences", stdout=io.StringIO(), stderr=io.StringIO())
    assert seen[in_selong.pk] == DEC_1
    assert seen[in_jakarta.pk] == NOV_30
