"""One right of the integration-rights pipeline as its list item (``pipeline_right``): the
words in the page's language with the right plural, dates the page's way, links, and
whatever a user typed (a refusal's reason, a decree number) escaped."""

from __future__ import annotations

import datetime

from django.utils import translation

from sinergi.inmates.pipeline import ClosedInfo, RightRow
from sinergi.inmates.templatetags.inmates_tags import pipeline_right

DAY = datetime.date(2026, 3, 2)


def _row(**values) -> RightRow:
    fields = {
        "right": "pb",
        "label": "Pembebasan bersyarat (PB)",
        "status": "eligible",
        "status_label": "Eligible",
        "state": "due",
        "state_label": "Can be proposed now",
        "eligible_from": DAY,
        "ends_on": None,
        "missing_conditions": [],
    }
    return RightRow(**(fields | values))


def test_a_due_right_with_its_date_wait_and_start_link():
    with translation.override("en"):
        html = pipeline_right(
            _row(days_waiting=1, start_url="/proposals/start/7/pb/", missing_conditions=["x_y"])
        )
    assert html.startswith("<li><strong>Pembebasan bersyarat (PB)</strong>: ")
    assert "<strong>Can be proposed now</strong>, " in html
    assert " · 1 day waiting" in html
    start = '<br><a href="/proposals/start/7/pb/" class="start-proposal">Start a proposal</a>'
    assert start in html
    assert '<br><span class="muted">To verify: x y</span></li>' in html


def test_the_words_follow_the_language_and_the_plural():
    row = _row(days_waiting=12, late_since=DAY, late_days=12)
    with translation.override("en"):
        english = pipeline_right(row)
    with translation.override("id"):
        indonesian = pipeline_right(row)
    assert "12 days waiting" in english
    assert "eligible since 2 March 2026, not proposed: 12 days" in english
    assert "12 hari menunggu" in indonesian
    assert "2 Maret 2026" in indonesian
    assert "days" not in indonesian


def test_a_closed_proposal_is_shown_and_what_was_typed_is_escaped():
    closed = ClosedInfo(
        proposal_id=3,
        stage="refused",
        label="Refused",
        on=DAY,
        reason="<script>alert(1)</script> & more",
        url="/proposals/3/",
        sk_number="W.<b>1</b>",
        sk_date=DAY,
        document_url="/proposals/documents/9/",
        document_label="SK",
    )
    row = _row(
        state="later",
        state_label="Later",
        stage="refused",
        stage_label="Refused",
        stage_url="/proposals/3/",
        closed=closed,
        may_be_started=True,
        late_since=DAY,
        late_days=1,
    )
    with translation.override("en"):
        html = pipeline_right(row)
    assert "<script>" not in html and "<b>" not in html
    assert ": &lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html
    assert " · SK W.&lt;b&gt;1&lt;/b&gt;, 2 March 2026" in html
    assert ' · stage: <a href="/proposals/3/">Refused</a> on 2 March 2026' in html
    assert ' · <a href="/proposals/documents/9/">SK</a>' in html
    assert " · A new proposal may be started." in html
    assert '<strong class="late">not proposed again: 1 day</strong>' in html
    assert "<strong>Later</strong>" not in html
