"""WSGI entry point (gunicorn cheguan.wsgi). Refuses to serve with unsafe production settings."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cheguan.settings")
application = get_wsgi_application()

from cheguan.core.checks import assert_safe_to_serve  # noqa: E402

assert_safe_to_serve()
