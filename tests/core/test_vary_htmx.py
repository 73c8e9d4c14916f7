"""A page that answers htmx with a part of itself at the same address says so (Vary:
HX-Request), on the whole page and on the part: the inmate list pushes its search's
address into the history, and a browser that kept the part for that address showed it,
unstyled, for the page on Back."""

from __future__ import annotations

import pytest
from django.utils.cache import cc_delim_re

pytestmark = pytest.mark.django_db


def _vary(response) -> set[str]:
    return {value.lower() for value in cc_delim_re.split(response.get("Vary", "")) if value}


@pytest.mark.parametrize(
    "url", ["/inmates/?q=a", "/orgs/partners/?q=a", "/inmates/rights/?counts=1"]
)
def test_the_page_and_its_htmx_part_vary_on_the_header(client_for, url):
    client = client_for("petugas.selong")
    page = client.get(url)
    part = client.get(url, headers={"HX-Request": "true"})
    assert page.status_code == part.status_code == 200
    assert len(part.content) < len(page.content)
    assert {"hx-request", "cookie"} <= _vary(page)
    assert {"hx-request", "cookie"} <= _vary(part)


def test_the_api_varies_on_its_language_not_on_htmx(client_for):
    response = client_for("petugas.selong").get("/api/v1/me")
    assert response.status_code == 200
    assert "accept-language" in _vary(response) and "hx-request" not in _vary(response)
