"""``Sentence.held`` is the person's status (in custody or not), kept by the database's
triggers (migration inmates 0013) whatever writes the rows: the ORM's save, a bulk
update, a raw statement, the import (COPY on PostgreSQL). The lists of people to release
read the held whose day has come through it (the country's overdue list read every
sentence whose day had passed, 0.3 s at national scale): a person in custody whose
``held`` were false would be missing from the overdue list, so every path is tested."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Q
from django.test import override_settings
from django.utils import timezone, translation

from sinergi.accounts.models import User
from sinergi.inmates import actions as inmate_actions
from sinergi.inmates.choices import InmateStatus
from sinergi.inmates.models import Inmate, Sentence
from sinergi.inmates.queries import overdue_releases, released_by
from sinergi.orgs.models import Facility
from tests.inmates.factories import InmateFactory, SentenceFactory, make_inmate

pytestmark = pytest.mark.django_db


def _mismatched() -> list[tuple[int, str, bool]]:
    """Sentences whose ``held`` is not their person's status."""
    in_custody = Q(inmate__status=InmateStatus.IN_CUSTODY)
    return list(
        Sentence.objects.filter(
            (in_custody & Q(held=False)) | (~in_custody & Q(held=True))
        ).values_list("inmate_id", "inmate__status", "held")
    )


def _held(inmate: Inmate) -> bool:
    return Sentence.objects.values_list("held", flat=True).get(inmate=inmate)


def _overdue_person(name: str = "Lewat Bebas") -> Inmate:
    """A person in custody whose release day (after remisi) was ten days ago."""
    today = timezone.localdate()
    inmate = make_inmate(
        facility=Facility.objects.get(code="selong"),
        name=name,
        detention_start=today - datetime.timedelta(days=375),
        term_years=0,
        term_months=0,
        term_days=365,
    )
    assert inmate.sentence.expiry_after_remission < today
    return inmate


def test_a_sentence_is_held_when_its_person_is_in_custody_whenever_it_is_written(demo_world):
    held = make_inmate(facility=Facility.objects.get(code="selong"))
    gone = InmateFactory(facility=Facility.objects.get(code="selong"))
    Inmate.objects.filter(pk=gone.pk).update(status=InmateStatus.RELEASED)
    SentenceFactory(inmate=gone)
    assert _held(held) and not _held(gone)
    assert _mismatched() == []


def test_a_change_of_status_changes_it_by_save_by_update_and_by_the_action(demo_world):
    officer = User.objects.get(username="petugas.selong")
    person = make_inmate(facility=Facility.objects.get(code="selong"))
    inmate_actions.change_status(
        inmate=person, status=InmateStatus.RELEASED, on=timezone.localdate(), by=officer
    )
    assert not _held(person)
    Inmate.objects.filter(pk=person.pk).update(status=InmateStatus.IN_CUSTODY)
    assert _held(person)
    person.refresh_from_db()
    person.status = InmateStatus.TRANSFERRED
    person.save()
    assert not _held(person)
    Inmate.objects.bulk_update([Inmate(pk=person.pk, status=InmateStatus.IN_CUSTODY)], ["status"])
    assert _held(person)
    assert _mismatched() == []


def test_a_value_written_from_python_or_raw_sql_is_replaced_by_the_persons_status(demo_world):
    person = make_inmate(facility=Facility.objects.get(code="selong"))
    stale = Sentence.objects.get(inmate=person)
    stale.held = False  # e.g. an instance read before a readmission
    stale.save()
    assert _held(person)
    Sentence.objects.filter(pk=stale.pk).update(held=False)
    assert _held(person)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE inmates_sentence SET held = %s WHERE id = %s", [False, stale.pk])
    assert _held(person)
    Sentence.objects.filter(pk=stale.pk).update(expiry_after_remission=timezone.localdate())
    assert _held(person)
    assert _mismatched() == []


def test_a_person_released_while_a_stale_sentence_is_saved_is_not_held(demo_world):
    person = make_inmate(facility=Facility.objects.get(code="selong"))
    stale = Sentence.objects.get(inmate=person)
    Inmate.objects.filter(pk=person.pk).update(status=InmateStatus.RELEASED)
    stale.held = True
    stale.save()
    assert not _held(person)


def test_the_overdue_list_finds_a_person_in_custody_past_their_day_and_not_once_released(
    demo_world,
):
    late = _overdue_person()
    stale = Sentence.objects.get(inmate=late)
    stale.held = False
    stale.save()  # replaced by the database: the person is still held
    assert late.pk in set(overdue_releases().values_list("pk", flat=True))
    assert late.pk in set(
        overdue_releases(Facility.objects.filter(code="selong")).values_list("pk", flat=True)
    )
    Inmate.objects.filter(pk=late.pk).update(status=InmateStatus.RELEASED)
    assert late.pk not in set(overdue_releases().values_list("pk", flat=True))


def test_the_held_whose_day_has_come_are_read_through_held(demo_world):
    """The candidates of the lists of people to release are the held sentences whose day
    has come (the partial index ``inmates_sentence_held_due``), not the sentences of
    every person whose day has passed joined with the people in custody."""
    late = _overdue_person()
    candidates = released_by(timezone.localdate())
    assert '"held"' in str(candidates.query)
    assert late.pk in {row["inmate_id"] for row in candidates}
    Inmate.objects.filter(pk=late.pk).update(status=InmateStatus.RELEASED)
    assert late.pk not in {row["inmate_id"] for row in released_by(timezone.localdate())}


def test_an_import_of_new_people_writes_them_held(demo_world, tmp_path: Path):
    """The SDP import (COPY and set-based inserts on PostgreSQL, the ORM on SQLite)."""
    from tests.inmates.test_import_copy import FIRST, NUMBERS, _file, _run

    with override_settings(MEDIA_ROOT=tmp_path / "media"), translation.override("en"):
        _run(_file(tmp_path, "first.csv", FIRST), User.objects.get(username="petugas.selong"))
    imported = Sentence.objects.filter(
        inmate__facility__code="selong", inmate__registration_number__in=NUMBERS
    )
    assert imported.count() == len(FIRST)
    assert all(imported.values_list("held", flat=True))
    assert _mismatched() == []


def test_migrating_a_database_without_its_triggers_is_refused():
    """On a database the triggers are not written for, ``held`` would go stale and people
    would be missing from the overdue list: the migration stops instead."""
    import importlib
    from types import SimpleNamespace

    step = importlib.import_module("sinergi.inmates.migrations.0013_sentence_held")
    editor = SimpleNamespace(connection=SimpleNamespace(vendor="mysql"))
    with pytest.raises(NotImplementedError, match="no triggers for mysql"):
        step.install(None, editor)
