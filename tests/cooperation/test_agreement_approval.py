"""The head approves a draft agreement with a button on its page: who sees the button, who
may press it (everyone else is refused), what it records, and the home card that leads
there."""

from __future__ import annotations

import html

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sinergi.accounts.models import Membership, User
from sinergi.cooperation import actions
from sinergi.cooperation.models import Agreement
from sinergi.core.errors import Conflict
from sinergi.core.models import AuditEvent
from sinergi.core.roles import Role
from sinergi.orgs.models import Facility, Region
from tests.cooperation.test_agreement_forms import DAY, english, make_agreement, partner, today

pytestmark = pytest.mark.django_db
BUTTON = "Approve (set active)"


def approve_url(agreement: Agreement) -> str:
    return f"/cooperation/agreements/{agreement.pk}/approve/"


def draft(**fields) -> Agreement:
    return make_agreement(1, status="draft", **fields)


def test_the_head_approves_a_draft_with_the_button(client_for, user):
    agreement = draft(start_date=today() + 10 * DAY)
    head = english(client_for("kalapas.selong"))
    page = head.get(agreement.get_absolute_url()).content.decode()
    assert BUTTON in page and f'action="{approve_url(agreement)}"' in page
    assert "csrfmiddlewaretoken" in page.split(approve_url(agreement))[1][:400]
    response = head.post(approve_url(agreement), follow=True)
    assert response.redirect_chain == [(agreement.get_absolute_url(), 302)]
    start = (today() + 10 * DAY).strftime("%-d %B %Y")
    assert f"Agreement approved: it is in force from {start}." in html.unescape(
        response.content.decode()
    )
    agreement.refresh_from_db()
    assert agreement.status == "active"
    assert agreement.history.first().history_user == user("kalapas.selong")
    event = AuditEvent.objects.get(action="agreement.approve")
    assert event.actor == user("kalapas.selong") and event.target_id == str(agreement.pk)
    assert event.facility_id == agreement.facility_id
    assert event.changes == {"status": ["draft", "active"]}
    # Approved: the button is gone.
    assert BUTTON not in head.get(agreement.get_absolute_url()).content.decode()


def test_the_officer_sees_no_button_and_may_not_approve(client_for):
    agreement = draft()
    officer = english(client_for("petugas.selong"))
    assert BUTTON not in officer.get(agreement.get_absolute_url()).content.decode()
    assert officer.post(approve_url(agreement)).status_code == 403
    agreement.refresh_from_db()
    assert agreement.status == "draft"
    assert not AuditEvent.objects.filter(action="agreement.approve").exists()


@pytest.mark.parametrize("username", ["wali.selong", "kanwil.ntb"])
def test_staff_who_see_the_draft_but_are_not_its_head_are_refused(client_for, username):
    agreement = draft()
    client = client_for(username)
    page = client.get(agreement.get_absolute_url())
    assert page.status_code == 200 and BUTTON not in page.content.decode()
    assert client.post(approve_url(agreement)).status_code == 403
    agreement.refresh_from_db()
    assert agreement.status == "draft"


@pytest.mark.parametrize("username", ["petugas.lobar", "mitra.disnaker", "mitra.dukcapil"])
def test_outsiders_do_not_find_the_draft_to_approve(client_for, username):
    agreement = draft()
    client = client_for(username)
    assert client.post(approve_url(agreement)).status_code == 404
    agreement.refresh_from_db()
    assert agreement.status == "draft"


def test_the_head_of_another_facility_does_not_find_it(demo_world):
    head = User.objects.create_user(username="kalapas.lobar", password="x")
    Membership.objects.create(
        user=head, role=Role.HEAD, facility=Facility.objects.get(code="lobar")
    )
    client = Client()
    client.force_login(head)
    agreement = draft()
    assert client.post(approve_url(agreement)).status_code == 404
    with pytest.raises(PermissionDenied):
        actions.approve_agreement(agreement=agreement, by=head)
    agreement.refresh_from_db()
    assert agreement.status == "draft"


def test_a_partner_who_sees_an_active_agreement_may_not_approve_it(client_for):
    agreement = make_agreement(1)  # active: its partners see it
    assert client_for("mitra.disnaker").post(approve_url(agreement)).status_code == 403


def test_a_regional_agreement_is_not_the_facility_heads_to_approve(client_for):
    agreement = make_agreement(
        0, status="draft", facility=None, region=Region.objects.get(code="ntb")
    )
    head = client_for("kalapas.selong")
    assert BUTTON not in head.get(agreement.get_absolute_url()).content.decode()
    assert head.post(approve_url(agreement)).status_code == 403


