"""Writes on reintegration records: atomic, attributed (``by=``), audited.

Nothing about an inmate reaches a partner without a valid consent (or another lawful
basis with its reference) for that partner: :func:`refer` refuses otherwise, and
withdrawing a consent cancels the referrals that relied on it, which the partner then no
longer sees. A referral moves by the table ``REFERRAL_MOVES``.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sinergi.accounts.models import User
from sinergi.accounts.notify import Text, notify
from sinergi.core import audit
from sinergi.core.api import Conflict
from sinergi.core.permissions import has_perm, require_perm
from sinergi.core.roles import Role
from sinergi.core.workflow import Move, moves_from, sides_table, verbs
from sinergi.inmates.choices import InmateStatus
from sinergi.inmates.models import Inmate
from sinergi.orgs.models import Facility, FacilityKind, Partner
from sinergi.reintegration.choices import (
    LawfulBasis,
    MatchedBy,
    NeedStatus,
    Outcome,
    Pathway,
    ReferralStatus,
    ReleaseKind,
    Responsible,
    WorkStatus,
)
from sinergi.reintegration.models import (
    MAX_SAVINGS_RUPIAH,
    MAX_SK_NUMBER,
    MAX_VACANCIES,
    Consent,
    Need,
    NeedUpdate,
    Referral,
    ReintegrationPlan,
)

RS = ReferralStatus
FACILITY = "facility"
PARTNER = "partner"
_CANCEL = Move(
    RS.CANCELLED,
    gettext_lazy("Cancel the referral"),
    frozenset({FACILITY}),
    destructive=True,
    fields=("note",),
)
_COMPLETE = Move(
    RS.COMPLETED,
    gettext_lazy("Complete with the outcome"),
    frozenset({PARTNER}),
    fields=("outcome", "note"),
    required=frozenset({"outcome"}),
)
# (from, to) -> the move: its verb, the side that may make it (the referring facility or
# the partner referred to), whether it is destructive, and the fields it asks for.
REFERRAL_MOVES: dict[tuple[str, str], Move] = {
    (RS.SENT, RS.ACCEPTED): Move(
        RS.ACCEPTED, gettext_lazy("Accept the referral"), frozenset({PARTNER}), fields=("note",)
    ),
    (RS.SENT, RS.DECLINED): Move(
        RS.DECLINED,
        gettext_lazy("Decline with a reason"),
        frozenset({PARTNER}),
        destructive=True,
        fields=("note",),
        required=frozenset({"note"}),
    ),
    (RS.SENT, RS.CANCELLED): _CANCEL,
    (RS.ACCEPTED, RS.IN_PROGRESS): Move(
        RS.IN_PROGRESS, gettext_lazy("Start the service"), frozenset({PARTNER})
    ),
    (RS.ACCEPTED, RS.COMPLETED): _COMPLETE,
    (RS.IN_PROGRESS, RS.COMPLETED): _COMPLETE,
    (RS.ACCEPTED, RS.CANCELLED): _CANCEL,
    (RS.IN_PROGRESS, RS.CANCELLED): _CANCEL,
}
REFERRAL_TRANSITIONS: dict[tuple[str, str], frozenset[str]] = sides_table(REFERRAL_MOVES)
SIDE_NAMES = {FACILITY: gettext_lazy("the facility"), PARTNER: gettext_lazy("the partner")}


# Bounds of the numbers and dates a reintegration record holds (the API schema uses the
# same constants): a value outside them is a field error, never stored.
MAX_JOB_OPENING_DAYS = 366
MAX_TEXT = 2_000
MAX_NOTE = 5_000


def _check(errors: dict[str, list[str]]) -> None:
    """Raise the field errors found, if any (a 422 in the API, field errors on a page)."""
    found = {field: messages for field, messages in errors.items() if messages}
    if found:
        raise ValidationError(found)


def _date_errors(
    value: Any,
    *,
    earliest: datetime.date | None = None,
    latest: datetime.date | None = None,
    required: bool = True,
) -> list[str]:
    if value is None:
        return [_("Give a date (YYYY-MM-DD).")] if required else []
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        return [_("Give a date (YYYY-MM-DD).")]
    if earliest is not None and value < earliest:
        return [_("The date cannot be before %(day)s.") % {"day": earliest.isoformat()}]
    if latest is not None and value > latest:
        return [_("The date cannot be after %(day)s.") % {"day": latest.isoformat()}]
    return []


def _whole_number_errors(value: Any, *, low: int, high: int) -> list[str]:
    if isinstance(value, bool):
        return [_("Give a whole number.")]
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return [_("Give a whole number.")]
    if number != value and str(number) != str(value).strip():
        return [_("Give a whole number.")]
    if not low <= number <= high:
        return [
            _("Give a number from %(low)s to %(high)s.")
            % {"low": f"{low:,}".replace(",", "."), "high": f"{high:,}".replace(",", ".")}
        ]
    return []


def _detention_start(inmate: Inmate) -> datetime.date | None:
    sentence = getattr(inmate, "sentence", None)
    return sentence.detention_start if sentence is not None else None


def serving_partners(inmate: Inmate) -> Any:
    """The partners that may be named for ``inmate``: active, of its facility's region
    or national (the same set the forms offer)."""
    return Partner.objects.serving(inmate.facility)


def _check_partner(inmate: Inmate, partner: Any) -> None:
    if partner is None or not serving_partners(inmate).filter(pk=partner.pk).exists():
        _check(
            {
                "partner": [
                    _(
                        "Choose an active partner that serves this facility "
                        "(of its region, or a national one)."
                    )
                ]
            }
        )


def probation_officers(bapas: Any) -> Any:
    """The users who may take over a person released to ``bapas``: its active probation
    officers."""
    if bapas is None:
        return User.objects.none()
    return (
        User.objects.filter(
            is_active=True,
            memberships__role=Role.PROBATION_OFFICER,
            memberships__facility=bapas,
            memberships__is_active=True,
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def _officer_of(user: User, inmate: Inmate) -> bool:
    """The user is a program officer or head of ``inmate``'s facility (the rule
    ``reintegration.change_plan``, the same the pages ask)."""
    return has_perm(user, "reintegration.change_plan", inmate)


def is_released(inmate: Inmate) -> bool:
    """Whether ``inmate``'s release is recorded: from then on the plan (its needs,
    consents, referrals) is the record of what was prepared, read only; only the
    follow-ups go on."""
    from sinergi.reintegration.models import Release

    return Release.objects.filter(inmate_id=inmate.pk).exists()


def _refuse_if_released(inmate: Inmate) -> None:
    """A 409 for a change to the plan of a person already released."""
    if is_released(inmate):
        raise Conflict(
            _(
                "%(name)s is released: the plan is kept as it was at the release and no "
                "longer changes; record the follow-ups instead."
            )
            % {"name": inmate.name},
            code="released",
        )


def _is_child(inmate: Inmate, on: datetime.date) -> bool:
    if inmate.facility.kind == FacilityKind.LPKA:
        return True
    if inmate.birth_date is None:
        return False
    age = (
        on.year
        - inmate.birth_date.year
        - ((on.month, on.day) < (inmate.birth_date.month, inmate.birth_date.day))
    )
    return age < 18


@transaction.atomic
def start_plan(*, inmate: Inmate, by: User) -> ReintegrationPlan:
    require_perm(
        by,
        "reintegration.assess_needs",
        inmate,
        message=_("Only program officers, heads and the person's wali start a plan."),
    )
    existing = ReintegrationPlan.objects.filter(inmate=inmate).first()
    if existing is not None:
        return existing
    _refuse_if_released(inmate)
    from sinergi.reintegration.assessment import ensure_default_assessment

    version = ensure_default_assessment()
    plan = ReintegrationPlan.objects.create(inmate=inmate, assessment=version, created_by=by)
    Need.objects.bulk_create([Need(plan=plan, pathway=p) for p in Pathway.values])
    audit.record("plan.create", by=by, target=plan, facility=inmate.facility_id)
    return plan


@transaction.atomic
def update_need(*, need: Need, values: Mapping[str, Any], note: str, by: User) -> Need:
    require_perm(
        by,
        "reintegration.assess_needs",
        need.plan.inmate,
        message=_("Only program officers, heads and the person's wali assess needs."),
    )
    _refuse_if_released(need.plan.inmate)
    _check(
        {
            "status": [_("Choose a status of the list.")]
            if "status" in values and values["status"] not in NeedStatus.values
            else [],
            "responsible": [_("Choose who is responsible.")]
            if "responsible" in values and values["responsible"] not in Responsible.values
            else [],
            "note": [_("At most %(n)s characters.") % {"n": MAX_NOTE}]
            if len(note) > MAX_NOTE
            else [],
        }
    )
    partner = values.get("partner")
    if partner is not None and partner.pk != need.partner_id:
        # A partner newly named must serve the facility; one already linked stays.
        _check_partner(need.plan.inmate, partner)
    if values.get("responsible") == Responsible.PARTNER and not values.get("partner"):
        raise Conflict(_("Name the partner responsible."), code="partner_required")
    changes = audit.diff(need, values)
    for name, value in values.items():
        setattr(need, name, value)
    need.save()
    NeedUpdate.objects.create(need=need, status=need.status, note=note, by=by)
    audit.record(
        "need.update",
        by=by,
        target=need,
        facility=need.plan.inmate.facility_id,
        changes={**changes, "note": note},
    )
    return need


@transaction.atomic
def record_consent(
    *,
    inmate: Inmate,
    partner: Any,
    purpose: str,
    given_on: datetime.date,
    by: User,
    basis: str = LawfulBasis.CONSENT,
    basis_reference: str = "",
    guardian_name: str = "",
) -> Consent:
    require_perm(
        by,
        "reintegration.record_consent",
        inmate,
        message=_("Only program officers, heads and the person's wali record consent."),
    )
    _refuse_if_released(inmate)
    _check_partner(inmate, partner)
    date_errors = _date_errors(given_on, latest=inmate.facility.today())
    purpose_errors = [_("At most 300 characters.")] if len(purpose) > 300 else []
    if not purpose.strip():
        purpose_errors.append(_("Say what the data is shared for."))
    reference_errors = [_("At most 200 characters.")] if len(basis_reference) > 200 else []
    if basis != LawfulBasis.CONSENT and not basis_reference.strip():
        reference_errors.append(_("Give the reference of the legal basis."))
    guardian_errors = [_("At most 200 characters.")] if len(guardian_name) > 200 else []
    if (
        basis == LawfulBasis.CONSENT
        and not date_errors
        and _is_child(inmate, given_on)
        and not guardian_name.strip()
    ):
        guardian_errors.append(
            _("A child's data needs the consent of a parent or guardian (UU 27/2022 Pasal 25).")
        )
    _check(
        {
            "given_on": date_errors,
            "purpose": purpose_errors,
            "basis": [_("Choose a lawful basis.")] if basis not in LawfulBasis.values else [],
            "basis_reference": reference_errors,
            "guardian_name": guardian_errors,
        }
    )
    consent = Consent.objects.create(
        inmate=inmate,
        partner=partner,
        purpose=purpose.strip(),
        basis=basis,
        basis_reference=basis_reference.strip(),
        given_on=given_on,
        witnessed_by=by,
        guardian_name=guardian_name.strip(),
    )
    audit.record(
        "consent.record",
        by=by,
        target=consent,
        facility=inmate.facility_id,
        changes={"partner": partner.pk, "purpose": purpose, "basis": basis},
    )
    return consent


@transaction.atomic
def withdraw_consent(*, consent: Consent, by: User) -> Consent:
    require_perm(
        by,
        "reintegration.record_consent",
        consent.inmate,
        message=_("Only program officers, heads and the person's wali record a withdrawal."),
    )
    # Locked and read again: of two withdrawals at once, the second waits and finds the
    # consent withdrawn (409), so the withdrawal and its audit entry happen once.
    # Allowed after the release too: withdrawing a consent is the person's right
    # (UU 27/2022 Pasal 9), whatever the state of the plan.
    consent = (
        Consent.objects.select_for_update().select_related("inmate__facility").get(pk=consent.pk)
    )
    if consent.withdrawn_on is not None:
        raise Conflict(_("This consent is already withdrawn."), code="already_withdrawn")
    consent.withdrawn_on = consent.inmate.facility.today()
    consent.withdrawn_by = by
    consent.save(update_fields=["withdrawn_on", "withdrawn_by", "updated_at"])
    stopped = consent.referrals.filter(status__in=[RS.SENT, RS.ACCEPTED, RS.IN_PROGRESS])
    count = stopped.update(status=RS.CANCELLED, updated_at=timezone.now())
    audit.record(
        "consent.withdraw",
        by=by,
        target=consent,
        facility=consent.inmate.facility_id,
        changes={"referrals_cancelled": count},
    )
    return consent


def valid_consent(inmate: Inmate, partner: Any) -> Consent | None:
    return (
        Consent.objects.filter(inmate=inmate, partner=partner, withdrawn_on__isnull=True)
        .order_by("-given_on", "-id")
        .first()
    )


@transaction.atomic
def refer(
    *,
    inmate: Inmate,
    partner: Any,
    purpose: str,
    contact: str,
    by: User,
    need: Need | None = None,
    needs_custody: bool = False,
) -> Referral:
    require_perm(
        by,
        "reintegration.change_plan",
        inmate,
        message=_("Only program officers and heads refer."),
    )
    _refuse_if_released(inmate)
    _check_partner(inmate, partner)
    _check(
        {
            "purpose": [_("At most 300 characters.")] if len(purpose) > 300 else [],
            "contact": [_("At most 200 characters.")] if len(contact) > 200 else [],
            "need": [_("Choose a need of this person's plan.")]
            if need is not None and need.plan.inmate_id != inmate.pk
            else [],
        }
    )
    consent = valid_consent(inmate, partner)
    if consent is None:
        raise Conflict(
            _(
                "No valid consent or lawful basis of %(name)s for sharing data with "
                "%(partner)s: record the consent first."
            )
            % {"name": inmate.name, "partner": partner},
            code="consent_missing",
        )
    referral = Referral.objects.create(
        inmate=inmate,
        partner=partner,
        need=need,
        consent=consent,
        purpose=purpose,
        contact=contact,
        needs_custody=needs_custody,
        created_by=by,
    )
    audit.record(
        "referral.create",
        by=by,
        target=referral,
        facility=inmate.facility_id,
        changes={"partner": partner.pk, "purpose": purpose, "needs_custody": needs_custody},
    )
    _tell_about_referral(referral, RS.SENT, by)
    return referral


def referral_sides(user: User, referral: Referral) -> frozenset[str]:
    found = set()
    if _officer_of(user, referral.inmate):
        found.add(FACILITY)
    if has_perm(user, "reintegration.answer_referral", referral):
        found.add(PARTNER)
    return frozenset(found)


@transaction.atomic
def transition_referral(
    *, referral: Referral, to: str, by: User, outcome: str = "", note: str = ""
) -> Referral:
    referral = Referral.objects.select_for_update().select_related("inmate").get(pk=referral.pk)
    mine = referral_sides(by, referral)
    if not mine:
        raise PermissionDenied(_("Only the facility and the partner of a referral move it."))
    if PARTNER not in mine:
        # After the release the facility no longer moves its referrals; the partner
        # still answers those that go on outside (a job, an identity card).
        _refuse_if_released(referral.inmate)
    moves = moves_from(REFERRAL_MOVES, referral.status, mine)
    if to not in [move.to for move in moves]:
        raise Conflict(
            _("This referral is “%(status)s”: what you may do now is %(allowed)s.")
            % {"status": referral.get_status_display(), "allowed": verbs(moves)},
            code="invalid_transition",
        )
    if to == RS.COMPLETED and outcome not in Outcome.values:
        raise ValidationError(
            {"outcome": [_("Record the outcome: achieved, partly achieved or not achieved.")]}
        )
    if to == RS.DECLINED and not note.strip():
        raise ValidationError({"note": [_("Say why the referral is declined.")]})
    previous = referral.status
    referral.status = to
    if to == RS.COMPLETED:
        referral.outcome = outcome
    if note:
        referral.outcome_note = note
    referral.save(update_fields=["status", "outcome", "outcome_note", "updated_at"])
    audit.record(
        "referral.transition",
        by=by,
        target=referral,
        facility=referral.inmate.facility_id,
        changes={"status": [previous, to], "outcome": outcome, "note": note},
    )
    if to == RS.COMPLETED:
        _settle_need(referral, by)
    _tell_about_referral(referral, to, by)
    return referral


def _cancel_at_release(referral: Referral, by: User) -> None:
    """End a referral that was only for while in custody (e-KTP recording inside the
    facility) because its person is released: like any move, in its history and the
    audit trail, and its partner is told (it leaves their worklist)."""
    previous = referral.status
    referral.status = RS.CANCELLED
    referral.outcome_note = str(_("Cancelled at release: only for while in custody."))
    referral._history_user = by  # type: ignore[attr-defined]
    referral.save(update_fields=["status", "outcome_note", "updated_at"])
    audit.record(
        "referral.transition",
        by=by,
        target=referral,
        facility=referral.inmate.facility_id,
        changes={"status": [previous, RS.CANCELLED], "reason": "release"},
    )
    _tell_about_referral(referral, RS.CANCELLED, by)


# What the outcome of a completed referral makes of the need it served: met when
# achieved; otherwise the need stays open (in progress), with the outcome in its history.
NEED_AFTER_OUTCOME = {
    Outcome.ACHIEVED: NeedStatus.MET,
    Outcome.PARTLY: NeedStatus.IN_PROGRESS,
    Outcome.NOT_ACHIEVED: NeedStatus.IN_PROGRESS,
}


def _settle_need(referral: Referral, by: User) -> None:
    """The need a completed referral served takes its outcome: its status (met when
    achieved, else in progress) and an update in its history naming the partner, the
    outcome and the partner's note. A need the facility already settled (met, declined,
    not needed) is left as it is."""
    from sinergi.reintegration.choices import OPEN_NEED_STATUSES

    if referral.need_id is None:
        return
    need = Need.objects.select_for_update().select_related("plan").get(pk=referral.need_id)
    if need.status not in OPEN_NEED_STATUSES:
        return
    previous = need.status
    need.status = NEED_AFTER_OUTCOME[Outcome(referral.outcome)]
    need.save(update_fields=["status", "updated_at"])
    # The update names the referral; its page says "Referral to … completed: …" in the
    # reader's language, then the partner's own note as written.
    NeedUpdate.objects.create(
        need=need, status=need.status, note=referral.outcome_note, by=by, referral=referral
    )
    audit.record(
        "need.update",
        by=by,
        target=need,
        facility=referral.inmate.facility_id,
        changes={"status": [previous, need.status], "referral": referral.pk},
    )


def _facility_officers(facility_id: int) -> Any:
    from sinergi.cooperation.queries import facility_staff

    return facility_staff(facility_id)


def _tell_about_referral(referral: Referral, to: str, by: User) -> None:
    """Tell the receiver of a referral's move: the partner's users of a referral sent or
    cancelled (without the person's name: it may leave by e-mail to an outside
    organisation; the link shows the rest to those allowed), the referring facility's
    officers and head and the one who referred of an answer (accepted, declined,
    completed). Never the user who moved it; each move once (a key)."""
    from sinergi.cooperation.queries import partner_users

    url = referral.get_absolute_url()
    key = f"referral:{referral.pk}:{to}"
    facility = referral.inmate.facility
    if to in (RS.SENT, RS.CANCELLED):
        title = (
            gettext_lazy("New referral #%(number)s from %(facility)s: %(purpose)s")
            if to == RS.SENT
            else gettext_lazy("%(facility)s cancelled referral #%(number)s: %(purpose)s")
        )
        notify(
            [u for u in partner_users(referral.partner_id) if u.pk != by.pk],
            title=Text(title, number=referral.pk, facility=facility.name, purpose=referral.purpose),
            body=referral.outcome_note if to == RS.CANCELLED else referral.contact,
            url=url,
            key=key,
        )
        return
    titles = {
        RS.ACCEPTED: gettext_lazy("%(partner)s accepted the referral of %(name)s"),
        RS.DECLINED: gettext_lazy("%(partner)s declined the referral of %(name)s"),
        RS.COMPLETED: gettext_lazy("%(partner)s completed the referral of %(name)s: %(outcome)s"),
    }
    if to not in titles:
        return
    receivers = list(_facility_officers(facility.pk))
    if referral.created_by is not None and referral.created_by not in receivers:
        receivers.append(referral.created_by)
    notify(
        [u for u in receivers if u.pk != by.pk],
        title=Text(
            titles[RS(to)],
            partner=referral.partner.name,
            name=referral.inmate.name,
            outcome=Outcome(referral.outcome).label if referral.outcome else "",
        ),
        body=referral.outcome_note,
        url=url,
        key=key,
    )


@transaction.atomic
def shared_fields(*, referral: Referral, by: User) -> dict[str, Any]:
    """What a partner may see of the referred person, and the read is audited."""
    audit.record("referral.view", by=by, target=referral, facility=referral.inmate.facility_id)
    return referral_fields(referral)


def referral_fields(referral: Referral) -> dict[str, Any]:
    """The fields of the referred person that the partner needs, and nothing more."""
    need = referral.need
    return {
        "name": referral.inmate.name,
        "birth_date": referral.inmate.birth_date,
        "home_regency": referral.inmate.home_regency,
        "need": need.get_pathway_display() if need else "",
        "purpose": referral.purpose,
        "contact": referral.contact,
    }


# --- release, hand-over, follow-up, re-admission --------------------------------------


SUPERVISED_RELEASE_KINDS = frozenset({ReleaseKind.PB, ReleaseKind.CB, ReleaseKind.CMB})
"""The releases served outside under a Bapas's supervision (bimbingan by a PK)."""


