"""A page or an API call whose statement the database cancels (the web sessions'
statement_timeout) answers 503 with what happened and what to do, in the reader's
language, not a server error; any other database failure is still a server error."""

from __future__ import annotations

import logging

import pytest
from django.test import Client, RequestFactory, override_settings

from sinergi.api.api import api
from sinergi.core.timeouts import is_cancelled_statement
from tests.core.urls_timeout import cancelled

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.urls_timeout")]


@override_settings(WEB_STATEMENT_TIMEOUT=30)
@pytest.mark.parametrize(
    ("language", "title", "said"),
    [("id", "Terlalu lama", "setelah 30 detik"), ("en", "This took too long", "after 30 seconds")],
)
def test_a_cancelled_statement_is_a_503_page_that_says_what_to_do(
    client_for, caplog, language, title, said
):
    client: Client = client_for("petugas.selong")
    with caplog.at_level(logging.WARNING, logger="sinergi.timeouts"):
        response = client.get(
            "/slow-list/", HTTP_REFERER="http://testserver/inmates/", language=language
        )
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    page = response.content.decode()
    assert f'<h1 id="error-title">{title}</h1>' in page
    assert f'<html lang="{language}">' in page
    assert said in page
    assert 'href="http://testserver/inmates/"' in page  # the way back
    assert "statement cancelled after 30s: GET /slow-list/" in caplog.text


def test_under_the_api_the_answer_has_the_apis_shape(client_for):
    response = client_for("petugas.selong").get("/api/v1/slow-list")
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    body = response.json()
    assert body["code"] == "timeout" and body["detail"] and body["errors"] == {}


def test_an_api_operation_cancelled_by_the_database_answers_503():
    request = RequestFactory().get("/api/v1/inmates")
    response = api.on_exception(request, cancelled())
    assert response.status_code == 503
    assert response["Retry-After"] == "60"


def test_another_database_failure_in_the_api_is_not_taken_for_a_timeout():
    from django.db import OperationalError

    request = RequestFactory().get("/api/v1/inmates")
    with pytest.raises(OperationalError, match="connection lost"):
        api.on_exception(request, OperationalError("connection lost"))


def test_another_database_failure_is_still_a_server_error(client_for):
    client: Client = client_for("petugas.selong")
    client.raise_request_exception = False
    response = client.get("/broken/")
    assert response.status_code == 500


def test_only_a_cancelled_statement_is_recognised():
    from django.db import DatabaseError, OperationalError

    assert is_cancelled_statement(cancelled())
    assert not is_cancelled_statement(OperationalError("connection lost"))
    assert not is_cancelled_statement(DatabaseError("other"))
    assert not is_cancelled_statement(ValueError("x"))
