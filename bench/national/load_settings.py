"""The settings the load run serves with: ``sinergi.settings`` as a deployment behind one
reverse proxy, which sets ``X-Forwarded-For`` (README, "Running it in production",
``PROXY_COUNT=1``).

``sinergi.settings`` passes ``PROXY_COUNT`` to django-axes but not to allauth, whose
sign-in rate limit (30 per minute per IP) then sees every user as the proxy's address;
the load run signs in hundreds of users from distinct addresses, so allauth is told
here, as the deployment should be, unless the settings already do it."""

from sinergi.settings import *  # noqa: F403
from sinergi.settings import env_int

if not globals().get("ALLAUTH_TRUSTED_PROXY_COUNT"):
    ALLAUTH_TRUSTED_PROXY_COUNT = env_int("PROXY_COUNT", 0)