DECREE_RELEASE_KINDS = frozenset(
    {ReleaseKind.PB, ReleaseKind.CB, ReleaseKind.CMB, ReleaseKind.ASIMILASI}
)
"""The releases granted by a decree (SK): their legal basis is the SK's number and date."""


def legal_basis_errors(*, inmate: Inmate, values: Mapping[str, Any]) -> dict[str, list[str]]:
    """The field errors of a release's legal basis: a release on a decree (PB, CB, CMB,
    asimilasi) names the SK's number and date; any release that names one names both.
    The SK is dated not before the detention start, not after the release nor after the
    facility's today. (The one place of the basis: a confirmation step builds on it.)"""
    number = values.get("sk_number") or ""
    day = values.get("sk_date")
    on_decree = values.get("kind") in DECREE_RELEASE_KINDS
    errors: dict[str, list[str]] = {"sk_number": [], "sk_date": []}
    if not isinstance(number, str):
        errors["sk_number"].append(_("Give a text."))
    elif len(number.strip()) > MAX_SK_NUMBER:
        errors["sk_number"].append(_("At most %(n)s characters.") % {"n": MAX_SK_NUMBER})
    elif not number.strip() and (on_decree or day is not None):
        errors["sk_number"].append(
            _("A release on a decree (PB, CB, CMB, asimilasi) names its SK.")
        )
    if day is None:
        if on_decree or (isinstance(number, str) and number.strip()):
            errors["sk_date"].append(_("Give the date of the SK."))
    else:
        released_on = values.get("released_on")
        latest = inmate.facility.today()
        if isinstance(released_on, datetime.date) and released_on < latest:
            latest = released_on
        errors["sk_date"] = _date_errors(day, earliest=_detention_start(inmate), latest=latest)
    return {field: found for field, found in errors.items() if found}


