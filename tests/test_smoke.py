import pytest

from cheguan.audit import services as audit
from cheguan.core.actor import Actor


@pytest.mark.django_db
def test_home_page_renders_for_anonymous_visitor(client):
    r = client.get("/")
    assert r.status_code == 200
    assert "车管" in r.content.decode() or "Cheguan" in r.content.decode()


@pytest.mark.django_db
def test_audit_record_then_verify_passes(make):
    from django.db import transaction

    u = make.user("clerk")
    with transaction.atomic():
        audit.record(
            actor=Actor(user=u), action="registry.tested", data={"id_number": "330203195803010012"}
        )
    result = audit.verify()
    assert result.ok and result.events_checked == 1
