"""Importing proposal statuses from an SDP export (PB online's proposal list), so that
nobody types a proposal twice: SDP is where officers propose, Sinergi follows.

The file: CSV or XLSX, read by the inmate import's reader (``inmates.parsing.read_table``:
encodings checked, first sheet, empty rows skipped) after its size check
(``importer.check_upload_size``); at most :data:`MAX_ROWS` rows. Headers are recognised
case-, space- and punctuation-insensitively (:data:`HEADERS`: "No Reg", "No. Registrasi",
"Nomor Registrasi" …). The registration number, the right and the status are required;
the SDP reference ("No Usulan"), proposal date, SK number and date and the reason are
read where the file has them. Values are mapped by one table each, as insensitive:
:data:`RIGHT_VALUES` (PB, Pembebasan Bersyarat, CB, CMB, Asimilasi, CMK …) and
:data:`STATUS_VALUES` (SDP's status → the stage it means in Sinergi, and for a proposal
sent, where to). Dates are read by ``inmates.parsing.parse_date``.

Each row, in the order of the file:

1. The person is the importing facility's person with that registration number
   (normalised as the inmate import does); another facility's person is never matched:
   "not found".
2. The proposal is the facility's proposal with the row's SDP reference; else the person's
   open proposal for the right; else one is started through ``actions.start_proposal``
   (the same checks: in custody, found eligible, release day not come: otherwise a
   conflict or an error), dated the row's proposal date (or its SK date when earlier),
   with the SDP reference. A reference held by another person's or another right's
   proposal, or an open proposal carrying another reference, is a conflict; so is a step
   past the draft when the person's last proposal for the right is closed without SDP
   reference (it may be the one SDP reports: the officer decides, rather than the import
   starting a second one).
3. An SDP reference the proposal lacks is recorded (``actions.set_sdp_reference``).
4. SDP's stage moves the proposal forward only, through ``actions.transition(source=SDP)``
   (audited, attributed to the importing officer, the timeline's note naming the file
   and row): recorded even where Sinergi's own conditions for the earlier stages
   (dossier, Litmas, TPP) are not met, since SDP holds that the step was done. Sent: to
   the Kanwil or Ditjenpas as the status says, the SDP reference as the letter's
   reference, on the proposal date when it falls within the stage (the import day
   otherwise). Granted: needs the SK number and date (an error without them). Refused:
   the row's reason, or a sentence saying SDP gave none. A stage equal to the proposal's
   is "unchanged" (SDP's "Draft" equals any stage of the facility's preparation:
   eligible, documents, Litmas); an earlier one, or any other stage of a closed
   proposal, is a conflict: never backwards, never reopened.

Preview first: :func:`preview` reads the file, runs every row through the same actions
inside a transaction that is then rolled back, and stores the report (each row: update,
unchanged, not found, conflict or error, with the reason), audited. :func:`confirm` runs
the stored rows again for real, all in one transaction, and stores the outcomes. The
same file imported twice changes nothing the second time (every row is unchanged).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_
from django.utils.translation import ngettext

from sinergi.core import audit
from sinergi.core.errors import Conflict
from sinergi.core.permissions import has_perm, require_perm
from sinergi.inmates import header_synonyms, importer, parsing
from sinergi.inmates.choices import Right
from sinergi.inmates.models import Inmate
from sinergi.proposals import actions
from sinergi.proposals.choices import SentTo, Stage
from sinergi.proposals.models import MAX_REFERENCE, Proposal
from sinergi.proposals.models_sdp_import import (
    SdpImport,
    SdpImportRow,
    SdpImportStatus,
    SdpRowOutcome,
)

MAX_ROWS = 5_000
S = Stage
Out = SdpRowOutcome


def value_key(text: object) -> str:
    """A header or a value for comparison: letters and digits only, case folded
    ("No. Registrasi" and "no registrasi" compare equal, "Sidang-TPP" and "sidang tpp");
    the one comparison of every import (``inmates.header_synonyms.header_key``)."""
    return header_synonyms.header_key(parsing._text(text))


# The person's fields are read with the inmate import's spellings (one table for every
# import: ``inmates.header_synonyms.SYNONYMS``); the proposal's own fields are this
# import's.
_PERSON_FIELDS: tuple[str, ...] = ("registration_number", "name")
_OWN_HEADERS: dict[str, tuple[str, ...]] = {
    "right": ("Jenis Usulan", "Hak Integrasi", "Jenis Hak Integrasi", "Jenis Integrasi"),
    "sdp_reference": ("No Usulan", "ID Usulan", "Nomor Usulan", "No. Usulan"),
    "status": ("Status", "Status Usulan"),
    "proposed_on": ("Tgl Usulan", "Tanggal Usulan"),
    "sk_number": ("No SK", "Nomor SK", "No. SK"),
    "sk_date": ("Tgl SK", "Tanggal SK"),
    "reason": ("Alasan", "Keterangan", "Alasan Penolakan"),
}
# field -> the headers SDP exports and offices use for it.
HEADERS: dict[str, tuple[str, ...]] = {
    **{name: header_synonyms.SYNONYMS[name] for name in _PERSON_FIELDS},
    **_OWN_HEADERS,
}
REQUIRED: tuple[str, ...] = ("registration_number", "right", "status")

# SDP's spellings of a right -> the right: the one table the import reads with (compared
# by value_key) and its page lists.
RIGHT_SPELLINGS: tuple[tuple[str, str], ...] = (
    ("PB", Right.PB),
    ("Pembebasan Bersyarat", Right.PB),
    ("CB", Right.CB),
    ("Cuti Bersyarat", Right.CB),
    ("CMB", Right.CMB),
    ("Cuti Menjelang Bebas", Right.CMB),
    ("Asimilasi", Right.ASIMILASI),
    ("AS", Right.ASIMILASI),
    ("CMK", Right.CMK),
    ("Cuti Mengunjungi Keluarga", Right.CMK),
)
RIGHT_VALUES: dict[str, str] = {value_key(text): right for text, right in RIGHT_SPELLINGS}

# SDP's statuses -> (the stage each means in Sinergi, where a sent proposal went): the one
# table the import reads with (by value_key) and its page lists. "Draft": the proposal
# exists in SDP, nothing decided: the stage a new proposal starts at.
STATUS_SPELLINGS: tuple[tuple[str, str, str], ...] = (
    ("Draft", S.ELIGIBLE, ""),
    ("Baru", S.ELIGIBLE, ""),
    ("Sidang TPP", S.TPP, ""),
    ("TPP", S.TPP, ""),
    ("Diusulkan ke Kanwil", S.SENT, SentTo.KANWIL),
    ("Dikirim ke Kanwil", S.SENT, SentTo.KANWIL),
    ("Verifikasi Kanwil", S.SENT, SentTo.KANWIL),
    ("Diusulkan ke Ditjen", S.SENT, SentTo.DITJENPAS),
    ("Dikirim ke Ditjen", S.SENT, SentTo.DITJENPAS),
    ("Dikirim ke Ditjenpas", S.SENT, SentTo.DITJENPAS),
    ("Verifikasi Ditjen", S.SENT, SentTo.DITJENPAS),
    ("Disetujui", S.GRANTED, ""),
    ("SK Terbit", S.GRANTED, ""),
    ("Ditolak", S.REFUSED, ""),
)
STATUS_VALUES: dict[str, tuple[str, str]] = {
    value_key(text): (stage, sent_to) for text, stage, sent_to in STATUS_SPELLINGS
}


def status_table() -> list[dict[str, Any]]:
    """The statuses the import accepts, grouped by the stage each means, with whether
    recording that stage needs the head (sending, deciding: ``actions.SDP_HEAD_PERMS``)."""
    groups: dict[tuple[str, str], list[str]] = {}
    for text, stage, sent_to in STATUS_SPELLINGS:
        groups.setdefault((stage, sent_to), []).append(text)
    return [
        {
            "spellings": spellings,
            "stage": stage,
            "stage_label": _stage_label(stage),
            "sent_to_label": str(SentTo(sent_to).label) if sent_to else "",
            "needs_head": stage in actions.SDP_HEAD_PERMS,
        }
        for (stage, sent_to), spellings in groups.items()
    ]


def right_table() -> list[dict[str, Any]]:
    """The rights the import accepts, each with SDP's spellings of it."""
    groups: dict[str, list[str]] = {}
    for text, right in RIGHT_SPELLINGS:
        groups.setdefault(right, []).append(text)
    return [
        {"right": right, "label": str(Right(right).label), "spellings": spellings}
        for right, spellings in groups.items()
    ]


