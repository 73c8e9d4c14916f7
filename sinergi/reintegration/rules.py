"""Who may record and change reintegration records (django-rules, asked through
``sinergi.core.permissions.has_perm`` by the views, the API and the actions). Who sees
them is ``queries.py``."""

from typing import Any

import rules

from sinergi.core.permissions import facility_role, is_admin, partner_role
from sinergi.core.roles import OFFICER_ROLES, STAFF_ROLES, Role
from sinergi.core.scoping import scope_of
from sinergi.inmates.rules import region_viewer_of_facility
from sinergi.orgs.models import PartnerKind


@rules.predicate
def probation_officer_of_bapas(user: Any, release: Any = None) -> bool:
    """The user is a probation officer of the Bapas ``release`` was handed over to."""
    ids = scope_of(user).facility_ids(Role.PROBATION_OFFICER)
    if release is None:
        return bool(ids)
    return release.bapas_id is not None and release.bapas_id in ids


@rules.predicate
def handed_to_no_bapas(user: Any, release: Any = None) -> bool:
    return release is not None and release.bapas_id is None


@rules.predicate
def officer_of_releasing_facility(user: Any, release: Any = None) -> bool:
    if release is None:
        return False
    ids = scope_of(user).facility_ids(*OFFICER_ROLES)
    return release.inmate.facility_id in ids


@rules.predicate
def business_partner(user: Any, partner: Any = None) -> bool:
    """The partner is a business (only businesses post job openings)."""
    return partner is not None and partner.kind == PartnerKind.BUSINESS


@rules.predicate
def officer_of_applicant(user: Any, application: Any = None) -> bool:
    """The user is a program officer or head of the applicant's facility."""
    if application is None:
        return False
    return application.inmate.facility_id in scope_of(user).facility_ids(*OFFICER_ROLES)


@rules.predicate
def employer_with_consent(user: Any, application: Any = None) -> bool:
    """The user is of the opening's employer, and the person's consent to it stands (the
    employer reaches an application only while it does)."""
    from sinergi.reintegration.models import Consent

    if application is None:
        return False
    partner_id = application.opening.partner_id
    return (
        partner_id in scope_of(user).partner_ids(Role.PARTNER_USER)
        and Consent.objects.filter(
            inmate_id=application.inmate_id, partner_id=partner_id, withdrawn_on__isnull=True
        ).exists()
    )


@rules.predicate
def wali_of_person(user: Any, inmate: Any = None) -> bool:
    """The user is the person's wali (Inmate.wali) and still an active guardian officer
    of the person's facility."""
    if inmate is None or not getattr(user, "is_authenticated", False):
        return False
    return inmate.wali_id == user.pk and inmate.facility_id in scope_of(user).facility_ids(
        Role.GUARDIAN
    )


OFFICERS = facility_role(*OFFICER_ROLES)
STAFF = facility_role(*STAFF_ROLES)

# The object is the inmate: its facility's staff, its region's viewers and the
# administrators read the plan, consents, referrals and release.
rules.add_perm("reintegration.view_plan", is_admin | STAFF | region_viewer_of_facility)
# The object is the inmate: its facility's program officers and head start the plan,
# assess needs, record and withdraw consents, refer, release and put the person forward
# for a job.
rules.add_perm("reintegration.change_plan", OFFICERS)
# The object is the inmate: the program officers and head, and the person's own wali,
# start the plan and assess and update its needs (a wali of other people is refused).
rules.add_perm("reintegration.assess_needs", OFFICERS | wali_of_person)
# The object is the inmate: the program officers and head, and the person's own wali,
# record the person's consent (and its withdrawal).
rules.add_perm("reintegration.record_consent", OFFICERS | wali_of_person)
# The object is the referral (or the job application's opening): the partner's users
# answer it.
rules.add_perm("reintegration.answer_referral", partner_role(Role.PARTNER_USER))
# The object is the partner: a business's own users post its job openings (a government
# office or a foundation posts none).
rules.add_perm(
    "reintegration.post_job", partner_role(Role.PARTNER_USER, attr="pk") & business_partner
)
# The object is the release: follow-ups belong to the Bapas the person was handed over to
# (its probation officers record them); a release handed to no Bapas is followed up by
# the facility's program officers and head.
rules.add_perm(
    "reintegration.record_follow_up",
    probation_officer_of_bapas | (handed_to_no_bapas & officer_of_releasing_facility),
)
# The object is the job application: the facility's program officers and head, or the
# employer while the person's consent stands, move it.
rules.add_perm("reintegration.update_application", officer_of_applicant | employer_with_consent)
# The object is the release: the probation officers of the Bapas it was handed over to
# acknowledge the hand-over (serah terima).
rules.add_perm("reintegration.acknowledge_handover", probation_officer_of_bapas)
