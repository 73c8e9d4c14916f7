"""Every URL pattern and API operation x every demo role, on records of both facilities
and of partners: the status each role gets is the designed one (DESIGN.md).

- A record outside the reader's scope is a 404, never a 403 that confirms it exists; a
  403 only for a role that sees the record but may not do what the page does.
- Anonymous: pages redirect to the login page, the API answers 401.
- No 5xx, for anyone.
- A partner never reads a program's participants (issue 11, item 1).
- Writes by roles that must be refused change nothing.

The expectations are rules (which roles read what), in `READ` below; a URL pattern or
an API operation without an entry there fails `test_every_route_is_in_the_matrix`.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from sinergi.accounts.models import User
from sinergi.api.api import api as ninja_api
from tests.core.route_matrix_world import MISSING, ROLES, World, build

pytestmark = [pytest.mark.once, pytest.mark.django_db]

# --- every route -------------------------------------------------------------------------

# allauth pages reached only through a key sent by e-mail (a wrong key is the page's
# own answer, not the matrix's concern).
TOKEN_PAGES = {"account_confirm_email", "account_reset_password_from_key"}


def _walk(resolver: URLResolver, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry, inner)
        elif entry.name:
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), entry
        else:
            yield f"{namespace}:<unnamed {entry.pattern}>", entry


def page_routes() -> set[str]:
    """The name of every HTML (non-API) URL pattern the matrix must cover."""
    names = set()
    for name, _pattern in _walk(get_resolver()):
        if name.startswith("api:"):
            continue  # the API is covered operation by operation, below
        if name.startswith("admin:") and name != "admin:index":
            continue  # Django's admin internals: staff only, Django's own tests
        if name in TOKEN_PAGES:
            continue
        names.add(name)
    return names


def api_operations() -> set[str]:
    """Every API operation, as "METHOD /api/v1/path/{param}"."""
    schema = ninja_api.get_openapi_schema()
    return {
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method in operations
    }


# --- the records each route is tried on ---------------------------------------------------

# route name -> the kind of record its path parameters name (route_matrix_world.World)
ROUTE_OBJECTS: dict[str, str] = {
    "orgs:facility_detail": "facility_code",
    "orgs:partner_detail": "partner_code",
    "orgs:facility_letterhead": "facility_code",
    "orgs:facility_signatory_new": "facility_code",
    "orgs:facility_signatory_edit": "signatory",
    "orgs:facility_signatory_delete": "signatory",
    "orgs:region_letterhead": "region_code",
    "orgs:region_signatory_new": "region_code",
    "orgs:region_signatory_edit": "region_signatory",
    "orgs:region_signatory_delete": "region_signatory",
    "inmates:import_detail": "import",
    "inmates:import_errors": "import",
    "inmates:import_retry": "import",
    "inmates:import_checked": "import",
    "inmates:detail": "inmate",
    "inmates:edit": "inmate",
    "inmates:sentence_edit": "inmate",
    "inmates:remission_create": "inmate",
    "inmates:disciplinary_create": "inmate",
    "inmates:disciplinary_edit": "disciplinary",
    "inmates:detention_create": "inmate",
    "inmates:detention_edit": "detention",
    "inmates:detention_delete": "detention",
    "inmates:consecutive_create": "inmate",
    "inmates:consecutive_edit": "consecutive",
    "inmates:consecutive_delete": "consecutive",
    "inmates:assessment_create": "inmate",
    "inmates:status": "inmate",
    "inmates:wali": "inmate",
    "inmates:recalculation": "recalculation",
    "programs:holiday_remove": "holiday",
    "programs:session": "session",
    "programs:session_cancel": "session",
    "programs:session_restore": "session",
    "programs:session_sheet": "session",
    "programs:enrollment": "enrollment",
    "programs:enrollment_end": "enrollment",
    "programs:certificate_issue": "enrollment",
    "programs:enrollment_complete_early": "enrollment",
    "programs:enrollment_competency_certification": "enrollment",
    "programs:waiting_decide": "waiting",
    "programs:certificate_pdf": "certificate",
    "programs:certificate_revoke": "certificate",
    "programs:record_pdf": "inmate_pk",
    "programs:detail": "program",
    "programs:edit": "program",
    "programs:transition": "program",
    "programs:candidates": "program",
    "programs:enroll": "program",
    "programs:enrol_many": "program",
    "programs:sessions": "program",
    "programs:session_add": "program",
    "cooperation:request": "request",
    "cooperation:request_transition": "request",
    "cooperation:request_comment": "request",
    "cooperation:request_fulfil": "request",
    "cooperation:evidence": "delivery",
    "cooperation:agreement": "agreement",
    "cooperation:agreement_edit": "agreement",
    "cooperation:agreement_approve": "agreement",
    "cooperation:agreement_document": "agreement",
    "cooperation:meeting": "meeting",
    "cooperation:meeting_edit": "meeting",
    "cooperation:meeting_attach": "meeting",
    "cooperation:meeting_attachment": "meeting_document",
    "cooperation:action_close": "action",
    "cooperation:contribution": "partner_code",
    "cooperation:contribution_records": "partner_records",
    "reintegration:plan": "inmate_pk",
    "reintegration:person_jobs": "inmate",
    "reintegration:consent_create": "inmate_pk",
    "reintegration:referral_create": "inmate_pk",
    "reintegration:need_update": "need",
    "reintegration:consent_withdraw": "consent",
    "reintegration:consent_form": "consent",
    "reintegration:consent_signed": "consent",
    "reintegration:consent_file": "consent",
    "reintegration:release": "inmate_pk",
    "reintegration:handover_pdf": "inmate_pk",
    "reintegration:handover_acknowledge": "inmate_pk",
    "reintegration:follow_up": "follow_up",
    "reintegration:job": "job",
    "reintegration:referral": "referral",
    "reintegration:referral_transition": "referral",
    "proposals:detail": "proposal",
    "proposals:move": "proposal",
    "proposals:document_add": "proposal",
    "proposals:reference": "proposal",
    "proposals:document": "proposal_document",
    "proposals:start": "proposal_start",
    "proposals:litmas_detail": "litmas",
    "proposals:litmas_assign": "litmas",
    "proposals:litmas_submit": "litmas",
    "proposals:litmas_file": "litmas",
    "proposals:litmas_letter": "litmas",
    "proposals:tpp_detail": "tpp_meeting",
    "proposals:tpp_edit": "tpp_meeting",
    "proposals:tpp_decide": "tpp_meeting",
    "proposals:tpp_minutes": "tpp_meeting",
    "proposals:tpp_letter": "tpp_letter",
    "proposals:tpp_decision_remove": "tpp_decision",
    "proposals:sdp_import_detail": "sdp_import",
    "proposals:sdp_import_confirm": "sdp_import",
    "proposals:sdp_import_problems": "sdp_import",
    "indicators:facility": "facility_pk",
    "indicators:region": "region_pk",
    "indicators:partner": "partner_pk",
    "indicators:records": "facility_pk",
    "indicators:report": "report",
    "indicators:report_pdf": "report",
    "indicators:report_xlsx": "report",
    "indicators:report_regenerate": "report",
    "indicators:report_sign_off": "report",
    "indicators:report_edition_pdf": "report_edition",
    "public:region": "region_pk",
    "public:facility": "facility_pk",
    "verify": "certificate_code",
    "accounts:revoke_token": "token",
    "privacy:export": "inmate_pk",
}

# API path parameter -> the kind of record
API_PARAMS = {
    "inmate_id": "inmate",
    "program_id": "program",
    "session_id": "session",
    "enrollment_id": "enrollment",
    "request_id": "request",
    "referral_id": "referral",
    "follow_up_id": "follow_up",
    "proposal_id": "proposal",
    "litmas_id": "litmas",
    "meeting_id": "tpp_meeting",
    "coordination_meeting_id": "meeting",
    "import_id": "sdp_import",
    "batch_id": "import",
}
# "{code}" names a facility in one operation and a certificate in the other
API_CODE = {
    "GET /api/v1/facilities/{code}": "facility_code",
    "GET /api/v1/certificates/{code}/verify": "certificate_code",
    # a document of a proposal: both ids in the path
    "GET /api/v1/proposals/{proposal_id}/documents/{document_id}/file": "proposal_document",
}


def api_kind(operation: str) -> str | None:
    if operation in API_CODE:
        return API_CODE[operation]
    params = re.findall(r"{(\w+)}", operation)
    return API_PARAMS[params[0]] if params else None


@dataclass(frozen=True)
class Target:
    route: str  # a route name, or an API operation "METHOD /path"
    label: str  # whose record: "selong-blk", "lobar", ... ("-": no path parameter)
    url: str


def page_targets(world: World, route: str) -> list[Target]:
    kind = ROUTE_OBJECTS.get(route)
    if kind is None:
        return [Target(route, "-", reverse(route))]
    if route == "indicators:records":
        # the records behind a facility's figure, for the facility's dashboard readers
        url = reverse(route, kwargs={"indicator_id": "participation.certificates"})
        year = datetime.date.today().year
        return [
            Target(route, label, f"{url}?scope=facility&id={kwargs['pk']}&period={year}")
            for label, kwargs in world.objects[kind].items()
        ]
    return [
        Target(route, label, reverse(route, kwargs=kwargs))
        for label, kwargs in world.objects[kind].items()
    ]


def api_targets(world: World, operation: str) -> list[Target]:
    path = operation.split(" ", 1)[1]
    kind = api_kind(operation)
    if kind is None:
        return [Target(operation, "-", path)]
    targets = []
    for label, kwargs in world.objects[kind].items():
        value = next(iter(kwargs.values()))  # pk, code, inmate_pk: the record's key
        url = re.sub(r"{\w+}", str(value), path)
        if kind == "proposal_document":
            proposal = world.objects["proposal"][label]["pk"]
            url = path.replace("{proposal_id}", str(proposal)).replace("{document_id}", str(value))
        if operation == "GET /api/v1/indicators/values":
            url += f"?scope=facility:{value}&period={datetime.date.today().year}"
        targets.append(Target(operation, label, url))
    return targets


# --- who may do what: the design, as rules ------------------------------------------------

ADMIN = "admin"
HEAD = "kalapas.selong"
OFFICER = "petugas.selong"
GUARDIAN = "wali.selong"
FACILITY_INSTRUCTOR = "instruktur.selong"
PARTNER_INSTRUCTOR = "instruktur.blk"  # BLK's instructor, teaching the welding class
DISNAKER = "mitra.disnaker"  # partner user; Disnaker delivers the welding and a completed class
DUKCAPIL = "mitra.dukcapil"  # partner user; holds a referral of a Selong person
EMPLOYER = "mitra.bengkel"  # partner user of a workshop that posts job openings
PROBATION = "pk.bapas"
LOBAR = "petugas.lobar"  # program officer of the other facility
KANWIL = "kanwil.ntb"
SIGNED_IN = frozenset(r for r in ROLES if r is not None)
SELONG_OFFICERS = frozenset({HEAD, OFFICER})
SELONG_STAFF = SELONG_OFFICERS | {GUARDIAN}
PARTNERS = frozenset({DISNAKER, DUKCAPIL, EMPLOYER})
INSTRUCTORS = frozenset({FACILITY_INSTRUCTOR, PARTNER_INSTRUCTOR})

# Whose eyes reach a record (kind -> label -> roles); "missing" (a record that does not
# exist) is seen by nobody, so whoever is outside a record's scope gets what a missing
# record gives: 404.
SELONG_PERSON = SELONG_STAFF | {ADMIN, KANWIL}
LOBAR_PERSON = frozenset({ADMIN, LOBAR, KANWIL})
BLK_CLASS = SELONG_PERSON | {PARTNER_INSTRUCTOR, DISNAKER}
SEES: dict[str, dict[str, frozenset[str]]] = {
    "inmate": {
        "selong-referred-dukcapil": SELONG_PERSON,
        "selong-released": SELONG_PERSON,
        "lobar": LOBAR_PERSON,
        "lobar-readmitted-no-sentence": LOBAR_PERSON,
    },
    "disciplinary": {"selong": SELONG_PERSON},
    "detention": {"selong": SELONG_PERSON},
    "consecutive": {"selong": SELONG_PERSON},
    "import": {"selong": SELONG_PERSON, "lobar": LOBAR_PERSON},
    # an import of SDP's proposal statuses: the facility's officers and head only
    "sdp_import": {"selong": SELONG_OFFICERS, "lobar": frozenset({LOBAR})},
    "recalculation": {"selong": SELONG_PERSON, "lobar": LOBAR_PERSON},
    "holiday": {"selong": SELONG_PERSON, "lobar": LOBAR_PERSON},
    "program": {
        "selong-blk": BLK_CLASS,
        "selong-facility-instructor": SELONG_PERSON | {FACILITY_INSTRUCTOR},
        "selong-completed": SELONG_PERSON | {DISNAKER},
        "lobar": LOBAR_PERSON,
    },
    "session": {
        "selong-blk": BLK_CLASS,
        "selong-facility-instructor": SELONG_PERSON | {FACILITY_INSTRUCTOR},
        "lobar": LOBAR_PERSON,
    },
    # participants: the facility's, never a partner's (issue 11 item 1)
    "enrollment": {
        "selong-blk": SELONG_PERSON,
        "selong-facility-instructor": SELONG_PERSON,
        "lobar": LOBAR_PERSON,
    },
    "waiting": {"selong-blk": SELONG_PERSON},
    "certificate": {"selong": SELONG_PERSON},
    "request": {
        "selong-disnaker": SELONG_PERSON | {DISNAKER},
        "lobar-dukcapil": LOBAR_PERSON | {DUKCAPIL},
    },
    "delivery": {"selong-disnaker": SELONG_PERSON | {DISNAKER}},
    "agreement": {"selong-disnaker": SELONG_PERSON | {DISNAKER, DUKCAPIL}},
    "meeting": {"selong": SELONG_PERSON | {FACILITY_INSTRUCTOR, DISNAKER, DUKCAPIL}},
    "action": {"selong": SELONG_PERSON | {FACILITY_INSTRUCTOR, DISNAKER, DUKCAPIL}},
    # a meeting's document: whoever sees the meeting
    "meeting_document": {"selong": SELONG_PERSON | {FACILITY_INSTRUCTOR, DISNAKER, DUKCAPIL}},
    "need": {"selong": SELONG_PERSON},
    "consent": {"selong-dukcapil": SELONG_PERSON},
    # follow-ups belong to the Bapas; the facility reads them (issue 11 item 5)
    "follow_up": {"selong-bapas": SELONG_OFFICERS | {ADMIN, PROBATION}},
    "referral": {"selong-dukcapil": SELONG_STAFF | {ADMIN, DUKCAPIL}},
    # a proposal: its facility's staff, the region, and the PK of a Bapas asked for its Litmas
    "proposal": {
        "selong": SELONG_PERSON,
        "selong-litmas": SELONG_PERSON | {PROBATION},
        "lobar": LOBAR_PERSON,
    },
    "proposal_document": {"selong": SELONG_PERSON},
    "proposal_start": {"selong": SELONG_PERSON, "lobar": LOBAR_PERSON},
    # a Litmas request: the asking facility's staff, its region, and the Bapas asked
    "litmas": {"selong": SELONG_PERSON | {PROBATION}},
    # a sidang TPP: the facility's staff and its region (never the Bapas)
    "tpp_meeting": {"selong": SELONG_PERSON, "lobar": LOBAR_PERSON},
    "tpp_letter": {"selong": SELONG_PERSON, "lobar": LOBAR_PERSON},
    "tpp_decision": {"selong": SELONG_PERSON},
    "job": {"bengkel": SELONG_STAFF | {ADMIN, FACILITY_INSTRUCTOR, EMPLOYER, PROBATION, LOBAR}},
    "report": {"selong": SELONG_PERSON},
    "report_edition": {"selong": SELONG_PERSON},
    "token": {"petugas.selong": frozenset({OFFICER})},
    # the directory: staff of facilities and regions see every partner, a partner's
    # users (and its instructors) their own organisation only
    "partner_code": {
        "disnaker": SIGNED_IN - {PARTNER_INSTRUCTOR, DUKCAPIL, EMPLOYER},
        "dukcapil": SIGNED_IN - {PARTNER_INSTRUCTOR, DISNAKER, EMPLOYER},
        "blk": SIGNED_IN - {DISNAKER, DUKCAPIL, EMPLOYER},
    },
    # the records behind a partner's figures: as its contribution page
    "partner_records": {
        "disnaker": SIGNED_IN - {PARTNER_INSTRUCTOR, DUKCAPIL, EMPLOYER},
        "dukcapil": SIGNED_IN - {PARTNER_INSTRUCTOR, DISNAKER, EMPLOYER},
        "blk": SIGNED_IN - {DISNAKER, DUKCAPIL, EMPLOYER},
    },
    "facility_code": {
        "selong": SELONG_PERSON | {FACILITY_INSTRUCTOR},
        "lobar": LOBAR_PERSON,
        "bapas": frozenset({ADMIN, PROBATION, KANWIL}),
    },
    "facility_pk": {
        "selong": SELONG_PERSON,
        "lobar": LOBAR_PERSON,
        "bapas": frozenset({ADMIN, PROBATION, KANWIL}),
    },
    "region_pk": {"ntb": frozenset({ADMIN, KANWIL})},
    # a regional office as its letterhead page finds it: the staff of its facilities see it
    "region_code": {
        "ntb": frozenset(
            {ADMIN, KANWIL, HEAD, OFFICER, GUARDIAN, FACILITY_INSTRUCTOR, PROBATION, LOBAR}
        )
    },
    "partner_pk": {
        "disnaker": frozenset({ADMIN, DISNAKER}),
        "dukcapil": frozenset({ADMIN, DUKCAPIL}),
        "blk": frozenset({ADMIN}),
    },
    "certificate_code": {"selong": SIGNED_IN},
}
SEES["inmate_pk"] = SEES["inmate"]
SEES["signatory"] = SEES["facility_code"]
SEES["region_signatory"] = SEES["region_code"]


def by_label(**labelled: frozenset[str] | set[str]) -> dict[str, frozenset[str]]:
    return {label.replace("_", "-"): frozenset(roles) for label, roles in labelled.items()}


@dataclass(frozen=True)
class Rule:
    """How one route answers.

    kind "page": GET reads it (200 for `may`, 403 for others who see the record, else 404).
    kind "form": the same for GET, and a POST by anyone outside `may` is refused alike.
    kind "action": POST only (GET is 405); a POST outside `may` is refused.
    kind "public": 200 for everyone, anonymous included.
    `may`: roles allowed, per label of the record ("*" for every label; left empty:
    whoever sees the record). `writers`: who may POST, when not the same as `may`.
    `refused`: roles refused the whole feature (403 whatever the record, a missing one
    included, so the 403 confirms nothing). `sees`: overrides the record kind's SEES.
    `fixed`: a status some roles get whatever the record (a redirect of allauth's).
    `redirected`: per label, roles out of the record's reach that are sent (302) to the
    page of what is shared with them (the Bapas a person was handed over to).
    """

    kind: str
    may: dict[str, frozenset[str]]
    refused: frozenset[str] = frozenset()
    sees: dict[str, frozenset[str]] | None = None
    anonymous: int | None = None  # what an anonymous visitor gets, if not the usual
    writers: dict[str, frozenset[str]] | None = None
    fixed: dict[str, int] = field(default_factory=dict)
    missing: int | None = None  # a public page's answer for a record that does not exist
    redirected: dict[str, frozenset[str]] = field(default_factory=dict)

    def allowed(self, label: str) -> frozenset[str]:
        return self.may.get(label, self.may.get("*", frozenset()))

    def may_write(self, label: str) -> frozenset[str]:
        if self.writers is None:
            return self.allowed(label)
        return self.writers.get(label, self.writers.get("*", frozenset()))


def page(may: Any = None, **options: Any) -> Rule:
    return Rule("page", _may(may), **options)


def form(may: Any = None, writers: Any = None, **options: Any) -> Rule:
    return Rule("form", _may(may), writers=None if writers is None else _may(writers), **options)


def action(may: Any, **options: Any) -> Rule:
    return Rule("action", _may(may), **options)


def redirect(**options: Any) -> Rule:
    """An allauth step that sends a signed-in user on (302), an anonymous one to log in."""
    return Rule("page", {}, fixed=dict.fromkeys(SIGNED_IN, 302), **options)


def public(**options: Any) -> Rule:
    return Rule("public", {"*": SIGNED_IN}, **options)


def _may(may: Any) -> dict[str, frozenset[str]]:
    if may is None:
        return {}  # whoever sees the record (see `expected_get`)
    if isinstance(may, dict):
        return {label: frozenset(roles) for label, roles in may.items()}
    return {"*": frozenset(may)}


EVERYONE = SIGNED_IN
FACILITY_SCOPED = SELONG_PERSON | {LOBAR}  # roles with person-level reads in a facility
WRITERS = SELONG_OFFICERS | {LOBAR}  # program officers and heads, each in their facility
PROGRAM_WRITE = by_label(
    selong_blk=SELONG_OFFICERS,
    selong_facility_instructor=SELONG_OFFICERS,
    selong_completed=SELONG_OFFICERS,
    lobar={LOBAR},
)
ENROLLMENT_WRITE = by_label(
    selong_blk=SELONG_OFFICERS, selong_facility_instructor=SELONG_OFFICERS, lobar={LOBAR}
)
INMATE_WRITE = by_label(
    selong_referred_dukcapil=SELONG_OFFICERS,
    selong_released=SELONG_OFFICERS,
    lobar={LOBAR},
    lobar_readmitted_no_sentence={LOBAR},
)
TEACHERS = by_label(
    selong_blk={ADMIN, HEAD, OFFICER, PARTNER_INSTRUCTOR},
    selong_facility_instructor={ADMIN, HEAD, OFFICER, FACILITY_INSTRUCTOR},
    lobar={ADMIN, LOBAR},
)
NOT_AN_OFFICER = SIGNED_IN - WRITERS
# A proposal's facility stages belong to its facility's staff (the wali included).
PROPOSAL_WRITE = by_label(selong=SELONG_STAFF, selong_litmas=SELONG_STAFF, lobar={LOBAR})
ANON_LOGIN = 302
LETTERHEAD = by_label(selong={ADMIN, HEAD}, lobar={ADMIN}, bapas={ADMIN})

READ: dict[str, Rule] = {
    # --- core, accounts, allauth
    "home": page(EVERYONE),
    "healthz": public(),
    "audit_list": page({ADMIN, HEAD}, refused=SIGNED_IN - {ADMIN, HEAD}),
    "audit_csv": page({ADMIN, HEAD}, refused=SIGNED_IN - {ADMIN, HEAD}),
    # Django's admin sends anyone who is not staff to its own login page
    "admin:index": Rule(
        "page", {"*": frozenset({ADMIN})}, fixed=dict.fromkeys(SIGNED_IN - {ADMIN}, 302)
    ),
    "javascript-catalog": public(),
    "set_language": action(EVERYONE, anonymous=405),  # anyone may choose a language
    "accounts:tokens": page(EVERYONE),
    "accounts:notifications": page(EVERYONE),
    "accounts:profile": form(EVERYONE),
    "accounts:revoke_token": action({OFFICER}),
    "account_login": redirect(anonymous=200),
    "account_logout": page(EVERYONE),
    "account_signup": redirect(anonymous=200),
    "account_inactive": public(),
    "account_reauthenticate": page(EVERYONE),
    "account_request_reauthentication_code": redirect(),
    "account_confirm_reauthentication_code": redirect(),
    "account_confirm_login_code": redirect(),
    "account_email": page(EVERYONE),
    "account_email_verification_sent": public(),
    "account_change_password": page(EVERYONE),
    "account_set_password": redirect(),
    "account_reset_password": public(),
    "account_reset_password_done": public(),
    "account_reset_password_from_key_done": public(),
    "mfa_index": page(EVERYONE),
    "mfa_authenticate": redirect(),
    "mfa_reauthenticate": redirect(),
    "mfa_activate_totp": redirect(),
    # nobody has a TOTP device in the demo: nothing to deactivate or show
    "mfa_deactivate_totp": page(set()),
    "mfa_view_recovery_codes": page(set()),
    "mfa_generate_recovery_codes": redirect(),
    "mfa_download_recovery_codes": page(set()),
    # --- organisations
    "orgs:facility_list": page(SIGNED_IN - {PARTNER_INSTRUCTOR} - PARTNERS),
    "orgs:facility_detail": page(),
    "orgs:partner_list": page(EVERYONE),
    "orgs:partner_detail": page(),
    # a unit's letterhead and signatories: its head (a facility's) and the administrators
    "orgs:facility_letterhead": form(LETTERHEAD),
    "orgs:facility_signatory_new": form(LETTERHEAD),
    "orgs:facility_signatory_edit": form(LETTERHEAD),
    "orgs:facility_signatory_delete": action(LETTERHEAD),
    "orgs:region_letterhead": form({ADMIN}),
    "orgs:region_signatory_new": form({ADMIN}),
    "orgs:region_signatory_edit": form({ADMIN}),
    "orgs:region_signatory_delete": action({ADMIN}),
    # --- inmates
    "inmates:list": page(FACILITY_SCOPED),
    "inmates:rights": page(FACILITY_SCOPED),
    "inmates:rights_export": page(FACILITY_SCOPED),
    "inmates:overdue_releases": page(FACILITY_SCOPED),
    # the people due for release today (the home card's link): who reaches the facility
    "inmates:releases_today": page(FACILITY_SCOPED),
    # the wali's monthly scoring sheet: their own people; nobody else has one (404)
    # the wali's own sheet; an officer or head chooses a wali of their facility (?wali=)
    "inmates:score_sheet": form({GUARDIAN, OFFICER, HEAD, LOBAR}),
    # naming the wali of the people ticked in the list: the facilities' officers
    "inmates:wali_bulk": action(WRITERS, refused=NOT_AN_OFFICER),
    "inmates:create": form(WRITERS, refused=NOT_AN_OFFICER),
    "inmates:import": form(WRITERS, refused=NOT_AN_OFFICER),
    "inmates:import_detail": page(
        by_label(selong=SELONG_OFFICERS, lobar={LOBAR}), refused=NOT_AN_OFFICER
    ),
    "inmates:import_errors": page(
        by_label(selong=SELONG_OFFICERS, lobar={LOBAR}), refused=NOT_AN_OFFICER
    ),
    "inmates:import_retry": action(
        by_label(selong=SELONG_OFFICERS, lobar={LOBAR}), refused=NOT_AN_OFFICER
    ),
    "inmates:import_checked": action(
        by_label(selong=SELONG_OFFICERS, lobar={LOBAR}), refused=NOT_AN_OFFICER
    ),
    # the Bapas a person was handed over to is taken to the hand-over
    "inmates:detail": page(redirected={"selong-released": frozenset({PROBATION})}),
    "inmates:edit": form(INMATE_WRITE),
    "inmates:sentence_edit": form(
        {**INMATE_WRITE, "lobar-readmitted-no-sentence": frozenset()},
        # no sentence to edit: a 404 for its own officer too
        sees={"lobar-readmitted-no-sentence": frozenset({ADMIN, KANWIL})},
    ),
    "inmates:remission_create": form(INMATE_WRITE),
    "inmates:disciplinary_create": form(INMATE_WRITE),
    "inmates:disciplinary_edit": form({"selong": SELONG_OFFICERS}),
    "inmates:detention_create": form(INMATE_WRITE),
    "inmates:detention_edit": form({"selong": SELONG_OFFICERS}),
    "inmates:detention_delete": action({"selong": SELONG_OFFICERS}),
    "inmates:consecutive_create": form(INMATE_WRITE),
    "inmates:consecutive_edit": form({"selong": SELONG_OFFICERS}),
    "inmates:consecutive_delete": action({"selong": SELONG_OFFICERS}),
    "inmates:assessment_create": form(
        {
            label: roles | ({GUARDIAN} if label.startswith("selong") else set())
            for label, roles in INMATE_WRITE.items()
        }
    ),
    "inmates:status": form(INMATE_WRITE),
    "inmates:wali": form(INMATE_WRITE),
    "inmates:recalculations": page(FACILITY_SCOPED),
    "inmates:recalculation": page(),
    # --- programs
    "programs:list": page(EVERYONE),
    "programs:create": form(WRITERS, refused=NOT_AN_OFFICER),
    "programs:my_sessions": page(EVERYONE),
    "programs:holidays": form(SELONG_STAFF | {LOBAR}),
    "programs:holiday_remove": action(by_label(selong=SELONG_OFFICERS, lobar={LOBAR})),
    "programs:session": form(TEACHERS),
    "programs:session_cancel": action(
        by_label(
            selong_blk=SELONG_OFFICERS, selong_facility_instructor=SELONG_OFFICERS, lobar={LOBAR}
        )
    ),
    "programs:session_restore": action(
        by_label(
            selong_blk=SELONG_OFFICERS, selong_facility_instructor=SELONG_OFFICERS, lobar={LOBAR}
        )
    ),
    "programs:session_sheet": page(TEACHERS),
    "programs:enrollment": form(
        by_label(
            selong_blk=SELONG_OFFICERS, selong_facility_instructor=SELONG_OFFICERS, lobar={LOBAR}
        )
    ),
    "programs:enrollment_end": action(
        by_label(
            selong_blk=SELONG_OFFICERS, selong_facility_instructor=SELONG_OFFICERS, lobar={LOBAR}
        )
    ),
    "programs:certificate_issue": action(
        by_label(
            selong_blk=SELONG_OFFICERS, selong_facility_instructor=SELONG_OFFICERS, lobar={LOBAR}
        )
    ),
    "programs:enrollment_complete_early": action(
        by_label(
            selong_blk=SELONG_OFFICERS, selong_facility_instructor=SELONG_OFFICERS, lobar={LOBAR}
        )
    ),
    "programs:enrollment_competency_certification": action(
        by_label(
            selong_blk=SELONG_OFFICERS, selong_facility_instructor=SELONG_OFFICERS, lobar={LOBAR}
        )
    ),
    "programs:waiting_decide": action(by_label(selong_blk=SELONG_OFFICERS)),
    "programs:certificate_pdf": page(),
    "programs:certificate_revoke": action({"selong": SELONG_OFFICERS}),
    "programs:record_pdf": page(),
    "programs:detail": page(),
    "programs:edit": form(PROGRAM_WRITE),
    "programs:transition": action(PROGRAM_WRITE),
    "programs:candidates": page(
        PROGRAM_WRITE,
        # the people who could join: the facility's officers' business only
        sees={
            "selong-blk": SELONG_PERSON,
            "selong-facility-instructor": SELONG_PERSON,
            "selong-completed": SELONG_PERSON,
        },
    ),
    "programs:enroll": action(PROGRAM_WRITE),
    "programs:enrol_many": page(
        PROGRAM_WRITE,
        # the people who could join: the facility's officers' business only
        sees={
            "selong-blk": SELONG_PERSON,
            "selong-facility-instructor": SELONG_PERSON,
            "selong-completed": SELONG_PERSON,
        },
    ),
    "programs:sessions": page(),
    "programs:session_add": form(PROGRAM_WRITE),
    "verify_form": public(),
    "verify": public(),
    # --- cooperation
    "cooperation:requests": page(EVERYONE),
    "cooperation:request_create": form(WRITERS, refused=NOT_AN_OFFICER),
    "cooperation:request": page(),
    "cooperation:request_transition": action(
        by_label(selong_disnaker=SELONG_OFFICERS | {DISNAKER}, lobar_dukcapil={LOBAR, DUKCAPIL})
    ),
    "cooperation:request_comment": action(
        by_label(selong_disnaker=SELONG_OFFICERS | {DISNAKER}, lobar_dukcapil={LOBAR, DUKCAPIL})
    ),
    "cooperation:request_fulfil": form(
        by_label(
            selong_disnaker=SELONG_PERSON | {DISNAKER}, lobar_dukcapil=LOBAR_PERSON | {DUKCAPIL}
        )
    ),
    "cooperation:evidence": page(),  # for those who see its request
    "cooperation:agreements": page(EVERYONE),
    "cooperation:agreement_create": form(WRITERS, refused=NOT_AN_OFFICER),
    "cooperation:agreement": page(),
    "cooperation:agreement_edit": form({"selong-disnaker": SELONG_OFFICERS}),
    "cooperation:agreement_approve": action({"selong-disnaker": {HEAD}}),
    "cooperation:agreement_document": page(),
    "cooperation:meetings": page(EVERYONE),
    "cooperation:meeting_create": form(WRITERS, refused=NOT_AN_OFFICER),
    "cooperation:meeting": page(),
    "cooperation:meeting_edit": form({"selong": SELONG_OFFICERS}),
    "cooperation:meeting_attach": action({"selong": SELONG_OFFICERS}),
    "cooperation:meeting_attachment": page(),
    "cooperation:action_close": action({"selong": SELONG_OFFICERS}),
    "cooperation:contribution": page(
        sees={
            "disnaker": SIGNED_IN - {PARTNER_INSTRUCTOR, DUKCAPIL, EMPLOYER},
            "dukcapil": SIGNED_IN - {PARTNER_INSTRUCTOR, DISNAKER, EMPLOYER},
            "blk": SIGNED_IN - {DISNAKER, DUKCAPIL, EMPLOYER},
        }
    ),
    "cooperation:contribution_records": page(),
    # --- reintegration
    "reintegration:worklist": page(FACILITY_SCOPED),
    "reintegration:worklist_export": page(FACILITY_SCOPED),
    # the Bapas a person was handed over to reads the hand-over (plan, release,
    # follow-ups): its probation officer here
    "reintegration:plan": page(
        sees={**SEES["inmate"], "selong-released": SELONG_PERSON | {PROBATION}}
    ),
    "reintegration:person_jobs": page(),
    "reintegration:consent_create": action(INMATE_WRITE),
    "reintegration:referral_create": action(INMATE_WRITE),
    "reintegration:need_update": action({"selong": SELONG_OFFICERS}),
    "reintegration:consent_withdraw": action({"selong-dukcapil": SELONG_OFFICERS}),
    "reintegration:consent_form": page(),
    "reintegration:consent_signed": action({"selong-dukcapil": SELONG_OFFICERS}),
    "reintegration:consent_file": page(),
    "reintegration:release": form(INMATE_WRITE),
    "reintegration:handover_pdf": page(
        {"selong-released": SELONG_PERSON | {PROBATION}},
        # a handover exists only once released
        sees={
            "selong-referred-dukcapil": frozenset(),
            "selong-released": SELONG_PERSON | {PROBATION},
            "lobar": frozenset(),
        },
    ),
    # the receiving Bapas's probation officer acknowledges the hand-over, once
    "reintegration:handover_acknowledge": action(
        {"selong-released": {PROBATION}},
        sees={**SEES["inmate"], "selong-released": SELONG_PERSON | {PROBATION}},
    ),
    # the hand-overs a Bapas received (empty for anyone else)
    "reintegration:handovers": page(EVERYONE),
    "reintegration:follow_ups": page(EVERYONE),
    "reintegration:follow_up": form(
        {"selong-bapas": {ADMIN, HEAD, OFFICER, PROBATION}}, writers={"selong-bapas": {PROBATION}}
    ),
    "reintegration:jobs": page(EVERYONE),
    "reintegration:job": form(writers={"bengkel": {EMPLOYER, HEAD, OFFICER, LOBAR}}),
    "reintegration:referrals": page(EVERYONE),
    "reintegration:referral": page(),  # its moves go to referral_transition
    "reintegration:referral_transition": action({"selong-dukcapil": SELONG_OFFICERS | {DUKCAPIL}}),
    # --- proposals (the moves' owners are in tests/proposals; here: who reaches them)
    "proposals:detail": page(),
    "proposals:move": action(PROPOSAL_WRITE),
    "proposals:document_add": action(PROPOSAL_WRITE),
    "proposals:reference": action(PROPOSAL_WRITE),
    "proposals:document": page(),
    "proposals:start": form(by_label(selong=SELONG_STAFF, lobar={LOBAR})),
    # --- Litmas requests (the Bapas's side) and the sidang TPP
    "proposals:litmas_list": page(
        SIGNED_IN - PARTNERS - {PARTNER_INSTRUCTOR}, refused=PARTNERS | {PARTNER_INSTRUCTOR}
    ),
    # the load per officer: a Bapas's head (none in the demo) or an administrator
    "proposals:litmas_load": page({ADMIN}, refused=SIGNED_IN - {ADMIN}),
    "proposals:litmas_detail": page(),
    "proposals:litmas_assign": action({"selong": {ADMIN, PROBATION}}),
    "proposals:litmas_submit": action({"selong": {PROBATION}}),
    "proposals:litmas_file": page(),
    "proposals:litmas_letter": page(),
    "proposals:tpp_list": page(
        SELONG_STAFF | {ADMIN, KANWIL, LOBAR},
        refused=SIGNED_IN - SELONG_STAFF - {ADMIN, KANWIL, LOBAR},
    ),
    "proposals:tpp_create": form(WRITERS, refused=NOT_AN_OFFICER),
    "proposals:tpp_detail": page(),
    "proposals:tpp_edit": form(by_label(selong=SELONG_OFFICERS, lobar={LOBAR})),
    "proposals:tpp_decide": action(by_label(selong=SELONG_OFFICERS, lobar={LOBAR})),
    "proposals:tpp_decision_remove": action({"selong": SELONG_OFFICERS}),
    "proposals:tpp_minutes": page(),
    "proposals:tpp_letter": page(),
    "proposals:sdp_import": form(WRITERS, refused=NOT_AN_OFFICER),
    "proposals:sdp_import_detail": page(refused=NOT_AN_OFFICER),
    "proposals:sdp_import_problems": page(refused=NOT_AN_OFFICER),
    "proposals:sdp_import_confirm": action(
        by_label(selong=SELONG_OFFICERS, lobar={LOBAR}), refused=NOT_AN_OFFICER
    ),
    # --- indicators and public pages
    # administrators and the region read the overview; the others are sent to theirs
    "indicators:index": Rule(
        "page",
        {"*": frozenset({ADMIN, KANWIL})},
        fixed=dict.fromkeys(SIGNED_IN - INSTRUCTORS - {ADMIN, KANWIL}, 302),
    ),
    "indicators:facility": page(),
    "indicators:region": page(),
    "indicators:partner": page(),
    "indicators:national": page({ADMIN}),
    "indicators:records": page(),
    "indicators:catalogue": page(EVERYONE),
    "indicators:reports": page(FACILITY_SCOPED | {PROBATION}),
    "indicators:report_generate": action(WRITERS, refused=SIGNED_IN - WRITERS),
    "indicators:report": page(),
    "indicators:report_pdf": page(),
    "indicators:report_xlsx": page(),
    "indicators:report_regenerate": action({"selong": SELONG_OFFICERS}),
    "indicators:report_sign_off": action({"selong": {HEAD}}),
    "indicators:report_edition_pdf": page(),
    "indicators:revisions": page(FACILITY_SCOPED | {PROBATION}),
    "public:index": public(),
    "public:region": public(missing=404),
    "public:facility": public(missing=404),
    "public:data_csv": public(),
    "public:data_json": public(),
    "public:definitions_csv": public(),
    "public:revisions": public(),
    # --- personal-data duties
    # the access request: an administrator, or the facility's head (its data officer)
    "privacy:export": action(
        by_label(
            selong_referred_dukcapil={ADMIN, HEAD}, selong_released={ADMIN, HEAD}, lobar={ADMIN}
        )
    ),
}


def api(may: Any = None, writers: Any = None, **options: Any) -> Rule:
    return Rule("api", _may(may), writers=None if writers is None else _may(writers), **options)


# The bodies of the creates below name Selong (its facility, or one of its people): a role
# that sees it is refused (403), one that does not gets 404, as for a record in a path.
SELONG_FACILITY = SELONG_PERSON | {FACILITY_INSTRUCTOR}
REQUEST_WRITE = by_label(
    selong_disnaker=SELONG_OFFICERS | {DISNAKER}, lobar_dukcapil={LOBAR, DUKCAPIL}
)
API: dict[str, Rule] = {
    "GET /api/v1/me": api(EVERYONE),
    "GET /api/v1/facilities": api(EVERYONE),
    "GET /api/v1/facilities/{code}": api(),
    "GET /api/v1/partners": api(EVERYONE),
    "POST /api/v1/sentence-calculations": api(EVERYONE),
    "GET /api/v1/inmates": api(EVERYONE),  # a list: each finds only their own
    "GET /api/v1/rights-pipeline": api(FACILITY_SCOPED, refused=SIGNED_IN - FACILITY_SCOPED),
    "GET /api/v1/inmates/{inmate_id}": api(),
    "PUT /api/v1/inmates/{inmate_id}/wali": api(INMATE_WRITE),
    "GET /api/v1/programs": api(EVERYONE),
    "POST /api/v1/programs": api(SELONG_OFFICERS, sees={"-": SELONG_FACILITY}),
    "PATCH /api/v1/programs/{program_id}": api(PROGRAM_WRITE),
    "GET /api/v1/programs/{program_id}/sessions": api(),
    # the participant list: the facility's officers; partners get 403 (item 1)
    "GET /api/v1/programs/{program_id}/enrollments": api(PROGRAM_WRITE),
    "POST /api/v1/programs/{program_id}/enrollments": api(PROGRAM_WRITE),
    "POST /api/v1/programs/{program_id}/enrollments/bulk": api(PROGRAM_WRITE),
    "GET /api/v1/sessions/{session_id}/attendance": api(TEACHERS),
    "PUT /api/v1/sessions/{session_id}/attendance": api(TEACHERS),
    # an enrolment's completion and certificate: the facility's officers (issue 15)
    "POST /api/v1/enrollments/{enrollment_id}/early-completion": api(ENROLLMENT_WRITE),
    "POST /api/v1/enrollments/{enrollment_id}/certificate": api(ENROLLMENT_WRITE),
    "PUT /api/v1/enrollments/{enrollment_id}/competency-certification": api(ENROLLMENT_WRITE),
    "GET /api/v1/certificates/{code}/verify": public(missing=404),
    "GET /api/v1/support-requests": api(EVERYONE),
    "POST /api/v1/support-requests": api(SELONG_OFFICERS, sees={"-": SELONG_FACILITY}),
    "GET /api/v1/support-requests/{request_id}": api(),
    "POST /api/v1/support-requests/{request_id}/transitions": api(REQUEST_WRITE),
    "GET /api/v1/support-requests/{request_id}/fulfilments": api(),
    "POST /api/v1/support-requests/{request_id}/fulfilments": api(REQUEST_WRITE),
    "GET /api/v1/agreements": api(EVERYONE),
    "GET /api/v1/meetings": api(EVERYONE),
    "GET /api/v1/meetings/{coordination_meeting_id}": api(),
    "PATCH /api/v1/meetings/{coordination_meeting_id}": api({"selong": SELONG_OFFICERS}),
    "GET /api/v1/reintegration/worklist": api(EVERYONE),
    "GET /api/v1/inmates/{inmate_id}/plan": api(
        sees={
            **SEES["inmate"],
            "lobar-readmitted-no-sentence": frozenset(),  # no plan
            # the Bapas the person was handed over to reads the plan
            "selong-released": SELONG_PERSON | {PROBATION},
        }
    ),
    "GET /api/v1/inmates/{inmate_id}/consents": api(),
    "POST /api/v1/inmates/{inmate_id}/consents": api(INMATE_WRITE),
    "GET /api/v1/referrals": api(EVERYONE),
    "POST /api/v1/referrals": api(SELONG_OFFICERS, sees={"-": SELONG_PERSON}),
    "GET /api/v1/referrals/{referral_id}": api(),
    "POST /api/v1/referrals/{referral_id}/transitions": api(
        {"selong-dukcapil": SELONG_OFFICERS | {DUKCAPIL}}
    ),
    "GET /api/v1/proposals": api(EVERYONE),  # a list: each finds only their own
    "POST /api/v1/proposals": api(SELONG_STAFF, sees={"-": SELONG_PERSON}),
    "GET /api/v1/proposals/{proposal_id}": api(),
    "GET /api/v1/proposals/{proposal_id}/transitions": api(),
    "POST /api/v1/proposals/{proposal_id}/transitions": api(PROPOSAL_WRITE),
    "GET /api/v1/proposals/{proposal_id}/documents": api(),
    "POST /api/v1/proposals/{proposal_id}/documents": api(PROPOSAL_WRITE),
    "GET /api/v1/proposals/{proposal_id}/documents/{document_id}/file": api(),
    "GET /api/v1/litmas-requests": api(EVERYONE),  # a list: each finds only their own
    "GET /api/v1/litmas-requests/{litmas_id}": api(),
    "POST /api/v1/litmas-requests/{litmas_id}/assignment": api({"selong": {ADMIN, PROBATION}}),
    "POST /api/v1/litmas-requests/{litmas_id}/submission": api({"selong": {PROBATION}}),
    "GET /api/v1/litmas-requests/{litmas_id}/document": api(),
    "POST /api/v1/litmas-requests/{litmas_id}/document": api({"selong": {PROBATION}}),
    "GET /api/v1/tpp-meetings": api(EVERYONE),
    "POST /api/v1/tpp-meetings": api(SELONG_OFFICERS, sees={"-": SELONG_FACILITY}),
    "GET /api/v1/tpp-meetings/{meeting_id}": api(),
    "GET /api/v1/tpp-meetings/{meeting_id}/decisions": api(),
    "POST /api/v1/tpp-meetings/{meeting_id}/decisions": api(
        by_label(selong=SELONG_OFFICERS, lobar={LOBAR})
    ),
    "GET /api/v1/inmate-imports": api(EVERYONE),  # a list: each finds only their own
    "POST /api/v1/inmate-imports": api(WRITERS, refused=NOT_AN_OFFICER),
    "GET /api/v1/inmate-imports/{batch_id}": api(
        by_label(selong=SELONG_OFFICERS, lobar={LOBAR}), refused=NOT_AN_OFFICER
    ),
    "POST /api/v1/inmate-imports/{batch_id}/import": api(
        by_label(selong=SELONG_OFFICERS, lobar={LOBAR}), refused=NOT_AN_OFFICER
    ),
    "GET /api/v1/inmate-imports/{batch_id}/mapping": api(
        by_label(selong=SELONG_OFFICERS, lobar={LOBAR}), refused=NOT_AN_OFFICER
    ),
    "PUT /api/v1/inmate-imports/{batch_id}/mapping": api(
        by_label(selong=SELONG_OFFICERS, lobar={LOBAR}), refused=NOT_AN_OFFICER
    ),
    "GET /api/v1/proposal-imports": api(EVERYONE),  # a list: each finds only their own
    "POST /api/v1/proposal-imports": api(WRITERS, refused=NOT_AN_OFFICER),
    "GET /api/v1/proposal-imports/{import_id}": api(),
    "GET /api/v1/proposal-imports/{import_id}/rows": api(),
    "POST /api/v1/proposal-imports/{import_id}/confirm": api(),
    "GET /api/v1/job-openings": api(EVERYONE),
    "POST /api/v1/job-openings": api(PARTNERS, refused=SIGNED_IN - PARTNERS),  # employers
    "GET /api/v1/releases": api(EVERYONE),
    "POST /api/v1/releases": api(SELONG_OFFICERS, sees={"-": SELONG_PERSON}),
    # the receiving Bapas's probation officer acknowledges the hand-over, once
    "POST /api/v1/inmates/{inmate_id}/handover-acknowledgement": api(
        {"selong-released": {PROBATION}},
        sees={**SEES["inmate"], "selong-released": SELONG_PERSON | {PROBATION}},
    ),
    "GET /api/v1/follow-ups": api(EVERYONE),
    "POST /api/v1/follow-ups/{follow_up_id}": api({"selong-bapas": {PROBATION}}),
    "GET /api/v1/indicators": api(EVERYONE),
    "GET /api/v1/indicators/values": api(),
    "GET /api/v1/public/indicators": public(),
    "GET /api/v1/revisions": api(EVERYONE),  # a list: each finds only their own
}
# "{code}" names a facility in one operation, a certificate in another; the values
# take their facility in the query
API_CODE["GET /api/v1/indicators/values"] = "facility_pk"


def sees(rule: Rule, kind: str | None, label: str) -> frozenset[str]:
    if kind is None:
        return frozenset()
    return (rule.sees or SEES[kind]).get(label, SEES[kind].get(label, frozenset()))


def expected_read(rule: Rule, kind: str | None, label: str, role: str | None) -> int:
    """The designed answer to a GET."""
    if rule.kind == "public":
        return rule.missing if label == MISSING and rule.missing else 200
    if role is None:
        if rule.anonymous is not None:
            return rule.anonymous
        return 401 if rule.kind == "api" else ANON_LOGIN
    if role in rule.fixed:
        return rule.fixed[role]
    if role in rule.redirected.get(label, frozenset()):
        return 302
    if rule.kind == "action":
        return 405
    if role in rule.refused:
        return 403
    seen = sees(rule, kind, label)
    allowed = rule.allowed(label) if rule.may else seen
    if kind is None:
        return 200 if role in allowed else 404
    if label == MISSING:
        return 404
    if role in allowed:
        return 200
    return 403 if role in seen else 404


def expected_refusal(
    rule: Rule, kind: str | None, label: str, role: str | None
) -> frozenset[int] | None:
    """The designed answers to a write by ``role``; None when the role may write.

    Outside the record's scope: 404, exactly. A role that sees the record but may not do
    this: 403; a forbidden workflow step: 409 (DESIGN.md); a 404 hides more and is
    accepted; a page may also send the user back with a message (302), provided that
    nothing changed (which the test checks for every refusal)."""
    api_call = rule.kind == "api"
    if role is None:
        return frozenset({401 if api_call else ANON_LOGIN})
    if role in rule.refused:
        return frozenset({403})
    seen = sees(rule, kind, label) if kind is not None else (rule.sees or {}).get("-", frozenset())
    writers = rule.may_write(label) if (rule.may or rule.writers) else seen
    if role in writers and label != MISSING:
        return None
    if role not in seen or label == MISSING:
        return frozenset({404})
    return frozenset({403, 404, 409} if api_call else {302, 403, 404, 409})


# --- the world, built once for the module ------------------------------------------------


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_folder() -> None:
    """Replaces the suite's per-test media folder: the world's files (the monthly report)
    live in the module's folder (`world`) for every test of the module."""


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[World]:
    """The demo world, built once in a transaction rolled back after the module; each
    test runs inside it (in a savepoint of its own, so a write is undone).

    Its deferred foreign-key checks are run once, right after it is built, at the top
    level of the transaction, where PostgreSQL then forgets them. Left pending, they were
    walked again by every test's teardown (Django's TestCase checks constraints there,
    inside a savepoint, where PostgreSQL keeps even the checks already run): about a
    fifth of a second a test, over four thousand tests."""
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("matrix-media"))
    with media, django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = build()
            connection.check_constraints()
            yield built
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(scope="module")
def clients(world: World, django_db_blocker: Any) -> dict[str | None, Client]:
    """One client per role, signed in once (their sessions live in the module's world)."""
    made: dict[str | None, Client] = {}
    with django_db_blocker.unblock():
        for role in ROLES:
            client = Client(raise_request_exception=False)
            if role is not None:
                client.force_login(User.objects.get(username=role))
            made[role] = client
    return made