def sentence_release_due(inmate: Inmate) -> datetime.date | None:
    """The day the sentence ends for ``inmate``: the expiry after remisi (or the release
    day after a substitute term) that the sentence engine stored, as
    :func:`sinergi.inmates.queries.with_release_due` defines it; computed by the engine
    when never stored; None without a sentence or a fixed term."""
    from sinergi.inmates.calculation import calculation_for
    from sinergi.inmates.models import Sentence
    from sinergi.inmates.queries import with_release_due

    due: datetime.date | None = (
        with_release_due(Inmate.objects.filter(pk=inmate.pk))
        .values_list("sentence_due", flat=True)
        .first()
    )
    if due is None and Sentence.objects.filter(inmate_id=inmate.pk).exists():
        result = calculation_for(inmate)
        due = result.release_date or result.expiry_after_remission
    return due


def _full_term_errors(inmate: Inmate, values: Mapping[str, Any]) -> list[str]:
    """A release at the end of the sentence is not before the sentence's end (after
    remisi): an earlier day is a right (PB, CB, CMB, asimilasi) with its SK, or a
    sentence to correct first."""
    released_on = values.get("released_on")
    if values.get("kind") != ReleaseKind.EXPIRY or not isinstance(released_on, datetime.date):
        return []
    due = sentence_release_due(inmate)
    if due is None or released_on >= due:
        return []
    from django.utils.formats import date_format

    return [
        _(
            "The sentence ends (after remisi) on %(date)s: a release at the end of the "
            "sentence is not before it. If the sentence's dates are wrong, correct the "
            "sentence first; an earlier release is a right with its SK."
        )
        % {"date": date_format(due, "DATE_FORMAT")}
    ]


