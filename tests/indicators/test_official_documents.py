"""The monthly report on the facility's letterhead, signed by its signatory with the NIP,
dated in Indonesian long form on the day of the sign-off (issue 17)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils.translation import override

from sinergi.indicators import actions, reports
from sinergi.orgs.models import Facility
from tests.indicators.test_reports import generate, user
from tests.official_documents import HEAD, assert_official, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_the_monthly_report_is_on_the_letterhead_and_signed(django_capture_on_commit_callbacks):
    selong = Facility.objects.get(code="selong")
    report = generate(django_capture_on_commit_callbacks, selong)
    with override("id"):
        unsigned = pdf_text(reports.build_pdf(report))
    assert "Selong, ……" in unsigned and "NIP 197806152003121001" in unsigned
    actions.sign_off_report(report=report, by=user("kalapas.selong"))
    report.refresh_from_db()
    signed_on = report.signed_off_at.astimezone(ZoneInfo(selong.time_zone)).date()
    with override("id"):
        assert_official(reports.build_pdf(report), signatory=HEAD, day=signed_on)