def map_right(text: object) -> str | None:
    return RIGHT_VALUES.get(value_key(text))


def map_status(text: object) -> tuple[str, str] | None:
    return STATUS_VALUES.get(value_key(text))


def recognise(headers: Iterable[object]) -> dict[str, int]:
    """``{field: column index}`` of the headers found (the first column of a repeat)."""
    return header_synonyms.recognise(
        [parsing._text(h) for h in headers], fields=_PERSON_FIELDS, extra=_OWN_HEADERS
    )


@dataclass
class ReadRow:
    """One data row as read: the values, and the cells that could not be read."""

    line: int
    values: dict[str, Any] = field(default_factory=dict)
    problems: list[dict[str, str]] = field(default_factory=list)


def _cell(values: list[Any], mapping: Mapping[str, int], name: str) -> Any:
    index = mapping.get(name)
    if index is None or index >= len(values) or values[index] is None:
        return ""
    return values[index]


def _text(value: Any, limit: int) -> str:
    return " ".join(parsing._text(value).split())[:limit]


def _read_row(
    line: int, cells: list[Any], mapping: Mapping[str, int], headers: list[str]
) -> ReadRow:
    row = ReadRow(line=line)

    def problem(name: str, value: str, reason: str, code: str = "") -> None:
        """A cell not read: ``code`` (one of :data:`REASONS`) when the import words the
        reason, so that it is written in the reader's language; else the reader's text."""
        index = mapping.get(name)
        column = headers[index] if index is not None else HEADERS[name][0]
        found = {"column": column, "value": value, "reason": reason}
        row.problems.append({**found, "code": code} if code else found)

    number = _text(_cell(cells, mapping, "registration_number"), 100)
    right_text = _text(_cell(cells, mapping, "right"), 100)
    status_text = _text(_cell(cells, mapping, "status"), 100)
    row.values = {
        "registration_number": number,
        "name": _text(_cell(cells, mapping, "name"), 200),
        "right_text": right_text,
        "sdp_reference": _text(_cell(cells, mapping, "sdp_reference"), MAX_REFERENCE),
        "sdp_status": status_text,
        "sk_number": _text(_cell(cells, mapping, "sk_number"), MAX_REFERENCE),
        "reason": _text(_cell(cells, mapping, "reason"), actions.MAX_NOTE),
        "right": "",
        "stage": "",
        "sent_to": "",
        "proposed_on": None,
        "sk_date": None,
    }
    if not number:
        problem("registration_number", "", _(REASONS["empty_number"]), "empty_number")
    right = map_right(right_text)
    if right is None:
        problem("right", right_text, _(REASONS["unknown_right"]), "unknown_right")
    else:
        row.values["right"] = right
    status = map_status(status_text)
    if status is None:
        problem("status", status_text, _(REASONS["unknown_status"]), "unknown_status")
    else:
        row.values["stage"], row.values["sent_to"] = status
    for name in ("proposed_on", "sk_date"):
        raw = _cell(cells, mapping, name)
        if raw in ("", None) or (isinstance(raw, str) and not raw.strip()):
            continue
        try:
            row.values[name] = parsing.parse_date(raw)
        except ValueError as error:
            problem(name, parsing._text(raw), str(error))
    return row


