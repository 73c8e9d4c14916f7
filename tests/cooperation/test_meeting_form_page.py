"""The meeting pages as an officer uses them (issue 16): the owner of an action item is
chosen with a plain empty choice (the facility), not "---------", and a meeting edited
and saved on its page keeps its history, with who changed it."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from sinergi.accounts.models import User
from sinergi.orgs.models import Partner

pytestmark = pytest.mark.django_db


def _in(client, language: str):
    """The client as a user who chose ``language`` (the language switch's cookie)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.mark.parametrize("page", ["new", "edit"])
def test_the_owner_choice_names_the_facility_instead_of_dashes(meeting, client_for, page):
    url = (
        reverse("cooperation:meeting_create")
        if page == "new"
        else reverse("cooperation:meeting_edit", args=[meeting.pk])
    )
    client = client_for("petugas.selong")
    english = _in(client, "en").get(url).content.decode()
    assert "---------" not in english
    assert '<option value="" selected>None: the facility owns it</option>' in english
    indonesian = _in(client, "id").get(url).content.decode()
    assert "Tidak ada: dilaksanakan UPT sendiri" in indonesian


def test_the_commitment_promiser_choice_names_the_facility_instead_of_dashes(client_for):
    client = _in(client_for("petugas.selong"), "en")
    page = client.get(reverse("cooperation:agreement_create")).content.decode()
    assert '<option value="" selected>None: the facility promised it</option>' in page


def test_a_meeting_edited_on_its_page_is_saved_with_its_history(meeting, client_for):
    client = client_for("petugas.selong")
    url = reverse("cooperation:meeting_edit", args=[meeting.pk])
    form = client.get(url).context["form"]
    data = {
        "title": "Rakor pelatihan las",
        "date": meeting.date.isoformat(),
        "place": "Aula Lapas",
        "partners": [p.pk for p in form.initial["partners"]],
        "attendees": [User.objects.get(username="pk.bapas").pk],
        "minutes": "Dibahas jadwal pelatihan.",
        "action-TOTAL_FORMS": "1",
        "action-INITIAL_FORMS": "0",
        "action-0-title": "Kirim daftar peserta",
        "action-0-owner_partner": str(Partner.objects.get(code="disnaker-lotim").pk),
        "action-0-due_date": meeting.date.isoformat(),
    }
    response = client.post(url + "?rows=1", data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    meeting.refresh_from_db()
    assert (meeting.title, meeting.place) == ("Rakor pelatihan las", "Aula Lapas")
    assert list(meeting.attendees.values_list("username", flat=True)) == ["pk.bapas"]
    history = list(meeting.history.order_by("history_date"))
    assert [h.title for h in history] == ["Rakor pelatihan", "Rakor pelatihan las"]
    assert history[-1].history_user.username == "petugas.selong"
    item = meeting.actions.get()
    assert item.owner_partner.code == "disnaker-lotim"
    # The page shows the change and says who may see its history.
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Rakor pelatihan las" in page and "Kirim daftar peserta" in page
