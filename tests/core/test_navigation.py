"""The main navigation: links grouped into menus by what the user may see."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from sinergi.core.navigation import nav_for
from sinergi.core.scoping import scope_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _shape(entries):
    """[(label, [item labels] or None for a plain link)]."""
    return [
        (str(e["label"]), [str(i["label"]) for i in e["items"]] if e["items"] else None)
        for e in entries
    ]


def test_an_officer_sees_home_dashboards_and_three_menus(user):
    entries = nav_for(scope_of(user("petugas.selong")), "/")
    assert _shape(entries) == [
        ("Home", None),
        ("Dashboards", None),
        (
            "Inmates",
            [
                "Inmates",
                "Integration rights",
                "Litmas requests",
                "Sidang TPP",
                "Proposals from SDP",
                "Held past release date",
                "Release preparation",
            ],
        ),
        ("Programs", ["Programs", "Holidays"]),
        (
            "Cooperation",
            ["Requests", "Agreements", "Meetings", "Referrals", "Jobs", "Partners"],
        ),
        ("Facilities", None),
    ]


def test_a_menu_with_one_visible_link_is_shown_as_that_link(user):
    entries = nav_for(scope_of(user("wali.selong")), "/")
    programs = next(e for e in entries if str(e["label"]) == "Programs")
    assert programs["items"] == []
    assert programs["url"] == "/programs/"


def test_a_partner_sees_no_registry_menu(user):
    labels = [label for label, _ in _shape(nav_for(scope_of(user("mitra.disnaker")), "/"))]
    assert "Inmates" not in labels
    assert "Cooperation" in labels


def test_the_menu_holding_the_current_page_is_marked_active(user):
    entries = nav_for(scope_of(user("petugas.selong")), "/cooperation/agreements/")
    cooperation = next(e for e in entries if str(e["label"]) == "Cooperation")
    assert cooperation["active"]
    active = [str(i["label"]) for i in cooperation["items"] if i["active"]]
    assert active == ["Agreements"]
    assert not any(e["active"] for e in entries if e is not cooperation)


def test_an_instructor_gets_programs_as_a_menu_with_their_sessions(user):
    entries = nav_for(scope_of(user("instruktur.blk")), "/")
    programs = next(e for e in entries if str(e["label"]) == "Programs")
    assert [str(i["label"]) for i in programs["items"]] == ["Programs", "My sessions"]


def test_the_page_renders_menus_as_disclosures_with_the_current_page_marked(client_for):
    client = client_for("petugas.selong")
    html = client.get("/cooperation/agreements/", language="en").content.decode()
    nav = html[html.index('id="site-nav"') : html.index("</nav>")]
    assert re.search(
        r'<details class="nav-group[^"]*is-active[^"]*"[^>]*>\s*<summary>Cooperation', nav
    )
    assert re.search(r'href="/cooperation/agreements/" aria-current="page"', nav)
    assert "<summary>Inmates" in nav
    # the account menu holds the personal links, the notifications stay in sight
    assert re.search(r"<summary>[^<]*petugas\.selong", nav)
    assert nav.index("Notifications") < nav.index("API tokens")


def test_a_signed_out_visitor_gets_the_public_links_only(client):
    html = client.get("/publik/", language="en").content.decode()
    assert "<details" not in html[: html.index("</header>")]
    assert 'href="/accounts/login/"' in html


def test_only_the_most_specific_link_is_current(user):
    entries = nav_for(scope_of(user("petugas.selong")), "/programs/holidays/")
    active = [
        str(link["label"])
        for entry in entries
        for link in (entry["items"] or [entry])
        if link["active"]
    ]
    assert active == ["Holidays"]
    programs = next(e for e in entries if e["key"] == "programs")
    assert programs["active"]


def test_a_page_under_a_link_is_marked_as_within_it_not_as_the_page(client_for):
    client = client_for("petugas.selong")
    nav = client.get("/inmates/import/").content.decode()
    assert 'href="/inmates/" aria-current="true"' in nav
    page = client.get("/inmates/").content.decode()
    assert 'href="/inmates/" aria-current="page"' in page


def test_the_account_pages_are_marked_in_the_account_menu(client_for):
    html = client_for("petugas.selong").get("/me/tokens/").content.decode()
    assert 'href="/me/tokens/" aria-current="page"' in html
    assert 'class="nav-group account is-active"' in html
