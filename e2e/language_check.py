"""Every page a browser test opens is read for the other language's words.

``watch(context, language, found)`` routes the context's page loads (documents only:
not static files, the API or downloads) through ``tests.language_leaks``: each page in
English without Indonesian interface words, each page in Indonesian without raw status
codes or English interface words. What it finds is added to ``found``; the ``new_page``
fixture fails the test with it at the end.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from tests.language_leaks import leaks

# Documents only; never files, the API, the admin (Django's own words) or static assets.
_READ = re.compile(r"^(?!.*(/static/|/media/|/api/|/admin/|/jsi18n/)).*$")


def watch(context: Any, language: str, found: list[str]) -> None:
    def read(route: Any) -> None:
        request = route.request
        # Pages the browser gets; a form it sends goes as it is (Chromium does not hand a
        # file upload's body to a route), and the page it leads to is read.
        if request.resource_type != "document" or request.method != "GET":
            route.fallback()
            return
        # Redirects are the browser's to follow, as without this route.
        response = route.fetch(max_redirects=0)
        if "text/html" in response.headers.get("content-type", ""):
            path = urlsplit(request.url).path
            problems = leaks(response.text(), language, path)
            if problems:
                found.append(f"{language} {request.url}: {', '.join(problems)}")
        route.fulfill(response=response)

    context.route(_READ, read)
