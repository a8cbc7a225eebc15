"""The verify page, for an officer at the roadside: each verdict in its own colour, icon and
words; the plate in full; a serial typed in when the QR code cannot be scanned; never a
500 on garbage."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cheguan.inspection import services, signing

pytestmark = pytest.mark.django_db


def _verdict(response) -> tuple[str, str, str]:
    """(status, icon, word) of the page's verdict panel."""
    html = response.content.decode()
    found = re.search(
        r'<section class="verdict verdict-(\w+)"[^>]*data-status="(\w+)".*?'
        r'class="verdict-icon" aria-hidden="true">([^<]*)</span>.*?'
        r'class="verdict-word" id="verdict-word">([^<]*)</p>',
        html,
        re.S,
    )
    assert found is not None, html[:2000]
    assert found.group(1) == found.group(2)
    return found.group(1), found.group(3), found.group(4)


def test_each_verdict_has_its_own_colour_icon_and_words(client, city, clock):
    mark = services.apply_for_mark(actor=city.citizen, vehicle=city.vehicle).mark
    url = "/inspection/verify/?" + signing.verify_query(mark)
    seen = {"valid": _verdict(client.get(url, HTTP_ACCEPT_LANGUAGE="en"))}
    clock.set_now(dt.datetime(2028, 7, 2, 9, 0))
    seen["expired"] = _verdict(client.get(url, HTTP_ACCEPT_LANGUAGE="en"))
    clock.set_now(dt.datetime(2026, 5, 12, 9, 0))
    tampered = url[:-1] + ("1" if url.endswith("0") else "0")  # the signature's last digit
    seen["forged"] = _verdict(client.get(tampered, HTTP_ACCEPT_LANGUAGE="en"))
    seen["unknown"] = _verdict(
        client.get("/inspection/verify/?serial=NOSUCH123", HTTP_ACCEPT_LANGUAGE="en")
    )
    services.revoke_mark(actor=city.clerk_actor, mark=mark, reason="事后发现不符合条件")
    seen["revoked"] = _verdict(client.get(url, HTTP_ACCEPT_LANGUAGE="en"))

    assert {status: (icon, word) for status, (_, icon, word) in seen.items()} == {
        "valid": ("✓", "Valid"),
        "expired": ("!", "Expired"),
        "forged": ("✗", "Not genuine"),
        "unknown": ("?", "Not found"),
        "revoked": ("—", "Revoked"),
    }
    assert [s for s, *_ in seen.values()] == list(seen)


def test_the_plate_is_shown_in_full_and_words_in_chinese(client, city):
    mark = services.apply_for_mark(actor=city.citizen, vehicle=city.vehicle).mark

    page = client.get("/inspection/verify/?" + signing.verify_query(mark))

    html = page.content.decode()
    assert f'<span class="plate" id="verdict-plate">{mark.plate_number}</span>' in html
    assert _verdict(page)[2] == "有效"
    assert city.person.name not in html


def test_a_typed_serial_finds_the_mark_whatever_its_spaces_and_case(client, city):
    mark = services.apply_for_mark(actor=city.citizen, vehicle=city.vehicle).mark
    typed = " ".join(mark.serial[i : i + 4] for i in range(0, len(mark.serial), 4)).lower()

    page = client.get("/inspection/verify/", {"serial": typed})
    api = client.get("/api/inspection/verify", {"serial": typed}).json()

    assert _verdict(page)[0] == "valid"
    assert mark.plate_number in page.content.decode()
    assert api == {"status": "valid", "plate": mark.plate_number, "valid_until": "2028-07-01"}


def test_an_unknown_serial_says_not_found_and_shows_no_plate(client, city):
    services.apply_for_mark(actor=city.citizen, vehicle=city.vehicle)

    page = client.get("/inspection/verify/", {"serial": "330200260511000000"})
    api = client.get("/api/inspection/verify", {"serial": "330200260511000000"}).json()

    assert _verdict(page)[0] == "unknown"
    assert 'id="verdict-plate"' not in page.content.decode()
    assert api == {"status": "unknown", "plate": "", "valid_until": None}


def test_without_a_code_the_page_asks_for_a_serial(client):
    page = client.get("/inspection/verify/")

    html = page.content.decode()
    assert page.status_code == 200
    assert 'class="verdict' not in html
    assert 'id="serial" name="serial"' in html


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    params=st.dictionaries(
        st.sampled_from(["s", "v", "p", "sig", "serial"]),
        st.text(max_size=300).filter(lambda t: "\x00" not in t),
        max_size=5,
    )
)
def test_garbage_never_gives_a_500(client, city, params):
    page = client.get("/inspection/verify/", params)

    assert page.status_code in {200, 400}
    if page.status_code == 200 and any(params.get(k) for k in ("s", "v", "p", "sig")):
        assert _verdict(page)[0] == "forged"
