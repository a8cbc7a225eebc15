"""A service an app owns is opened, advanced and completed only by that app's services
(docs/adr/0013-owned-services.md). Every owned service of the catalogue is walked through
the generic path — the apply pages, the window console, the cases API — and each step is
routed to the owner's page or refused with a stable code, changing nothing; the same steps
on a generic case still work, so the refusal is the ownership, not the case's state."""

from __future__ import annotations

import re

import pytest

from cheguan.accounts.services import open_assisted_session
from cheguan.audit.models import AuditEvent
from cheguan.cases import errors, owners, services
from cheguan.cases.catalogue import CATALOGUE, OWNERS, seed_catalogue
from cheguan.cases.models import Case, CaseStatus, Service
from cheguan.cases.services.owned import refusal
from cheguan.core import clock
from cheguan.core.actor import Actor

pytestmark = pytest.mark.django_db

JSON = "application/json"
OWNED = sorted(OWNERS)
INSTALLED = {"inspection", "plates"}  # wave 1's owners; wave 2 adds registration, scrapping, exams


def login(client, user):
    client.logout()
    client.force_login(user)
    return client


def expected_error(service: Service):
    """Routed to an installed owner's page, or "not yet available here"."""
    return errors.OWNED_SERVICE if owners.owner_named(service.owner) else errors.SERVICE_NOT_ONLINE


def case_of(world, code: str, status: str) -> Case:
    """A case of an owned service, made the way only its owner may (``owner=``), with the
    citizen as applicant, then put in ``status`` for the step under test."""
    case = services.open_case(
        actor=world.clerk_actor,
        service_code=code,
        applicant_person=world.person,
        vehicle=world.vehicle,
        owner=OWNERS.get(code),
    )
    now = clock.now()
    Case.objects.filter(pk=case.pk).update(
        status=status,
        submitted_at=now if status != CaseStatus.DRAFT else None,
        accepted_at=now if status == CaseStatus.ACCEPTED else None,
    )
    case.refresh_from_db()
    return case


def footprint(case: Case) -> tuple:
    """Everything a step could change."""
    case.refresh_from_db()
    return (
        case.status,
        case.closed_at,
        case.transitions.count(),
        case.documents.count(),
        case.notices.count(),
        case.messages.count(),
        AuditEvent.objects.filter(subject_type="cases.case", subject_id=str(case.pk)).count(),
    )


# --- the catalogue says who owns what ---------------------------------------------------------


def test_the_catalogue_names_the_owner_of_each_service_the_issue_lists(world):
    owned = dict(
        Service.objects.filter(office=world.office)
        .exclude(owner="cases")
        .values_list("code", "owner")
    )

    assert owned == {
        "inspection_mark_exempt": "inspection",
        "plate_selection": "plates",
        "new_registration": "registration",
        "deregistration": "scrapping",
        "driving_test_booking": "exams",
    }
    assert owned == OWNERS
    generic = Service.objects.filter(office=world.office, owner="cases")
    assert sorted(generic.values_list("code", flat=True)) == [
        "contact_change",
        "plate_replacement",
        "transfer",
    ]
    assert len(CATALOGUE) == len(owned) + generic.count()


def test_the_installed_owners_registered_themselves_and_claim_their_services(world):
    registered = {o.label: o for o in owners.owners()}

    assert set(registered) == INSTALLED
    for owner in registered.values():
        for code in owner.services:
            assert OWNERS[code] == owner.label
    assert registered["inspection"].start_path == "/inspection/"
    assert registered["plates"].start_path == "/plates/start/"
    for label in ("registration", "scrapping", "exams"):
        assert owners.owner_named(label) is None


def test_seeding_again_puts_an_owner_back_that_an_edit_lost(world):
    Service.objects.filter(office=world.office, code="plate_selection").update(owner="cases")

    seed_catalogue(world.office)

    assert Service.objects.get(office=world.office, code="plate_selection").owner == "plates"


def test_a_new_owner_registers_with_no_change_to_cases(world):
    """Wave 2's apps register the same way; the generic path then routes to them."""
    service = Service.objects.get(office=world.office, code="new_registration")
    assert refusal(service).error == errors.SERVICE_NOT_ONLINE
    from cheguan.core.errors import Bi

    try:
        owners.register(
            label="registration",
            services=["new_registration"],
            start="inspection:home",  # any page: the wave-2 app brings its own
            name=Bi("注册登记", "registration"),
            description=Bi("注册登记", "registration"),
        )
        refused = refusal(service)
        assert refused.error == errors.OWNED_SERVICE
        assert "/inspection/" in refused.message_in("en")
    finally:
        owners._owners.pop("registration", None)


# --- the pages ------------------------------------------------------------------------------


