"""The simulated users of the load run (bench/national/load.py runs locust on this file).

``SINERGI_LOAD_PLAN`` names a JSON file: a list of ``{"username", "password", "role",
"session", "pages": [{"name", "path", "headers"}]}`` (``username`` null: an anonymous
visitor of the public pages; ``headers``: what the page's request adds, e.g. htmx's). The
n-th simulated user takes the n-th entry (round robin, so every role is loaded), signs in
through the real sign-in form (GET for the CSRF token, then POST) or starts with the
entry's ``session`` (made before the run, ``--signed-in``), then walks its role's pages in
order, again and again, waiting 1 to 3 s between requests. Each user comes from its own
address (``X-Forwarded-For``, as behind the deployment's proxy). Requests are named
"page [role]" in the statistics.
"""

from __future__ import annotations

import itertools
import json
import os
import re
from typing import Any

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser

with open(os.environ["SINERGI_LOAD_PLAN"]) as _plan:
    _PLAN: list[dict[str, Any]] = json.load(_plan)
_NEXT = itertools.count()
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Visitor(FastHttpUser):
    wait_time = between(1, 3)
    # a page can be slow under load: the load run reports it, it does not give up early
    network_timeout = 90.0
    connection_timeout = 10.0

    def on_start(self) -> None:
        number = next(_NEXT)
        self.entry = _PLAN[number % len(_PLAN)]
        self.role = self.entry["role"]
        address = f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}"
        self.headers = {"X-Forwarded-For": address}
        self.pages = itertools.cycle(self.entry["pages"])
        self.signed_in = self.entry.get("username") is None
        if self.entry.get("session"):  # signed in before the run (load.py --signed-in)
            self.headers["Cookie"] = f"sessionid={self.entry['session']}"
            self.signed_in = True
        if not self.signed_in:
            self.sign_in()

    def sign_in(self) -> None:
        name = f"sign-in [{self.role}]"
        with self.client.get(
            "/accounts/login/",
            name=f"sign-in form [{self.role}]",
            headers=self.headers,
            catch_response=True,
        ) as form:
            found = _CSRF.search(form.text or "")
            if form.status_code != 200 or not found:
                form.failure(f"sign-in form: HTTP {form.status_code}")
                return
        with self.client.post(
            "/accounts/login/",
            data={
                "login": self.entry["username"],
                "password": self.entry.get("password") or "sinergi-demo",
                "csrfmiddlewaretoken": found.group(1),
            },
            headers={**self.headers, "Referer": f"{self.host}/accounts/login/"},
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            if answer.status_code == 302 and "/accounts/login" not in (
                answer.headers.get("Location") or ""
            ):
                self.signed_in = True
            else:
                answer.failure(f"sign-in refused: HTTP {answer.status_code}")

    @task
    def walk(self) -> None:
        if not self.signed_in:
            self.sign_in()  # a refused sign-in is retried after the think time
            return
        page = next(self.pages)
        with self.client.get(
            page["path"],
            name=f"{page['name']} [{self.role}]",
            headers={**self.headers, **page.get("headers", {})},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code >= 400:
                response.failure(f"HTTP {response.status_code}")
            elif response.status_code in (301, 302) and "/accounts/login" in (
                response.headers.get("Location") or ""
            ):
                response.failure("signed out (sent to the sign-in page)")
