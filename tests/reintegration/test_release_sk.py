"""A release on a decree (PB, CB, CMB, asimilasi) carries its legal basis: the SK's number
and date, in fields of their own (not written into "leaves with"), required by the one
action behind the page, the API and the proposals; shown on the plan page, the hand-over
PDF, the API and the admin."""

from __future__ import annotations

import datetime
import importlib
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string

from sinergi.accounts.models import User
from sinergi.inmates.models import Inmate
from sinergi.orgs.models import Facility
from sinergi.reintegration import actions
from sinergi.reintegration.models import Release

pytestmark = pytest.mark.django_db

SK = "PAS-5.PK.01.05.06-77"


def _values(kind: str, **more: Any) -> dict[str, Any]:
    return {
        "released_on": datetime.date(2025, 11, 3),
        "kind": kind,
        "bapas": Facility.objects.get(code="bapas-mataram"),
        **more,
    }


@pytest.mark.parametrize("kind", ["pb", "cb", "cmb", "asimilasi"])
def test_a_release_on_a_decree_needs_the_sk_number_and_date(
    officer: User, person: Inmate, kind: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        actions.record_release(inmate=person, by=officer, values=_values(kind))
    assert set(refused.value.message_dict) == {"sk_number", "sk_date"}
    assert not Release.objects.filter(inmate=person).exists()


def test_a_release_on_a_decree_keeps_its_sk_in_its_own_fields(
    officer: User, person: Inmate
) -> None:
    release = actions.record_release(
        inmate=person,
        by=officer,
        values=_values("pb", sk_number=f"  {SK} ", sk_date=datetime.date(2025, 10, 28)),
    )
    release.refresh_from_db()
    assert (release.sk_number, release.sk_date) == (SK, datetime.date(2025, 10, 28))
    assert release.leaves_with == ""


@pytest.mark.parametrize(
    ("sk_date", "message"),
    [
        (datetime.date(2025, 11, 4), "2025-11-03"),  # after the release
        (datetime.date(2024, 5, 31), "2024-06-01"),  # before the detention start
    ],
)
def test_the_sk_date_is_not_after_the_release_nor_before_the_detention(
    officer: User, person: Inmate, sk_date: datetime.date, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        actions.record_release(
            inmate=person, by=officer, values=_values("pb", sk_number=SK, sk_date=sk_date)
        )
    assert set(refused.value.message_dict) == {"sk_date"}
    assert message in refused.value.message_dict["sk_date"][0]


def test_an_end_of_sentence_release_needs_no_sk(officer: User, person: Inmate) -> None:
    release = actions.record_release(
        inmate=person,
        by=officer,
        values={"released_on": datetime.date(2026, 6, 1), "kind": "expiry"},
    )
    assert (release.sk_number, release.sk_date) == ("", None)


def test_an_sk_number_without_its_date_is_refused_for_any_kind(
    officer: User, person: Inmate
) -> None:
    with pytest.raises(ValidationError) as refused:
        actions.record_release(
            inmate=person,
            by=officer,
            values={"released_on": datetime.date(2025, 11, 3), "kind": "transfer", "sk_number": SK},
        )
    assert set(refused.value.message_dict) == {"sk_date"}


def test_the_release_page_asks_for_the_sk_and_keeps_it(client_for: Any, person: Inmate) -> None:
    client = client_for("petugas.selong")
    url = f"/reintegration/inmates/{person.pk}/release/"
    form = client.get(url).content.decode()
    assert 'name="sk_number"' in form and 'name="sk_date"' in form
    mataram = Facility.objects.get(code="bapas-mataram")
    posted = {"released_on": "2025-11-03", "kind": "pb", "bapas": mataram.pk}
    refused = client.post(url, posted)
    assert refused.status_code == 200
    assert set(refused.context["field_errors"]) == {"sk_number", "sk_date"}
    assert not Release.objects.filter(inmate=person).exists()
    done = client.post(url, {**posted, "sk_number": SK, "sk_date": "2025-10-28", "confirmed": "1"})
    assert done.status_code == 302
    release = Release.objects.get(inmate=person)
    assert (release.sk_number, release.sk_date) == (SK, datetime.date(2025, 10, 28))
    plan = client.get(f"/reintegration/inmates/{person.pk}/").content.decode()
    assert SK in plan


def test_the_api_asks_for_the_sk_and_answers_with_it(client_for: Any, person: Inmate) -> None:
    client = client_for("petugas.selong")
    payload = {
        "inmate_id": person.pk,
        "released_on": "2025-11-03",
        "kind": "cb",
        "bapas": "bapas-mataram",
    }
    refused = client.post("/api/v1/releases", payload, content_type="application/json")
    assert refused.status_code == 422, refused.content
    assert {"sk_number", "sk_date"} <= set(refused.json()["errors"])
    done = client.post(
        "/api/v1/releases",
        {**payload, "sk_number": SK, "sk_date": "2025-10-28", "confirm": True},
        content_type="application/json",
    )
    assert done.status_code == 201, done.content
    assert (done.json()["sk_number"], done.json()["sk_date"]) == (SK, "2025-10-28")
    listed = client.get("/api/v1/releases").json()["items"]
    assert [(r["sk_number"], r["sk_date"]) for r in listed if r["inmate_id"] == person.pk] == [
        (SK, "2025-10-28")
    ]


@pytest.fixture
def handover_html(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    pages: list[str] = []

    def render(template: str, context: Any, request: Any = None) -> bytes:
        html = render_to_string(template, dict(context), request=request)
        pages.append(html)
        return html.encode()

    monkeypatch.setattr("sinergi.core.pdf.render_pdf", render)
    return pages


def test_the_hand_over_pdf_and_the_admin_show_the_sk(
    client_for: Any, officer: User, person: Inmate, handover_html: list[str]
) -> None:
    release = actions.record_release(
        inmate=person,
        by=officer,
        values=_values("pb", sk_number=SK, sk_date=datetime.date(2025, 10, 28)),
    )
    client_for("petugas.selong").get(
        f"/reintegration/inmates/{person.pk}/handover.pdf", language="id"
    )
    (html,) = handover_html
    assert SK in html and "28 Oktober 2025" in html
    admin = client_for("admin")
    assert SK in admin.get("/admin/reintegration/release/").content.decode()
    assert SK in admin.get(f"/admin/reintegration/release/{release.pk}/change/").content.decode()


def test_a_release_recorded_before_the_sk_fields_still_shows(
    client_for: Any, person: Inmate, handover_html: list[str]
) -> None:
    Release.objects.create(
        inmate=person, released_on=datetime.date(2025, 11, 3), kind="pb", leaves_with="KTP"
    )
    client = client_for("petugas.selong")
    assert client.get(f"/reintegration/inmates/{person.pk}/").status_code == 200
    assert client.get(f"/reintegration/inmates/{person.pk}/handover.pdf").status_code == 200
    assert "KTP" in handover_html[0]
    listed = client.get("/api/v1/releases").json()["items"]
    assert [(r["sk_number"], r["sk_date"]) for r in listed if r["inmate_id"] == person.pk] == [
        ("", None)
    ]


def test_the_data_migration_moves_the_sk_written_by_proposals_out_of_leaves_with(
    person: Inmate, demo_world: None
) -> None:
    from tests.inmates.factories import make_inmate

    selong = Facility.objects.get(code="selong")
    other = make_inmate(facility=selong, detention_start=datetime.date(2024, 6, 1), term_years=2)
    third = make_inmate(facility=selong, detention_start=datetime.date(2024, 6, 1), term_years=2)
    day = datetime.date(2025, 11, 3)
    moved = Release.objects.create(
        inmate=person, released_on=day, kind="pb", leaves_with=f"SK {SK} (2025-10-28)"
    )
    kept = Release.objects.create(
        inmate=other, released_on=day, kind="expiry", leaves_with="KTP, SK lama (2020-01-01)"
    )
    unknown_date = Release.objects.create(
        inmate=third, released_on=day, kind="cb", leaves_with=f"SK {SK} ()"
    )
    migration = importlib.import_module(
        "sinergi.reintegration.migrations.0009_release_sk_from_leaves_with"
    )
    migration.move_sk_out_of_leaves_with(django_apps, None)
    for release in (moved, kept, unknown_date):
        release.refresh_from_db()
    assert (moved.sk_number, moved.sk_date, moved.leaves_with) == (
        SK,
        datetime.date(2025, 10, 28),
        "",
    )
    assert (kept.sk_number, kept.leaves_with) == ("", "KTP, SK lama (2020-01-01)")
    assert (unknown_date.sk_number, unknown_date.sk_date, unknown_date.leaves_with) == (
        SK,
        None,
        "",
    )
    migration.put_sk_back_into_leaves_with(django_apps, None)
    moved.refresh_from_db()
    assert moved.leaves_with == f"SK {SK} (2025-10-28)"
