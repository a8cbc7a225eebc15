import datetime as dt
from urllib.parse import parse_qs, urlsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cheguan.accounts.models import AssistedSession
from cheguan.inspection import services, signing


def test_eligibility_through_the_api_lists_reasons(client, city):
    city.violation(city.vehicle, 2)
    client.force_login(city.citizen_user)

    response = client.get(f"/api/inspection/eligibility?vehicle_id={city.vehicle.pk}")

    body = response.json()
    assert response.status_code == 200
    assert body["may_issue"] is False
    assert [r["code"] for r in body["reasons"]] == ["inspection.unprocessed_violations"]
    assert body["reasons"][0]["data"] == {"unprocessed_violations": 2}


def test_apply_through_the_api_issues_and_verify_says_valid(client, city):
    client.force_login(city.citizen_user)

    response = client.post(
        "/api/inspection/apply", {"vehicle_id": city.vehicle.pk}, content_type="application/json"
    )
    mark = response.json()["mark"]
    query = urlsplit(mark["verify_url"]).query
    client.logout()
    verdict = client.get(f"/api/inspection/verify?{query}").json()

    assert response.status_code == 201
    assert mark["valid_until"] == "2028-07-01"
    assert verdict == {
        "status": "valid",
        "plate": mark["plate"],
        "valid_until": "2028-07-01",
    }


def test_an_unknown_plate_is_not_found(client, city):
    client.force_login(city.citizen_user)

    response = client.get("/api/inspection/eligibility?plate=浙B00000X")

    assert response.status_code == 404
    assert response.json()["code"] == "core.not_found"


def test_verify_page_says_expired_and_revoked(client, city, clock):
    mark = services.apply_for_mark(actor=city.citizen, vehicle=city.vehicle).mark
    url = "/inspection/verify/?" + signing.verify_query(mark)
    clock.set_now(dt.datetime(2028, 7, 2, 9, 0))
    expired = client.get(url)
    clock.set_now(dt.datetime(2026, 5, 12, 9, 0))
    services.revoke_mark(actor=city.clerk_actor, mark=mark, reason="事后发现不符合条件")
    revoked = client.get(url)

    assert 'data-status="expired"' in expired.content.decode()
    assert 'data-status="revoked"' in revoked.content.decode()
    assert city.person.name not in revoked.content.decode()


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    field=st.sampled_from(["s", "v", "p", "sig"]),
    position=st.integers(0, 80),
    char=st.sampled_from(list("0123456789abcdefZ浙-")),
)
def test_changing_any_field_or_signature_character_is_forged(city, field, position, char):
    mark = services.apply_for_mark(actor=city.citizen, vehicle=city.vehicle).mark
    params = {k: v[0] for k, v in parse_qs(signing.verify_query(mark)).items()}
    value = params[field]
    i = position % len(value)
    changed = value[:i] + char + value[i + 1 :]
    if changed == value:
        changed = value + char
    params[field] = changed

    verdict = signing.check(
        serial=params["s"], valid_until=params["v"], plate=params["p"], sig=params["sig"]
    )

    assert verdict.status == "forged"
    assert verdict.plate == ""


def test_the_mark_page_shows_the_qr_and_the_pdf_prints(client, city):
    mark = services.apply_for_mark(actor=city.citizen, vehicle=city.vehicle).mark
    client.force_login(city.citizen_user)

    page = client.get(f"/inspection/mark/{mark.serial}/")
    pdf = client.get(f"/inspection/mark/{mark.serial}/pdf/")

    assert "<svg" in page.content.decode()
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")


def test_the_help_desk_finds_a_citizen_by_plate_and_starts_assisted_service(client, city):
    client.force_login(city.clerk)

    found = client.post("/inspection/desk/", {"q": city.vehicle.plate_number})
    started = client.post(
        "/inspection/desk/",
        {
            "q": city.vehicle.plate_number,
            "action": "start",
            "consent_method": "signed",
            "scope": ["vehicles", "inspection"],
        },
    )
    home = client.get("/inspection/")

    assert city.person.masked_name in found.content.decode()
    assert started.status_code == 302
    assert city.vehicle.plate_number in home.content.decode()


def test_the_help_desk_finds_by_id_number_in_a_post_and_refuses_it_in_the_url(client, city):
    client.force_login(city.clerk)

    found = client.post("/inspection/desk/", {"q": city.person.id_number})
    refused = client.get("/inspection/desk/", {"q": city.person.id_number})

    assert found.status_code == 200
    assert city.person.masked_name in found.content.decode()
    assert 'form method="post" action="/inspection/desk/" id="find"' in found.content.decode()
    assert refused.status_code == 400
    assert city.person.masked_name not in refused.content.decode()
    assert not AssistedSession.objects.exists()


def test_the_citizen_sees_every_reason_on_the_vehicle_page(client, city):
    city.violation(city.vehicle, 2)
    client.force_login(city.citizen_user)

    page = client.get(f"/inspection/vehicle/{city.vehicle.pk}/", HTTP_ACCEPT_LANGUAGE="en")

    assert (
        "2 unprocessed violation(s): handle them online or at any window" in page.content.decode()
    )
