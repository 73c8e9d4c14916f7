"""The request type of a signed-in page: ``request.user`` is a Sinergi ``User``.

Views behind ``login_required`` take ``request: AuthenticatedHttpRequest`` and read
``request.user`` directly, instead of casting it each time.
"""

from __future__ import annotations

from sinergi.accounts.models import User
from sinergi.core.http import HtmxHttpRequest


class AuthenticatedHttpRequest(HtmxHttpRequest):
    user: User
