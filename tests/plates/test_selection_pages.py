"""二十选一 pages without JavaScript: draw, confirm, pick, the held number; the countdown's
script a static file, no inline script; the public draw log; the admin's segments page."""

from __future__ import annotations

import datetime as dt
import re

from cheguan.accounts.services import open_assisted_session
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.roles import Role
from cheguan.plates import services
from cheguan.plates.models import (
    Draw,
    DrawStatus,
    NumberState,
    PlateNumber,
    Segment,
    SelectionBan,
)


def _offered_buttons(html: str) -> list[str]:
    return re.findall(r'<button type="submit" name="number" value="([^"]+)" data-offer>', html)


def test_a_citizen_draws_confirms_and_sees_the_held_number_without_javascript(client, plates):
    plates.release()
    case = plates.case()
    client.force_login(plates.citizen_user)
    page = f"/plates/cases/{case.number}/"

    start = client.get(page)
    drawn = client.post(f"{page}draw/", {"plate_type": "02"})
    numbers_page = client.get(page)
    offered = _offered_buttons(numbers_page.content.decode())
    draw = Draw.objects.get(case=case)
    confirm = client.get(f"/plates/draws/{draw.pk}/pick/", {"number": offered[4]})
    state_after_confirm_page = PlateNumber.objects.get(number=offered[4]).state
    picked = client.post(f"/plates/draws/{draw.pk}/pick/", {"number": offered[4]})
    held_page = client.get(page)

    assert start.status_code == 200
    assert 'id="draw"' in start.content.decode()
    assert drawn.status_code == 302 and drawn["Location"] == page
    assert offered == draw.numbers and len(offered) == 20
    again = re.search(r'id="draw-again">([^<]*)<', numbers_page.content.decode()).group(1)
    assert "4" in again  # draw again (4 left)
    assert 'role="timer"' in numbers_page.content.decode()
    assert confirm.status_code == 200
    assert f"浙B·{offered[4][2:]}" in confirm.content.decode()
    assert state_after_confirm_page == NumberState.OFFERED  # the confirmation holds nothing
    assert picked.status_code == 302 and picked["Location"] == page
    html = held_page.content.decode()
    held = re.search(r'<section class="card held-panel" id="held".*?</section>', html, re.S)
    assert held is not None
    assert f"浙B·{offered[4][2:]}" in held.group()
    assert "2026-05-14" in held.group()  # the hold's last day: Thursday
    assert _offered_buttons(html) == []
    assert PlateNumber.objects.get(number=offered[4]).state == NumberState.HELD


def test_the_countdown_is_a_static_script_and_no_inline_script_is_allowed(client, plates):
    plates.release()
    case = plates.case()
    services.draw_numbers(actor=plates.citizen, case=case, plate_type="02")
    client.force_login(plates.citizen_user)

    response = client.get(f"/plates/cases/{case.number}/")

    policy = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", policy).group(1)
    html = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert script_src.strip() == "'self'"  # no nonce, no 'unsafe-inline'
    assert [body.strip() for _attrs, body in scripts] == ["" for _ in scripts]
    assert any("plates/countdown" in attrs for attrs, _body in scripts)
    assert 'data-seconds="300"' in html


def test_an_expired_pick_on_the_page_says_so_and_offers_another_draw(client, plates):
    plates.release()
    case = plates.case()
    result = services.draw_numbers(actor=plates.citizen, case=case, plate_type="02")
    client.force_login(plates.citizen_user)
    clock.advance(dt.timedelta(minutes=5, seconds=1))

    response = client.post(f"/plates/draws/{result.draw.pk}/pick/", {"number": result.numbers[0]})

    html = response.content.decode()
    assert response.status_code == 409
    assert 'data-code="plates.offer_expired"' in html
    assert 'id="draw"' in html  # the draw button is back
    assert Draw.objects.get(pk=result.draw.pk).status == DrawStatus.EXPIRED


def test_a_confirmation_for_a_number_not_offered_goes_back_to_the_draw_page(client, plates):
    plates.release()
    case = plates.case()
    result = services.draw_numbers(actor=plates.citizen, case=case, plate_type="02")
    client.force_login(plates.citizen_user)

    response = client.get(f"/plates/draws/{result.draw.pk}/pick/", {"number": "浙BZ9999"})

    assert response.status_code == 302
    assert response["Location"] == f"/plates/cases/{case.number}/"


