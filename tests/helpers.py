"""Small helpers the tests share: each defined once, here."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cheguan.audit.models import AuditEvent
from cheguan.core.errors import DomainError, ValidationErrors

PDF = b"%PDF-1.4\n%test document\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def pdf_upload(name: str = "doc.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    """A small file the upload check accepts (a PDF by its first bytes)."""
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def events(action: str) -> list[AuditEvent]:
    """The audit events with this action, oldest first."""
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def raises(error, func, /, **kw) -> DomainError:
    """Calls ``func(**kw)``, which must refuse with exactly ``error``; returns the refusal."""
    with pytest.raises(DomainError) as e:
        func(**kw)
    assert e.value.error is error, e.value
    return e.value


def codes(raised: pytest.ExceptionInfo) -> list[str]:
    """The error codes of a caught refusal (each field's, for a ``ValidationErrors``)."""
    exc = raised.value
    if isinstance(exc, ValidationErrors):
        return [e.code for e in exc.errors]
    return [exc.code]


def as_(client, user):
    """The client, logged in as ``user`` (anonymous for None)."""
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def error(response, status: int, code: str | None = None) -> dict:
    """The error body of an API answer with this status (and code, if given)."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) >= {"code", "message", "field"}
    if code is not None:
        assert body["code"] == code, body
    return body