def read_export(upload: IO[bytes], filename: str, *, encoding: str = "") -> list[ReadRow]:
    """Every data row of the export (``ImportFileError`` for a file that cannot be read,
    is over the size limit, lacks a required column, has no rows or too many)."""
    importer.check_upload_size(getattr(upload, "size", None))
    with parsing.read_table(upload, filename, encoding=encoding) as table:
        headers = [str(h) for h in table.headers]
        mapping = recognise(headers)
        missing = [name for name in REQUIRED if name not in mapping]
        if missing:
            raise parsing.ImportFileError(
                _("The file has no column for: %(columns)s. Expected headers such as %(examples)s.")
                % {
                    "columns": ", ".join(HEADERS[name][0] for name in missing),
                    "examples": "; ".join(" / ".join(HEADERS[name][:3]) for name in missing),
                }
            )
        rows: list[ReadRow] = []
        for line, cells in table.rows:
            if len(rows) >= MAX_ROWS:
                raise parsing.ImportFileError(
                    _("The file has more than %(n)s rows: split the export.") % {"n": MAX_ROWS}
                )
            rows.append(_read_row(line, list(cells), mapping, headers))
    if not rows:
        raise parsing.ImportFileError(
            _("The file has a header row but no data rows: there is nothing to import.")
        )
    return rows


