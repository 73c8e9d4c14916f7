import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sinergi.settings")
application = get_wsgi_application()

# The web server's database sessions cancel a statement that runs too long and skip JIT
# (sinergi/core/web_database.py); the task worker and commands are not limited.
from sinergi.core.web_database import limit_web_sessions  # noqa: E402

limit_web_sessions()

# A worker's long-lived objects are frozen after its first request, so that the garbage
# collector's full collections skip them (sinergi/core/web_memory.py).
from sinergi.core.web_memory import freeze_after_first_request  # noqa: E402

freeze_after_first_request()
