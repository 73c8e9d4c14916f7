"""The proposals' part of the integration-rights pipeline (``sinergi.inmates.pipeline``):
each right's open proposal, its stage and the day the stage began; the last proposal when
it was refused or withdrawn (its date, reason, decree or letter); who may start one and
where. Registered in :meth:`ProposalsConfig.ready`, so that the inmates app imports
nothing of this one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sinergi.core.permissions import has_perm
from sinergi.inmates.pipeline import NOT_PROPOSED, ClosedInfo, StageInfo
from sinergi.proposals.choices import OPEN_STAGES, DocumentKind, Stage
from sinergi.proposals.models import Proposal, ProposalDocument, ProposalEvent

# After these a new proposal may be started; the pipeline shows them until one is.
REOPENABLE: tuple[str, ...] = (Stage.REFUSED, Stage.WITHDRAWN)


class ProposalStages:
    def stage_choices(self) -> Sequence[tuple[str, Any]]:
        return [
            (NOT_PROPOSED, _("Not proposed yet")),
            *((value, label) for value, label in Stage.choices if value in OPEN_STAGES),
            *((value, label) for value, label in Stage.choices if value in REOPENABLE),
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

    def closed_shown(self) -> Sequence[str]:
        return REOPENABLE

    def closed_stages(self, inmate_ids: Sequence[int]) -> dict[tuple[int, str], ClosedInfo]:
        if not inmate_ids:
            return {}
        # The decree or letter: the document recorded with the closing move, else the
        # proposal's latest SK.
        moved = ProposalEvent.objects.filter(
            proposal=OuterRef("pk"), to_stage=OuterRef("stage"), document__isnull=False
        ).order_by("-at", "-id")
        sk = ProposalDocument.objects.filter(proposal=OuterRef("pk"), kind=DocumentKind.SK)
        document = Coalesce(
            Subquery(moved.values("document_id")[:1]),
            Subquery(sk.order_by("-received_on", "-id").values("pk")[:1]),
            output_field=IntegerField(),
        )
        kind = ProposalDocument.objects.filter(pk=OuterRef("document")).values("kind")[:1]
        found: dict[tuple[int, str], ClosedInfo | None] = {}
        # Oldest first: each (person, right) keeps its last proposal.
        latest = (
            Proposal.objects.filter(inmate_id__in=list(inmate_ids))
            .annotate(document=document)
            .annotate(document_kind=Subquery(kind))
            .order_by("created_at", "id")
            .values(
                "pk",
                "inmate_id",
                "right",
                "stage",
                "stage_since",
                "refusal_reason",
                "withdrawal_reason",
                "sk_number",
                "sk_date",
                "document",
                "document_kind",
            )
        )
        stages = dict(Stage.choices)
        kinds = dict(DocumentKind.choices)
        for p in latest:
            key = (p["inmate_id"], p["right"])
            if p["stage"] not in REOPENABLE:
                found[key] = None
                continue
            refused = p["stage"] == Stage.REFUSED
            found[key] = ClosedInfo(
                proposal_id=p["pk"],
                stage=p["stage"],
                label=str(stages[p["stage"]]),
                on=p["stage_since"],
                reason=p["refusal_reason"] if refused else p["withdrawal_reason"],
                url=reverse("proposals:detail", args=[p["pk"]]),
                sk_number=p["sk_number"],
                sk_date=p["sk_date"],
                document_id=p["document"],
                document_url=reverse("proposals:document", args=[p["document"]])
                if p["document"]
                else "",
                document_label=str(kinds.get(p["document_kind"], "")),
            )
        return {key: info for key, info in found.items() if info is not None}

    def may_start(self, user: Any, inmate: Any) -> bool:
        return has_perm(user, "proposals.start_proposal", inmate)

    def start_url(self, inmate_id: int, right: str) -> str:
        return reverse("proposals:start", args=[inmate_id, right])


STAGES = ProposalStages()
