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
