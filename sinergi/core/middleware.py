"""Request-wide context: request id and client address for the audit trail, local time."""

from __future__ import annotations

import contextvars
import uuid
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import timezone


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip_address: str | None = None


_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "sinergi_request",
    default=RequestContext(),  # noqa: B039 (frozen dataclass)
)


def current_request_context() -> RequestContext:
    return _current.get()


def client_ip(request: HttpRequest) -> str | None:
    # Behind a proxy the deployment sets PROXY_COUNT and the proxy sets X-Forwarded-For;
    # axes reads the same header with the same setting.
    from django.conf import settings

    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", None)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR") or None


# How often a signed-in user's session has its expiry moved on (at most).
SESSION_REFRESH_SECONDS = 60
_REFRESHED = "_sinergi_refreshed_at"


class SlidingSessionMiddleware:
    """Sessions end after ``SESSION_COOKIE_AGE`` without a request (the idle timeout): a
    session in use has its expiry moved on, at most once every
    ``SESSION_REFRESH_SECONDS``, so the timeout holds to within that. (Saved on every
    request, ``SESSION_SAVE_EVERY_REQUEST``, each page view was a write and a commit of
    the session.) A session nothing was stored in (an anonymous visitor) is left alone.
    After Django's ``SessionMiddleware``, which saves what this marks."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Only a session already read for this request (no query of its own) that holds
        # something, and not one already being saved or just ended (sign-out).
        if session is None or not session.accessed or session.modified or session.is_empty():
            return response
        now = _now()
        refreshed = session.get(_REFRESHED)
        if not isinstance(refreshed, int) or now - refreshed >= SESSION_REFRESH_SECONDS:
            session[_REFRESHED] = now
        return response


def _now() -> int:
    return int(timezone.now().timestamp())  # the clock the session's expiry reads


def stamp_session_at_login(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """A session starts with its expiry fresh (the sign-in saves it): the next minute's
    pages do not write it again (``user_logged_in``)."""
    session = getattr(request, "session", None)
    if session is not None:
        session[_REFRESHED] = _now()


class RequestIdMiddleware:
    """Gives every request an id (or keeps the proxy's X-Request-ID) and remembers the IP."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")[:64]
        request_id = incoming if incoming.replace("-", "").isalnum() else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = _current.set(RequestContext(request_id=request_id, ip_address=client_ip(request)))
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response["X-Request-ID"] = request_id
        return response


def activate_time_zone_of(user: Any) -> None:
    """Make "now" and "today" those of ``user``'s own facility (WIB, WITA, WIT), or the
    default zone (settings.TIME_ZONE) for a user without one."""
    tz_name = getattr(user, "time_zone_name", None) if user is not None else None
    if tz_name:
        timezone.activate(zoneinfo.ZoneInfo(tz_name))
    else:
        timezone.deactivate()


class FacilityTimezoneMiddleware:
    """Shows times in the local time (WIB, WITA, WIT) of the user's own facility."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        activate_time_zone_of(getattr(request, "user", None))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


def content_security_policy() -> str:
    """``settings.SECURE_CSP`` (directive → sources, as Django 6 spells it) as a header."""
    from django.conf import settings

    policy: dict[str, list[str]] = getattr(settings, "SECURE_CSP", {})
    return "; ".join(" ".join([directive, *sources]) for directive, sources in policy.items())


def permissions_policy() -> str:
    """``settings.PERMISSIONS_POLICY`` (feature → allowed origins, none = off) as a header."""
    from django.conf import settings

    policy: dict[str, list[str]] = getattr(settings, "PERMISSIONS_POLICY", {})
    return ", ".join(f"{feature}=({' '.join(allowed)})" for feature, allowed in policy.items())


class SecurityHeadersMiddleware:
    """Sets the Content-Security-Policy and the Permissions-Policy on every response.

    It stands above WhiteNoise so that static files carry them too. A view that needs
    another policy sets the header itself; it is then left as it is.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        csp = content_security_policy()
        if csp and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = csp
        permissions = permissions_policy()
        if permissions and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = permissions
        return response


def _supported(code: str | None) -> str | None:
    from django.utils.translation import get_supported_language_variant

    if not code:
        return None
    try:
        return get_supported_language_variant(code)
    except LookupError:
        return None


def chosen_language(request: HttpRequest) -> str | None:
    """The language the user chose: the language switch's cookie (it works before signing
    in too), else the one a signed-in user last chose (``User.language``); None when they
    chose none. The browser's own language is no choice."""
    from django.conf import settings

    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if cookie in dict(settings.LANGUAGES):
        return cookie
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return _supported(getattr(user, "language", ""))
    return None


def asked_language(request: HttpRequest) -> str | None:
    """The first of the site's languages the request's Accept-Language names, if any."""
    from django.utils.translation.trans_real import parse_accept_lang_header

    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        if code == "*":
            break
        found = _supported(code)
        if found:
            return found
    return None


class SiteLanguageMiddleware(LocaleMiddleware):
    """Pages are in Bahasa Indonesia unless the user chose otherwise (``chosen_language``):
    an English browser still opens Sinergi in Indonesian, the country's working language.
    The API (``/api/``) answers in the language the request asks for (Accept-Language: a
    program says what it reads), else in the one chosen; its codes stay codes.

    It stands after the authentication middleware, to know a signed-in user's choice."""

    def process_request(self, request: HttpRequest) -> None:
        from django.conf import settings
        from django.utils import translation

        found = chosen_language(request)
        if request.path_info.startswith("/api/"):
            found = asked_language(request) or found
        translation.activate(found or settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        from django.utils import translation
        from django.utils.cache import patch_vary_headers

        if request.path_info.startswith("/api/"):
            patch_vary_headers(response, ("Accept-Language",))
        else:
            # A page answers htmx with a part of itself at the same address (a list's
            # results, the pipeline's counts): a browser that kept the part must not show
            # it for the page (Back after a search that pushed its address).
            patch_vary_headers(response, ("HX-Request",))
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
