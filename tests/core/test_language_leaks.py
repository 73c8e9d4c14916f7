"""Every page of the demo, per role, in English without Indonesian interface words, and
in Indonesian without raw status codes or English interface words (tests/language_leaks).

A whole-system check (it seeds every app's demo and reads up to 40 pages per role and
language: over a minute of a worker): ``once``, run in CI on PostgreSQL and here with
SINERGI_ALL_CHECKS=1. The browser tests read every page they open the same way
(e2e/language_check.py), on SQLite too."""

from __future__ import annotations

import io
import re
from collections import deque

import pytest

from sinergi.accounts.demo import USERS
from sinergi.accounts.models import User
from sinergi.core.demo import seeders
from tests.client import Client
from tests.language_leaks import leaks

pytestmark = [pytest.mark.django_db, pytest.mark.once, pytest.mark.long]

LINK = re.compile(r'href="(/[^"#]*)"')
# Files, the admin, the API, signing out and the language switch are not pages to read.
NOT_A_PAGE = re.compile(
    r"^/(admin|api|static|media|jsi18n|i18n|accounts/logout)/"
    r"|\.(pdf|csv|xlsx|json|png|svg|zip|ics)(\?|$)|/(export|download)"
)
PAGES_PER_ROLE = 40


def _shape(url: str) -> str:
    """Pages of one kind (the same view for another record) are read once."""
    return re.sub(r"\d+", "N", url.split("?")[0])


def crawl(client: Client, language: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    seen: set[str] = set()
    queue = deque(["/"])
    read = 0
    while queue and read < PAGES_PER_ROLE:
        url = queue.popleft()
        if _shape(url) in seen:
            continue
        seen.add(_shape(url))
        response = client.get(url, language=language)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        read += 1
        html = response.content.decode()
        problems = leaks(html, language, url.split("?")[0])
        if problems:
            found[url] = problems
        for link in LINK.findall(html):
            link = link.replace("&amp;", "&")
            if not NOT_A_PAGE.search(link) and _shape(link) not in seen:
                queue.append(link)
    return found


@pytest.fixture
def whole_demo(demo_world):
    out = io.StringIO()
    for _name, seed in seeders():
        seed(out)


@pytest.mark.parametrize("language", ["en", "id"])
def test_no_page_of_the_demo_shows_the_other_languages_words(whole_demo, language):
    problems: dict[str, list[str]] = {}
    for username, *_rest in USERS:
        client = Client(raise_request_exception=False)
        client.force_login(User.objects.get(username=username))
        for url, found in crawl(client, language).items():
            problems[f"{username} {url}"] = found
    for url, found in crawl(Client(raise_request_exception=False), language).items():
        problems[f"(public) {url}"] = found
    report = "\n".join(f"{where}: {', '.join(found)}" for where, found in sorted(problems.items()))
    assert not problems, f"pages in {language} with the other language's words:\n{report}"
