"""The audit page names a change recorded under a name that is no field of the event's
target (a proposal's document kind, its recommendation) by its label, not its code."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.utils import translation

from sinergi.core.templatetags.audit_tags import audit_changes
from sinergi.proposals.models import Proposal, ProposalDocument


def _event(changes):
    return SimpleNamespace(target_type="proposals.proposal", changes=changes)


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_document_kind_recorded_on_a_proposal_reads_as_its_label(language):
    kind = ProposalDocument._meta.get_field("kind")
    assert not any(f.name == "kind" for f in Proposal._meta.get_fields())
    with translation.override(language):
        rows = dict(audit_changes(_event({"kind": "execution_record"})))
        label = str(dict(kind.flatchoices)["execution_record"])
        name = str(kind.verbose_name)
    assert rows == {name[:1].upper() + name[1:]: label}
    assert "execution_record" not in label


def test_a_name_no_model_knows_is_shown_as_words():
    assert audit_changes(_event({"made_up_thing": "x"})) == [("Made up thing", "x")]


def test_a_lists_query_is_shown_as_code_not_as_words():
    """A list read with filters keeps its query (?stage=documents&status=requested): it
    is the address as typed, so it is shown as code, escaped."""
    rows = dict(audit_changes(_event({"path": "/proposals/", "query": "stage=documents&x=<b>"})))
    assert rows["Query"] == "<code>stage=documents&amp;x=&lt;b&gt;</code>"
    assert rows["Path"] == "<code>/proposals/</code>"


@pytest.mark.django_db
def test_a_records_name_is_kept_in_the_sites_language_whoever_acted(demo_world):
    """A proposal's name carries its stage; read by an English user it must not put
    'Litmas requested' on the Indonesian audit page (nor mix the two languages)."""
    from django.utils.translation import gettext

    from sinergi.accounts.models import User
    from sinergi.core import audit

    class Target:  # a record whose name is translated (as a proposal's stage is)
        pk = 1
        facility_id = None

        class _meta:
            label = "inmates.Inmate"

        def __str__(self) -> str:
            return gettext("Released")

    with translation.override("en"):
        event = audit.record("inmate.view", by=User.objects.get(username="admin"), target=Target())
    assert event.target_repr == "Bebas"
