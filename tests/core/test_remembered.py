"""What every request reads and rarely changes, remembered in the cache (issue 12): the
service catalogue and the working-day calendar are read once, and a change is seen at once —
in this process, and through Redis in another web worker."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import transaction

from cheguan.cases.catalogue import seed_catalogue
from cheguan.cases.models import DocumentRequirement, Service
from cheguan.cases.remembered import active_service, requirements_of
from cheguan.core.actor import Actor
from cheguan.core.remembered import forget, remember
from cheguan.core.roles import Role
from cheguan.workdays import services as workdays
from cheguan.workdays.models import DayKind
from tests.core.test_redis import REDIS_URL, redis_cache  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


@pytest.fixture
def office(office_world):
    return office_world.office


def test_a_service_is_read_once_then_remembered(office, django_assert_num_queries):
    with django_assert_num_queries(1):
        first = active_service(office.pk, "inspection_mark_exempt")
    with django_assert_num_queries(0):
        again = active_service(office.pk, "inspection_mark_exempt")
    assert first is not None and again == first
    assert again is not first  # a copy from the cache: nobody shares one instance


def test_an_admin_edit_of_a_service_is_seen_at_once(office):
    service = active_service(office.pk, "inspection_mark_exempt")
    assert service is not None and service.immediate
    stored = Service.objects.get(pk=service.pk)
    stored.immediate = False
    stored.save()  # what the admin does
    fresh = active_service(office.pk, "inspection_mark_exempt")
    assert fresh is not None and fresh.immediate is False
    stored.active = False
    stored.save()
    assert active_service(office.pk, "inspection_mark_exempt") is None


def test_a_requirement_added_or_removed_is_seen_at_once(office, django_assert_num_queries):
    service = Service.objects.get(office=office, code="inspection_mark_exempt")
    before = [r.code for r in requirements_of(service.pk)]
    with django_assert_num_queries(0):
        assert [r.code for r in requirements_of(service.pk)] == before
    added = DocumentRequirement.objects.create(
        service=service, code="photo", name_zh="照片", name_en="Photo", position=99
    )
    assert [r.code for r in requirements_of(service.pk)] == [*before, "photo"]
    added.delete()
    assert [r.code for r in requirements_of(service.pk)] == before


def test_seeding_the_catalogue_forgets_what_update_changed_behind_the_models(office):
    service = active_service(office.pk, "plate_selection")
    assert service is not None and service.owner == "plates"
    Service.objects.filter(pk=service.pk).update(owner="cases")  # no signal: still remembered
    assert active_service(office.pk, "plate_selection").owner == "plates"
    seed_catalogue(office)  # puts the code's owner back, and forgets
    assert Service.objects.get(pk=service.pk).owner == "plates"
    assert active_service(office.pk, "plate_selection").owner == "plates"
    Service.objects.filter(pk=service.pk).update(immediate=True)
    seed_catalogue(office)
    assert active_service(office.pk, "plate_selection").immediate is True


def test_the_calendar_is_read_once_and_a_rebuild_is_seen_at_once(db, django_assert_num_queries):
    monday = dt.date(2031, 3, 3)
    assert workdays.add_working_days(monday, 1) == dt.date(2031, 3, 4)  # two reads
    assert workdays.is_working_day(dt.date(2031, 3, 4))  # one more
    with django_assert_num_queries(0):
        assert workdays.add_working_days(monday, 1) == dt.date(2031, 3, 4)
        assert workdays.is_working_day(monday)
        assert workdays.working_days_between(monday, dt.date(2031, 3, 4)) == 1
    exceptions = [*workdays.read_holidays(), (dt.date(2031, 3, 4), DayKind.HOLIDAY, "test", "")]
    workdays.rebuild(exceptions)
    assert workdays.add_working_days(monday, 1) == dt.date(2031, 3, 5)
    assert not workdays.is_working_day(dt.date(2031, 3, 4))
    assert workdays.working_days_between(monday, dt.date(2031, 3, 5)) == 1


def test_a_value_refilled_before_the_change_commits_is_forgotten_at_commit(
    django_capture_on_commit_callbacks,
):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert remember("family", "key", compute) == 1
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        forget("family")
        # another worker reads before the change is committed: the old value again
        assert remember("family", "key", lambda: 1) == 1
    assert remember("family", "key", compute) == 2  # the commit forgot it once more


def test_a_change_in_another_web_worker_is_seen_through_redis(redis_cache):  # noqa: F811
    _server, prefix = redis_cache
    assert remember("catalogue", "probe", lambda: "before") == "before"
    assert remember("catalogue", "probe", lambda: "recomputed") == "before"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHEGUAN_")}
    env.update(
        CHEGUAN_DEBUG="1",
        CHEGUAN_REDIS_URL=REDIS_URL,
        CHEGUAN_CACHE_PREFIX=prefix,
        DJANGO_SETTINGS_MODULE="cheguan.settings",
    )
    code = "import django; django.setup(); from cheguan.core.remembered import forget; forget('catalogue')"
    subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, check=True, timeout=60,
        capture_output=True,
    )  # fmt: skip
    assert remember("catalogue", "probe", lambda: "after") == "after"


def test_offices_are_remembered_and_a_new_or_renamed_office_is_seen_at_once(
    office, make, django_assert_num_queries
):
    from cheguan.registry import remembered as offices

    assert [o.pk for o in offices.first_offices(2)] == [office.pk]
    assert offices.office_by_code(office.code) == office
    with django_assert_num_queries(0):
        assert offices.first_offices(2)[0].name == office.name
        assert offices.office_by_code(office.code) == office
    assert offices.office_by_prefix("浙D") is None
    other = make.office(code="330600", name="绍兴市车管所", prefix="浙D")
    assert offices.office_by_prefix("浙D") == other
    assert len(offices.first_offices(2)) == 2  # no longer the only office
    office.name = "宁波市公安局交通警察局车辆管理所"
    office.save()  # what the admin does
    assert offices.office_by_code(office.code).name == office.name


def test_the_blocklist_is_remembered_and_a_pattern_is_in_force_at_once(
    office_world, django_assert_num_queries
):
    from cheguan.plates.formats.composition import active_patterns
    from cheguan.plates.models import BlockScope
    from cheguan.plates.services import blocklist

    office = office_world.office
    admin = Actor(user=office_world.staff(Role.ADMIN))
    assert active_patterns(office) == []
    with django_assert_num_queries(0):
        assert active_patterns(office, scopes=[BlockScope.ALL]) == []
    row = blocklist.add_pattern(actor=admin, office=office, pattern="^888", reason="不吉利")
    assert [b.pattern for b in active_patterns(office)] == ["^888"]
    assert active_patterns(office, scopes=[BlockScope.ALL]) == []  # a compose-only pattern
    blocklist.deactivate_pattern(actor=admin, pattern_id=row.pk)
    assert active_patterns(office) == []