# --- one row ---------------------------------------------------------------------------


# The reasons a row's outcome gives, by code. A row stores the code and its parameters
# (``reason_code``, ``reason_params``), and :func:`reason_text` writes the reason in the
# reader's language when it is shown: the report is read later, by others. Parameters
# named ``stage``, ``from`` or ``to`` are stages and ``right`` a right (their labels are
# written in the reader's language too).
REASONS: dict[str, str] = {
    "empty_number": N_("The registration number is empty."),
    "unknown_right": N_("Not a right SDP names (PB, CB, CMB, Asimilasi, CMK)."),
    "unknown_status": N_("Not a status of SDP's proposal list."),
    "not_found": N_("No person with registration number %(number)s at %(facility)s."),
    "reference_of_other_person": N_(
        "SDP reference %(ref)s belongs to %(name)s's proposal in Sinergi."
    ),
    "reference_of_other_right": N_(
        "SDP reference %(ref)s belongs to this person's %(right)s proposal."
    ),
    "open_has_other_reference": N_(
        "The open proposal for this right has SDP reference %(ours)s, not %(theirs)s."
    ),
    "closed_without_reference": N_(
        "The last proposal for this right is closed in Sinergi (%(stage)s) "
        "without SDP reference; SDP says %(sdp)s. If SDP's is a new proposal, "
        "start it in Sinergi with its reference, then import again."
    ),
    "sent_needs_reference": N_("A proposal sent needs its SDP reference (No Usulan)."),
    "granted_needs_sk": N_(
        "SDP says granted, but the row has no SK number and date: nothing recorded."
    ),
    "closed": N_(
        "The proposal is closed (%(stage)s) in Sinergi; SDP says %(sdp)s. It is never reopened."
    ),
    "backwards": N_(
        "Sinergi has it at %(stage)s, further than SDP's %(sdp)s: never moved backwards."
    ),
    "unchanged": N_("Already at %(stage)s."),
    "started": N_("proposal started"),
    "reference_recorded": N_("SDP reference recorded"),
    "moved": N_("%(from)s → %(to)s"),
    "needs_head": N_("needs the head: only the head of the facility sends and decides"),
}
# Reasons made of steps (``{"steps": [[code, params], ...]}``), or given by an action in
# the language of the run (``{"text": ...}``: the action words it, not the import).
STEPS = "steps"
TEXT = "text"
_STAGE_PARAMS = ("stage", "from", "to")


def reason_text(code: str, params: Mapping[str, Any] | None = None) -> str:
    """A stored reason in the active language."""
    params = dict(params or {})
    if code == TEXT:
        return str(params.get("text", ""))
    if code == STEPS:
        return "; ".join(reason_text(c, p) for c, p in params.get("steps", []))
    if code not in REASONS:
        return ""
    for name in _STAGE_PARAMS:
        if params.get(name) in S.values:
            params[name] = _stage_label(params[name])
    if params.get("right") in Right.values:
        params["right"] = str(Right(params["right"]).label)
    return _(REASONS[code]) % params if params else _(REASONS[code])