def _fingerprint_sql() -> str:
    """One query: each table's row count and latest update (audit entries aside: a refused
    write may be recorded, and reads are)."""
    parts = []
    for model in apps.get_models():
        if not model.__module__.startswith("sinergi.") or model._meta.label == "core.AuditEvent":
            continue
        table = connection.ops.quote_name(model._meta.db_table)
        parts.append(f"(SELECT COUNT(*) FROM {table})")
        if any(f.name == "updated_at" for f in model._meta.concrete_fields):
            parts.append(f"(SELECT MAX(updated_at) FROM {table})")
    return "SELECT " + ", ".join(parts)


FINGERPRINT_STATEMENT = "matrix_fingerprint"


def fingerprint() -> tuple[Any, ...]:
    """On PostgreSQL the query is prepared once per connection: planning its two hundred
    subqueries took longer than running them (about 30 of 50 ms, thousands of times)."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(_fingerprint_sql())
            return tuple(cursor.fetchone())
        cursor.execute(
            "SELECT 1 FROM pg_prepared_statements WHERE name = %s", [FINGERPRINT_STATEMENT]
        )
        if cursor.fetchone() is None:
            cursor.execute(f"PREPARE {FINGERPRINT_STATEMENT} AS {_fingerprint_sql()}")
        cursor.execute(f"EXECUTE {FINGERPRINT_STATEMENT}")
        return tuple(cursor.fetchone())


def _send(client: Client, method: str, url: str, body: Any = None) -> Any:
    if url.startswith("/api/"):
        data = "{}" if body is None else json.dumps(body)
        return client.generic(method, url, data, content_type="application/json")
    return client.post(url, body or {})


# --- the matrix ----------------------------------------------------------------------------

# Known leaks and errors being fixed right now (issue 11): the cell fails today, so it is
# an expected failure, strict: once fixed it passes, fails as XPASS, and its line goes.
KNOWN: dict[tuple[str, str | None], str] = {}


def _cells(routes: dict[str, Rule]) -> list[Any]:
    cells = []
    for route in sorted(routes):
        for role in ROLES:
            marks = []
            if (route, role) in KNOWN:
                marks = [pytest.mark.xfail(strict=True, reason=KNOWN[route, role])]
            cells.append(
                pytest.param(route, role, marks=marks, id=f"{route}-{role or 'anonymous'}")
            )
    return cells


def _write_cells(routes: dict[str, Rule]) -> list[Any]:
    writes = {
        route: rule
        for route, rule in routes.items()
        if rule.kind in ("form", "action") or (rule.kind == "api" and not route.startswith("GET"))
    }
    return _cells(writes)


def test_every_route_is_in_the_matrix():
    """A new URL pattern or API operation fails here until the matrix says who may use it."""
    assert page_routes() - set(READ) == set(), "URL patterns missing from READ"
    assert set(READ) - page_routes() == set(), "READ names routes that no longer exist"
    assert api_operations() - set(API) == set(), "API operations missing from API"
    assert set(API) - api_operations() == set(), "API names operations that no longer exist"
    with_parameters = {
        name
        for name, pattern in _walk(get_resolver())
        if name in page_routes() and pattern.pattern.regex.groups
    }
    assert with_parameters - set(ROUTE_OBJECTS) == set(), "routes without records to try"
    for operation in API:
        if "{" in operation:
            assert api_kind(operation) in SEES, operation


def _targets(world: World, route: str) -> list[Target]:
    return api_targets(world, route) if route in API else page_targets(world, route)


def _kind(route: str) -> str | None:
    return api_kind(route) if route in API else ROUTE_OBJECTS.get(route)


@pytest.mark.parametrize(
    ("route", "role"),
    _cells(READ) + _cells({op: rule for op, rule in API.items() if op.startswith("GET ")}),
)
def test_each_role_reads_what_the_design_allows(world, clients, route, role):
    rule = READ.get(route) or API[route]
    targets = _targets(world, route)
    if role is None or rule.kind == "action":
        targets = targets[:1]  # a redirect to log in, or a 405: the same for any record
    wrong = []
    for target in targets:
        response = clients[role].get(target.url)
        want = expected_read(rule, _kind(route), target.label, role)
        got = response.status_code
        if got >= 500 or got != want:
            wrong.append(f"GET {target.url} ({target.label}) as {role}: {got}, designed {want}")
        elif got == 302 and role is None and want == ANON_LOGIN:
            assert "/login/" in response["Location"], target.url
        elif leaked := _template_syntax(response):
            wrong.append(f"GET {target.url} as {role} shows template syntax: {leaked}")
    assert not wrong, "\n".join(wrong)


_TEMPLATE_SYNTAX = re.compile(r"\{#|#\}|\{%|%\}|\{\{|\}\}")


def _template_syntax(response: Any) -> str:
    """Template syntax an HTML page shows as text (a comment written across lines, a tag
    left unclosed): the first such spot with what surrounds it, or ""."""
    if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
        return ""
    html = response.content.decode()
    found = _TEMPLATE_SYNTAX.search(html)
    return html[max(0, found.start() - 60) : found.end() + 60] if found else ""


def api_body(world: World, operation: str, label: str) -> dict[str, Any] | None:
    """A well-formed body, so that the answer is about who asks, not what is sent."""
    today = datetime.date.today()
    inmate = world.objects["inmate"]["selong-referred-dukcapil"]["pk"]
    enrollment = world.objects["enrollment"].get(label, {}).get("pk", 987654321)
    bodies: dict[str, dict[str, Any]] = {
        "PUT /api/v1/inmates/{inmate_id}/wali": {"wali_id": None},
        "PUT /api/v1/inmate-imports/{batch_id}/mapping": {
            "mapping": {"registration_number": 0, "name": 1, "term_text": 2, "detention_start": 3}
        },
        "POST /api/v1/sentence-calculations": {
            "detention_start": "2025-01-01",
            "term": {"years": 2, "months": 0, "days": 0},
            "crime_category": "general",
        },
        "POST /api/v1/programs": {
            "facility": "selong",
            "kind": "independence",
            "category": "vocational",
            "title": "Kelas Matriks",
            "capacity": 5,
            "start_date": str(today),
            "end_date": str(today + datetime.timedelta(days=30)),
        },
        "PATCH /api/v1/programs/{program_id}": {"title": "Judul Baru Matriks"},
        "PATCH /api/v1/meetings/{coordination_meeting_id}": {"place": "Aula Matriks"},
        "POST /api/v1/programs/{program_id}/enrollments": {"inmate_id": inmate},
        "POST /api/v1/programs/{program_id}/enrollments/bulk": {"inmate_ids": [inmate]},
        "PUT /api/v1/sessions/{session_id}/attendance": {
            "marks": [{"enrollment_id": enrollment, "status": "present"}]
        },
        "POST /api/v1/enrollments/{enrollment_id}/early-completion": {
            "reason": "Uji matriks",
            "hours": 1,
        },
        "PUT /api/v1/enrollments/{enrollment_id}/competency-certification": {
            "issuer": "LSP Matriks",
            "number": "M-1",
            "issued_on": str(today),
        },
        "POST /api/v1/support-requests": {
            "facility": "selong",
            "partner": "disnaker-lotim",
            "kind": "other",
            "title": "Permintaan Matriks",
            "quantity": 1,
            "unit": "kegiatan",
            "needed_by": str(today + datetime.timedelta(days=30)),
            "justification": "Uji matriks",
        },
        "POST /api/v1/support-requests/{request_id}/transitions": {"to": "acknowledged"},
        "POST /api/v1/support-requests/{request_id}/fulfilments": {
            "description": "Pengiriman matriks",
            "delivered_on": str(today),
            "quantity": 1,
            "unit": "kegiatan",
        },
        "POST /api/v1/inmates/{inmate_id}/consents": {
            "partner": "dinsos-lotim",
            "purpose": "Uji matriks",
        },
        "POST /api/v1/referrals": {
            "inmate_id": inmate,
            "partner": "dukcapil-lotim",
            "purpose": "Uji matriks",
        },
        "POST /api/v1/referrals/{referral_id}/transitions": {
            "to": "completed",
            "outcome": "achieved",
        },
        "POST /api/v1/job-openings": {
            "title": "Lowongan Matriks",
            "closing_date": str(today + datetime.timedelta(days=30)),
        },
        "POST /api/v1/releases": {
            "inmate_id": inmate,
            "released_on": str(today),
            "kind": "expiry",
        },
        "POST /api/v1/follow-ups/{follow_up_id}": {"housing": "Uji matriks"},
        "POST /api/v1/proposals": {"inmate_id": inmate, "right": "cmk"},
        "POST /api/v1/proposals/{proposal_id}/transitions": {"to_stage": "documents"},
        "POST /api/v1/litmas-requests/{litmas_id}/assignment": {"officer": "pk.bapas"},
        "POST /api/v1/litmas-requests/{litmas_id}/submission": {"recommendation": "Uji matriks"},
        "POST /api/v1/tpp-meetings": {"facility": "selong", "held_on": str(today)},
        "POST /api/v1/tpp-meetings/{meeting_id}/decisions": {
            "proposal_id": world.objects["tpp_proposal"]["selong"]["pk"],
            "recommendation": "postponed",
        },
    }
    return bodies.get(operation)


@pytest.mark.parametrize(("route", "role"), _write_cells(READ) + _write_cells(API))
def test_a_refused_write_changes_nothing_and_no_write_breaks(world, clients, route, role):
    rule = READ.get(route) or API[route]
    method = route.split(" ", 1)[0] if route in API else "POST"
    wrong = []
    before = fingerprint()  # every write below is undone: each starts from this state
    targets = _targets(world, route)
    allowed_tried = False
    for target in targets[:1] if role is None else targets:  # anonymous: sent to log in
        want = expected_refusal(rule, _kind(route), target.label, role)
        if want is None:
            if allowed_tried:
                continue  # an allowed write is tried once per role: it must not break
            allowed_tried = True
        body = api_body(world, route, target.label) if route in API else None
        savepoint = transaction.savepoint()
        try:
            response = _send(clients[role], method, target.url, body)
            got = response.status_code
            changed = want is not None and fingerprint() != before
        finally:
            transaction.savepoint_rollback(savepoint)
        if got >= 500:
            wrong.append(f"{method} {target.url} ({target.label}) as {role}: {got}")
        elif want is not None and (got not in want or changed):
            wrong.append(
                f"{method} {target.url} ({target.label}) as {role}: {got}, designed {want}"
                + (" and it changed data" if changed else "")
            )
    assert not wrong, "\n".join(wrong)


# --- what the pages a partner or an instructor reads must not hold -----------------------

# (route, role): the pages (each program of theirs) and API answers read in full
PROGRAM_PAGES = [
    "programs:detail",
    "programs:sessions",
    "programs:session",
    "programs:my_sessions",
    "programs:list",
    "GET /api/v1/programs/{program_id}/sessions",
    "GET /api/v1/sessions/{session_id}/attendance",
    "GET /api/v1/programs",
]
PARTNER_SIDE = [DISNAKER, DUKCAPIL, EMPLOYER, PARTNER_INSTRUCTOR]
KNOWN_CONTENT: dict[tuple[str, str], str] = {}


def _content_cells(routes: list[str], roles: list[str]) -> list[Any]:
    cells = []
    for route in routes:
        for role in roles:
            marks = []
            if (route, role) in KNOWN_CONTENT:
                marks = [pytest.mark.xfail(strict=True, reason=KNOWN_CONTENT[route, role])]
            cells.append(pytest.param(route, role, marks=marks, id=f"{route}-{role}"))
    return cells


def _bodies(world: World, clients: dict[str | None, Client], route: str, role: str) -> list[str]:
    """What ``role`` reads at ``route``, on every record of the route's kind it may open."""
    bodies = []
    for target in _targets(world, route):
        response = clients[role].get(target.url)
        assert response.status_code < 500, f"{target.url} as {role}: {response.status_code}"
        if response.status_code == 200:
            bodies.append(response.content.decode())
    return bodies