def _conditional_release_errors(inmate: Inmate, values: Mapping[str, Any]) -> list[str]:
    """A conditional release (PB, CB, CMB) is served outside before the sentence ends:
    on or after the sentence's end (after remisi) there is nothing left to serve on
    conditions, and the release is one at the end of the sentence."""
    released_on = values.get("released_on")
    if values.get("kind") not in SUPERVISED_RELEASE_KINDS or not isinstance(
        released_on, datetime.date
    ):
        return []
    due = sentence_release_due(inmate)
    if due is None or released_on < due:
        return []
    from django.utils.formats import date_format

    return [
        _(
            "The sentence ends (after remisi) on %(date)s: a conditional release (PB, CB, "
            "CMB) on or after that day is not possible. Record a release at the end of "
            "the sentence (bebas murni) instead."
        )
        % {"date": date_format(due, "DATE_FORMAT")}
    ]


RELEASE_TEXT_LIMITS = {"address": 300, "phone": 100, "guarantor": 200}


def release_errors(*, inmate: Inmate, values: Mapping[str, Any]) -> dict[str, list[str]]:
    """The field errors of a release of ``inmate`` with ``values`` (empty when valid)."""
    today = inmate.facility.today()
    bapas = values.get("bapas")
    officer = values.get("probation_officer")
    errors: dict[str, list[str]] = {
        "released_on": _date_errors(
            values.get("released_on"),
            earliest=_detention_start(inmate),
            latest=today + datetime.timedelta(days=1),
        ),
        "kind": [] if values.get("kind") in ReleaseKind.values else [_("Choose the kind.")],
        "savings_rupiah": _whole_number_errors(
            values.get("savings_rupiah", 0), low=0, high=MAX_SAVINGS_RUPIAH
        ),
        "leaves_with": [_("At most %(n)s characters.") % {"n": MAX_TEXT}]
        if len(values.get("leaves_with", "") or "") > MAX_TEXT
        else [],
        "bapas": [],
        "probation_officer": [],
    }
    if bapas is None and values.get("kind") in SUPERVISED_RELEASE_KINDS:
        # PB, CB and CMB are served outside under a Bapas's supervision (its PK guides
        # the person and records the follow-ups): the hand-over names the Bapas.
        errors["bapas"].append(_("A conditional release (PB, CB, CMB) is handed over to a Bapas."))
    elif bapas is not None and (
        not isinstance(bapas, Facility) or bapas.kind != FacilityKind.BAPAS or not bapas.is_active
    ):
        # An active Bapas: the same set the release form offers.
        errors["bapas"].append(_("Hand over to a Bapas."))
    elif officer is not None:
        if bapas is None:
            errors["probation_officer"].append(_("Choose the Bapas of the probation officer."))
        elif not probation_officers(bapas).filter(pk=officer.pk).exists():
            errors["probation_officer"].append(
                _("Choose a probation officer of %(bapas)s.") % {"bapas": bapas}
            )
    for name, limit in RELEASE_TEXT_LIMITS.items():
        if len(values.get(name, "") or "") > limit:
            errors[name] = [_("At most %(n)s characters.") % {"n": limit}]
    if not errors["released_on"]:
        errors["released_on"] = _full_term_errors(inmate, values) + (
            _conditional_release_errors(inmate, values)
        )
    errors |= legal_basis_errors(inmate=inmate, values=values)
    return {field: found for field, found in errors.items() if found}


