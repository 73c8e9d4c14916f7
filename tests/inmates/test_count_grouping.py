"""The counts beside a list's filters are numbers in the reader's language: a Kanwil's
rights pipeline counts over 11,000 people, shown as "11.245" in Bahasa Indonesia and
"11,245" in English, not "11245"."""

from __future__ import annotations

import pytest

from sinergi.inmates import pipeline

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "shown"), [("id", "(12.345)"), ("en", "(12,345)")])
def test_the_pipelines_filter_counts_are_grouped_in_the_readers_language(
    client_for, monkeypatch, language, shown
):
    def counted(user, filters, today, **options):
        return pipeline.Facets(
            right={"pb": 12_345},
            state={"due": 12_345},
            waiting={"30": 12_345},
            late=12_345,
            wali=[("none", "", 12_345)],
        )

    monkeypatch.setattr(pipeline, "facets", counted)
    body = client_for("petugas.selong").get("/inmates/rights/?counts=1", language=language)
    assert body.status_code == 200
    text = body.content.decode()
    assert text.count(shown) >= 4, text
    assert "(12345)" not in text


@pytest.mark.parametrize(("language", "shown"), [("id", "(12.345)"), ("en", "(12,345)")])
def test_the_worklists_wali_counts_are_grouped_in_the_readers_language(
    client_for, monkeypatch, language, shown
):
    from sinergi.reintegration import views

    monkeypatch.setattr(views, "wali_counts", lambda people: [("none", "", 12_345)])
    body = client_for("petugas.selong").get("/reintegration/", language=language)
    assert body.status_code == 200
    text = body.content.decode()
    assert shown in text and "(12345)" not in text


@pytest.mark.parametrize(
    ("language", "shown"),
    [("id", "12.345 bisa diusulkan lebih awal"), ("en", "12,345 could have been proposed earlier")],
)
def test_the_pipelines_counted_sentences_are_grouped_in_the_readers_language(
    client_for, monkeypatch, language, shown
):
    monkeypatch.setattr(
        pipeline, "facets", lambda user, filters, today, **options: pipeline.Facets(late=12_345)
    )
    body = client_for("petugas.selong").get("/inmates/rights/?counts=1", language=language)
    assert body.status_code == 200
    assert shown in body.content.decode()
