"""The inmate page's link to a right's proposal: the open one, or "start a proposal"
for an eligible right when the reader may start one. The inmates app knows nothing of
proposals; its template asks this tag (one query per page, cached on the context)."""

from __future__ import annotations

from typing import Any

from django import template

from sinergi.core.permissions import has_perm
from sinergi.proposals.models import Proposal
from sinergi.proposals.rules import release_day_reached

register = template.Library()


@register.simple_tag(takes_context=True)
def right_proposal(context: Any, inmate: Any, right: str) -> dict[str, Any]:
    """``{"proposal": the open proposal or None, "can_start": bool}`` for ``right``."""
    cache_key = f"_proposals_of_{inmate.pk}"
    cached = context.get(cache_key)
    if cached is None:
        user = context.get("user")
        cached = {
            "open": {
                p.right: p
                for p in Proposal.objects.for_user(user).open().filter(inmate_id=inmate.pk)
            },
            # Nobody is proposed once their release day has come: they are released.
            "may_start": has_perm(user, "proposals.start_proposal", inmate)
            and not release_day_reached(inmate),
        }
        context.dicts[0][cache_key] = cached
    return {"proposal": cached["open"].get(right), "can_start": cached["may_start"]}
