"""``Inmate.earliest_right`` is the earliest eligibility date of the person's eligible
rights, kept by the database's triggers (migration inmates 0014) whatever writes the
rights or the person: the engine, the ORM's save, bulk and raw statements, the
recalculation's set-based writes (COPY on PostgreSQL), the import. The rights pipeline
sorts by it and the release worklist finds the people whose right falls within its
horizon by it: a stale value would put a person whose right is due at the wrong place in
the list, or leave them out of the worklist, so every path is tested."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.db.models import Min, OuterRef, Q, Subquery
from django.test import override_settings
from django.utils import timezone, translation

from sinergi.accounts.models import User
from sinergi.inmates import pipeline
from sinergi.inmates.choices import Right, RightStatus
from sinergi.inmates.models import Inmate, InmateRight
from sinergi.orgs.models import Facility
from sinergi.reintegration.queries import within_horizon
from tests.inmates.factories import make_inmate
from tests.inmates.test_recalculation_bulk import _run as _run_recalculation
from tests.inmates.test_recalculation_bulk import varied  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def _mismatched() -> list[tuple[int, datetime.date | None, datetime.date | None]]:
    """People whose stored value is not the earliest date of their eligible rights:
    (id, stored, computed)."""
    first = (
        InmateRight.objects.filter(inmate=OuterRef("pk"), status=RightStatus.ELIGIBLE)
        .order_by()
        .values("inmate")
        .annotate(first=Min("eligible_from"))
        .values("first")[:1]
    )
    people = Inmate.objects.annotate(computed=Subquery(first))
    return list(
        people.filter(
            Q(earliest_right__isnull=True, computed__isnull=False)
            | Q(earliest_right__isnull=False, computed__isnull=True)
            | (
                Q(earliest_right__isnull=False, computed__isnull=False)
                & ~Q(earliest_right=Subquery(first))
            )
        ).values_list("pk", "earliest_right", "computed")
    )


def _stored(person: Inmate) -> datetime.date | None:
    return Inmate.objects.values_list("earliest_right", flat=True).get(pk=person.pk)


def _person(name: str = "Hak Terawal", years: int = 3) -> Inmate:
    """A person in custody with eligible rights (the engine's), served for a while."""
    today = timezone.localdate()
    person = make_inmate(
        facility=Facility.objects.get(code="selong"),
        name=name,
        term_years=years,
        detention_start=today - datetime.timedelta(days=400),
    )
    assert InmateRight.objects.filter(inmate=person, status=RightStatus.ELIGIBLE).count() >= 2
    return person


def test_a_new_person_has_the_earliest_date_of_their_rights(demo_world):
    person = _person()
    for years in (1, 4, 8):
        _person(f"Orang {years}", years=years)
    first = min(
        InmateRight.objects.filter(
            inmate=person, status=RightStatus.ELIGIBLE, eligible_from__isnull=False
        ).values_list("eligible_from", flat=True)
    )
    assert _stored(person) == first
    assert Inmate.objects.filter(earliest_right__isnull=False).count() == 4
    assert _mismatched() == []


def test_writes_to_the_rights_move_it_one_by_one_in_bulk_and_raw(demo_world):
    person = _person()
    rights = {r.right: r for r in InmateRight.objects.filter(inmate=person)}
    dated = sorted(
        (r for r in rights.values() if r.status == RightStatus.ELIGIBLE and r.eligible_from),
        key=lambda r: r.eligible_from,
    )
    first, second = dated[0], dated[1]
    # the earliest blocked: the next one is the earliest
    first.status = RightStatus.BLOCKED
    first.save()
    assert _stored(person) == second.eligible_from
    # an earlier date by a bulk update
    earlier = second.eligible_from - datetime.timedelta(days=30)
    InmateRight.objects.bulk_update(
        [InmateRight(pk=second.pk, eligible_from=earlier)], ["eligible_from"]
    )
    assert _stored(person) == earlier
    # by a raw statement
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE inmates_inmateright SET eligible_from = %s WHERE id = %s",
            [earlier - datetime.timedelta(days=1), second.pk],
        )
    assert _stored(person) == earlier - datetime.timedelta(days=1)
    # deleted, then created again in bulk
    InmateRight.objects.filter(inmate=person).delete()
    assert _stored(person) is None
    InmateRight.objects.bulk_create(
        [
            InmateRight(inmate=person, right=Right.PB, status="eligible", eligible_from=earlier),
            InmateRight(inmate=person, right=Right.CB, status="blocked", eligible_from=None),
        ]
    )
    assert _stored(person) == earlier
    assert _mismatched() == []


def test_rights_added_in_one_statement_bring_each_date_earlier_never_later(demo_world):
    # After an insert the date is the earlier of the stored one and the new rows' (0016):
    # a later eligible right, a blocked one or an undated one leaves it, an earlier one
    # moves it; several people in one statement, each their own.
    early, late, fresh = _person("Awal"), _person("Akhir", years=5), _person("Baru", years=2)
    InmateRight.objects.filter(inmate=fresh).delete()
    InmateRight.objects.filter(inmate__in=[early, late], right=Right.PB).delete()
    stored = {p.pk: _stored(p) for p in (early, late)}
    assert None not in stored.values() and _stored(fresh) is None
    before = stored[early.pk] - datetime.timedelta(days=10)
    after = stored[late.pk] + datetime.timedelta(days=10)
    InmateRight.objects.bulk_create(
        [
            InmateRight(inmate=early, right=Right.PB, status="eligible", eligible_from=before),
            InmateRight(inmate=late, right=Right.PB, status="eligible", eligible_from=after),
            InmateRight(inmate=fresh, right=Right.PB, status="blocked", eligible_from=before),
            InmateRight(inmate=fresh, right=Right.CB, status="eligible", eligible_from=None),
            InmateRight(inmate=fresh, right=Right.CMB, status="eligible", eligible_from=after),
        ]
    )
    assert _stored(early) == before
    assert _stored(late) == stored[late.pk]
    assert _stored(fresh) == after
    assert _mismatched() == []


