import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sinergi.settings")
application = get_wsgi_application()

# The web server's database sessions cancel a statement that runs too long and skip JIT
# (sinergi/core/web_database.py); the task worker and commands are not limited.
from sinergi.core.web_database import limit_web_sessions  # noqa: E402

limit_web_sessions()
