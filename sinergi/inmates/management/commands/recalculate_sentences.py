from __future__ import annotations

import datetime
import os
import time
import zoneinfo
from collections import defaultdict
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count, QuerySet
from django.utils import timezone

from sinergi.inmates import recalculation
from sinergi.inmates.choices import RecalculatedField, Right, RightStatus
from sinergi.inmates.models import (
    Inmate,
    SentenceRecalculation,
    SentenceRecalculationChange,
    SentenceRecalculationFacility,
)
from sinergi.inmates.recalculation import CHUNK, NOT_A_MOVE
from sinergi.orgs.models import Facility

MINUS = "\u2212"  # the minus sign (U+2212), as the report prints "-4 days"
# People listed per facility by default (a national run moves hundreds of thousands).
PEOPLE_LISTED = 200
WORKERS = min(2, os.cpu_count() or 1)


def say_shift(days: int | None) -> str:
    """ "+5 days", "-4 days" (with a minus sign), "+1 day"; "" when the change is not
    between two dates."""
    if days is None:
        return ""
    unit = "day" if abs(days) == 1 else "days"
    sign = "+" if days > 0 else (MINUS if days < 0 else "±")
    return f"{sign}{abs(days)} {unit}"


def say_field(change: SentenceRecalculationChange) -> str:
    """What changed, in English (the command's language): "expiry", "PB eligible from"."""
    name = {
        RecalculatedField.EXPIRY_DATE: "expiry",
        RecalculatedField.EXPIRY_AFTER_REMISSION: "expiry after remisi",
        RecalculatedField.ONE_THIRD_DATE: "1/3 date",
        RecalculatedField.HALF_DATE: "1/2 date",
        RecalculatedField.TWO_THIRDS_DATE: "2/3 date",
        RecalculatedField.TERM_START: "term start",
        RecalculatedField.RELEASE_DATE: "release date",
        RecalculatedField.PB_PROBATION_END: "end of PB probation",
        RecalculatedField.RULE_SET: "rule set",
        RecalculatedField.ELIGIBLE_FROM: "eligible from",
        RecalculatedField.ENDS_ON: "ends on",
        RecalculatedField.STATUS: "status",
    }.get(RecalculatedField(change.field), change.field)
    if not change.right:
        return name
    right = Right(change.right).value
    # "PB", "CB", "CMB", "CMK" as abbreviations, "Asimilasi" as a word.
    return f"{right.upper() if len(right) <= 3 else right.capitalize()} {name}"


def say_value(change: SentenceRecalculationChange, value: str) -> str:
    if not value:
        return "(none)"
    if change.field == RecalculatedField.STATUS and value in RightStatus.values:
        return value.replace("_", " ")
    return value


