"""The proposals' part of the integration-rights pipeline (``sinergi.inmates.pipeline``):
each right's open proposal, its stage and the day the stage began. Registered in
:meth:`ProposalsConfig.ready`, so that the inmates app imports nothing of this one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sinergi.inmates.pipeline import NOT_PROPOSED, StageInfo
from sinergi.proposals.choices import OPEN_STAGES, Stage
from sinergi.proposals.models import Proposal


class ProposalStages:
    def stage_choices(self) -> Sequence[tuple[str, Any]]:
        return [
            (NOT_PROPOSED, _("Not proposed yet")),
            *((value, label) for value, label in Stage.choices if value in OPEN_STAGES),
        ]

    def open_stages(self, inmate_ids: Sequence[int]) -> dict[tuple[int, str], StageInfo]:
        if not inmate_ids:
            return {}
        labels = dict(Stage.choices)
        return {
            (inmate_id, right): StageInfo(
                stage,
                str(labels.get(stage, stage)),
                since,
                reverse("proposals:detail", args=[pk]),
            )
            for pk, inmate_id, right, stage, since in self.open_proposals()
            .filter(inmate_id__in=list(inmate_ids))
            .values_list("pk", "inmate_id", "right", "stage", "stage_since")
        }

    def open_proposals(self) -> QuerySet[Any]:
        return Proposal.objects.filter(stage__in=OPEN_STAGES)

    def any_proposals(self) -> QuerySet[Any]:
        return Proposal.objects.all()


STAGES = ProposalStages()
