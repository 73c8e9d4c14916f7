"""An import run by a worker (no request) writes the rows' problems in the language the
uploader chose: they read them first."""

from __future__ import annotations

import pytest
from django.utils import translation

from sinergi.accounts.models import User
from sinergi.inmates import importer, parsing
from sinergi.inmates.models import ImportBatch
from sinergi.orgs.models import Facility
from tests.inmates.test_import import HEADER

pytestmark = pytest.mark.django_db

BAD_ROW = "BI 285/26;Made Wirawan;;;L;Hindu;Lombok Barat;Tipikor;Pasal 3;empat tahun;2024-06-01;0"


@pytest.mark.parametrize("chosen", ["en", "id"])
def test_a_workers_import_writes_its_reasons_in_the_uploaders_language(
    demo_world, tmp_path, chosen
):
    uploader = User.objects.get(username="petugas.selong")
    User.objects.filter(pk=uploader.pk).update(language=chosen)
    path = tmp_path / "export.csv"
    path.write_text(f"{HEADER}\n{BAD_ROW}\n", encoding="utf-8")
    headers = HEADER.split(";")
    batch = ImportBatch.objects.create(
        facility=Facility.objects.get(code="selong"),
        uploaded_by=uploader,
        filename="export.csv",
        stored_path=str(path),
        headers=headers,
        mapping=parsing.recognise_headers(headers),
    )
    other = "id" if chosen == "en" else "en"
    with translation.override(other):  # the worker's own language is not the uploader's
        importer.run_import_task.call(batch.pk)
    batch.refresh_from_db()
    assert batch.errors
    reason = batch.errors[0]["reason"]
    with translation.override(chosen):
        expected = parsing.parse_row(
            BAD_ROW.split(";"), batch.mapping, 2, batch.facility.today(), headers=headers
        )
    assert isinstance(expected, list)
    assert reason == expected[0].message