class Command(BaseCommand):
    help = (
        "Recompute the stored key dates and integration rights of every inmate (or one "
        "facility's), e.g. after the rule set changed. Prints, per facility, whose dates "
        "move and by how much, stores that report (audited), then writes; --dry-run "
        "prints and stores the report without writing. It works in chunks of "
        "--chunk-size people, each committed with its part of the report, and prints "
        "its progress per chunk on stderr; a run that stopped (a crash, an interrupt) is "
        "continued by --resume after its last finished chunk (a new run without "
        "--resume starts again from the first person)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--facility", help="only this facility code")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="report what would change (stored, marked not applied); write nothing",
        )
        parser.add_argument("--reason", default="", help="why it is run (kept in the report)")
        parser.add_argument(
            "--user", help="the username of who runs it (default: recorded as 'system')"
        )
        parser.add_argument(
            "--resume",
            action="store_true",
            help="continue the latest run that stopped before its end (its facility, "
            "days, user, reason and dry-run kept), after its last finished chunk",
        )
        parser.add_argument(
            "--people-listed",
            type=int,
            default=PEOPLE_LISTED,
            help="people whose dates moved listed per facility, by name (default "
            f"{PEOPLE_LISTED}; -1: all); the others are counted, the stored report has "
            "them all",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=WORKERS,
            help="processes that compute the next chunks while one is written "
            f"(PostgreSQL; default {WORKERS}, the machine's cores up to 2; 1: none)",
        )
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=CHUNK,
            help=f"people per chunk, each committed on its own (default {CHUNK})",
        )

    def handle(
        self,
        *args: Any,
        facility: str | None = None,
        dry_run: bool = False,
        reason: str = "",
        user: str | None = None,
        resume: bool = False,
        chunk_size: int = CHUNK,
        people_listed: int = PEOPLE_LISTED,
        workers: int = WORKERS,
        **options: Any,
    ) -> None:
        if chunk_size < 1:
            raise CommandError("--chunk-size must be at least 1.")
        self._listed = people_listed
        self._workers = workers
        self._started = time.monotonic()
        self._people = 0
        try:
            with recalculation.one_run_at_a_time():
                if resume:
                    report = self._resume(chunk_size)
                else:
                    report = self._run(facility, dry_run, reason, user, chunk_size)
        except recalculation.AlreadyRunning:
            raise CommandError(
                "A recalculation is already running in another process: wait for it to end "
                "(or, if it crashed, run --resume then)."
            ) from None
        self._print(report)

    def _run(
        self,
        facility: str | None,
        dry_run: bool,
        reason: str,
        user: str | None,
        chunk_size: int,
    ) -> SentenceRecalculation:
        by = None
        if user:
            by = get_user_model().objects.filter(username=user).first()
            if by is None:
                raise CommandError(f"No user {user!r}.")
        limited_to = None
        if facility:
            limited_to = Facility.objects.filter(code=facility).first()
            if limited_to is None:
                raise CommandError(f"No facility {facility!r}.")
        stopped = recalculation.unfinished()
        if stopped is not None:
            self.stderr.write(
                f"Run #{stopped.pk} stopped after {stopped.chunks_done} of "
                f"{stopped.chunks_total} chunks; starting a new run (--resume continues it)."
            )
        inmates = self._inmates(limited_to)
        # Each facility's rights are due by its own date (WIB, WITA or WIT).
        zones = set(inmates.order_by().values_list("facility__time_zone", flat=True).distinct())
        days = {
            zone: timezone.localdate(timezone=zoneinfo.ZoneInfo(zone)) for zone in sorted(zones)
        }
        return recalculation.record_recalculation(
            inmates_by_day=self._by_day(inmates, days),
            by=by,
            reason=reason,
            dry_run=dry_run,
            limited_to=limited_to,
            days=days,
            chunk_size=chunk_size,
            on_chunk=self._progress,
            workers=self._workers,
        )

    def _resume(self, chunk_size: int) -> SentenceRecalculation:
        report = recalculation.unfinished()
        if report is None:
            raise CommandError("No recalculation stopped before its end: nothing to resume.")
        self.stderr.write(
            f"Resuming run #{report.pk} after chunk {report.chunks_done} of "
            f"{report.chunks_total} ({report.inmates_checked} of {report.people_total} "
            "people done)."
        )
        days = {zone: datetime.date.fromisoformat(day) for zone, day in sorted(report.days.items())}
        inmates = self._inmates(report.limited_to)
        return recalculation.run_chunks(
            report,
            self._by_day(inmates, days),
            by=report.run_by,
            chunk_size=chunk_size,
            on_chunk=self._progress,
            workers=self._workers,
        )

    @staticmethod
    def _inmates(limited_to: Facility | None) -> QuerySet[Inmate]:
        inmates = Inmate.objects.filter(sentence__isnull=False)
        if limited_to is not None:
            inmates = inmates.filter(facility=limited_to)
        return inmates

    @staticmethod
    def _by_day(
        inmates: QuerySet[Inmate], days: dict[str, datetime.date]
    ) -> dict[datetime.date, list[int]]:
        by_day: dict[datetime.date, list[int]] = defaultdict(list)
        for pk, zone in inmates.order_by().values_list("pk", "facility__time_zone"):
            if zone in days:
                by_day[days[zone]].append(pk)
        return by_day

    def _progress(self, report: SentenceRecalculation, people: int) -> None:
        """One line per chunk on stderr (stdout keeps the report)."""
        self._people += people
        seconds = max(time.monotonic() - self._started, 1e-6)
        self.stderr.write(
            f"chunk {report.chunks_done}/{report.chunks_total}: "
            f"{report.inmates_checked}/{report.people_total} people, "
            f"{self._people / seconds:,.0f} people/s"
        )

    def _print(self, report: SentenceRecalculation) -> None:
        """The report as stored, facility by facility (one query per facility, whatever
        the number of people)."""
        totals = list(
            SentenceRecalculationFacility.objects.filter(recalculation=report)
            .select_related("facility")
            .order_by("facility__code")
        )
        verb = "would move" if report.dry_run else "moved"
        for total in totals:
            self.stdout.write(
                f"{total.facility.code} {total.facility.name}: "
                f"{total.inmates_changed} of {total.inmates_checked} people's dates {verb}"
            )
            if total.changes_count:
                self._print_people(report, total)
        moved_in = sum(1 for t in totals if t.inmates_changed)
        places = f"{moved_in} {'facility' if moved_in == 1 else 'facilities'}"
        if report.dry_run:
            summary = (
                f"Dry run, nothing written: {report.inmates_checked} sentences checked; "
                f"{report.inmates_changed} people's dates would move in {places}; "
                f"report #{report.pk} stored (not applied)."
            )
        else:
            summary = (
                f"Recalculated {report.inmates_checked} sentences; {report.inmates_changed} "
                f"people's dates moved in {places}; report #{report.pk} stored "
                "(applied)."
            )
        self.stdout.write(self.style.SUCCESS(summary))

    def _print_people(
        self, report: SentenceRecalculation, total: SentenceRecalculationFacility
    ) -> None:
        """The people whose dates moved (at most ``--people-listed``, by name), then how
        many more, then the people whose rule set alone was renamed, grouped."""
        changes = SentenceRecalculationChange.objects.filter(
            recalculation=report, facility_id=total.facility_id
        )
        # IN (a subquery), not a correlated EXISTS: hashed once, whatever the rows.
        moving = changes.exclude(field__in=NOT_A_MOVE).values("inmate_id")
        # The people listed are chosen first (by name, at most --people-listed), then
        # only their changes are read: a facility's whole report is not sorted.
        people = Inmate.objects.filter(pk__in=moving).order_by("name", "id")
        if self._listed >= 0:
            people = people[: self._listed]
        chosen = list(people.only("registration_number", "name"))
        by_person: dict[int, list[SentenceRecalculationChange]] = defaultdict(list)
        for change in changes.filter(inmate_id__in=people.values("pk")).order_by("right", "id"):
            by_person[change.inmate_id].append(change)
        for inmate in chosen:
            self._print_person(inmate, by_person[inmate.pk])
        listed = len(chosen)
        if total.inmates_changed > listed:
            self.stdout.write(
                f"  … and {total.inmates_changed - listed} more people whose dates moved "
                f"(report #{report.pk})"
            )
        renamed = (
            changes.filter(field__in=NOT_A_MOVE)
            .exclude(inmate_id__in=moving)
            .values_list("old_value", "new_value")
            .annotate(people=Count("inmate_id", distinct=True))
            .order_by("old_value", "new_value")
        )
        for old, new, count in renamed:
            self.stdout.write(
                f"  rule set only, {count} {'person' if count == 1 else 'people'}: "
                f"{old or '(none)'} \u2192 {new or '(none)'}"
            )

    def _print_person(self, inmate: Inmate, changes: list[SentenceRecalculationChange]) -> None:
        self.stdout.write(f"  {inmate.registration_number}  {inmate.name}")
        for c in changes:
            shift = say_shift(c.shift_days)
            self.stdout.write(
                f"    {say_field(c)}: {say_value(c, c.old_value)} \u2192 "
                f"{say_value(c, c.new_value)}" + (f" ({shift})" if shift else "")
            )