def _apply_as(client, world, service: Service):
    """The citizen online, or — for a service not offered online — the help-desk clerk in
    an assisted session: the two ways to the generic apply pages."""
    if "online" in service.channels:
        return login(client, world.citizen_user)
    open_assisted_session(
        actor=Actor(user=world.clerk), id_number=world.person.id_number, consent_method="signed"
    )
    return login(client, world.clerk)


@pytest.mark.parametrize("code", OWNED)
def test_the_apply_pages_route_every_owned_service_to_its_owner_or_refuse_it(client, world, code):
    service = Service.objects.get(office=world.office, code=code)
    owner = owners.owner_named(service.owner)
    _apply_as(client, world, service)

    listing = client.get("/cases/apply/").content.decode()
    item = re.search(rf'<li data-service="{code}">(.*?)</li>', listing, re.S)
    shown = client.get(f"/cases/apply/{code}/")
    posted = client.post(f"/cases/apply/{code}/", {"vehicle": str(world.vehicle.pk)})

    assert item is not None, listing
    assert f"/cases/apply/{code}/" not in listing
    if owner is not None:
        assert f'href="{owner.start_path}"' in item.group(1)
        assert (shown.status_code, shown["Location"]) == (302, owner.start_path)
        assert (posted.status_code, posted["Location"]) == (302, owner.start_path)
    else:
        assert "not-online" in item.group(1) and "href" not in item.group(1)
        for answer in (shown, posted):
            assert answer.status_code == 409
            assert errors.SERVICE_NOT_ONLINE.code in answer.content.decode()
    assert not Case.objects.exists()


@pytest.mark.parametrize("code", OWNED)
def test_the_console_cannot_accept_notice_complete_or_reject_an_owned_case(client, world, code):
    submitted = case_of(world, code, CaseStatus.SUBMITTED)
    accepted = case_of(world, code, CaseStatus.ACCEPTED)
    message = refusal(submitted.service).message_in("zh-hans")
    login(client, world.clerk)
    before = {c.pk: footprint(c) for c in (submitted, accepted)}

    page = client.get(f"/cases/console/{accepted.number}/").content.decode()
    answers = [
        client.post(f"/cases/console/{submitted.number}/accept/"),
        client.post(
            f"/cases/console/{submitted.number}/notice/",
            {"requirement": ["identity"], "problem_identity": "missing"},
        ),
        client.post(f"/cases/console/{submitted.number}/reject/", {"reasons": "材料不全不予办理"}),
        client.post(f"/cases/console/{accepted.number}/complete/"),
        client.post(f"/cases/console/{accepted.number}/reject/", {"reasons": "材料不全不予办理"}),
    ]

    assert 'id="owner-route"' in page
    assert f"/cases/console/{accepted.number}/complete/" not in page
    assert f"/cases/console/{accepted.number}/reject/" not in page
    for answer in answers:
        assert answer.status_code == 409
        body = answer.content.decode()
        assert 'id="owner-route"' in body and message in body
    assert {c.pk: footprint(c) for c in (submitted, accepted)} == before


@pytest.mark.parametrize("code", OWNED)
def test_the_applicant_cannot_submit_or_upload_an_owned_case_on_the_case_page(
    client, world, code, upload
):
    draft = case_of(world, code, CaseStatus.DRAFT)
    login(client, world.citizen_user)
    before = footprint(draft)

    page = client.get(f"/cases/{draft.number}/").content.decode()
    submitted = client.post(f"/cases/{draft.number}/submit/")
    uploaded = client.post(
        f"/cases/{draft.number}/documents/", {"requirement": "identity", "file": upload()}
    )

    assert 'id="owner-route"' in page
    assert f"/cases/{draft.number}/submit/" not in page
    assert f"/cases/{draft.number}/documents/" not in page
    assert (submitted.status_code, uploaded.status_code) == (409, 409)
    assert footprint(draft) == before


def test_the_same_console_steps_still_work_on_a_generic_case(client, world):
    """The control: the refusal above is the ownership, not the state or the form."""
    submitted = world.submitted()
    login(client, world.clerk)

    accepted = client.post(f"/cases/console/{submitted.number}/accept/")
    completed = client.post(f"/cases/console/{submitted.number}/complete/")

    assert (accepted.status_code, completed.status_code) == (302, 302)
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.COMPLETED


# --- the API --------------------------------------------------------------------------------


