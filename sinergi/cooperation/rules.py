"""Who may record and change cooperation records (django-rules, asked through
``sinergi.core.permissions.has_perm``). Who sees them is ``queries.py``."""

import rules

from sinergi.core.permissions import facility_role
from sinergi.core.roles import OFFICER_ROLES, Role

# The object is the facility that signs. A region-level agreement (no facility) is
# recorded by the administrators in the admin site.
rules.add_perm("cooperation.add_agreement", facility_role(*OFFICER_ROLES, attr="pk"))
# The object is the agreement: its facility's program officers and head keep it up to date.
rules.add_perm("cooperation.change_agreement", facility_role(*OFFICER_ROLES))
# The object is the agreement (saved or not): its status is the decision of the head of
# its facility, who approves a draft (the button on its page) and ends or renews it; an
# officer records and corrects a draft.
rules.add_perm("cooperation.approve_agreement", facility_role(Role.HEAD))