def release_review(inmate: Inmate) -> dict[str, Any]:
    """What a release leaves behind, shown before it is confirmed (the page's review,
    the API's 409): the needs still open, the consents that stand, and the referrals
    still running (those that need custody end with the release)."""
    from sinergi.reintegration.choices import OPEN_NEED_STATUSES

    return {
        "open_needs": list(
            Need.objects.filter(plan__inmate=inmate, status__in=OPEN_NEED_STATUSES)
            .select_related("partner")
            .order_by("pathway")
        ),
        "consents": list(
            Consent.objects.filter(inmate=inmate, withdrawn_on__isnull=True)
            .select_related("partner")
            .order_by("given_on", "id")
        ),
        "open_referrals": list(
            Referral.objects.filter(
                inmate=inmate, status__in=[RS.SENT, RS.ACCEPTED, RS.IN_PROGRESS]
            )
            .select_related("partner")
            .order_by("created_at", "id")
        ),
    }


@transaction.atomic
def record_release(*, inmate: Inmate, values: Mapping[str, Any], by: User) -> Any:
    """Release ``inmate``: its status becomes released (ending open enrolments), referrals
    that need custody are cancelled, and follow-ups at 1, 3, 6 and 12 months are due.

    Dates and amounts are bounded (released not before the detention start nor after
    the facility's tomorrow, savings 0 to a billion rupiah), the probation officer is one
    of the chosen Bapas; a second release of the same person is a 409, also when both
    arrive at once (the inmate's row is locked)."""
    from sinergi.inmates import actions as inmate_actions
    from sinergi.reintegration.choices import FOLLOW_UP_MONTHS
    from sinergi.reintegration.models import FollowUp, Release

    require_perm(
        by,
        "reintegration.change_plan",
        inmate,
        message=_("Only program officers and heads record a release."),
    )
    # The inmate's row is locked and its status read again inside the lock.
    inmate.status = (
        Inmate.objects.select_for_update().filter(pk=inmate.pk).values_list("status", flat=True)
    ).get()
    if Release.objects.filter(inmate=inmate).exists():
        raise Conflict(_("This release is already recorded."), code="already_released")
    _check(release_errors(inmate=inmate, values=values))
    values = {
        **values,
        "savings_rupiah": int(values.get("savings_rupiah", 0) or 0),
        "sk_number": (values.get("sk_number") or "").strip(),
        "sk_date": values.get("sk_date"),
        **{name: (values.get(name) or "").strip() for name in RELEASE_TEXT_LIMITS},
    }
    try:
        with transaction.atomic():
            release = Release.objects.create(inmate=inmate, recorded_by=by, **values)
    except IntegrityError:  # SQLite takes no row lock: the unique inmate decides
        raise Conflict(_("This release is already recorded."), code="already_released") from None
    status = (
        InmateStatus.DECEASED
        if values.get("kind") == ReleaseKind.DEATH
        else (
            InmateStatus.TRANSFERRED
            if values.get("kind") == ReleaseKind.TRANSFER
            else InmateStatus.RELEASED
        )
    )
    if inmate.status == InmateStatus.IN_CUSTODY:
        inmate_actions.change_status(inmate=inmate, status=status, on=release.released_on, by=by)
    for referral in Referral.objects.filter(
        inmate=inmate, needs_custody=True, status__in=[RS.SENT, RS.ACCEPTED, RS.IN_PROGRESS]
    ).select_related("inmate__facility"):
        _cancel_at_release(referral, by)
    if status == InmateStatus.RELEASED:
        FollowUp.objects.bulk_create(
            [
                FollowUp(release=release, month=m, due_on=_add_months(release.released_on, m))
                for m in FOLLOW_UP_MONTHS
            ]
        )
    audit.record(
        "release.create",
        by=by,
        target=release,
        facility=inmate.facility_id,
        changes={
            name: getattr(value, "pk", value)
            if not isinstance(value, datetime.date)
            else value.isoformat()
            for name, value in values.items()
        },
    )
    _tell_about_handover(release)
    return release


