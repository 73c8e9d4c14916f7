"""Who was in custody when: custody episodes, kept from a person's status, and the one
question every population of a period asks (:func:`in_custody_during`).

An episode runs at a facility from an admission (or a transfer in) to a release, a
transfer out or a death; its last day is the day of the release or transfer. A person
counts in a period's population when one of their episodes overlaps the period, so a
figure for November counts exactly the people held in November, whenever their records
were imported. :func:`follow_status` is the one function that opens and closes episodes;
the actions that admit (``actions.admitted``: the register form and the import) and that
change a status (``actions.change_status``: the status page and a recorded release or
transfer) call it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from sinergi.inmates import import_copy
from sinergi.inmates.choices import CustodyEnd, CustodyStart, InmateStatus
from sinergi.inmates.models import CustodyEpisode, Inmate, Sentence

# How an episode ends, by the status the person leaves custody for.
END_BY_STATUS = {
    InmateStatus.RELEASED: CustodyEnd.RELEASE,
    InmateStatus.TRANSFERRED: CustodyEnd.TRANSFER_OUT,
    InmateStatus.DECEASED: CustodyEnd.DEATH,
}


def _first_starts(inmates: Sequence[Inmate]) -> dict[int, datetime.date]:
    """The first day in custody of each inmate: the admission date, else the sentence's
    detention start, else the day the record was made. One query."""
    without = [i.pk for i in inmates if i.admission_date is None]
    detention = dict(
        Sentence.objects.filter(inmate_id__in=without).values_list("inmate_id", "detention_start")
        if without
        else []
    )
    return {
        i.pk: i.admission_date
        or detention.get(i.pk)
        or timezone.localdate(i.created_at if i.created_at else None)
        for i in inmates
    }


def _transfers_in(
    inmates: Sequence[Inmate], starts: dict[int, datetime.date]
) -> dict[int, datetime.date]:
    """Of new people, those who left another facility by a transfer (the same NIK, an
    episode ended by a transfer out on or after their first day): the day of that
    transfer, when their custody here began. One query."""
    niks = {i.nik for i in inmates if i.nik}
    if not niks:
        return {}
    left: dict[str, list[tuple[int, datetime.date]]] = {}
    for nik, facility_id, ended_on in CustodyEpisode.objects.filter(
        inmate__nik__in=niks, ended_how=CustodyEnd.TRANSFER_OUT
    ).values_list("inmate__nik", "facility_id", "ended_on"):
        if ended_on is not None:
            left.setdefault(nik, []).append((facility_id, ended_on))
    found = {}
    for inmate in inmates:
        days = [
            ended
            for facility_id, ended in left.get(inmate.nik, [])
            if facility_id != inmate.facility_id and ended >= starts[inmate.pk]
        ]
        if days:
            found[inmate.pk] = max(days)
    return found


def follow_status(
    inmates: Iterable[Inmate], *, by: Any = None, strict: bool = True, reason: str = ""
) -> None:
    """Bring the custody episodes of ``inmates`` in line with each one's status: a person
    in custody has one open episode at their facility (the first from their first day,
    or from the day of the transfer that brought them; a later one from the day of their
    status change), a person out of custody none open (closed on the day of the status
    change, ended as the status says). ``strict``: an end before the episode's start is
    refused (``ValidationError`` at ``on``); otherwise (records built after the fact) the
    start is moved back to it. Bounded: a few queries whatever the number of people."""
    inmates = list(inmates)
    if not inmates:
        return
    episodes: dict[int, list[CustodyEpisode]] = {}
    for episode in CustodyEpisode.objects.filter(inmate__in=[i.pk for i in inmates]):
        episodes.setdefault(episode.inmate_id, []).append(episode)
    today = timezone.localdate()
    first = [i for i in inmates if not episodes.get(i.pk)]
    starts = _first_starts(first)
    transfers = _transfers_in([i for i in first if i.status == InmateStatus.IN_CUSTODY], starts)
    new: list[CustodyEpisode] = []
    closed: list[CustodyEpisode] = []
    for inmate in inmates:
        own = episodes.get(inmate.pk, [])
        open_episode = next((e for e in own if e.ended_on is None), None)
        held = inmate.status == InmateStatus.IN_CUSTODY
        if held and open_episode is None:
            if own:  # back in custody after a release or transfer
                start = inmate.status_changed_on or today
                how = CustodyStart.ADMISSION
            elif inmate.pk in transfers:
                start, how = transfers[inmate.pk], CustodyStart.TRANSFER_IN
            else:
                start, how = starts[inmate.pk], CustodyStart.ADMISSION
            new.append(
                CustodyEpisode(
                    inmate=inmate, facility_id=inmate.facility_id, started_on=start, started_how=how
                )
            )
        elif not held and (open_episode is not None or not own):
            end = inmate.status_changed_on or today
            episode = open_episode or CustodyEpisode(
                inmate=inmate, facility_id=inmate.facility_id, started_on=starts[inmate.pk]
            )
            if end < episode.started_on:
                if strict:
                    raise ValidationError(
                        {
                            "on": [
                                _("Custody at this facility began on %(day)s: not before.")
                                % {"day": episode.started_on.strftime("%d-%m-%Y")}
                            ]
                        }
                    )
                episode.started_on = end
            episode.ended_on = end
            episode.ended_how = END_BY_STATUS[InmateStatus(inmate.status)]
            (closed if open_episode is not None else new).append(episode)
    if new and import_copy.uses_copy():
        # COPY and one INSERT … SELECT of their history rows: the same rows as below.
        import_copy.insert(new)
        import_copy.insert_history(
            CustodyEpisode, [e.pk for e in new], by=by, reason=reason or None
        )
    elif new:
        bulk_create_with_history(
            new, CustodyEpisode, default_user=by, default_change_reason=reason or None
        )
    if closed:
        bulk_update_with_history(
            closed,
            CustodyEpisode,
            ["started_on", "ended_on", "ended_how", "updated_at"],
            default_user=by,
            default_change_reason=reason or None,
        )


def open_first_episodes(inmate_ids: Sequence[int], *, by: Any = None) -> list[int]:
    """The first episodes of newly admitted people, set-based on PostgreSQL: what
    :func:`follow_status` writes for a person in custody with an admission date and no
    episode yet (from the admission, or from the day of the transfer out of another
    facility of a person with the same NIK that ended on or after it), in one
    ``INSERT … SELECT`` and their history rows in another (the transfers out are read
    first, apart: the people just COPYed have no statistics yet, and a join of them with
    every inmate on the NIK was planned as a loop). Returns the ids of the other
    people (to :func:`follow_status`); all of them elsewhere than on PostgreSQL."""
    ids = list(inmate_ids)
    if not ids or not import_copy.uses_copy():
        return ids
    episodes = CustodyEpisode._meta.db_table
    inmates = Inmate._meta.db_table
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH people AS (
                SELECT i.id, i.facility_id, i.admission_date AS start, i.nik FROM {inmates} i
                WHERE i.id = ANY(%(ids)s) AND i.status = %(held)s
                AND i.admission_date IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM {episodes} e WHERE e.inmate_id = i.id)
            ), outs AS MATERIALIZED (
                SELECT o.nik, e.facility_id, e.ended_on FROM {episodes} e
                JOIN {inmates} o ON o.id = e.inmate_id
                WHERE e.ended_how = %(out)s AND e.ended_on IS NOT NULL AND o.nik <> ''
            ), moved AS (
                SELECT p.id, MAX(t.ended_on) AS day FROM people p
                JOIN outs t ON t.nik = p.nik
                WHERE t.facility_id <> p.facility_id AND t.ended_on >= p.start
                GROUP BY p.id
            )
            INSERT INTO {episodes} (inmate_id, facility_id, started_on, started_how,
                ended_on, ended_how, created_at, updated_at)
            SELECT p.id, p.facility_id, COALESCE(m.day, p.start),
                CASE WHEN m.day IS NULL THEN %(admission)s ELSE %(transfer)s END,
                NULL, '', %(now)s, %(now)s
            FROM people p LEFT JOIN moved m ON m.id = p.id ORDER BY p.id
            RETURNING id, inmate_id
            """,  # noqa: S608
            {
                "ids": ids,
                "held": InmateStatus.IN_CUSTODY.value,
                "out": CustodyEnd.TRANSFER_OUT.value,
                "admission": CustodyStart.ADMISSION.value,
                "transfer": CustodyStart.TRANSFER_IN.value,
                "now": now,
            },
        )
        written = cursor.fetchall()
    import_copy.insert_history(CustodyEpisode, [pk for pk, _ in written], by=by, reason=None)
    done = {inmate_id for _, inmate_id in written}
    return [pk for pk in ids if pk not in done]


