from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
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
