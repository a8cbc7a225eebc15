"""Consent records what the citizen agreed to and how; a witness is a second clerk of the
same office proven by their own password; one session, one consent."""

from __future__ import annotations

import pytest
from django.test import Client

from cheguan.accounts import services
from cheguan.accounts.models import AssistedSession
from cheguan.audit.models import AuditEvent
from cheguan.core.actor import Actor
from cheguan.core.errors import DomainError
from cheguan.core.roles import Role
from tests import factories

pytestmark = pytest.mark.django_db


def _open(desk, **kw):
    args = {
        "actor": Actor(user=desk.clerk),
        "id_number": desk.citizen.id_number,
        "consent_method": "signed",
        "scope": ["inspection"],
    } | kw
    return services.open_assisted_session(**args)


def test_witnessed_consent_records_the_scope_the_vehicles_and_the_witness(desk, make):
    witness = make.user(Role.CLERK, office=desk.office)
    car = make.vehicle(owner=desk.citizen)
    stranger_car = make.vehicle(owner=make.person(office_obj=desk.office, name="李四"))

    session = _open(
        desk,
        consent_method="witnessed",
        scope=["inspection", "vehicles", "nonsense"],
        vehicle_ids=[car.pk, stranger_car.pk],
        witness_username=witness.username,
        witness_password=factories.PASSWORD,
    )

    assert session.is_confirmed and session.witness == witness
    assert session.consent_scope == ["vehicles", "inspection"]
    assert session.consent_vehicle_ids == [car.pk]  # never another person's vehicle
    event = AuditEvent.objects.get(action="accounts.assisted_session_opened")
    assert (
        event.data["witness_id"] == witness.pk
        and event.data["consent_scope"] == session.consent_scope
    )
    assert desk.citizen.name not in str(event.data) and desk.citizen.id_number not in str(
        event.data
    )


@pytest.mark.parametrize("who", ["self", "wrong_password", "other_office", "supervisor", "nobody"])
def test_the_witness_must_be_another_clerk_of_the_office_with_their_own_password(
    desk, make, other_office, who
):
    witness = {
        "self": desk.clerk,
        "wrong_password": make.user(Role.CLERK, office=desk.office),
        "other_office": make.user(Role.CLERK, office=other_office),
        "supervisor": make.user(Role.SUPERVISOR, office=desk.office),
        "nobody": None,
    }[who]
    password = "not-it" if who == "wrong_password" else factories.PASSWORD

    with pytest.raises(DomainError) as refused:
        _open(
            desk,
            consent_method="witnessed",
            witness_username=witness.username if witness else "",
            witness_password=password,
        )

    expected = "accounts.witness_required" if who == "nobody" else "accounts.witness_refused"
    assert refused.value.code == expected and refused.value.field == "witness"
    assert not AssistedSession.objects.exists()


def test_no_scope_ticked_is_refused_beside_the_field(desk):
    with pytest.raises(DomainError) as refused:
        _open(desk, scope=[])
    assert (refused.value.code, refused.value.field) == ("accounts.consent_scope_required", "scope")


def test_the_same_citizen_keeps_the_session_and_its_consent(desk):
    first = _open(desk)
    again = _open(desk, consent_method="signed", scope=["cases"])

    assert again.pk == first.pk and again.consent_scope == ["inspection"]
    assert AssistedSession.objects.count() == 1
    assert AuditEvent.objects.filter(action="accounts.assisted_session_opened").count() == 1


def test_another_citizen_ends_the_first_only_when_confirmed(desk, make):
    first = _open(desk)
    other = make.person(office_obj=desk.office, name="李秀兰")

    with pytest.raises(DomainError) as asked:
        _open(desk, id_number=other.id_number, replace=False)
    first.refresh_from_db()
    assert asked.value.code == "accounts.assisted_session_open" and first.is_open

    second = _open(desk, id_number=other.id_number, replace=True)
    first.refresh_from_db()
    assert (first.end_reason, second.citizen) == ("replaced", other)


def test_screen_signed_consent_waits_for_the_citizen(desk):
    session = _open(desk, consent_method="screen_signed")

    assert not session.is_confirmed
    assert services.current_assisted_session(desk.clerk) is None
    assert services.screen_consent_pending(desk.clerk) == session
    services.agree_on_screen(agent=desk.clerk, session_id=session.pk, agreed=True)
    assert services.current_assisted_session(desk.clerk).pk == session.pk


def test_the_citizen_may_decline_on_the_screen(desk):
    session = _open(desk, consent_method="screen_signed")
    services.agree_on_screen(agent=desk.clerk, session_id=session.pk, agreed=False)
    session.refresh_from_db()
    assert session.end_reason == "declined"
    with pytest.raises(DomainError):
        services.agree_on_screen(agent=desk.clerk, session_id=session.pk, agreed=True)


def test_the_desk_page_asks_to_confirm_before_ending_anothers_session(desk, make):
    first = _open(desk)
    other = make.person(office_obj=desk.office, name="李秀兰")
    client = Client()
    client.force_login(desk.clerk)
    form = {"id_number": other.id_number, "consent_method": "signed", "scope": "cases"}

    asked = client.post("/accounts/assisted/", form, HTTP_ACCEPT_LANGUAGE="en")
    first.refresh_from_db()
    assert asked.status_code == 400 and first.is_open
    assert 'id="replace"' in asked.content.decode() and "王*国" in asked.content.decode()

    done = client.post("/accounts/assisted/", form | {"replace": "1"})
    first.refresh_from_db()
    assert done.status_code == 302 and first.end_reason == "replaced"
    page = client.get("/accounts/assisted/current/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Apply for services and follow their cases" in page
    assert "Signed on the consent form" in page


def test_wrong_witness_passwords_are_recorded_and_stop_after_the_limit(desk, make, settings):
    settings.AXES_FAILURE_LIMIT = 3
    witness = make.user(Role.CLERK, office=desk.office)
    codes = []
    for password in ["guess-1", "guess-2", "guess-3", factories.PASSWORD]:
        with pytest.raises(DomainError) as refused:
            _open(
                desk,
                consent_method="witnessed",
                witness_username=witness.username,
                witness_password=password,
            )
        codes.append(refused.value.code)

    assert codes == ["accounts.witness_refused"] * 3 + ["accounts.witness_locked"]
    refusals = AuditEvent.objects.filter(action="accounts.witness_refused")
    assert refusals.count() == 3 and refusals.first().data == {"witness_id": witness.pk}
