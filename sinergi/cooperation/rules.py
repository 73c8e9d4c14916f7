"""Who may record and change cooperation records (django-rules, asked through
``sinergi.core.permissions.has_perm`` by the views and the API, and by the actions through
``require_perm``). Who sees them is ``queries.py``."""

from __future__ import annotations

from typing import Any

import rules

from sinergi.core.permissions import facility_role, partner_role
from sinergi.core.roles import OFFICER_ROLES, Role
from sinergi.core.scoping import scope_of

# The sides of a support request (the object): its facility's head, its facility's
# program officers and head, and the users of the partner asked.
request_head = facility_role(Role.HEAD)
request_officer = facility_role(*OFFICER_ROLES)
request_partner = partner_role(Role.PARTNER_USER)


@rules.predicate
def owns_action_item(user: Any, item: Any = None) -> bool:
    """The owner of an action item (the object): the partner that owns it, or the
    officers and head of the facility that owns it or held the meeting; and the
    administrators."""
    scope = scope_of(user)
    if scope.is_admin:
        return True
    if item is None:
        return False
    staff = scope.facility_ids(*OFFICER_ROLES)
    return (
        (item.owner_partner_id is not None and item.owner_partner_id in scope.partner_ids())
        or item.owner_facility_id in staff
        or item.meeting.facility_id in staff
    )


# The object is the facility that signs. A region-level agreement (no facility) is
# recorded by the administrators in the admin site.
rules.add_perm("cooperation.add_agreement", facility_role(*OFFICER_ROLES, attr="pk"))
# The object is the agreement: its facility's program officers and head keep it up to date.
rules.add_perm("cooperation.change_agreement", facility_role(*OFFICER_ROLES))
# The object is the agreement (saved or not): its status is the decision of the head of
# its facility, who approves a draft (the button on its page) and ends or renews it; an
# officer records and corrects a draft.
rules.add_perm("cooperation.approve_agreement", facility_role(Role.HEAD))

# The object is the facility that asks: its program officers and head draft a request.
rules.add_perm("cooperation.add_supportrequest", facility_role(*OFFICER_ROLES, attr="pk"))
# The object is the request. Each side's moves are in ``actions.REQUEST_TRANSITIONS``;
# these say who acts for which side.
rules.add_perm("cooperation.act_as_head", request_head)
rules.add_perm("cooperation.act_as_officer", request_officer)
rules.add_perm("cooperation.act_as_partner", request_partner)
# Both sides talk on a request's thread.
rules.add_perm("cooperation.comment_supportrequest", request_officer | request_partner)
# The partner, or the facility's program officers and head, record what was delivered.
rules.add_perm("cooperation.add_fulfilment", request_officer | request_partner)
# The object is the facility that held the meeting.
rules.add_perm("cooperation.add_meeting", facility_role(*OFFICER_ROLES, attr="pk"))
# The object is the meeting: its facility's program officers and head correct it, name
# who attended, attach its documents and add action items.
rules.add_perm("cooperation.change_meeting", facility_role(*OFFICER_ROLES))
# The object is the action item.
rules.add_perm("cooperation.close_actionitem", owns_action_item)
