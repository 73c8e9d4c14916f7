"""The sample exports under samples/ import as their README says."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from sinergi.inmates.models import ImportBatch

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path):
        yield


def _run(name: str, facility: str, *extra: str) -> str:
    out = io.StringIO()
    call_command(
        "import_inmates",
        str(SAMPLES / name),
        "--facility",
        facility,
        *extra,
        stdout=out,
        stderr=io.StringIO(),
    )
    return out.getvalue()


def test_selong_sample_imports_and_reimports_unchanged(demo_world):
    assert "created 30" in _run("sdp-export-selong.csv", "selong")
    assert "unchanged 30" in _run("sdp-export-selong.csv", "selong")


def test_lobar_xlsx_sample_imports(demo_world):
    assert "created 15" in _run("sdp-export-lobar.xlsx", "lobar")


def test_custom_headers_need_a_mapping(demo_world):
    with pytest.raises(CommandError, match="Required columns not recognised"):
        _run("sdp-export-custom-headers.csv", "selong")
    output = _run(
        "sdp-export-custom-headers.csv",
        "selong",
        "--map",
        "registration_number=Reg Lapas",
        "--map",
        "name=nama penghuni",  # as insensitive as the headers
        "--map",
        "term_text=Putusan PN",
        "--map",
        "detention_start=Masuk",
    )
    assert "created 10" in output


@pytest.mark.parametrize(
    "name", ["sdp-export-common-spellings.csv", "sdp-export-common-spellings.xlsx"]
)
def test_the_common_spellings_import_without_a_mapping(demo_world, name):
    assert "created 12" in _run(name, "selong")


def test_sample_with_errors_names_three_rows(demo_world):
    with pytest.raises(CommandError, match="3 problem"):
        _run("sdp-export-with-errors.csv", "selong")
    batch = ImportBatch.objects.get()
    assert [e["line"] for e in batch.errors] == [6, 11, 17]
    # Each error names the person of its row.
    assert all(e["name"] and e["registration_number"] for e in batch.errors)
