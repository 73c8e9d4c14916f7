"""What each move needs, for the tests: the preconditions arranged on the proposal and
the facts the move takes."""

from __future__ import annotations

import datetime
from typing import Any

from sinergi.inmates.choices import Right
from sinergi.orgs.models import Facility
from sinergi.proposals.actions import TRANSITIONS
from sinergi.proposals.choices import LitmasStatus, SentTo, Stage
from sinergi.proposals.models import LitmasRequest, Proposal
from tests.proposals.factories import add_checklist, at_stage, recommend

# The user who owns each move (demo usernames).
OWNER = {
    "proposals.gather": "petugas.selong",
    "proposals.send": "kalapas.selong",
    "proposals.decide": "kalapas.selong",
    "proposals.release": "petugas.selong",
    "proposals.withdraw": "petugas.selong",
}
ALL_MOVES = sorted(TRANSITIONS)


def prepare(proposal: Proposal, frm: str, to: str) -> dict[str, Any]:
    """Put ``proposal`` at ``frm`` with what the move to ``to`` needs; the move's facts."""
    today = proposal.facility.today()
    fields: dict[str, Any] = {}
    if frm in (Stage.TPP, Stage.SENT, Stage.GRANTED) or frm == Stage.LITMAS:
        fields["stage_since"] = today
    if frm in (Stage.SENT, Stage.GRANTED):
        fields.update(sent_to=SentTo.KANWIL, sent_reference="W.29-PK.01", sent_on=today)
    if frm == Stage.GRANTED:
        fields.update(sk_number="PAS-1234.PK.05.04", sk_date=today)
    if to == Stage.LEAVE_TAKEN:
        fields["right"] = Right.CMK  # a home leave ends a CMK only
    at_stage(proposal, frm, **fields)
    bapas = Facility.objects.get(code="bapas-mataram")
    if frm in (Stage.LITMAS, Stage.TPP, Stage.SENT, Stage.GRANTED):
        LitmasRequest.objects.create(
            proposal=proposal,
            bapas=bapas,
            requested_on=today,
            due_on=today + datetime.timedelta(days=14),
            status=LitmasStatus.SUBMITTED
            if frm != Stage.LITMAS or to == Stage.TPP
            else LitmasStatus.REQUESTED,
            submitted_on=today,
        )
    if to == Stage.LITMAS:
        add_checklist(proposal)
        return {"bapas": bapas}
    if to == Stage.SENT:
        recommend(proposal)
        return {"sent_to": SentTo.KANWIL, "sent_reference": "W.29-PK.01.05-123", "sent_on": today}
    if to == Stage.GRANTED:
        return {"sk_number": "PAS-1234.PK.05.04 Tahun 2026", "sk_date": today}
    if to == Stage.REFUSED:
        return {"refusal_reason": "Syarat tidak terpenuhi"}
    if to == Stage.WITHDRAWN:
        return {"reason": "Dicabut atas permintaan"}
    if to == Stage.RELEASED:
        return {"released_on": today}
    if to == Stage.LEAVE_TAKEN:
        return {"left_on": today, "returned_on": today}
    return {}