def _every_participant(world: World) -> dict[str, list[str]]:
    names = {n for names in world.participant_names.values() for n in names}
    numbers = {n for numbers in world.registration_numbers.values() for n in numbers}
    return {"name": sorted(names), "registration number": sorted(numbers)}


def test_the_facility_officer_reads_the_participants(world, clients):
    """The control of the test below: the names it looks for are on the officer's page."""
    for label in ("selong-blk", "selong-completed"):
        pk = world.objects["program"][label]["pk"]
        assert world.participant_names[pk], label
        page = clients[OFFICER].get(reverse("programs:detail", kwargs={"pk": pk}))
        assert any(name in page.content.decode() for name in world.participant_names[pk])


@pytest.mark.parametrize(("route", "role"), _content_cells(PROGRAM_PAGES, PARTNER_SIDE))
def test_a_partner_reads_no_participant_of_a_program(world, clients, route, role):
    """Issue 11 item 1: a partner (its users and its instructors) sees aggregates; the
    instructor, on the roster of a session they teach, initials or first names only."""
    private = _every_participant(world)
    for body in _bodies(world, clients, route, role):
        for what, values in private.items():
            shown = [value for value in values if value in body]
            assert not shown, f"{route} shows {role} the participants' {what}: {shown[:3]}"


@pytest.mark.parametrize(
    ("route", "role"), _content_cells(PROGRAM_PAGES, [FACILITY_INSTRUCTOR, PARTNER_INSTRUCTOR])
)
def test_an_instructor_reads_no_registration_number(world, clients, route, role):
    """Registration numbers encode the register class: for the facility's officers only."""
    numbers = _every_participant(world)["registration number"]
    for body in _bodies(world, clients, route, role):
        shown = [number for number in numbers if number in body]
        assert not shown, f"{route} shows {role} registration numbers: {shown[:3]}"


@pytest.mark.parametrize(
    ("route", "role"),
    _content_cells(
        ["reintegration:job", "reintegration:jobs", "GET /api/v1/job-openings"], [EMPLOYER]
    ),
)
def test_a_withdrawn_consent_hides_the_application_from_the_employer(world, clients, route, role):
    """Issue 11 item 6: withdrawal hides every record shared under the consent at once."""
    bodies = _bodies(world, clients, route, role)
    assert bodies, f"{role} reads nothing at {route}"
    for body in bodies:
        assert world.withdrawn_applicant not in body, f"{route} names the applicant to {role}"