def test_another_citizen_gets_not_found_for_the_page_and_the_pick(client, plates):
    plates.release()
    case = plates.case()
    result = services.draw_numbers(actor=plates.citizen, case=case, plate_type="02")
    client.force_login(plates.another_citizen().user)

    page = client.get(f"/plates/cases/{case.number}/")
    pick = client.post(f"/plates/draws/{result.draw.pk}/pick/", {"number": result.numbers[0]})

    assert page.status_code == pick.status_code == 404
    assert PlateNumber.objects.get(number=result.numbers[0]).state == NumberState.OFFERED


def test_my_plate_cases_lists_the_open_ones_with_their_draw_page(client, plates):
    case = plates.case()
    other = plates.case(service_code="contact_change")
    client.force_login(plates.citizen_user)

    response = client.get("/plates/")

    html = response.content.decode()
    assert f'href="/plates/cases/{case.number}/"' in html
    assert other.number not in html


def test_the_public_draw_log_page_masks_names_and_explains_the_replay(client, plates):
    plates.release()
    result = services.draw_numbers(actor=plates.citizen, case=plates.case(), plate_type="02")

    response = client.get("/plates/draws/", {"date": "2026-05-11"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "王*国" in html and "王建国" not in html
    assert result.draw.seed in html
    assert f"浙B·{result.numbers[0][2:]}" in html
    assert "cheguan plates verify-draws 2026-05-11" in html


def test_the_public_draw_log_page_says_when_the_date_is_not_a_date(client, plates):
    response = client.get("/plates/draws/", {"date": "2026-02-30"})

    assert response.status_code == 200
    assert 'id="log-date-error"' in response.content.decode()


def test_an_admin_releases_a_segment_on_the_page_and_sees_the_error_beside_the_field(
    client, plates
):
    client.force_login(plates.admin.user)

    done = client.post("/plates/segments/", {"plate_type": "02", "first": "C0000", "last": "C0099"})
    page = client.get("/plates/segments/")
    bad = client.post("/plates/segments/", {"plate_type": "02", "first": "CI000", "last": "C0099"})

    assert done.status_code == 302
    assert "浙BC0000 – 浙BC0099" in page.content.decode()
    assert bad.status_code == 400
    assert 'id="first-error"' in bad.content.decode()
    assert Segment.objects.count() == 1


def test_a_clerk_cannot_open_the_segments_page(client, plates, make):
    client.force_login(make.user(Role.CLERK))

    assert client.get("/plates/segments/").status_code == 403


def test_a_clerk_in_an_assisted_session_and_a_dealer_use_the_same_draw_page(client, plates, make):
    plates.release()
    citizens_case = plates.case()
    open_assisted_session(
        actor=plates.clerk, id_number=plates.person.id_number, consent_method="signed"
    )
    dealer = make.user(Role.DEALER_AGENT)
    customers_case = plates.case(actor=Actor(user=dealer), applicant_person=plates.person)

    client.force_login(plates.clerk.user)
    by_clerk = client.post(f"/plates/cases/{citizens_case.number}/draw/", {"plate_type": "02"})
    client.force_login(dealer)
    dealer_page = client.get("/plates/")
    by_dealer = client.post(f"/plates/cases/{customers_case.number}/draw/", {"plate_type": "02"})

    assert by_clerk.status_code == by_dealer.status_code == 302
    assert Draw.objects.get(case=citizens_case).drawn_by == plates.clerk.user
    assert Draw.objects.get(case=customers_case).drawn_by == dealer
    assert f'href="/plates/cases/{customers_case.number}/"' in dealer_page.content.decode()


def test_a_barred_citizen_is_sent_to_the_hall_instead_of_a_draw_button(client, plates):
    plates.release()
    case = plates.case()
    SelectionBan.objects.create(
        person=plates.person,
        office=plates.office,
        starts_at=clock.now(),
        ends_at=clock.now() + dt.timedelta(days=730),
        expired_holds=3,
    )
    client.force_login(plates.citizen_user)

    html = client.get(f"/plates/cases/{case.number}/").content.decode()

    assert 'id="barred"' in html and "2028-05-10" in html
    assert 'id="draw"' not in html
