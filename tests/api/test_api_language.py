"""Every API message is in one language: the one the caller asked for (Accept-Language),
else the language the user last chose on the site (a token caller has no cookie), else
Indonesian. The pipeline's 403, a 404 and a 422 say so in both languages, and a 422
whose fields share a message says it once."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from sinergi.accounts.actions import create_api_token
from sinergi.accounts.models import User
from sinergi.orgs.models import Facility
from sinergi.proposals.choices import Stage
from tests.proposals.factories import eligible_person, make_proposal

pytestmark = pytest.mark.django_db

PIPELINE = "/api/v1/rights-pipeline"


@pytest.fixture
def person(demo_world):
    return eligible_person(Facility.objects.get(code="selong"))


def _get(client: Client, url: str, language: str | None) -> dict:
    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
    return client.get(url, **headers).json()


@pytest.mark.parametrize(
    ("language", "detail"),
    [
        ("id", "Hanya petugas UPT dan pembaca Kanwil yang dapat membaca pipeline hak."),
        ("en", "Only facility staff and regional viewers read the pipeline."),
    ],
)
def test_the_pipelines_403_is_in_the_callers_language(client_for, language, detail):
    client = client_for("mitra.disnaker")
    response = client.get(PIPELINE, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 403
    assert response.json()["detail"] == detail


@pytest.mark.parametrize(("language", "detail"), [("id", "Tidak ditemukan."), ("en", "Not found.")])
def test_a_404_is_in_the_callers_language(client_for, language, detail):
    response = client_for("petugas.selong").get(
        "/api/v1/proposals/987654", HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 404
    assert response.json()["detail"] == detail


@pytest.mark.parametrize(
    ("language", "required"), [("id", "Data ini wajib diisi."), ("en", "This field is required.")]
)
def test_a_422_says_a_shared_message_once_in_the_callers_language(
    client_for, person, language, required
):
    proposal = make_proposal(person, stage=Stage.SENT)
    response = client_for("kalapas.selong").post(
        f"/api/v1/proposals/{proposal.pk}/transitions",
        json.dumps({"to_stage": "granted"}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 422
    body = response.json()
    assert body["errors"]["sk_number"] == [required]
    assert body["errors"]["sk_date"] == [required]
    assert body["detail"].count(required) == 1


@pytest.mark.parametrize(
    ("language", "detail"),
    [("id", "Data ini wajib diisi."), ("en", "This field is required.")],
)
def test_a_schema_refusal_is_in_the_callers_language(client_for, person, language, detail):
    proposal = make_proposal(person, stage=Stage.SENT)
    response = client_for("kalapas.selong").post(
        f"/api/v1/proposals/{proposal.pk}/transitions",
        json.dumps({}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 422
    assert response.json()["errors"]["to_stage"] == [detail]


@pytest.mark.parametrize(("chosen", "header", "expected"), [
    ("en", None, "Not found."),
    ("id", None, "Tidak ditemukan."),
    ("", None, "Tidak ditemukan."),
    ("id", "en", "Not found."),
    ("en", "id", "Tidak ditemukan."),
])  # fmt: skip
def test_a_token_caller_reads_the_header_else_their_chosen_language_else_indonesian(
    demo_world, chosen, header, expected
):
    officer = User.objects.get(username="petugas.selong")
    officer.language = chosen
    officer.save(update_fields=["language"])
    _token, secret = create_api_token(user=officer, name="SDP", by=officer)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert _get(client, "/api/v1/proposals/987654", header)["detail"] == expected
