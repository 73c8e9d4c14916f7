"""The HTTP and worker half of .ci/production-smoke (which starts gunicorn and sets the
production environment). It talks to gunicorn as nginx would (the site's host name,
X-Forwarded-Proto: https, X-Forwarded-For), signs in a demo head with the password and a
TOTP code, reads pages, a PDF and the static files, queues a report from its page, runs
`db_worker --batch` and checks the task finished. Any failure exits non-zero with what
was expected and what came."""

from __future__ import annotations

import http.client
import json
import os
import re
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sinergi.settings")
django.setup()

from allauth.mfa.models import Authenticator  # noqa: E402
from allauth.mfa.totp.internal.auth import (  # noqa: E402
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.conf import settings  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402

from sinergi.accounts.models import User  # noqa: E402
from sinergi.indicators.models import MonthlyReport, ReportStatus  # noqa: E402
from sinergi.inmates.models import Inmate  # noqa: E402

BASE = urlsplit(os.environ["SMOKE_BASE_URL"])
HOST = os.environ["SMOKE_HOST"]
ORIGIN = f"https://{HOST}"
HEAD = "kalapas.selong"
PASSWORD = "sinergi-demo"


class Failure(Exception):
    pass


def expect(condition: object, message: str) -> None:
    if not condition:
        raise Failure(message)


class Browser:
    """Just enough of a browser behind a TLS proxy: cookies (kept although marked
    Secure, since the proxy's TLS is simulated), no automatic redirects."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None, *, https: bool = True
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        headers = {"Host": HOST, "X-Forwarded-For": "203.0.113.7", "User-Agent": "smoke"}
        if https:
            headers["X-Forwarded-Proto"] = "https"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = ORIGIN
            headers["Referer"] = ORIGIN + path
        connection = http.client.HTTPConnection(BASE.hostname, BASE.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response.status, response.headers, content

    def get(self, path: str, status: int = 200) -> tuple[http.client.HTTPMessage, bytes]:
        got, headers, content = self.request("GET", path)
        expect(got == status, f"GET {path}: expected {status}, got {got}\n{content[:500]!r}")
        return headers, content

    def post(self, path: str, form: dict[str, str], status: int = 302) -> str:
        got, headers, content = self.request("POST", path, form)
        expect(got == status, f"POST {path}: expected {status}, got {got}\n{content[:800]!r}")
        return headers.get("Location", "")


def csrf_token(html: bytes) -> str:
    found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    expect(found, "no CSRF token in the form")
    assert found is not None
    return found.group(1).decode()


def local_path(location: str) -> str:
    parts = urlsplit(location)
    expect(parts.netloc in ("", HOST), f"redirected off the site: {location}")
    return parts.path + (f"?{parts.query}" if parts.query else "")


def check_headers(path: str, headers: http.client.HTTPMessage) -> None:
    csp = headers.get("Content-Security-Policy", "")
    expect("script-src 'self'" in csp, f"{path}: no Content-Security-Policy ({csp!r})")
    expect("camera=()" in headers.get("Permissions-Policy", ""), f"{path}: no Permissions-Policy")
    expect("max-age=" in headers.get("Strict-Transport-Security", ""), f"{path}: no HSTS")


def check_static(browser: Browser, html: bytes, names: list[str]) -> None:
    """The page links the manifest's hashed names, and WhiteNoise serves them for good."""
    manifest = json.loads((Path(settings.STATIC_ROOT) / "staticfiles.json").read_text())["paths"]
    page = html.decode()
    for name in names:
        hashed = manifest.get(name)
        expect(hashed and hashed != name, f"{name} has no hashed name in the manifest")
        url = f"{settings.STATIC_URL}{hashed}"
        expect(url in page, f"the page does not link {url} (hashed {name})")
        headers, content = browser.get(url)
        expect(content, f"{url} is empty")
        expect("immutable" in headers.get("Cache-Control", ""), f"{url} is not cached for good")
        check_headers(url, headers)


def sign_in(browser: Browser, username: str) -> None:
    user = User.objects.get(username=username)
    Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    _, page = browser.get("/accounts/login/")
    location = browser.post(
        "/accounts/login/",
        {"csrfmiddlewaretoken": csrf_token(page), "login": username, "password": PASSWORD},
    )
    expect("/2fa/authenticate" in location, f"sign-in did not ask for the TOTP code: {location!r}")
    step = local_path(location)
    _, page = browser.get(step)
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    location = browser.post(step, {"csrfmiddlewaretoken": csrf_token(page), "code": code})
    expect(local_path(location) == "/", f"the TOTP step led to {location!r}, not the home page")
    browser.get("/")


def run_worker() -> None:
    done = subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    expect(done.returncode == 0, f"db_worker failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")


def main() -> None:
    browser = Browser()
    expect(settings.DEBUG is False, "DEBUG is on")
    expect(
        settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend",
        "the task backend is not the database",
    )

    # Plain HTTP is sent to HTTPS; behind the proxy the page itself answers.
    status, headers, _ = browser.request("GET", "/accounts/login/", https=False)
    expect(
        status == 301 and headers.get("Location", "").startswith(f"https://{HOST}/"),
        f"plain HTTP is not redirected to HTTPS ({status} {headers.get('Location')})",
    )
    headers, page = browser.get("/accounts/login/")
    check_headers("/accounts/login/", headers)
    check_static(browser, page, ["css/sinergi.css", "vendor/htmx-2.0.11/htmx.min.js"])
    print("   sign-in page 200, hashed static files served")

    headers, page = Browser().get("/publik/")
    expect(b"<main" in page, "/publik/ has no main content")
    print("   /publik/ 200")

    sign_in(browser, HEAD)
    print(f"   signed in as {HEAD} with password and TOTP")

    status, headers, _ = browser.request("GET", "/indicators/")
    expect(status == 302, f"GET /indicators/: expected a redirect to a dashboard, got {status}")
    location = local_path(headers["Location"])
    headers, page = browser.get(location)
    check_headers(location, headers)
    check_static(browser, page, ["vendor/chartjs-4.6.1/chart.umd.min.js", "js/indicator-charts.js"])
    expect(b"data-chart" in page, f"{location} has no chart")
    print(f"   dashboard {location} 200 with its chart")

    inmate = Inmate.objects.filter(facility__code="selong").order_by("pk").first()
    expect(inmate, "the demo has no inmate at Selong")
    assert inmate is not None
    path = f"/programs/inmates/{inmate.pk}/record.pdf"
    headers, pdf = browser.get(path)
    expect(pdf.startswith(b"%PDF"), f"{path} is not a PDF")
    expect(headers.get("Content-Type") == "application/pdf", f"{path}: {headers['Content-Type']}")
    print(f"   PDF {path} 200 ({len(pdf)} bytes)")

    # A task queued by a page, run by the worker.
    report = MonthlyReport.objects.filter(facility__code="selong").order_by("-month").first()
    expect(report, "the demo has no monthly report for Selong")
    assert report is not None
    expect(not DBTaskResult.objects.exists(), "the task queue is not empty before the test")
    _, page = browser.get(f"/indicators/reports/{report.pk}/")
    browser.post(
        f"/indicators/reports/{report.pk}/regenerate/", {"csrfmiddlewaretoken": csrf_token(page)}
    )
    report.refresh_from_db()
    expect(report.status == ReportStatus.QUEUED, f"the report is {report.status}, not queued")
    queued = list(DBTaskResult.objects.values_list("task_path", "status"))
    expect(
        [path for path, _ in queued] == ["sinergi.indicators.tasks.generate_report_task"],
        f"the page queued {queued}, not the report task",
    )
    run_worker()
    finished = list(DBTaskResult.objects.values_list("task_path", "status"))
    expect(
        all(status == "SUCCESSFUL" for _, status in finished),
        f"db_worker left the tasks as {finished}",
    )
    report.refresh_from_db()
    expect(report.status == ReportStatus.READY, f"the report is {report.status} after the worker")
    headers, pdf = browser.get(f"/indicators/reports/{report.pk}/pdf/")
    expect(pdf.startswith(b"%PDF"), "the regenerated report is not a PDF")
    print("   report queued from its page, generated by db_worker, its PDF 200")


if __name__ == "__main__":
    try:
        main()
    except Failure as failure:
        print(f"production smoke FAILED: {failure}", file=sys.stderr)
        sys.exit(1)
