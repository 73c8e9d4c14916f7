from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by administrators, never by sign-up."""

    # The sign-in error in our own words, so that its Indonesian is ours ("Anda", the
    # polite form, capitalised as in the rest of Sinergi).
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "username_password_mismatch": _(
            "The username and/or password you entered are not correct."
        ),
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def post_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse:
        """Signing in keeps the language of the device if one was chosen on it (the
        language switch works before signing in too); on a device without one, the site
        opens in the language the user chose elsewhere, if they ever did."""
        response = super().post_login(request, user, **kwargs)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if chosen in dict(settings.LANGUAGES):
            if user.language != chosen:
                type(user).objects.filter(pk=user.pk).update(language=chosen)
        elif user.language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                user.language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            )
        return response
