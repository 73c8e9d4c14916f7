"""Deactivating and reactivating a partner: an action of orgs (audited, with history,
refused to anyone but an administrator), which the admin's list actions call."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from sinergi.core.models import AuditEvent
from sinergi.orgs import actions
from sinergi.orgs.models import Facility, Partner

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def partner(demo_world):
    return Partner.objects.get(code="disnaker-lotim")


def _serving() -> set[str]:
    return set(
        Partner.objects.serving(Facility.objects.get(code="selong")).values_list("code", flat=True)
    )


def test_a_deactivated_partner_is_no_longer_offered_and_the_change_is_audited(partner, user):
    admin = user("admin")
    actions.deactivate_partner(partner=partner, by=admin, reason="Agreement ended")
    partner.refresh_from_db()
    assert not partner.is_active
    assert partner.code not in _serving()
    latest = partner.history.latest()
    assert latest.history_user == admin and latest.history_change_reason == "Agreement ended"
    event = AuditEvent.objects.get(action="partner.deactivate", target_id=str(partner.pk))
    assert event.actor_username == "admin"
    assert event.changes == {"is_active": [True, False], "reason": "Agreement ended"}

    actions.reactivate_partner(partner=partner, by=admin)
    partner.refresh_from_db()
    assert partner.is_active and partner.code in _serving()
    assert AuditEvent.objects.filter(action="partner.reactivate").count() == 1


def test_deactivating_a_partner_twice_writes_once(partner, user):
    actions.deactivate_partner(partner=partner, by=user("admin"))
    history = partner.history.count()
    actions.deactivate_partner(partner=partner, by=user("admin"))
    assert partner.history.count() == history
    assert AuditEvent.objects.filter(action="partner.deactivate").count() == 1


@pytest.mark.parametrize(
    "outsider", ["mitra.disnaker", "kalapas.selong", "petugas.selong", "kanwil.ntb"]
)
def test_only_an_administrator_deactivates_a_partner(partner, user, outsider):
    """Even the partner's own user, who may edit its details, does not decide whether
    the facilities are offered it."""
    with pytest.raises(PermissionDenied, match="Only administrators"):
        actions.deactivate_partner(partner=partner, by=user(outsider))
    partner.refresh_from_db()
    assert partner.is_active
    assert not AuditEvent.objects.filter(action="partner.deactivate").exists()


def test_an_outsider_cannot_reactivate_a_partner(partner, user):
    actions.deactivate_partner(partner=partner, by=user("admin"))
    with pytest.raises(PermissionDenied):
        actions.reactivate_partner(partner=partner, by=user("mitra.disnaker"))
    partner.refresh_from_db()
    assert not partner.is_active


def test_the_admins_list_action_deactivates_through_the_action(partner, client_for):
    other = Partner.objects.get(code="dukcapil-lotim")
    response = client_for("admin").post(
        "/admin/orgs/partner/",
        {"action": "deactivate", "_selected_action": [partner.pk, other.pk]},
        language="en",
        follow=True,
    )
    assert response.status_code == 200
    assert "2 partners deactivated" in response.content.decode()
    assert not Partner.objects.filter(pk__in=[partner.pk, other.pk], is_active=True).exists()
    assert AuditEvent.objects.filter(action="partner.deactivate").count() == 2


def test_a_website_typed_without_its_scheme_is_taken_as_https_in_the_admin(partner, rf):
    """Django 6's default, said now: Django 5 warned on every partner form it built."""
    import warnings

    from django.contrib.admin.sites import site

    from sinergi.accounts.models import User
    from sinergi.orgs.models import Partner

    request = rf.get("/admin/orgs/partner/")
    request.user = User.objects.get(username="admin")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        form = site._registry[Partner].get_form(request, partner)
    field = form.base_fields["website"]
    assert field.clean("dinas.lomboktimurkab.go.id") == "https://dinas.lomboktimurkab.go.id"


def test_the_partner_form_in_the_admin_does_not_toggle_active_as_a_plain_edit(partner, client_for):
    page = client_for("admin").get(f"/admin/orgs/partner/{partner.pk}/change/")
    assert page.status_code == 200
    assert 'name="is_active"' not in page.content.decode()