@pytest.mark.parametrize("code", OWNED)
def test_the_cases_api_refuses_every_step_of_an_owned_service_with_its_code(client, world, code):
    service = Service.objects.get(office=world.office, code=code)
    expected = expected_error(service)
    draft = case_of(world, code, CaseStatus.DRAFT)
    submitted = case_of(world, code, CaseStatus.SUBMITTED)
    accepted = case_of(world, code, CaseStatus.ACCEPTED)
    before = {c.pk: footprint(c) for c in (draft, submitted, accepted)}
    cases_before = Case.objects.count()

    citizen = login(client, world.citizen_user)
    answers = {
        "open": citizen.post(
            "/api/cases/open",
            {"service_code": code, "vehicle_id": world.vehicle.pk},
            content_type=JSON,
        ),
        "submit": citizen.post(f"/api/cases/{draft.number}/submit"),
    }
    clerk = login(client, world.clerk)
    answers["open at the window"] = clerk.post(
        "/api/cases/open",
        {"service_code": code, "applicant_person_id": world.person.pk},
        content_type=JSON,
    )
    answers["accept"] = clerk.post(f"/api/cases/{submitted.number}/accept", {}, content_type=JSON)
    answers["notice"] = clerk.post(
        f"/api/cases/{submitted.number}/notice",
        {"items": [{"requirement": "identity", "problem": "missing"}]},
        content_type=JSON,
    )
    answers["reject"] = clerk.post(
        f"/api/cases/{submitted.number}/reject", {"reasons": "不予办理理由"}, content_type=JSON
    )
    answers["complete"] = clerk.post(f"/api/cases/{accepted.number}/complete")

    owner = owners.owner_named(service.owner)
    for step, answer in answers.items():
        body = answer.json()
        assert (step, answer.status_code, body["code"]) == (step, 409, expected.code)
        if owner is not None:
            assert owner.start_path in body["message"]
    assert Case.objects.count() == cases_before
    assert {c.pk: footprint(c) for c in (draft, submitted, accepted)} == before
    detail = clerk.get(f"/api/cases/{accepted.number}").json()
    assert detail["owner"] == service.owner
    assert detail["owner_path"] == (owner.path_for(accepted, staff=True) if owner else None)


def test_the_catalogue_api_says_where_each_owned_service_is_started(client, world):
    body = client.get("/api/cases/catalogue", {"office": world.office.code}).json()
    by_code = {s["code"]: s for s in body}

    assert by_code["inspection_mark_exempt"]["owner"] == "inspection"
    assert by_code["inspection_mark_exempt"]["start_path"] == "/inspection/"
    assert by_code["plate_selection"]["start_path"] == "/plates/start/"
    assert by_code["plate_selection"]["start_api"] == "POST /api/plates/selections"
    assert by_code["inspection_mark_exempt"]["start_api"] == "POST /api/inspection/apply"
    assert (by_code["new_registration"]["online"], by_code["new_registration"]["start_path"]) == (
        False,
        None,
    )
    assert (by_code["transfer"]["owner"], by_code["transfer"]["online"]) == ("cases", True)


def test_visits_and_withdrawal_stay_generic_for_an_owned_case(world):
    """The hall counts every visit and an applicant may always withdraw; neither makes an
    outcome, so the owner's rules are not bypassed (ADR 0013)."""
    case = case_of(world, "plate_selection", CaseStatus.DRAFT)

    services.record_visit(actor=world.clerk_actor, case=case)
    services.withdraw_case(actor=world.citizen, case=case)

    case.refresh_from_db()
    assert (case.visit_count, case.status) == (1, CaseStatus.WITHDRAWN)


def test_an_owner_cannot_act_on_a_service_it_does_not_own(world):
    with pytest.raises(ValueError, match="does not own"):
        services.open_case(actor=world.citizen, service_code="contact_change", owner="inspection")
    with pytest.raises(ValueError, match="does not own"):
        services.open_case(actor=world.citizen, service_code="plate_selection", owner="inspection")
    assert not Case.objects.exists()


def test_the_clerks_queue_leaves_owned_cases_to_their_owner(world):
    generic = world.submitted()
    owned = case_of(world, "inspection_mark_exempt", CaseStatus.SUBMITTED)

    queue = list(services_queue(world))

    assert generic in queue and owned not in queue


def services_queue(world):
    from cheguan.cases.queries import clerk_queue

    return clerk_queue(world.clerk_actor)


def test_a_generic_service_still_runs_end_to_end_on_the_generic_pages(client, world):
    login(client, world.citizen_user)
    listing = client.get("/cases/apply/").content.decode()
    started = client.post("/cases/apply/contact_change/", {"vehicle": ""})
    case = Case.objects.get()
    submitted = client.post(f"/cases/{case.number}/submit/")
    login(client, world.clerk)
    accepted = client.post(f"/cases/console/{case.number}/accept/")
    completed = client.post(f"/cases/console/{case.number}/complete/")
    login(client, world.citizen_user)
    rated = client.post(f"/cases/{case.number}/rate/", {"score": "5"})

    assert 'href="/cases/apply/contact_change/"' in listing
    assert started["Location"] == f"/cases/{case.number}/"
    assert [r.status_code for r in (submitted, accepted, completed, rated)] == [302] * 4
    case.refresh_from_db()
    assert (case.status, case.rating_score, case.service.owner) == ("completed", 5, "cases")
