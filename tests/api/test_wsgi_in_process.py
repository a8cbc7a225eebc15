"""The WSGI application called in-process, the way schemathesis's ``from_wsgi`` calls it."""

import io
import json
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.wsgi import get_wsgi_application

from cheguan.accounts import services
from cheguan.accounts.models import ApiToken
from cheguan.core.actor import Actor
from cheguan.core.roles import Role


def _call(app, method: str, path: str, *, token: str, body: bytes = b"") -> tuple[str, dict]:
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "HTTP_AUTHORIZATION": f"Bearer {token}",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "SERVER_NAME": "testserver",
        "HTTP_HOST": "testserver",
    }
    setup_testing_defaults(environ)
    status = {}

    def start_response(line, headers, exc_info=None):
        status["line"] = line

    content = b"".join(app(environ, start_response))
    return status["line"], json.loads(content)


@pytest.mark.django_db
@pytest.mark.usefixtures("in_process_wsgi")
def test_in_process_requests_keep_the_test_database_connection(make):
    """Without ``in_process_wsgi``, PostgreSQL loses the test's connection after one request."""
    user = make.user(Role.DEALER_AGENT)
    _token, secret = services.create_api_token(actor=Actor(user=user), name="wsgi")
    app = get_wsgi_application()

    me = _call(app, "GET", "/api/accounts/me", token=secret)
    created = _call(app, "POST", "/api/accounts/tokens", token=secret, body=b'{"name": "two"}')

    assert me == ("200 OK", me[1]) and me[1]["username"] == user.username
    assert created[0] == "201 Created"
    assert ApiToken.objects.filter(user=user).count() == 2
