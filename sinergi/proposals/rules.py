"""Who may read and move integration-right proposals (django-rules, asked through
``sinergi.core.permissions.has_perm`` / ``require_perm`` by the views, the API and the
actions alike). Who sees which proposals is ``queries.py``.

The stages belong to roles (DESIGN: a workflow is a status with a table of allowed moves
and who may make each, see ``actions.TRANSITIONS``):

* the facility's staff (program officers, head, wali) start a proposal, gather the
  dossier, ask the Bapas for the Litmas and put it to the sidang TPP;
* the head sends it to the Kanwil or the Directorate General and records the decision
  (SK or refusal);
* the program officers and the head record the release on the SK (as every release) and
  withdraw a proposal;
* the probation officers (PK) of the Bapas a Litmas was asked of submit it;
* the region's viewers (Kanwil) and administrators read.
"""

from typing import Any

import rules

from sinergi.core.permissions import facility_role, is_admin
from sinergi.core.roles import OFFICER_ROLES, STAFF_ROLES, Role
from sinergi.core.scoping import scope_of
from sinergi.inmates.rules import region_viewer_of_facility
from sinergi.orgs.models import Facility


@rules.predicate
def probation_officer_asked_for_litmas(user: Any, proposal: Any = None) -> bool:
    """The user is a PK of a Bapas a Litmas was asked of for ``proposal``."""
    ids = scope_of(user).facility_ids(Role.PROBATION_OFFICER)
    if proposal is None or not ids:
        return bool(ids) and proposal is None
    return proposal.litmas_requests.filter(bapas_id__in=ids).exists()


@rules.predicate
def probation_officer_of_request_bapas(user: Any, request: Any = None) -> bool:
    """The user is a PK of the Bapas the Litmas ``request`` was asked of."""
    ids = scope_of(user).facility_ids(Role.PROBATION_OFFICER)
    if request is None:
        return bool(ids)
    return request.bapas_id in ids


STAFF = facility_role(*STAFF_ROLES)
OFFICERS = facility_role(*OFFICER_ROLES)
HEAD = facility_role(Role.HEAD)

# The object is the proposal.
rules.add_perm(
    "proposals.view_proposal",
    is_admin | STAFF | region_viewer_of_facility | probation_officer_asked_for_litmas,
)
# The object is the inmate: the facility's staff start a proposal for an eligible right.
rules.add_perm("proposals.start_proposal", STAFF)
# The object is the proposal: the facility stages (eligible → documents → litmas → tpp)
# and the dossier's documents.
rules.add_perm("proposals.gather", STAFF)
# The object is the proposal: tpp → sent, and sent → granted / refused.
rules.add_perm("proposals.send", HEAD)
rules.add_perm("proposals.decide", HEAD)
# The object is the proposal: granted → released (the release itself asks
# reintegration.change_plan, the same officers) and withdrawing an open proposal.
rules.add_perm("proposals.release", OFFICERS)
rules.add_perm("proposals.withdraw", OFFICERS)


@rules.predicate
def officer_of_facility(user: Any, obj: Any = None) -> bool:
    """The user is a program officer or head of the object's facility (the object is a
    facility, or a record with ``facility_id``)."""
    ids = scope_of(user).facility_ids(*OFFICER_ROLES)
    if obj is None:
        return bool(ids)
    facility_id = obj.pk if isinstance(obj, Facility) else obj.facility_id
    return facility_id in ids


# The object is the facility (or its proposal): importing SDP's proposal statuses and
# recording the steps SDP holds (actions.transition(source=SDP)).
rules.add_perm("proposals.import_sdp", officer_of_facility)
# The object is the Litmas request: the PK of its Bapas submit it.
rules.add_perm("proposals.submit_litmas", probation_officer_of_request_bapas)
# The object is the TPP meeting (or its facility with attr pk): the facility's officers
# record it.
rules.add_perm("proposals.view_tpp_meeting", is_admin | STAFF | region_viewer_of_facility)
rules.add_perm("proposals.record_tpp_meeting", OFFICERS)


def release_day_reached(inmate: Any) -> bool:
    """The person's release day (after a substitute term, else the expiry after remisi,
    or a granted right's day) is today or past at their facility: they are to be
    released, not proposed."""
    # The inmates app's one definition of the release day (also a granted right's day).
    from sinergi.inmates.models import Inmate
    from sinergi.inmates.queries import release_reached, with_release_due

    people = with_release_due(Inmate.objects.filter(pk=inmate.pk))
    return people.filter(release_reached()).exists()
