"""``cheguan audit verify``: counts on success; the first broken event and exit 1 on a break."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from cheguan.audit import services as audit
from cheguan.audit.models import AuditEvent
from cheguan.core.actor import Actor
from cheguan.core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(make):
    clerk = Actor(user=make.user(Role.CLERK))
    partner = Actor(user=make.user(Role.DEALER_AGENT))
    with transaction.atomic():
        return [
            audit.record(actor=clerk, action="registry.tested"),
            audit.record(actor=clerk, action="registry.tested"),
            audit.record(actor=partner, action="registry.tested"),
        ]


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("audit", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_verify_prints_events_and_streams_checked(events):
    out, err = run("verify")
    assert "checked 3 events in 2 streams" in out
    assert "audit trail intact" in out
    assert err == ""


def test_verify_names_the_first_broken_event_and_exits_1(events):
    AuditEvent.objects.filter(pk=events[1].pk).update(data={"x": 1})
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit", "verify", stdout=out, stderr=err)
    assert exit_info.value.code == 1
    assert err.getvalue().strip() == (
        f"BROKEN stream={events[1].stream} seq=2 event_id={events[1].pk} "
        "reason=content does not match its hash"
    )


def test_verify_one_stream(events):
    out, _ = run("verify", "--stream", events[2].stream)
    assert "checked 1 events in 1 streams" in out


def test_verify_an_unknown_stream_is_an_error(events):
    with pytest.raises(CommandError, match="no such audit stream: org:0"):
        run("verify", "--stream", "org:0")


def test_verify_through_the_cheguan_command(events, capsys, settings):
    from cheguan.cli import main

    # pytest runs with DEBUG off, where the system checks demand a real secret key.
    settings.SECRET_KEY = "test-only-" + "k" * 50

    main(["cheguan", "audit", "verify"])
    assert "checked 3 events in 2 streams" in capsys.readouterr().out