def handover_receivers(release: Any) -> Any:
    """Whom a hand-over is sent to: the probation officer named, or, with none named,
    the Bapas's active probation officers and head (who assigns one)."""
    if release.bapas_id is None:
        return User.objects.none()
    if release.probation_officer_id is not None:
        return User.objects.filter(pk=release.probation_officer_id, is_active=True)
    return User.objects.filter(
        is_active=True,
        memberships__facility_id=release.bapas_id,
        memberships__role__in=(Role.PROBATION_OFFICER, Role.HEAD),
        memberships__is_active=True,
    ).distinct()


def _tell_about_handover(release: Any) -> None:
    """Tell the receivers of a hand-over (``handover_receivers``) who was handed to them,
    how, and when the first follow-up is due, with a link to that follow-up."""
    if release.bapas_id is None:
        return
    first = release.follow_ups.order_by("month").first()
    inmate = release.inmate
    notify(
        handover_receivers(release),
        title=Text(
            gettext_lazy("Hand-over from %(facility)s: %(name)s (%(kind)s)"),
            facility=inmate.facility.name,
            name=inmate.name,
            kind=ReleaseKind(release.kind).label,
        ),
        body=Text(
            gettext_lazy("Released on %(date)s. First follow-up due %(due)s.")
            if first is not None
            else gettext_lazy("Released on %(date)s."),
            date=release.released_on,
            due=first.due_on if first is not None else "",
        ),
        url=(
            reverse("reintegration:follow_up", args=[first.pk])
            if first is not None
            else reverse("reintegration:follow_ups")
        ),
        key=f"handover:{release.pk}",
    )


def may_acknowledge_handover(user: User, release: Any) -> bool:
    """The receiving Bapas's probation officers acknowledge a hand-over, while it is
    not acknowledged yet."""
    return release.acknowledged_at is None and has_perm(
        user, "reintegration.acknowledge_handover", release
    )


@transaction.atomic
def acknowledge_handover(*, release: Any, by: User) -> Any:
    """A probation officer of the Bapas ``release`` was handed over to acknowledges the
    hand-over (serah terima), once: who and when are kept (with the release's history
    and the audit), the officer becomes the person's probation officer when none was
    named, and the facility's officer who recorded the release is told. A second
    acknowledgement is a 409; anyone else is refused."""
    from sinergi.reintegration.models import Release

    require_perm(
        by,
        "reintegration.acknowledge_handover",
        release,
        message=_("Only the probation officers of the Bapas the person was handed over to."),
    )
    release = (
        Release.objects.select_for_update(of=("self",))
        .select_related("inmate__facility", "bapas")
        .get(pk=release.pk)
    )
    if release.acknowledged_at is not None:
        raise Conflict(_("This hand-over is already acknowledged."), code="already_acknowledged")
    release.acknowledged_at = timezone.now()
    release.acknowledged_by = by
    fields = ["acknowledged_at", "acknowledged_by", "updated_at"]
    if release.probation_officer_id is None:
        release.probation_officer = by
        fields.append("probation_officer")
    release.save(update_fields=fields)
    audit.record(
        "release.handover.acknowledge",
        by=by,
        target=release,
        facility=release.inmate.facility_id,
        changes={
            "acknowledged_at": release.acknowledged_at.isoformat(),
            "acknowledged_by": by.pk,
            "probation_officer": release.probation_officer_id,
        },
    )
    inmate = release.inmate
    notify(
        [u for u in [release.recorded_by] if u is not None and u.pk != by.pk],
        title=Text(
            gettext_lazy("%(bapas)s acknowledged the hand-over of %(name)s"),
            bapas=release.bapas.name if release.bapas else "",
            name=inmate.name,
        ),
        body=Text(
            gettext_lazy("Acknowledged by %(officer)s."),
            officer=by.get_full_name() or by.username,
        ),
        url=reverse("reintegration:plan", args=[inmate.pk]),
        key=f"handover-acknowledged:{release.pk}",
    )
    return release


