"""Registry services: people (registration, the audited reveal), organisations and the
partner authorisation lifecycle."""

from __future__ import annotations

import datetime as dt

import pytest

from cheguan.core.actor import Actor
from cheguan.core.errors import PERMISSION_DENIED, DomainError
from cheguan.registry import services
from cheguan.registry.models import AuthorisationStatus
from cheguan.registry.validators import INVALID_DATES, INVALID_ID_NUMBER
from tests.factories import resident_id
from tests.helpers import events, raises

pytestmark = pytest.mark.django_db

G, A, S, R = (
    AuthorisationStatus.GRANTED,
    AuthorisationStatus.APPLIED,
    AuthorisationStatus.SUSPENDED,
    AuthorisationStatus.REVOKED,
)


# --- people ------------------------------------------------------------------------------


def test_registering_a_person_derives_birth_date_and_sex_and_is_audited(city):
    number = resident_id(dt.date(1950, 1, 1), address="330203", sex="F")
    person = services.register_person(
        actor=Actor(user=city.clerk),
        office=city.office,
        data=services.PersonData(name=" 陈阿婆 ", id_number=number.lower(), phone="13700001234"),
    )
    assert (person.name, person.birth_date, person.sex) == ("陈阿婆", dt.date(1950, 1, 1), "F")
    assert person.is_elderly is True
    [event] = events("registry.person_registered")
    assert event.data == {"id_type": "resident_id", "id_number": person.masked_id_number}


def test_the_same_document_twice_at_one_office_is_a_duplicate(city):
    data = services.PersonData(name="王建国", id_number=city.elder.id_number)
    raises(
        services.DUPLICATE_PERSON,
        services.register_person,
        actor=Actor(user=city.clerk),
        office=city.office,
        data=data,
    )


def test_a_name_with_a_control_character_is_refused(city):
    data = services.PersonData(name="王\x00建国", id_number=resident_id(dt.date(1980, 1, 1)))
    err = raises(
        services.NAME_REQUIRED,
        services.register_person,
        actor=Actor(user=city.clerk),
        office=city.office,
        data=data,
    )
    assert err.message_in("en") == (
        "Enter a name of 1 to 60 characters, without line breaks or other control characters."
    )


def test_a_bad_id_number_saves_nothing(city):
    data = services.PersonData(name="张三", id_number="330203195001010017")
    raises(
        INVALID_ID_NUMBER,
        services.register_person,
        actor=Actor(user=city.clerk),
        office=city.office,
        data=data,
    )
    assert events("registry.person_registered") == []


def test_an_inspector_may_not_register_people(city):
    data = services.PersonData(name="张三", id_number=resident_id(dt.date(1980, 1, 1)))
    raises(
        PERMISSION_DENIED,
        services.register_person,
        actor=Actor(user=city.inspector),
        office=city.office,
        data=data,
    )


def test_revealing_a_person_returns_full_values_and_audits_without_them(city):
    values = services.reveal_person(
        actor=Actor(user=city.clerk), person=city.elder, reason="counter check"
    )
    assert values == {
        "name": "王建国",
        "id_number": city.elder.id_number,
        "phone": "13812345678",
    }
    [event] = events("registry.personal_data_revealed")
    assert event.subject_id == str(city.elder.pk)
    assert event.data == {"fields": ["id_number", "phone"], "reason": "counter check"}
    assert city.elder.id_number not in str(event.data)


def test_an_inspector_may_not_reveal_and_leaves_no_event(city):
    raises(
        PERMISSION_DENIED,
        services.reveal_person,
        actor=Actor(user=city.inspector),
        person=city.elder,
    )
    assert events("registry.personal_data_revealed") == []


# --- organisations and authorisation ---------------------------------------------------


def test_an_early_uscc_failing_its_checksum_is_registered_with_a_warning(city):
    org = services.register_organisation(
        actor=Actor(user=city.supervisor),
        office=city.office,
        data=services.OrganisationData(
            name="厦门早期试点公司", uscc="91350200M000100Y43", kind="dealer"
        ),
    )
    assert org.uscc_checksum_warning is True


def test_coordinates_come_in_pairs_within_range(city):
    data = services.OrganisationData(
        name="某服务站",
        uscc="91110000600037341L",
        kind="service_point",
        latitude=95.0,
        longitude=121.5,
    )
    err = raises(
        services.INVALID_COORDINATES,
        services.register_organisation,
        actor=Actor(user=city.supervisor),
        office=city.office,
        data=data,
    )
    assert err.field == "latitude"


