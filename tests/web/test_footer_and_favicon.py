"""Who runs the service: the footer names the office, its address, opening hours and hotline
in the page's language; the API documentation is for staff and partners, not citizens.
/favicon.ico is an icon."""

from __future__ import annotations

import re

import pytest

from cheguan.core.roles import Role

pytestmark = pytest.mark.django_db

OFFICE = {
    "name": {
        "zh-hans": "宁波市公安局交通警察支队车辆管理所",
        "en": "Ningbo Vehicle Administration Office",
    },
    "address": {
        "zh-hans": "宁波市鄞州区天童南路1号",
        "en": "1 Tiantong South Road, Yinzhou, Ningbo",
    },
    "hours": {"zh-hans": "周一至周五 8:30–17:00", "en": "Monday to Friday 8:30–17:00"},
    "hotline": "0574-12345678",
}


def _footer(response) -> str:
    html = response.content.decode()
    return re.search(r"<footer class=\"site\">(.*?)</footer>", html, re.S).group(1)


def test_the_footer_names_the_office_in_chinese_and_english(client, settings):
    settings.CHEGUAN_OFFICE = OFFICE

    zh = _footer(client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans"))
    en = _footer(client.get("/", HTTP_ACCEPT_LANGUAGE="en"))

    for words in (
        "宁波市公安局交通警察支队车辆管理所",
        "天童南路1号",
        "周一至周五 8:30–17:00",
        "地址：",
        "办公时间：",
        "服务电话：",
    ):
        assert words in zh
    for words in (
        "Ningbo Vehicle Administration Office",
        "1 Tiantong South Road",
        "Monday to Friday",
        "Opening hours: Monday to Friday",
    ):
        assert words in en
    assert 'href="tel:0574-12345678"' in zh
    assert "开源" not in zh and "open-source" not in en


def test_without_a_configured_name_the_footer_names_the_one_office(client, office):
    zh = _footer(client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans"))
    en = _footer(client.get("/", HTTP_ACCEPT_LANGUAGE="en"))

    assert office.name in zh
    assert f"{office.name_en} Vehicle Administration Office" in en


def test_the_api_documentation_is_linked_for_staff_and_partners_only(client, make):
    assert "/api/docs" not in _footer(client.get("/"))
    client.force_login(make.user(Role.CITIZEN))
    assert "/api/docs" not in _footer(client.get("/"))
    client.force_login(make.user(Role.CLERK))
    assert "/api/docs" in _footer(client.get("/"))


def test_favicon_ico_is_an_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/vnd.microsoft.icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # the ICO header
