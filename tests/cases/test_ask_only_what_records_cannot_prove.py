"""Nobody is asked to upload what the office's records already prove (已联网核验): the apply
page, the case page, the upload page and the case API ask only for the rest, and ask for
the upload when the records do not prove it. One query decides it for all of them
(``cases.queries.requirement_states``), the same check ``submit_case`` files."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from cheguan.accounts.services import open_assisted_session
from cheguan.cases import services
from cheguan.cases.models import CaseDocument, DocumentStatus
from cheguan.cases.queries import missing_requirements, requirement_states
from cheguan.registry.models import InsurancePolicy

pytestmark = pytest.mark.django_db


def login(client, user):
    client.logout()
    client.force_login(user)
    return client


def insure(vehicle, until=dt.date(2026, 12, 31)):
    return InsurancePolicy.objects.create(
        vehicle=vehicle,
        policy_number="PDZA2026077",
        valid_from=dt.date(2026, 1, 1),
        valid_until=until,
    )


def transfer_draft(world):
    """A transfer (identity and insurance come from records) opened at the window for the
    citizen, who then sees it as their own."""
    return services.open_case(
        actor=world.clerk_actor,
        service_code="transfer",
        applicant_person=world.person,
        vehicle=world.vehicle,
    )


def row(page: str, name: str) -> str:
    found = re.search(rf"<tr>\s*<td>{re.escape(name)}</td>.*?</tr>", page, re.S)
    assert found is not None, page
    return found.group()


def test_the_case_page_shows_identity_as_verified_with_no_upload_slot(client, world):
    case = services.open_case(actor=world.citizen, service_code="contact_change")

    page = login(client, world.citizen_user).get(f"/cases/{case.number}/").content.decode()

    assert "已联网核验" in row(page, "申请人身份证明")
    assert "?requirement=identity" not in page
    assert 'id="missing-h"' not in page  # nothing left to ask for
    assert f'action="/cases/{case.number}/submit/"' in page


def test_insurance_the_records_show_is_not_asked_for_and_missing_insurance_is(client, world):
    insured = transfer_draft(world)
    insure(world.vehicle)
    uninsured_car = world.make.vehicle(owner=world.person)
    uninsured = services.open_case(
        actor=world.clerk_actor,
        service_code="transfer",
        applicant_person=world.person,
        vehicle=uninsured_car,
    )
    login(client, world.citizen_user)

    with_policy = client.get(f"/cases/{insured.number}/").content.decode()
    without = client.get(f"/cases/{uninsured.number}/").content.decode()
    upload_page = client.get(f"/cases/{insured.number}/documents/").content.decode()

    assert "已联网核验" in row(with_policy, "交强险凭证")
    assert "?requirement=insurance" not in with_policy
    assert "?requirement=origin_proof" in with_policy  # paper the records cannot prove
    assert "已联网核验" not in row(without, "交强险凭证")
    assert "?requirement=insurance" in without
    assert 'value="insurance"' not in upload_page and 'value="identity"' not in upload_page
    assert 'value="origin_proof"' in upload_page


def test_the_case_api_says_which_requirements_need_an_upload(client, world):
    case = transfer_draft(world)
    insure(world.vehicle)

    body = login(client, world.citizen_user).get(f"/api/cases/{case.number}").json()

    states = {r["code"]: (r["verified_by_data"], r["needs_upload"]) for r in body["requirements"]}
    assert states == {
        "identity": (True, False),
        "origin_proof": (False, True),
        "registration_certificate": (False, True),
        "vehicle_licence": (False, True),
        "insurance": (True, False),
    }
    assert body["owner"] == "cases" and body["owner_path"] is None


def test_what_the_page_shows_as_verified_is_what_submitting_files(world, upload):
    case = transfer_draft(world)
    insure(world.vehicle)
    shown = {s.requirement.code for s in requirement_states(case=case) if s.verified_by_data}
    for code in ("origin_proof", "registration_certificate", "vehicle_licence"):
        services.add_document(
            actor=world.citizen, case=case, requirement_code=code, upload=upload()
        )

    services.submit_case(actor=world.citizen, case=case)

    filed = set(
        CaseDocument.objects.filter(case=case, status=DocumentStatus.VERIFIED_BY_DATA).values_list(
            "requirement__code", flat=True
        )
    )
    assert shown == filed == {"identity", "insurance"}
    assert missing_requirements(case) == []


def test_after_submitting_only_the_filed_documents_count(world):
    """The clerk decides on what was filed: a policy recorded after the submission does not
    show as verified (nothing would file it), so the page and the console agree."""
    case = services.submit_case(actor=world.citizen, case=transfer_draft(world))
    insure(world.vehicle)

    states = {s.requirement.code: s for s in requirement_states(case=case)}

    assert states["insurance"].needs_upload
    assert states["identity"].verified_by_data and states["identity"].document is not None


def test_the_apply_page_says_what_the_records_prove_for_each_car(client, world):
    insure(world.vehicle)
    open_assisted_session(  # transfer is not online: the help desk applies with the citizen
        actor=world.clerk_actor, id_number=world.person.id_number, consent_method="signed"
    )

    page = login(client, world.clerk).get("/cases/apply/transfer/").content.decode()

    identity = re.search(r'<li data-requirement="identity">.*?</li>', page, re.S).group()
    origin = re.search(r'<li data-requirement="origin_proof">.*?</li>', page, re.S).group()
    assert "已联网核验" in identity
    assert "已联网核验" not in origin
    assert "已联网核验：交强险凭证" in page  # beside the insured car