def change(city, org, to_status, **kw):
    return services.change_authorisation(
        actor=Actor(user=city.supervisor), organisation=org, to_status=to_status, **kw
    )


def test_partner_lifecycle_apply_grant_suspend_regrant_revoke(city, make):
    org = make.organisation(kind="scrapyard")
    change(city, org, A, services=["scrapping"])
    granted = change(
        city,
        org,
        G,
        valid_from=dt.date(2026, 3, 1),
        valid_until=dt.date(2029, 2, 28),
        services=["scrapping", "scrapping", "deregistration"],
    )
    assert granted.authorised_services == ["scrapping", "deregistration"]
    assert granted.is_authorised_on(dt.date(2026, 3, 2), "scrapping") is True
    suspended = change(city, org, S, reason="spot check found re-used photos")
    assert (suspended.authorised_from, suspended.authorised_until) == (
        dt.date(2026, 3, 1),
        dt.date(2029, 2, 28),
    )
    assert suspended.is_authorised_on(dt.date(2026, 3, 2)) is False
    change(city, org, G, services=["scrapping"])
    change(city, org, R, reason="licence withdrawn by the environment bureau")
    org.refresh_from_db()
    assert (org.authorisation_status, org.authorisation_reason) == (
        R,
        "licence withdrawn by the environment bureau",
    )
    moves = [(e.data["from"], e.data["to"]) for e in events("registry.authorisation_changed")]
    assert moves == [("none", A), (A, G), (G, S), (S, G), (G, R)]
    assert {e.stream for e in events("registry.authorisation_changed")} == {f"org:{org.pk}"}


@pytest.mark.parametrize("to_status", [S, R])
def test_suspending_or_revoking_needs_a_reason_the_partner_will_read(city, make, to_status):
    org = make.partner(kind="dealer")
    with pytest.raises(DomainError) as refused:
        change(city, org, to_status, reason="  ")
    assert (refused.value.code, refused.value.field) == (
        "registry.authorisation_reason_required",
        "reason",
    )
    org.refresh_from_db()
    assert org.authorisation_status == G


def test_granting_defaults_the_start_to_today(city, make):
    org = make.organisation(authorisation_status=A)
    granted = change(city, org, G, services=["new_registration"])
    assert granted.authorised_from == dt.date(2026, 3, 2)


def test_a_revoked_partner_cannot_be_granted_again(city, make):
    org = make.organisation(authorisation_status=R)
    err = raises(
        services.ILLEGAL_AUTHORISATION_CHANGE,
        change,
        city=city,
        org=org,
        to_status=G,
        services=["new_registration"],
    )
    assert err.status == 409
    assert err.message_in("en") == (
        "The authorisation cannot change from “Revoked” to “Granted”; "
        "it can change to: nothing (final)."
    )
    assert err.message_in("zh-hans").startswith("授权状态不能从“已撤销”改为“已授权”")


def test_an_organisation_that_never_applied_cannot_be_granted(city, make):
    org = make.organisation()
    err = raises(services.ILLEGAL_AUTHORISATION_CHANGE, change, city=city, org=org, to_status=G)
    assert "it can change to: Applied." in err.message_in("en")
    assert events("registry.authorisation_changed") == []


def test_granting_needs_services_and_ordered_dates(city, make):
    org = make.organisation(authorisation_status=A)
    raises(services.AUTHORISED_SERVICES_REQUIRED, change, city=city, org=org, to_status=G)
    raises(
        INVALID_DATES,
        change,
        city=city,
        org=org,
        to_status=G,
        services=["new_registration"],
        valid_from=dt.date(2026, 3, 1),
        valid_until=dt.date(2026, 2, 1),
    )
    raises(
        services.INVALID_SERVICE_NAME,
        change,
        city=city,
        org=org,
        to_status=G,
        services=["New Registration"],
    )
    org.refresh_from_db()
    assert org.authorisation_status == A


def test_a_clerk_may_not_change_an_authorisation(city, make):
    org = make.organisation(authorisation_status=A)
    raises(
        PERMISSION_DENIED,
        services.change_authorisation,
        actor=Actor(user=city.clerk),
        organisation=org,
        to_status=G,
    )