def _add_months(day: datetime.date, months: int) -> datetime.date:
    from sinergi.sentences import add_calendar

    return add_calendar(day, months=months)


def may_record_follow_up(user: User, release: Any) -> bool:
    """Follow-ups belong to the Bapas the person was handed over to: its probation
    officers record them (the facility reads them). A release handed to no Bapas is
    followed up by the facility's program officers and heads. A partner never records
    them: it records the outcome of its own referral."""
    return has_perm(user, "reintegration.record_follow_up", release)


FOLLOW_UP_TEXT_LIMITS = {
    "income_source": 200,
    "housing": 200,
    "family": 200,
    "referrals_used": 300,
    "note": MAX_NOTE,
}
FOLLOW_UP_FIELDS = frozenset(
    {*FOLLOW_UP_TEXT_LIMITS, "contact_made", "new_offence", "work_status", "done_on"}
)


def follow_up_errors(*, follow_up: Any, values: Mapping[str, Any]) -> dict[str, list[str]]:
    """The field errors of ``values`` for ``follow_up`` (empty when valid): done after
    the release and not in the future, a work status of the list, texts that fit."""
    release = follow_up.release
    errors: dict[str, list[str]] = {
        name: [_("Unknown field.")] for name in values if name not in FOLLOW_UP_FIELDS
    }
    if "done_on" in values:
        errors["done_on"] = _date_errors(
            values["done_on"],
            earliest=release.released_on,
            latest=release.inmate.facility.today(),
            required=False,
        )
    if values.get("work_status", "") not in ("", *WorkStatus.values):
        errors["work_status"] = [_("Choose a work status of the list.")]
    for name, limit in FOLLOW_UP_TEXT_LIMITS.items():
        if len(str(values.get(name, "") or "")) > limit:
            errors[name] = [_("At most %(n)s characters.") % {"n": limit}]
    return {field: found for field, found in errors.items() if found}


@transaction.atomic
def record_follow_up(*, follow_up: Any, values: Mapping[str, Any], by: User) -> Any:
    from sinergi.reintegration.models import FollowUp

    follow_up = (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("release__inmate__facility")
        .get(pk=follow_up.pk)
    )
    release = follow_up.release
    require_perm(
        by,
        "reintegration.record_follow_up",
        release,
        message=_("Only the probation officers of the Bapas the person was handed over to."),
    )
    _check(follow_up_errors(follow_up=follow_up, values=values))
    values = dict(values)
    done_on = values.pop("done_on", None)
    changes = audit.diff(follow_up, values)
    for name, value in values.items():
        setattr(follow_up, name, value)
    follow_up.done_on = done_on or follow_up.done_on or release.inmate.facility.today()
    follow_up.done_by = by
    follow_up.save()
    audit.record(
        "follow_up.record",
        by=by,
        target=follow_up,
        facility=release.inmate.facility_id,
        changes={**changes, "done_on": follow_up.done_on.isoformat()},
    )
    return follow_up


@transaction.atomic
def detect_readmissions(*, inmate_ids: list[int], by: User | None) -> int:
    """Link newly admitted inmates to an earlier release of the same person (by NIK, or
    by name and birth date). Returns the number found.

    Called by the inmates app when people are admitted (``inmates.actions.admitted``):
    ``by`` is the user whose action admitted them (None for an import run with no user),
    kept on each re-admission; all of them are linked or none."""
    from sinergi.reintegration.models import Readmission, Release

    # ``in_array``: the people as one array parameter on PostgreSQL, where ``__in`` gave
    # each of them a parameter of its own (an import's chunk of 5,000 people in four
    # statements: 20,000 values quoted one by one on the client, a sixth of the import of
    # a new file).
    new = list(
        Inmate.objects.filter(pk__in_array=inmate_ids).values("pk", "nik", "name", "birth_date")
    )
    if not new:
        return 0
    # The releases are read as (id, key) pairs, latest first, and only a match becomes a
    # row: an import's chunk of 5,000 people shares its birth dates with a fifth of a
    # country's releases, which were each loaded with their inmate (24 s per chunk).
    releases = (
        Release.objects.exclude(inmate_id__in_array=inmate_ids)
        .order_by("-released_on", "-id")
        .values_list("pk", "inmate__nik", "inmate__name", "inmate__birth_date")
    )
    found: list[Readmission] = []
    matched: set[int] = set()

    def link(person_id: int | None, release_id: int, how: str) -> None:
        if person_id is not None and person_id not in matched:
            matched.add(person_id)
            found.append(
                Readmission(
                    earlier_release_id=release_id,
                    new_inmate_id=person_id,
                    matched_by=how,
                    detected_by=by,
                )
            )

    by_nik = {n["nik"]: n["pk"] for n in new if n["nik"]}
    if by_nik:
        for release_id, nik, _name, _born in releases.filter(inmate__nik__in_array=list(by_nik)):
            link(by_nik[nik], release_id, MatchedBy.NIK)
    rest = [n for n in new if n["pk"] not in matched and n["birth_date"]]
    if rest:
        keys = {(n["name"].strip().lower(), n["birth_date"]): n["pk"] for n in rest}
        candidates = releases.filter(
            inmate__birth_date__in_array=sorted({n["birth_date"] for n in rest})
        )
        for release_id, _nik, name, born in candidates.iterator(chunk_size=10_000):
            link(keys.get((name.strip().lower(), born)), release_id, MatchedBy.NAME_BIRTH_DATE)
    Readmission.objects.bulk_create(found, ignore_conflicts=True)
    return len(found)


