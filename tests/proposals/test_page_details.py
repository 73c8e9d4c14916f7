"""Small things of the proposal and sidang TPP pages found in the walkthrough of issue 14:
the sending's date starts at today like every other step's; the clock cards carry no
list bullets; the TPP form's chair choice says what to do, translated."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sinergi.proposals.choices import Stage
from tests.proposals.factories import at_stage, make_proposal, recommend

pytestmark = pytest.mark.django_db


def test_the_sent_on_date_starts_at_the_facilitys_today(client_for, person):
    proposal = at_stage(make_proposal(person), Stage.TPP)
    recommend(proposal)  # the sending is offered once the TPP recommended
    page = client_for("kalapas.selong").get(reverse("proposals:detail", args=[proposal.pk]))
    today = person.facility.today().isoformat()
    assert f'name="sent-sent_on" value="{today}"' in page.content.decode()


def test_the_clock_cards_are_a_list_without_bullets(client_for, person):
    proposal = make_proposal(person)
    page = client_for("petugas.selong").get(reverse("proposals:detail", args=[proposal.pk]))
    assert '<ul class="clocks plain">' in page.content.decode()


@pytest.mark.parametrize(("language", "label"), [("id", "Pilih ketua"), ("en", "Choose the chair")])
def test_the_tpp_forms_chair_choice_is_a_translated_prompt(client_for, language, label):
    page = client_for("petugas.selong").get(reverse("proposals:tpp_create"), language=language)
    text = page.content.decode()
    assert "---------" not in text
    assert f'<option value="" selected>{label}</option>' in text