def test_a_right_moved_to_another_person_moves_both(demo_world):
    one, other = _person("Satu"), _person("Dua", years=5)
    moved = InmateRight.objects.filter(inmate=one, status=RightStatus.ELIGIBLE).order_by(
        "eligible_from"
    )[0]
    InmateRight.objects.filter(inmate=other, right=moved.right).delete()
    InmateRight.objects.filter(pk=moved.pk).update(
        inmate=other, eligible_from=datetime.date(2000, 1, 1)
    )
    assert _stored(other) == datetime.date(2000, 1, 1)
    assert _mismatched() == []  # the person it left too


def test_a_value_written_to_the_person_from_python_or_raw_sql_is_replaced(demo_world):
    person = _person()
    right_one = _stored(person)
    assert right_one is not None
    stale = Inmate.objects.get(pk=person.pk)
    InmateRight.objects.filter(inmate=person).delete()  # after the instance was read
    stale.name = "Nama Baru"
    stale.save()  # writes every field, the stale date too
    assert _stored(person) is None
    InmateRight.objects.create(
        inmate=person, right=Right.PB, status="eligible", eligible_from=right_one
    )
    Inmate.objects.filter(pk=person.pk).update(earliest_right=datetime.date(1999, 1, 1))
    assert _stored(person) == right_one
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE inmates_inmate SET earliest_right = %s WHERE id = %s",
            [datetime.date(1999, 1, 1), person.pk],
        )
    assert _stored(person) == right_one
    newcomer = Inmate.objects.create(
        facility=person.facility,
        registration_number="X-NEW-1",
        name="Baru",
        earliest_right=datetime.date(1999, 1, 1),
    )
    assert _stored(newcomer) is None
    assert _mismatched() == []


def test_rights_written_before_their_person_give_the_person_their_date(demo_world):
    """The import on PostgreSQL writes a new person's rights first (the foreign key is
    checked at the commit) and the person after, with the date: whatever value the
    person is given, the stored one is their rights'."""
    facility = Facility.objects.get(code="selong")
    day = datetime.date(2027, 1, 1)
    for n, given in enumerate((None, datetime.date(1999, 1, 1), day)):
        pk = (Inmate.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 100
        with transaction.atomic():
            InmateRight.objects.create(
                inmate_id=pk, right=Right.PB, status="eligible", eligible_from=day
            )
            InmateRight.objects.create(
                inmate_id=pk, right=Right.CB, status="blocked", eligible_from=None
            )
            person = Inmate.objects.create(
                pk=pk,
                facility=facility,
                registration_number=f"X-FIRST-{n}",
                name="Hak Dulu",
                earliest_right=given,
            )
        assert _stored(person) == day, given
    assert _mismatched() == []


@pytest.mark.usefixtures("varied")
def test_the_recalculation_keeps_it():
    """The set-based recalculation (COPY and ``UPDATE … FROM`` on PostgreSQL) deletes,
    updates and creates rights in bulk, on the stale world of its own tests."""
    _run_recalculation("--chunk-size", "3")
    assert _mismatched() == []


def test_an_import_of_new_people_writes_it(demo_world, tmp_path: Path):
    """The SDP import (COPY and set-based inserts on PostgreSQL, the ORM on SQLite)."""
    from tests.inmates.test_import_copy import FIRST, NUMBERS, _file, _run

    with override_settings(MEDIA_ROOT=tmp_path / "media"), translation.override("en"):
        _run(_file(tmp_path, "first.csv", FIRST), User.objects.get(username="petugas.selong"))
    imported = Inmate.objects.filter(facility__code="selong", registration_number__in=NUMBERS)
    assert imported.count() == len(FIRST)
    assert imported.filter(earliest_right__isnull=False).exists()
    assert _mismatched() == []


def test_the_pipeline_sorts_by_it_and_the_worklist_finds_by_it(demo_world):
    officer = User.objects.get(username="petugas.selong")
    today = timezone.localdate()
    soon, later = _person("Lebih Dulu"), _person("Belakangan")
    InmateRight.objects.filter(inmate=soon).update(eligible_from=today)
    InmateRight.objects.filter(inmate=later).update(eligible_from=today + datetime.timedelta(1))
    people = list(
        pipeline.pipeline(officer, pipeline.Filters(), today).values_list("pk", flat=True)
    )
    assert people.index(soon.pk) < people.index(later.pk)
    # the worklist's people: a right within the horizon, or not
    InmateRight.objects.filter(inmate=later).update(eligible_from=today + datetime.timedelta(900))
    found = {row["pk"] for row in within_horizon(officer, today, 90)}
    assert soon.pk in found
    if later.sentence.expiry_after_remission > today + datetime.timedelta(90):
        assert later.pk not in found


def test_migrating_a_database_without_its_triggers_is_refused():
    import importlib
    from types import SimpleNamespace

    step = importlib.import_module("sinergi.inmates.migrations.0014_inmate_earliest_right")
    editor = SimpleNamespace(connection=SimpleNamespace(vendor="mysql"))
    with pytest.raises(RuntimeError, match="PostgreSQL or SQLite"):
        step.install(None, editor)