def problem_text(problem: Mapping[str, Any]) -> str:
    """One cell not read, "column: reason", in the active language where it has a code."""
    code = problem.get("code", "")
    reason = _(REASONS[code]) if code in REASONS else problem.get("reason", "")
    return f"{problem.get('column', '')}: {reason}"


def row_reason(row: SdpImportRow) -> str:
    """The reason for ``row``'s outcome in the reader's language (rows stored before the
    codes: their text)."""
    if row.reason_code:
        return reason_text(row.reason_code, row.reason_params)
    return row.message


class _Outcome(Exception):
    """The row stops here with this outcome (nothing of it is written), for the reason
    ``code`` (one of :data:`REASONS`) with ``params``."""

    def __init__(self, outcome: str, code: str, **params: Any) -> None:
        self.outcome = outcome
        self.code = code
        self.params = params
        self.message = reason_text(code, params)
        super().__init__(self.message)


def _stage_label(stage: str) -> str:
    return str(S(stage).label)


def _find_proposal(row: SdpImportRow, inmate: Inmate) -> Proposal | None:
    proposals = Proposal.objects.filter(facility_id=row.batch.facility_id)
    if row.sdp_reference:
        found = proposals.filter(sdp_reference=row.sdp_reference).select_related("inmate").first()
        if found is not None:
            if found.inmate_id != inmate.pk:
                raise _Outcome(
                    Out.CONFLICT,
                    "reference_of_other_person",
                    ref=row.sdp_reference,
                    name=found.inmate.name,
                )
            if found.right != row.right:
                raise _Outcome(
                    Out.CONFLICT,
                    "reference_of_other_right",
                    ref=row.sdp_reference,
                    right=found.right,
                )
            return found
    found = proposals.open().filter(inmate=inmate, right=row.right).first()
    if found is not None and found.sdp_reference and row.sdp_reference:
        raise _Outcome(
            Out.CONFLICT,
            "open_has_other_reference",
            ours=found.sdp_reference,
            theirs=row.sdp_reference,
        )
    if found is None:
        latest = proposals.filter(inmate=inmate, right=row.right).order_by("-id").first()
        if latest is None:
            return None
        # A closed proposal already at SDP's stage (a refusal imported before, from a
        # row without reference) is that proposal: imported again, nothing changes.
        if latest.stage == row.stage and not row.sdp_reference:
            return latest
        # A closed proposal without SDP reference may be the very one SDP reports further
        # on: rather than start a second and move it, ask the officer (a new proposal in
        # SDP comes as a draft first, and is started then).
        if not latest.sdp_reference and row.stage != S.ELIGIBLE:
            raise _Outcome(
                Out.CONFLICT, "closed_without_reference", stage=latest.stage, sdp=row.sdp_status
            )
    return found


def _start(row: SdpImportRow, inmate: Inmate, by: Any) -> Proposal:
    today = inmate.facility.today()
    dates = [d for d in (row.proposed_on, row.sk_date) if d is not None and d <= today]
    return actions.start_proposal(
        inmate=inmate,
        right=row.right,
        by=by,
        sdp_reference=row.sdp_reference,
        on=min(dates) if dates else None,
    )


def _facts(row: SdpImportRow, proposal: Proposal, note: str) -> dict[str, Any]:
    today = proposal.facility.today()
    facts: dict[str, Any] = {"note": note}
    if row.stage == S.SENT:
        reference = row.sdp_reference or proposal.sdp_reference
        if not reference:
            raise _Outcome(Out.ERROR, "sent_needs_reference")
        on = row.proposed_on
        facts.update(
            sent_to=row.sent_to,
            sent_reference=reference,
            sent_on=on if on is not None and proposal.stage_since <= on <= today else today,
        )
    elif row.stage == S.GRANTED:
        if not row.sk_number or row.sk_date is None:
            raise _Outcome(Out.ERROR, "granted_needs_sk")
        facts.update(sk_number=row.sk_number, sk_date=row.sk_date)
    elif row.stage == S.REFUSED:
        facts["refusal_reason"] = row.reason or _("Refused in SDP (the export gives no reason).")
        if row.sk_date is not None and proposal.stage_since <= row.sk_date <= today:
            facts["on"] = row.sk_date
    return facts