def build_missing(*, by: Any = None) -> int:
    """Episodes for the people who have none yet (records written before episodes were
    kept, or in bulk by the demo), from their admission, status and status date.
    Returns how many people got one."""
    missing = Inmate.objects.filter(~Exists(CustodyEpisode.objects.filter(inmate=OuterRef("pk"))))
    count = 0
    chunk: list[Inmate] = []
    for inmate in missing.order_by("pk").iterator(chunk_size=1000):
        chunk.append(inmate)
        if len(chunk) == 1000:
            follow_status(chunk, by=by, strict=False, reason="built from the records")
            count += len(chunk)
            chunk = []
    follow_status(chunk, by=by, strict=False, reason="built from the records")
    return count + len(chunk)


def _overlapping(start: datetime.date, end: datetime.date) -> Q:
    return Q(started_on__lte=end) & (Q(ended_on__isnull=True) | Q(ended_on__gte=start))


def in_custody_during(
    start: datetime.date,
    end: datetime.date,
    *,
    facilities: Iterable[Any] | None = None,
    region: Any = None,
) -> Q:
    """On inmates: held on at least one day from ``start`` to ``end`` (both included) at
    one of ``facilities`` (ids or facilities), or a facility of ``region``, or anywhere
    (the country) when neither is given. One EXISTS: usable in any count or grouping."""
    episodes = CustodyEpisode.objects.filter(_overlapping(start, end), inmate=OuterRef("pk"))
    if facilities is not None:
        episodes = episodes.filter(facility__in=list(facilities))
    if region is not None:
        episodes = episodes.filter(facility__region=region)
    return Q(Exists(episodes))


