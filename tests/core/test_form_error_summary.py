"""A form sent with problems lists them first on the page, focused, each leading to its
field (``_error_summary.html``): on a phone the first field in error may be screens down."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("username", "path"),
    [
        ("petugas.selong", "/inmates/new/"),
        ("petugas.selong", "/programs/new/"),
        ("petugas.selong", "/cooperation/requests/new/"),
    ],
)
def test_a_form_sent_empty_lists_its_problems_first_each_leading_to_its_field(
    client_for, demo_world, username, path
):
    client = client_for(username)
    blank = client.get(path, language="en")
    assert blank.status_code == 200
    assert 'id="error-summary"' not in blank.content.decode()
    # As a browser sends the form with nothing filled in: its token and empty fields.
    sent = client.post(path, {"csrfmiddlewaretoken": "sent"}, language="en")
    assert sent.status_code == 200
    html = sent.content.decode()
    assert 'id="error-summary"' in html and "autofocus" in html
    summary = html[
        html.index('id="error-summary"') : html.index("</div>", html.index('id="error-summary"'))
    ]
    count = int(re.search(r"Fix (\d+) problems? before saving", summary).group(1))
    anchors = re.findall(r'<a href="#([^"]+)">', summary)
    assert count >= 1 and anchors
    for anchor in anchors:  # each leads to a field of the form
        assert f'id="{anchor}"' in html
