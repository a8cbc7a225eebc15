"""The demo's history is written set-based and is the same every time (issue 10 §3). Kept
apart from test_history.py, whose module-wide city would already hold a history."""

import pytest
from django.db import transaction

from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.demo.history import build_history
from cheguan.demo.services import seed_demo
from cheguan.registry.models import Office, Person
from tests.demo.test_history import CASES, NOW, _checksum


@pytest.mark.django_db
def test_the_history_is_written_set_based(django_assert_max_num_queries):
    clock.set_now(NOW)
    seeded = seed_demo(actor=Actor.system(), history_cases=0)
    office = Office.objects.get(pk=seeded.office.pk)
    story = list(Person.objects.order_by("pk").values_list("pk", flat=True)[:2])
    # a query per row would be thousands; bulk inserts need a few hundred at most
    with django_assert_max_num_queries(400):
        made = build_history(office=office, today=clock.today(), story_people=story, cases=CASES)
    assert made["history_cases"] > CASES
    assert made["visits"] > 1000


@pytest.mark.django_db
def test_the_history_is_the_same_every_time():
    def once() -> str:
        with transaction.atomic():
            clock.set_now(NOW)
            seed_demo(actor=Actor.system(), history_cases=800)
            digest = _checksum()
            transaction.set_rollback(True)
        return digest

    assert once() == once()
