"""The printed mark says what the mark page says: the vehicle type's name, and the time of
issue in Beijing time (it printed the stored UTC time before)."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest

from cheguan.inspection import services
from cheguan.inspection.pdf import mark_pdf

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def test_the_pdf_prints_the_time_of_issue_in_beijing_time_and_the_type_by_name(city, clock):
    # 23:30 UTC on 10 May is 07:30 on 11 May in Ningbo: the day differs too
    clock.set_now(dt.datetime(2026, 5, 10, 23, 30, tzinfo=dt.UTC))
    mark = services.apply_for_mark(actor=city.citizen, vehicle=city.vehicle).mark
    mark.refresh_from_db()  # as read back: stored in UTC

    zh = pdf_text(mark_pdf(mark, base_url="https://cheguan.example/"))
    en = pdf_text(mark_pdf(mark, base_url="https://cheguan.example/", english=True))

    assert "2026年5月11日 07:30" in zh and "2026-05-10 23:30" not in zh
    assert "11 May 2026 07:30" in en
    assert "小型轿车" in zh and "Small saloon car" in en
    assert "K33" not in zh + en
    assert "2028年7月1日" in zh and "1 July 2028" in en  # valid until


def test_the_mark_page_shows_the_same_time(client, city, clock):
    clock.set_now(dt.datetime(2026, 5, 10, 23, 30, tzinfo=dt.UTC))
    mark = services.apply_for_mark(actor=city.citizen, vehicle=city.vehicle).mark
    client.force_login(city.citizen_user)
    page = client.get(f"/inspection/mark/{mark.serial}/").content.decode()
    assert "2026年5月11日 07:30" in page and "小型轿车" in page