# An action's field -> the export's column it came from (a refusal names the column).
_COLUMN_OF_FACT = {
    "sk_date": "sk_date",
    "sk_number": "sk_number",
    "sent_on": "proposed_on",
    "on": "proposed_on",
    "sent_reference": "sdp_reference",
    "sdp_reference": "sdp_reference",
    "refusal_reason": "reason",
    "right": "right",
}


def _messages(error: ValidationError) -> str:
    if not hasattr(error, "error_dict"):
        return " ".join(str(m) for m in error.messages)
    parts = []
    for name, messages in error.message_dict.items():
        column = _COLUMN_OF_FACT.get(name)
        prefix = f"{HEADERS[column][0]}: " if column else ""
        parts += [f"{prefix}{m}" for m in messages]
    return " ".join(parts)


def _stop(row: SdpImportRow, outcome: str, code: str, params: Mapping[str, Any]) -> None:
    row.outcome, row.reason_code, row.reason_params = outcome, code, dict(params)
    row.message = reason_text(code, params)


def apply_row(row: SdpImportRow, *, by: Any) -> None:
    """Decide ``row``'s outcome and, for an update, make its moves (the caller's
    transaction keeps or drops them). Sets the row's outcome fields; saves nothing.

    A move to a stage only the head records (sent, granted, refused: ``SDP_HEAD_PERMS``)
    marks the row ``needs_head``; made by someone else, it is checked (the move allowed,
    its facts complete) but not made: :func:`confirm` refuses such an import to anyone
    but the head."""
    row.outcome, row.message, row.proposal, row.from_stage, row.to_stage = "", "", None, "", ""
    row.reason_code, row.reason_params = "", {}
    row.started = row.needs_head = False
    try:
        with transaction.atomic():
            _apply(row, by)
    except _Outcome as stop:
        _stop(row, stop.outcome, stop.code, stop.params)
    except Conflict as exc:
        _stop(row, Out.CONFLICT, TEXT, {"text": str(exc.detail)})
    except ValidationError as exc:
        _stop(row, Out.ERROR, TEXT, {"text": _messages(exc)})
    except PermissionDenied as exc:
        _stop(row, Out.ERROR, TEXT, {"text": str(exc) or _("You may not do this.")})
    else:
        return
    # Nothing of the row was kept: a proposal it started is gone with it.
    row.to_stage = ""
    if row.started:
        row.proposal, row.from_stage, row.started = None, "", False


