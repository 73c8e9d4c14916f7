"""What a person does to an import (choose its columns, import a checked file, try it
again) goes through inmates' actions: refused to an outsider, all or nothing, audited; the
importer's and the recalculation's multi-row writes run in transactions."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import override_settings
from django.utils import translation

from sinergi.core.errors import Conflict
from sinergi.core.models import AuditEvent
from sinergi.inmates import actions, calculation, recalculation_write
from sinergi.inmates.choices import ImportStatus
from sinergi.inmates.models import ColumnMapping, ImportBatch, InmateRight, Sentence
from sinergi.orgs.models import Facility
from tests.inmates.factories import make_inmate

pytestmark = pytest.mark.django_db

HEADERS = ["Nomor", "Nama Lengkap", "Pidana", "Mulai Tahan"]
MAPPING = {"registration_number": 0, "name": 1, "term_text": 2, "detention_start": 3}


@pytest.fixture(autouse=True)
def english(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path / "media"), translation.override("en"):
        yield


def _batch(status: str, **fields: object) -> ImportBatch:
    values = {"stored_path": "/nowhere/export.csv", **fields}
    return ImportBatch.objects.create(
        facility=Facility.objects.get(code="selong"),
        filename="export.csv",
        headers=HEADERS,
        status=status,
        **values,
    )


class Boom(Exception):
    pass


def _audit_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    def fails(*args: object, **kwargs: object) -> None:
        raise Boom

    monkeypatch.setattr(actions.audit, "record", fails)


# --- retry --------------------------------------------------------------------------


def test_the_retry_action_queues_an_interrupted_import_and_audits_it(user):
    batch = _batch(ImportStatus.INTERRUPTED)
    actions.retry_import(batch=batch, by=user("petugas.selong"))
    batch.refresh_from_db()
    assert batch.status == ImportStatus.QUEUED
    event = AuditEvent.objects.get(action="import.retry", target_id=str(batch.pk))
    assert event.actor_username == "petugas.selong"


@pytest.mark.parametrize("outsider", ["petugas.lobar", "wali.selong", "mitra.disnaker"])
def test_an_outsider_cannot_retry_an_import_through_the_action(user, outsider):
    batch = _batch(ImportStatus.FAILED)
    with pytest.raises(PermissionDenied, match="program officers and head"):
        actions.retry_import(batch=batch, by=user(outsider))
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED
    assert not AuditEvent.objects.filter(action="import.retry").exists()


def test_a_retry_whose_audit_entry_fails_leaves_the_import_as_it_was(user, monkeypatch):
    batch = _batch(ImportStatus.INTERRUPTED)
    _audit_fails(monkeypatch)
    with pytest.raises(Boom):
        actions.retry_import(batch=batch, by=user("petugas.selong"))
    batch.refresh_from_db()
    assert batch.status == ImportStatus.INTERRUPTED


def test_a_finished_import_cannot_be_retried_through_the_action(user):
    batch = _batch(ImportStatus.DONE)
    with pytest.raises(Conflict) as refused:
        actions.retry_import(batch=batch, by=user("petugas.selong"))
    assert refused.value.code == "not_retryable"


# --- column mapping -------------------------------------------------------------------


def test_the_mapping_action_remembers_the_columns_and_queues_the_import(user):
    batch = _batch(ImportStatus.MAPPING)
    actions.set_import_mapping(batch=batch, mapping=MAPPING, by=user("petugas.selong"))
    batch.refresh_from_db()
    assert batch.status == ImportStatus.QUEUED and batch.mapping == MAPPING
    remembered = ColumnMapping.objects.get(facility=batch.facility).mapping
    assert remembered["name"] == "Nama Lengkap"


@pytest.mark.parametrize(
    ("mapping", "field", "message"),
    [
        ({**MAPPING, "name": 0}, "name", "already used for another field"),
        ({k: v for k, v in MAPPING.items() if k != "term_text"}, "term_text", "required"),
        ({**MAPPING, "nik": 9}, "nik", "no such column"),
        ({**MAPPING, "nickname": 3}, "nickname", "not a field of the import"),
    ],
)
def test_the_mapping_action_refuses_what_the_mapping_form_refuses(user, mapping, field, message):
    """The form's rules (each required field, one field a column) are the action's: a
    caller that is not the page gets the same refusal, at the same field."""
    batch = _batch(ImportStatus.MAPPING)
    with pytest.raises(ValidationError) as refused:
        actions.set_import_mapping(batch=batch, mapping=mapping, by=user("petugas.selong"))
    assert any(message in text for text in refused.value.message_dict[field])
    batch.refresh_from_db()
    assert batch.status == ImportStatus.MAPPING
    assert not ColumnMapping.objects.filter(facility=batch.facility).exists()


def test_the_mapping_page_shows_the_actions_refusal_at_the_field(client_for):
    batch = _batch(ImportStatus.MAPPING)
    response = client_for("petugas.selong").post(
        batch.get_absolute_url(),
        {**{k: str(v) for k, v in MAPPING.items()}, "name": "0"},
        language="en",
    )
    assert response.status_code == 200
    assert "already used for another field" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.MAPPING


def test_an_outsider_cannot_map_the_columns_through_the_action(user):
    batch = _batch(ImportStatus.MAPPING)
    with pytest.raises(PermissionDenied):
        actions.set_import_mapping(batch=batch, mapping=MAPPING, by=user("petugas.lobar"))
    batch.refresh_from_db()
    assert batch.status == ImportStatus.MAPPING


def test_a_mapping_whose_audit_entry_fails_is_not_kept(user, monkeypatch):
    batch = _batch(ImportStatus.MAPPING)
    _audit_fails(monkeypatch)
    with pytest.raises(Boom):
        actions.set_import_mapping(batch=batch, mapping=MAPPING, by=user("petugas.selong"))
    batch.refresh_from_db()
    assert batch.status == ImportStatus.MAPPING and batch.mapping == {}
    assert not ColumnMapping.objects.filter(facility=batch.facility).exists()


# --- importing a checked file -----------------------------------------------------------


def test_an_outsider_cannot_import_a_checked_file_through_the_action(user, tmp_path):
    stored = tmp_path / "checked.csv"
    stored.write_text("x")
    batch = _batch(ImportStatus.DONE, dry_run=True, stored_path=str(stored))
    with pytest.raises(PermissionDenied):
        actions.import_checked(batch=batch, by=user("petugas.lobar"))
    assert ImportBatch.objects.count() == 1


def test_importing_a_checked_file_whose_audit_entry_fails_creates_no_import(
    user, tmp_path, monkeypatch
):
    stored = tmp_path / "checked.csv"
    stored.write_text("x")
    batch = _batch(ImportStatus.DONE, dry_run=True, stored_path=str(stored))
    _audit_fails(monkeypatch)
    with pytest.raises(Boom):
        actions.import_checked(batch=batch, by=user("petugas.selong"))
    assert list(ImportBatch.objects.all()) == [batch]


# --- recalculation ----------------------------------------------------------------------


def test_a_recalculation_writes_its_dates_and_rights_whole_or_not_at_all(demo_world, monkeypatch):
    inmate = make_inmate(
        facility=Facility.objects.get(code="selong"),
        term_years=2,
        detention_start=datetime.date(2024, 5, 9),
    )
    dates = Sentence.objects.filter(inmate=inmate).values_list("expiry_date", flat=True).get()
    rights = set(InmateRight.objects.filter(inmate=inmate).values_list("right", "status"))
    assert rights
    Sentence.objects.filter(inmate=inmate).update(term_years=5)

    def fails(*args: object, **kwargs: object) -> None:
        raise Boom

    # The sentence is written first, then the rights fail.
    monkeypatch.setattr(recalculation_write, "write_rights", fails)
    depth = len(connection.savepoint_ids)
    with pytest.raises(Boom):
        calculation.recalculate([inmate.pk])
    assert len(connection.savepoint_ids) == depth
    # The dates written before the failure were rolled back with the deleted rights.
    after = Sentence.objects.filter(inmate=inmate).values_list("expiry_date", flat=True).get()
    assert after == dates
    assert set(InmateRight.objects.filter(inmate=inmate).values_list("right", "status")) == rights