def people_in_custody(
    start: datetime.date,
    end: datetime.date,
    *,
    facilities: Iterable[Any] | None = None,
    region: Any = None,
) -> Any:
    """The people in custody at ``facilities`` (or in ``region``, or the country) on at
    least one day from ``start`` to ``end``."""
    return Inmate.objects.filter(
        in_custody_during(start, end, facilities=facilities, region=region)
    )


def held_on(day: datetime.date) -> Q:
    """On inmates: held on ``day`` (an episode begun by then, not ended before the end of
    it: a person released that day is no longer held)."""
    return Q(
        Exists(
            CustodyEpisode.objects.filter(
                Q(ended_on__isnull=True) | Q(ended_on__gt=day),
                inmate=OuterRef("pk"),
                started_on__lte=day,
            )
        )
    )


def absent_from_export(facility: Any, numbers: Iterable[str]) -> list[dict[str, Any]]:
    """The people in custody at ``facility`` whose registration number is not among
    ``numbers`` (the rows of a full export): to review, never changed by the import.
    One query."""
    present = set(numbers)
    return [
        {"inmate": pk, "registration_number": number, "name": name}
        for pk, number, name in Inmate.objects.filter(
            facility=facility, status=InmateStatus.IN_CUSTODY
        )
        .order_by("name", "pk")
        .values_list("pk", "registration_number", "name")
        if number not in present
    ]


def admission_corrected(inmate: Inmate, *, by: Any = None) -> None:
    """A corrected admission date moves the start of the person's first episode, when it
    began with that admission (not a transfer); an end before it is refused
    (``ValidationError`` at ``admission_date``)."""
    if inmate.admission_date is None:
        return
    episode = (
        CustodyEpisode.objects.filter(inmate=inmate, started_how=CustodyStart.ADMISSION)
        .order_by("started_on", "pk")
        .first()
    )
    if episode is None or episode.started_on == inmate.admission_date:
        return
    if episode.ended_on is not None and episode.ended_on < inmate.admission_date:
        raise ValidationError(
            {
                "admission_date": [
                    _("Custody at this facility ended on %(day)s: the admission is not after.")
                    % {"day": episode.ended_on.strftime("%d-%m-%Y")}
                ]
            }
        )
    episode.started_on = inmate.admission_date
    episode._history_user = by  # type: ignore[attr-defined]
    episode.save(update_fields=["started_on", "updated_at"])