def _apply(row: SdpImportRow, by: Any) -> None:
    if row.problems:
        raise _Outcome(Out.ERROR, TEXT, text=" ".join(problem_text(p) for p in row.problems))
    facility = row.batch.facility
    number = parsing.normalise_registration_number(row.registration_number)
    inmate = (
        Inmate.objects.filter(facility=facility, registration_number=number)
        .select_related("facility")
        .first()
    )
    if inmate is None:
        raise _Outcome(Out.NOT_FOUND, "not_found", number=number, facility=facility.name)
    proposal = _find_proposal(row, inmate)
    done: list[list[Any]] = []
    if proposal is None:
        proposal = _start(row, inmate, by)
        row.started = True
        done.append(["started", {}])
    row.proposal = proposal
    row.from_stage = S.ELIGIBLE if row.started else proposal.stage
    if row.sdp_reference and not proposal.sdp_reference:
        proposal = actions.set_sdp_reference(
            proposal=proposal, sdp_reference=row.sdp_reference, by=by
        )
        done.append(["reference_recorded", {}])
    current, target = proposal.stage, row.stage
    if target == current or (
        target == S.ELIGIBLE and actions.STAGE_RANK[current] <= actions.STAGE_RANK[S.LITMAS]
    ):
        pass  # SDP's draft covers Sinergi's preparation (eligible, documents, Litmas)
    elif not proposal.is_open:
        raise _Outcome(Out.CONFLICT, "closed", stage=current, sdp=row.sdp_status)
    elif actions.STAGE_RANK[target] <= actions.STAGE_RANK[current]:
        raise _Outcome(Out.CONFLICT, "backwards", stage=current, sdp=row.sdp_status)
    else:
        note = _("Recorded from SDP export %(file)s, row %(line)s (SDP status: %(status)s).") % {
            "file": row.batch.filename,
            "line": row.line,
            "status": row.sdp_status,
        }
        facts = _facts(row, proposal, note)
        head_perm = actions.SDP_HEAD_PERMS.get(target)
        row.needs_head = head_perm is not None
        if head_perm is not None and not has_perm(by, head_perm, proposal):
            # Checked as the head's move would be, not made: the head confirms it.
            actions.check_sdp_move(proposal=proposal, to_stage=target, facts=facts)
            done += [["moved", {"from": current, "to": target}], ["needs_head", {}]]
            row.to_stage = target
            row.outcome = Out.UPDATE
            row.reason_code, row.reason_params = STEPS, {"steps": done}
            row.message = reason_text(STEPS, row.reason_params)
            return
        proposal = actions.transition(
            proposal=proposal, to_stage=target, facts=facts, by=by, source=actions.SDP
        )
        done.append(["moved", {"from": current, "to": target}])
    row.to_stage = proposal.stage
    if done:
        row.outcome, row.reason_code, row.reason_params = Out.UPDATE, STEPS, {"steps": done}
    else:
        row.outcome, row.reason_code = Out.UNCHANGED, "unchanged"
        row.reason_params = {"stage": proposal.stage}
    row.message = reason_text(row.reason_code, row.reason_params)


# --- the import ------------------------------------------------------------------------


class _Rollback(Exception):
    pass


def _run(batch: SdpImport, rows: list[SdpImportRow], by: Any) -> None:
    for row in rows:
        row.batch = batch
        apply_row(row, by=by)
    counts = dict.fromkeys(Out.values, 0)
    for row in rows:
        counts[row.outcome] += 1
    batch.total_rows = len(rows)
    batch.update_count = counts[Out.UPDATE]
    batch.unchanged_count = counts[Out.UNCHANGED]
    batch.not_found_count = counts[Out.NOT_FOUND]
    batch.conflict_count = counts[Out.CONFLICT]
    batch.error_count = counts[Out.ERROR]
    batch.needs_head_count = sum(1 for row in rows if row.needs_head)


COUNT_FIELDS = [
    "total_rows",
    "needs_head_count",
    "update_count",
    "unchanged_count",
    "not_found_count",
    "conflict_count",
    "error_count",
]
ROW_OUTCOME_FIELDS = [
    "outcome",
    "message",
    "reason_code",
    "reason_params",
    "proposal",
    "from_stage",
    "to_stage",
    "started",
    "needs_head",
]


class HeadRequired(PermissionDenied):
    """Confirming an import with rows only the head may record (a sending, a decision),
    by someone else: refused whole (403), naming the rows."""

    def __init__(self, lines: list[int]) -> None:
        self.lines = lines
        super().__init__(head_required_message(lines))


def head_required_message(lines: list[int]) -> str:
    return ngettext(
        "Row %(rows)s records a sending or a decision, which only the head of the facility "
        "records: only the head may apply this import.",
        "Rows %(rows)s record a sending or a decision, which only the head of the facility "
        "records: only the head may apply this import.",
        len(lines),
    ) % {"rows": ", ".join(str(line) for line in lines)}


def may_confirm(batch: SdpImport, user: Any) -> bool:
    """``user`` may apply ``batch`` as previewed: an officer of its facility, and the head
    when it has rows only the head records."""
    if not has_perm(user, actions.IMPORT_SDP, batch.facility):
        return False
    return not batch.needs_head_count or is_head_of(user, batch.facility)