def test_only_a_draft_is_approved(client_for, user):
    agreement = make_agreement(1, status="terminated")
    head = english(client_for("kalapas.selong"))
    assert BUTTON not in head.get(agreement.get_absolute_url()).content.decode()
    response = head.post(approve_url(agreement), follow=True)
    assert response.redirect_chain == [(agreement.get_absolute_url(), 302)]
    assert "Only a draft is approved; this agreement is “Terminated”." in html.unescape(
        response.content.decode()
    )
    agreement.refresh_from_db()
    assert agreement.status == "terminated"
    with pytest.raises(Conflict) as refused:
        actions.approve_agreement(agreement=agreement, by=user("kalapas.selong"))
    assert refused.value.code == "not_draft"
    assert not AuditEvent.objects.filter(action="agreement.approve").exists()


def test_approving_takes_a_post_with_the_csrf_token(demo_world):
    agreement = draft()
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.get(username="kalapas.selong"))
    assert client.get(approve_url(agreement)).status_code == 405
    assert client.post(approve_url(agreement)).status_code == 403
    agreement.refresh_from_db()
    assert agreement.status == "draft"


def test_anonymous_users_are_sent_to_sign_in(demo_world):
    agreement = draft()
    response = Client().post(approve_url(agreement))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# The home card: two drafts with the same title are told apart, and lead to the button.


def test_the_home_card_tells_drafts_apart_and_links_to_their_pages(client_for):
    first = draft(number="560/1/PKS/2026", title="PKS pelatihan")
    second = draft(
        number="560/2/PKS/2026",
        title="PKS pelatihan",
        start_date=today() + 40 * DAY,
        end_date=today() + 400 * DAY,
    )
    second.partners.set([partner("dukcapil-lotim")])
    home = html.unescape(english(client_for("kalapas.selong")).get("/").content.decode())
    for agreement in (first, second):
        link = f'<a href="{agreement.get_absolute_url()}">'
        assert link in home
        label = home.split(link)[1].split("</a>")[0]
        assert agreement.number in label and agreement.title in label
        for name in agreement.partners.values_list("name", flat=True):
            assert name in label
        assert agreement.start_date.strftime("%d/%m/%Y") in label
        assert agreement.end_date.strftime("%d/%m/%Y") in label


def test_the_home_card_runs_a_fixed_number_of_queries(client_for):
    head = client_for("kalapas.selong")
    counts = []
    for n in (1, 4):
        for i in range(n - Agreement.objects.count()):
            draft(title=f"PKS {n}-{i}")
        with CaptureQueriesContext(connection) as ctx:
            assert head.get("/").status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts


def test_the_partners_users_are_told_once_when_an_agreement_is_approved(user):
    from sinergi.accounts.models import Notification

    agreement = draft()
    actions.approve_agreement(agreement=agreement, by=user("kalapas.selong"))
    told = Notification.objects.filter(url=agreement.get_absolute_url())
    assert list(told.values_list("user__username", flat=True)) == ["mitra.disnaker"]
    assert "Lapas Kelas IIB Selong" in told.get().title
    # The head setting the status through the form again tells nobody a second time.
    Agreement.objects.filter(pk=agreement.pk).update(status="draft")
    actions.save_agreement(
        agreement=agreement,
        values={"status": "active"},
        partners=list(agreement.partners.all()),
        commitments=[],
        by=user("kalapas.selong"),
    )
    assert told.count() == 1


def test_a_draft_tells_the_partners_nothing_an_agreement_recorded_active_does(user):
    from sinergi.accounts.models import Notification
    from tests.cooperation.test_agreement_forms import draft_values

    def record(username: str, **values) -> Agreement:
        return actions.save_agreement(
            facility=Facility.objects.get(code="selong"),
            values=draft_values(**values),
            partners=[partner("disnaker-lotim")],
            commitments=[],
            by=user(username),
        )

    record("petugas.selong")
    # (The head is told that the draft awaits approval: tests/cooperation/test_awaiting_head.py.)
    to_partners = Notification.objects.exclude(user__username="kalapas.selong")
    assert not to_partners.exists()
    active = record("kalapas.selong", status="active", number="560/99/PKS/2026")
    assert to_partners.get().url == active.get_absolute_url()


def test_a_partner_added_to_an_active_agreement_is_told(user):
    from sinergi.accounts.models import Notification

    agreement = draft()
    actions.approve_agreement(agreement=agreement, by=user("kalapas.selong"))
    actions.save_agreement(
        agreement=agreement,
        values={},
        partners=[*agreement.partners.all(), partner("dukcapil-lotim")],
        commitments=[{"id": c.pk} for c in agreement.commitments.all()],
        by=user("kalapas.selong"),
    )
    told = Notification.objects.filter(url=agreement.get_absolute_url())
    assert sorted(told.values_list("user__username", flat=True)) == [
        "mitra.disnaker",
        "mitra.dukcapil",
    ]
