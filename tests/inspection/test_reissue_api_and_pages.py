"""补领检验标志 through the API and the page: the owner reports the mark lost and gets a new
serial with the same validity; the old one is revoked; nobody else can."""

from __future__ import annotations

from cheguan.inspection import services
from cheguan.inspection.models import InspectionMark


def test_the_owner_gets_a_lost_mark_again_over_the_api(client, city, make):
    first = services.apply_for_mark(actor=city.citizen, vehicle=city.vehicle).mark
    client.force_login(city.citizen_user)

    response = client.post(f"/api/inspection/vehicles/{city.vehicle.pk}/reissue")

    body = response.json()
    assert response.status_code == 201, body
    first.refresh_from_db()
    assert body["serial"] != first.serial and first.revoked_at is not None
    assert body["valid_until"] == first.valid_until.isoformat()


def test_no_valid_mark_to_replace_is_a_clear_409(client, city):
    client.force_login(city.citizen_user)
    response = client.post(f"/api/inspection/vehicles/{city.vehicle.pk}/reissue")
    assert response.status_code == 409
    assert response.json()["code"] == "inspection.no_current_mark"


def test_someone_else_cannot_reissue_the_mark(client, city, make):
    services.apply_for_mark(actor=city.citizen, vehicle=city.vehicle)
    client.force_login(make.user("citizen"))
    response = client.post(f"/api/inspection/vehicles/{city.vehicle.pk}/reissue")
    assert response.status_code == 404
    assert client.post(f"/inspection/vehicle/{city.vehicle.pk}/reissue/").status_code == 404
    assert InspectionMark.objects.count() == 1


def test_the_page_reissues_and_opens_the_new_mark(client, city):
    first = services.apply_for_mark(actor=city.citizen, vehicle=city.vehicle).mark
    client.force_login(city.citizen_user)
    page = client.get(f"/inspection/mark/{first.serial}/").content.decode()
    assert f'href="/inspection/vehicle/{city.vehicle.pk}/reissue/"' in page

    response = client.post(f"/inspection/vehicle/{city.vehicle.pk}/reissue/")

    new = InspectionMark.objects.get(reissue_of=first)
    assert response.status_code == 302
    assert response["Location"] == f"/inspection/mark/{new.serial}/"