def is_head_of(user: Any, facility: Any) -> bool:
    """The user may send and decide for ``facility``'s proposals (its head)."""
    from sinergi.core.roles import Role
    from sinergi.core.scoping import scope_of

    return facility.pk in scope_of(user).facility_ids(Role.HEAD)


def preview(
    *, facility: Any, upload: IO[bytes], filename: str, by: Any, encoding: str = ""
) -> SdpImport:
    """Read the export and store what each row would do, writing nothing else (the moves
    are made and rolled back, so the preview says what confirming will do)."""
    require_perm(
        by,
        actions.IMPORT_SDP,
        facility,
        message=str(actions.PERMISSION_MESSAGES[actions.IMPORT_SDP]),
    )
    read = read_export(upload, filename, encoding=encoding)
    batch = SdpImport(facility=facility, filename=Path(filename).name[:255], uploaded_by=by)
    rows = [SdpImportRow(line=r.line, problems=r.problems, **r.values) for r in read]
    try:
        with transaction.atomic():
            _run(batch, rows, by)
            raise _Rollback
    except _Rollback:
        pass
    with transaction.atomic():
        batch.save()
        for row in rows:
            row.batch = batch
            if row.proposal is not None and row.started:
                row.proposal = None  # started only in the rolled-back preview
        SdpImportRow.objects.bulk_create(rows, batch_size=500)
        audit.record(
            "proposal.sdp_import.preview",
            by=by,
            target=batch,
            facility=facility,
            changes={"filename": batch.filename, **{f: getattr(batch, f) for f in COUNT_FIELDS}},
        )
    return batch


@transaction.atomic
def confirm(*, batch: SdpImport, by: Any) -> SdpImport:
    """Apply a previewed import, every row in this one transaction, and store the
    outcomes (which may differ from the preview if the proposals changed meanwhile)."""
    require_perm(
        by,
        actions.IMPORT_SDP,
        batch.facility,
        message=str(actions.PERMISSION_MESSAGES[actions.IMPORT_SDP]),
    )
    batch = SdpImport.objects.select_for_update().select_related("facility").get(pk=batch.pk)
    if batch.status != SdpImportStatus.PREVIEW:
        raise Conflict(_("This import has already been applied."), code="already_applied")
    rows = list(batch.rows.order_by("line", "id"))
    _run(batch, rows, by)
    needing_head = [row.line for row in rows if row.needs_head]
    if needing_head and not is_head_of(by, batch.facility):
        # Nothing of it is kept: the transaction is rolled back with the refusal.
        raise HeadRequired(needing_head)
    SdpImportRow.objects.bulk_update(rows, ROW_OUTCOME_FIELDS, batch_size=500)
    batch.status = SdpImportStatus.APPLIED
    batch.confirmed_by = by
    batch.confirmed_at = timezone.now()
    batch.save(
        update_fields=[*COUNT_FIELDS, "status", "confirmed_by", "confirmed_at", "updated_at"]
    )
    audit.record(
        "proposal.sdp_import.confirm",
        by=by,
        target=batch,
        facility=batch.facility,
        changes={"filename": batch.filename, **{f: getattr(batch, f) for f in COUNT_FIELDS}},
    )
    return batch


def problems_csv(batch: SdpImport) -> str:
    """The rows that were not imported as they stand (not found, conflict, error), one
    line each with the reason: the inmate import's error CSV."""
    rows = batch.rows.exclude(outcome__in=[Out.UPDATE, Out.UNCHANGED]).order_by("line", "id")
    return parsing.errors_to_csv(
        parsing.RowError(
            line_number=row.line,
            column=str(SdpRowOutcome(row.outcome).label),
            field="",
            value=row.sdp_reference or row.registration_number,
            message=row_reason(row),
            name=row.name,
            registration_number=row.registration_number,
        )
        for row in rows
    )


def imports_for(user: Any) -> Any:
    """The imports of the facilities where ``user`` may import."""
    from sinergi.core.roles import OFFICER_ROLES
    from sinergi.core.scoping import scope_of

    ids = scope_of(user).facility_ids(*OFFICER_ROLES)
    return SdpImport.objects.filter(facility_id__in=ids)
