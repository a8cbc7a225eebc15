"""WSGI entry point (gunicorn cheguan.wsgi; runserver loads it too). Refuses to serve with
unsafe production settings, and says once where the cache and the sessions live."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cheguan.settings")
application = get_wsgi_application()

from cheguan.core.checks import assert_safe_to_serve, say_where_the_cache_is  # noqa: E402

assert_safe_to_serve()
say_where_the_cache_is()