# --- jobs -------------------------------------------------------------------------------


def job_matches(opening: Any, inmates: Any) -> Any:
    """Inmates (a queryset) matching ``opening``: one of its skills held (a valid
    certificate or a passed competency unit attests it) or a valid certificate of a
    program in one of its categories, when it asks for any (``skills.qualification``);
    and an offence category not excluded."""
    from sinergi.reintegration.skills import qualification

    matches = inmates
    if opening.excluded_crime_categories:
        matches = matches.exclude(sentence__crime_category__in=opening.excluded_crime_categories)
    wanted = qualification(opening)
    if wanted is not None:
        matches = matches.filter(wanted)
    return matches


@transaction.atomic
def post_job(*, partner: Any, values: Mapping[str, Any], by: User) -> Any:
    from sinergi.reintegration.models import JobOpening

    require_perm(
        by,
        "reintegration.post_job",
        partner,
        message=_("Only the employer's own users post its openings."),
    )
    _check(job_opening_errors(values))
    values = dict(values)
    skills = list(values.pop("skills", ()))  # of the shared vocabulary (programs.Skill)
    opening = JobOpening.objects.create(partner=partner, posted_by=by, **values)
    opening.skills.set(skills)
    audit.record(
        "job.post",
        by=by,
        target=opening,
        changes={
            **{
                name: value.isoformat() if isinstance(value, datetime.date) else value
                for name, value in values.items()
            },
            "skills": [s.name for s in skills],
        },
    )
    return opening


JOB_TEXT_LIMITS = {"title": 200, "sector": 100, "place": 150, "skills_wanted": MAX_TEXT}


def job_opening_errors(values: Mapping[str, Any]) -> dict[str, list[str]]:
    """The field errors of a job opening's ``values`` (empty when valid)."""
    from sinergi.inmates.choices import CrimeCategory
    from sinergi.programs.choices import ProgramCategory

    today = timezone.localdate()
    errors: dict[str, list[str]] = {
        "title": [] if str(values.get("title", "")).strip() else [_("Name the job.")],
        "vacancies": _whole_number_errors(values.get("vacancies", 1), low=1, high=MAX_VACANCIES),
        "closing_date": _date_errors(
            values.get("closing_date"),
            earliest=today,
            latest=today + datetime.timedelta(days=MAX_JOB_OPENING_DAYS),
        ),
    }
    for name, limit in JOB_TEXT_LIMITS.items():
        if len(str(values.get(name, "") or "")) > limit:
            errors.setdefault(name, []).append(_("At most %(n)s characters.") % {"n": limit})
    for name, known in (
        ("skill_categories", ProgramCategory.values),
        ("excluded_crime_categories", CrimeCategory.values),
    ):
        if any(c not in known for c in values.get(name, []) or []):
            errors[name] = [_("Choose categories of the list.")]
    return {field: found for field, found in errors.items() if found}


@transaction.atomic
def apply_for_job(*, opening: Any, inmate: Inmate, by: User) -> Any:
    from sinergi.reintegration.models import JobApplication

    require_perm(
        by,
        "reintegration.change_plan",
        inmate,
        message=_("Only program officers and heads apply for an inmate."),
    )
    if opening.closing_date < timezone.localdate():
        raise Conflict(_("This opening has closed."), code="closed")
    if not job_matches(opening, Inmate.objects.filter(pk=inmate.pk)).exists():
        raise Conflict(_("The person does not meet the opening's conditions."), "no_match")
    if valid_consent(inmate, opening.partner) is None:
        raise Conflict(
            _("No valid consent of %(name)s for sharing data with %(partner)s.")
            % {"name": inmate.name, "partner": opening.partner},
            code="consent_missing",
        )
    application, created = JobApplication.objects.get_or_create(
        opening=opening, inmate=inmate, defaults={"created_by": by}
    )
    if not created:
        raise Conflict(_("Already applied."), code="already_applied")
    audit.record("job.apply", by=by, target=application, facility=inmate.facility_id)
    return application


@transaction.atomic
def update_application(*, application: Any, status: str, note: str, by: User) -> Any:
    from sinergi.reintegration.choices import ApplicationStatus

    require_perm(
        by,
        "reintegration.update_application",
        application,
        message=_("Only the facility or the employer."),
    )
    _check(
        {
            "status": []
            if status in ApplicationStatus.values
            else [_("Choose a status of the list.")],
            "note": [_("At most 300 characters.")] if len(note) > 300 else [],
        }
    )
    previous = application.status
    application.status = status
    application.note = note
    application.save(update_fields=["status", "note", "updated_at"])
    audit.record(
        "job.application",
        by=by,
        target=application,
        facility=application.inmate.facility_id,
        changes={"status": [previous, status]},
    )
    return application


@transaction.atomic
def attach_signed_form(*, consent: Consent, upload: Any, by: User) -> Consent:
    """Keep the scan of the signed consent form (PDF, JPEG or PNG, checked)."""
    from django.core.exceptions import ValidationError

    from sinergi.cooperation.validators import validate_evidence

    require_perm(
        by,
        "reintegration.record_consent",
        consent.inmate,
        message=_("Only program officers, heads and the person's wali attach the form."),
    )
    # Allowed after the release too: the scan is the proof of a consent given before
    # it (signed on paper, scanned later), not a change to what is shared.
    try:
        validate_evidence(upload)
    except ValidationError as exc:
        raise Conflict(" ".join(exc.messages), code="bad_upload") from None
    consent.signed_form.save(upload.name, upload, save=False)
    consent.save(update_fields=["signed_form", "updated_at"])
    audit.record(
        "consent.signed_form",
        by=by,
        target=consent,
        facility=consent.inmate.facility_id,
        changes={"file": upload.name},
    )
    return consent
