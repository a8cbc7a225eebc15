"""The cases API: scoping (another office's clerk or another citizen gets 404; a role without
the capability 403), every endpoint's happy path, and the error codes it answers with."""

from __future__ import annotations

import hashlib
from types import SimpleNamespace

import pytest

from cheguan.accounts.services import open_assisted_session
from cheguan.cases import services
from cheguan.cases.models import (
    Case,
    CaseStatus,
    CommitmentStatus,
    FollowUp,
    Rating,
    RongqueCommitment,
    Visit,
)
from cheguan.core.actor import Actor
from tests.helpers import PDF, as_, error, pdf_upload

pytestmark = pytest.mark.django_db

API = "/api/cases"
ALL_DOCS = ("vehicle_licence", "loss_statement", "damaged_plate")
ESSENTIAL_ONLY = ("vehicle_licence",)


@pytest.fixture
def city(world, make):
    """The World, plus another citizen, a dealer agent, an inspector, and another office
    with its own clerk and supervisor."""
    far = make.office(code="330100", prefix="浙A", name="杭州市车管所")
    return SimpleNamespace(
        w=world,
        other=make.user("citizen"),
        dealer=make.user("dealer_agent"),
        inspector=make.user("inspector"),
        far_clerk=make.user("clerk", office=far),
        far_supervisor=make.user("supervisor", office=far),
    )


def post(client, url, data=None, **extra):
    return client.post(url, data or {}, content_type="application/json", **extra)


# --- catalogue -----------------------------------------------------------------------------------


def test_the_catalogue_is_public_with_documents_and_the_rongque_limit(client, world):
    r = client.get(f"{API}/catalogue", {"office": "330200"})

    assert r.status_code == 200
    by_code = {s["code"]: s for s in r.json()}
    assert len(by_code) == 8
    plates = by_code["plate_replacement"]
    assert (plates["promised_working_days"], plates["rongque_default_days"]) == (15, 5)
    assert plates["rongque_max_days"] == 13  # 15 promised − 2, under the 20-day cap
    assert [(d["code"], d["essential"]) for d in plates["requirements"]] == [
        ("identity", True),
        ("vehicle_licence", True),
        ("loss_statement", False),
        ("damaged_plate", False),
    ]
    assert by_code["transfer"]["rongque_max_days"] == 0


def test_the_catalogue_filters_by_channel_and_an_unknown_office_is_404(client, world):
    online = client.get(f"{API}/catalogue", {"office": "330200", "channel": "online"}).json()

    assert sorted(s["code"] for s in online) == [
        "contact_change",
        "driving_test_booking",
        "inspection_mark_exempt",
        "plate_replacement",
        "plate_selection",
    ]
    error(client.get(f"{API}/catalogue", {"office": "999999"}), 404, "core.not_found")


# --- who sees a case -------------------------------------------------------------------------


def test_a_case_is_seen_by_its_applicant_and_its_office_and_nobody_else(client, city):
    w = city.w
    case = w.submitted()
    expected = {
        w.citizen_user: 200,
        w.clerk: 200,
        w.supervisor: 200,
        city.inspector: 200,
        city.other: 404,
        city.dealer: 404,
        city.far_clerk: 404,
        city.far_supervisor: 404,
    }
    seen = {user: as_(client, user).get(f"{API}/{case.number}").status_code for user in expected}
    assert seen == expected
    error(as_(client, None).get(f"{API}/{case.number}"), 401, "core.not_authenticated")


def test_the_case_detail_lists_documents_missing_and_the_masked_applicant(client, world):
    case = world.submitted(docs=ESSENTIAL_ONLY)

    body = as_(client, world.citizen_user).get(f"{API}/{case.number}").json()

    assert body["status"] == "submitted"
    assert body["applicant"] == world.person.masked_name
    assert world.person.name not in str(body)
    assert body["missing"] == ["loss_statement", "damaged_plate"]
    docs = {d["requirement"]: d for d in body["documents"]}
    assert docs["identity"]["status"] == "verified_by_data"
    assert docs["vehicle_licence"]["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert body["rateable"] is False and body["rating"] is None


def test_the_case_detail_says_what_the_caller_may_do_now(client, world):
    case = world.submitted()
    citizen = as_(client, world.citizen_user).get(f"{API}/{case.number}").json()
    clerk = as_(client, world.clerk).get(f"{API}/{case.number}").json()
    accepted = post(as_(client, world.clerk), f"{API}/{case.number}/accept", {})

    assert citizen["actions"] == ["add_document", "withdraw"]
    assert clerk["actions"] == ["accept", "add_document", "notice", "record_visit", "reject"]
    # the answer to an action carries the next ones, for whoever acted
    assert accepted.json()["actions"] == ["complete", "record_visit", "reject"]


def test_my_cases_lists_the_citizens_own_cases_also_for_an_assisting_clerk(client, city):
    w = city.w
    mine = w.submitted()
    services.open_case(actor=Actor(user=city.other), service_code="contact_change")

    own = as_(client, w.citizen_user).get(f"{API}/my").json()
    error(as_(client, w.clerk).get(f"{API}/my"), 403, "core.permission_denied")
    open_assisted_session(
        actor=Actor(user=w.clerk), id_number=w.person.id_number, consent_method="signed"
    )
    assisted = as_(client, w.clerk).get(f"{API}/my").json()

    assert [c["number"] for c in own["items"]] == [mine.number]
    assert [c["number"] for c in assisted["items"]] == [mine.number]
    error(as_(client, None).get(f"{API}/my"), 401)


def test_a_partner_sees_its_organisations_cases_only(client, city, make):
    ours = services.open_case(
        actor=Actor(user=city.w.clerk),
        service_code="transfer",
        applicant_organisation=city.dealer.organisation,
    )
    services.open_case(
        actor=Actor(user=city.w.clerk),
        service_code="transfer",
        applicant_organisation=make.organisation(),
    )

    body = as_(client, city.dealer).get(f"{API}/my").json()

    assert [c["number"] for c in body["items"]] == [ours.number]
    assert as_(client, city.dealer).get(f"{API}/{ours.number}").status_code == 200


def test_a_malformed_case_number_is_refused_before_any_lookup(client, world):
    r = as_(client, world.clerk).get(f"{API}/not-a-number")
    assert error(r, 422, "core.invalid_input")["field"] == "number"


# --- the applicant's writes --------------------------------------------------------------------


def test_a_citizen_opens_a_draft_online_and_a_repeat_with_the_same_key_creates_nothing(
    client, world
):
    as_(client, world.citizen_user)
    payload = {"service_code": "plate_replacement", "vehicle_id": world.vehicle.pk}

    first = post(client, f"{API}/open", payload, HTTP_IDEMPOTENCY_KEY="k-1")
    again = post(client, f"{API}/open", payload, HTTP_IDEMPOTENCY_KEY="k-1")

    assert first.status_code == again.status_code == 201
    assert first.json()["number"] == again.json()["number"]
    assert (first.json()["status"], first.json()["channel"]) == ("draft", "online")
    assert first.json()["vehicle_plate"] == world.vehicle.plate_number
    assert Case.objects.count() == 1


def test_opening_refuses_unknown_services_unoffered_channels_and_other_peoples_vehicles(
    client, city, make
):
    as_(client, city.w.citizen_user)
    someone_elses = make.vehicle(owner=city.other.person)

    error(post(client, f"{API}/open", {"service_code": "nope"}), 404, "cases.service_not_found")
    body = error(
        post(client, f"{API}/open", {"service_code": "transfer"}),
        400,
        "cases.channel_not_offered",
    )
    assert body["field"] == "channel"
    error(
        post(
            client,
            f"{API}/open",
            {"service_code": "plate_replacement", "vehicle_id": someone_elses.pk},
        ),
        404,
        "core.not_found",
    )
    assert not Case.objects.exists()


def test_staff_who_do_not_process_cases_cannot_open_one_at_the_window(client, city):
    w = city.w
    r = post(
        as_(client, w.supervisor),
        f"{API}/open",
        {"service_code": "contact_change", "applicant_person_id": w.person.pk},
    )
    error(r, 403, "core.permission_denied")
    ok = post(
        as_(client, w.clerk),
        f"{API}/open",
        {"service_code": "contact_change", "applicant_person_id": w.person.pk},
    )
    assert ok.status_code == 201 and ok.json()["channel"] == "window"


def test_an_assisting_clerk_opens_the_case_for_the_citizen(client, world):
    open_assisted_session(
        actor=Actor(user=world.clerk), id_number=world.person.id_number, consent_method="signed"
    )
    r = post(as_(client, world.clerk), f"{API}/open", {"service_code": "plate_replacement"})

    assert r.status_code == 201
    case = Case.objects.get(number=r.json()["number"])
    assert (case.channel, case.applicant_person, case.assisted_by) == (
        "assisted",
        world.person,
        world.clerk,
    )


def test_documents_are_uploaded_as_multipart_with_type_checks(client, city):
    w = city.w
    case = services.open_case(actor=w.citizen, service_code="plate_replacement")
    url = f"{API}/{case.number}/documents"
    as_(client, w.citizen_user)

    ok = client.post(url, {"requirement": "vehicle_licence", "file": pdf_upload("licence.pdf")})
    bad_type = client.post(
        url, {"requirement": "vehicle_licence", "file": pdf_upload("x.pdf", b"GIF89a....")}
    )
    unknown = client.post(url, {"requirement": "passport", "file": pdf_upload()})

    assert ok.status_code == 201, ok.content
    assert ok.json()["content_type"] == "application/pdf"
    assert ok.json()["original_name"] == "licence.pdf"
    assert error(bad_type, 400, "cases.file_type_not_allowed")["field"] == "file"
    error(unknown, 400, "cases.unknown_requirement")
    far = as_(client, city.far_clerk).post(
        url, {"requirement": "vehicle_licence", "file": pdf_upload()}
    )
    error(far, 404, "core.not_found")


def test_submit_verifies_identity_from_records_and_only_the_applicant_submits(client, world):
    case = services.open_case(
        actor=world.citizen, service_code="plate_replacement", vehicle=world.vehicle
    )

    error(post(as_(client, world.clerk), f"{API}/{case.number}/submit"), 403, "cases.not_applicant")
    r = post(as_(client, world.citizen_user), f"{API}/{case.number}/submit")

    assert r.status_code == 200
    assert r.json()["status"] == "submitted"
    assert "identity" not in r.json()["missing"]


def test_withdraw_by_the_applicant_only(client, world):
    case = world.submitted()
    error(post(as_(client, world.clerk), f"{API}/{case.number}/withdraw"), 403)
    r = post(as_(client, world.citizen_user), f"{API}/{case.number}/withdraw")
    assert r.json()["status"] == "withdrawn"
    error(post(client, f"{API}/{case.number}/withdraw"), 409, "cases.illegal_transition")


# --- the window --------------------------------------------------------------------------------


def test_the_clerk_accepts_a_complete_case(client, world):
    case = world.submitted()
    r = post(as_(client, world.clerk), f"{API}/{case.number}/accept", {})
    assert r.status_code == 200
    assert (r.json()["status"], r.json()["rongque"]) == ("accepted", False)
    assert r.json()["due_date"] == "2026-12-14"  # 15 working days after Mon 23 Nov


def test_accepting_under_rongque_makes_a_commitment_with_a_working_day_deadline(client, world):
    case = world.submitted(docs=ESSENTIAL_ONLY)
    as_(client, world.clerk)

    missing = post(client, f"{API}/{case.number}/accept", {})
    too_long = post(client, f"{API}/{case.number}/accept", {"rongque": True, "rongque_days": 14})
    ok = post(client, f"{API}/{case.number}/accept", {"rongque": True, "rongque_days": 3})

    error(missing, 400, "cases.documents_missing")
    assert error(too_long, 400, "cases.rongque_days_out_of_range")["field"] == "rongque_days"
    body = ok.json()
    assert (body["status"], body["rongque"]) == ("awaiting_documents", True)
    assert body["commitment"]["deadline"] == "2026-11-26"
    assert body["commitment"]["missing"] == ["loss_statement", "damaged_plate"]


def test_rongque_is_refused_to_an_applicant_who_broke_a_commitment_this_year(client, world, clock):
    old = world.submitted(docs=ESSENTIAL_ONLY)
    services.accept_case(actor=world.clerk_actor, case=old, rongque=True, rongque_days=2)
    clock.set_now(clock.now().replace(day=30))  # past the deadline: the sweep terminates it
    assert services.terminate_overdue_cases() == 1
    case = world.submitted(docs=ESSENTIAL_ONLY)

    r = post(as_(client, world.clerk), f"{API}/{case.number}/accept", {"rongque": True})

    body = error(r, 400, "cases.rongque_credit_blocked")
    assert "2026-11-25" in body["message"]


def test_citizens_and_other_offices_cannot_accept(client, city):
    case = city.w.submitted()
    error(post(as_(client, city.w.citizen_user), f"{API}/{case.number}/accept"), 403)
    error(post(as_(client, city.far_clerk), f"{API}/{case.number}/accept"), 404)
    error(post(as_(client, city.w.supervisor), f"{API}/{case.number}/accept"), 403)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.SUBMITTED


def test_the_one_time_notice_lists_everything_and_a_later_one_cannot_ask_for_more(client, world):
    case = world.submitted(docs=ESSENTIAL_ONLY)
    as_(client, world.clerk)

    first = post(
        client,
        f"{API}/{case.number}/notice",
        {"items": [{"requirement": "loss_statement", "reason": "请写明遗失经过"}]},
    )
    services.add_document(
        actor=world.citizen, case=case, requirement_code="loss_statement", upload=pdf_upload()
    )
    services.submit_case(actor=world.citizen, case=case)
    later = post(
        client,
        f"{API}/{case.number}/notice",
        {"items": [{"requirement": "damaged_plate", "problem": "missing"}]},
    )
    empty = post(client, f"{API}/{case.number}/notice", {"items": []})

    assert first.status_code == 201
    assert first.json()["items"] == [
        {"requirement": "loss_statement", "problem": "missing", "reason": "请写明遗失经过"}
    ]
    error(later, 400, "cases.not_in_first_notice")
    error(empty, 400, "cases.notice_empty")


def test_a_visit_is_recorded_once_per_idempotency_key(client, world):
    case = world.submitted()
    as_(client, world.clerk)
    payload = {"kind": "hall_ticket", "ticket_number": "A023"}

    first = post(client, f"{API}/{case.number}/visit", payload, HTTP_IDEMPOTENCY_KEY="v-1")
    again = post(client, f"{API}/{case.number}/visit", payload, HTTP_IDEMPOTENCY_KEY="v-1")

    assert first.status_code == again.status_code == 201
    assert first.json()["visit_count"] == 1 and again.json() == first.json()
    assert Visit.objects.filter(case=case).count() == 1
    error(post(client, f"{API}/{case.number}/visit", {"kind": "teleport"}), 422)


def test_complete_waits_for_the_promised_documents(client, world):
    case = world.submitted(docs=ESSENTIAL_ONLY)
    services.accept_case(actor=world.clerk_actor, case=case, rongque=True)
    as_(client, world.clerk)

    early = post(client, f"{API}/{case.number}/complete")
    for code in ("loss_statement", "damaged_plate"):
        services.add_document(
            actor=world.citizen, case=case, requirement_code=code, upload=pdf_upload()
        )
    done = post(client, f"{API}/{case.number}/complete")

    error(early, 409, "cases.commitment_open")
    assert done.json()["status"] == "completed"
    assert RongqueCommitment.objects.get(case=case).status == CommitmentStatus.FULFILLED


def test_reject_needs_written_reasons(client, world):
    case = world.submitted()
    as_(client, world.clerk)

    short = post(client, f"{API}/{case.number}/reject", {"reasons": "no"})
    ok = post(client, f"{API}/{case.number}/reject", {"reasons": "行驶证与车辆不符，不予办理。"})

    assert error(short, 400, "cases.reasons_required")["field"] == "reasons"
    assert (ok.json()["status"], ok.json()["closing_reason"]) == (
        "rejected",
        "行驶证与车辆不符，不予办理。",
    )


def test_the_queue_holds_submitted_cases_and_rongque_cases_with_everything_in(client, world):
    submitted = world.submitted()
    waiting = world.submitted(docs=ESSENTIAL_ONLY)
    services.accept_case(actor=world.clerk_actor, case=waiting, rongque=True)
    ready = world.submitted(docs=ESSENTIAL_ONLY)
    services.accept_case(actor=world.clerk_actor, case=ready, rongque=True)
    for code in ("loss_statement", "damaged_plate"):
        services.add_document(
            actor=world.citizen, case=ready, requirement_code=code, upload=pdf_upload()
        )

    body = as_(client, world.clerk).get(f"{API}/queue").json()

    assert [c["number"] for c in body["items"]] == [submitted.number, ready.number]
    error(as_(client, world.citizen_user).get(f"{API}/queue"), 403)


def test_the_commitments_near_their_deadline_are_listed_for_the_office(client, city):
    w = city.w
    near = w.submitted(docs=ESSENTIAL_ONLY)
    services.accept_case(actor=w.clerk_actor, case=near, rongque=True, rongque_days=2)
    far_off = w.submitted(docs=ESSENTIAL_ONLY)
    services.accept_case(actor=w.clerk_actor, case=far_off, rongque=True, rongque_days=10)

    near_only = as_(client, w.supervisor).get(f"{API}/commitments").json()
    every = client.get(f"{API}/commitments", {"all": True}).json()

    assert [(c["case"], c["overdue"]) for c in near_only] == [(near.number, False)]
    assert [c["case"] for c in every] == [near.number, far_off.number]
    assert as_(client, city.far_clerk).get(f"{API}/commitments").json() == []
    error(as_(client, w.citizen_user).get(f"{API}/commitments"), 403)


# --- ratings -------------------------------------------------------------------------------------


def test_the_applicant_rates_once_and_never_before_the_end(client, world):
    open_case = world.submitted()
    done = world.completed()
    as_(client, world.citizen_user)

    early = post(client, f"{API}/{open_case.number}/rate", {"score": 5})
    ok = post(
        client,
        f"{API}/{done.number}/rate",
        {"score": 4, "dimensions": {"overall": 4}, "comment": "快"},
    )
    twice = post(client, f"{API}/{done.number}/rate", {"score": 1})
    out_of_range = post(client, f"{API}/{done.number}/rate", {"score": 6})

    error(early, 409, "cases.not_rateable")
    assert ok.status_code == 201 and ok.json()["score"] == 4
    error(twice, 409, "cases.already_rated")
    error(out_of_range, 422)
    assert Rating.objects.get().score == 4


def test_an_assisting_clerk_cannot_rate_for_the_citizen(client, world):
    case = world.completed()
    open_assisted_session(
        actor=Actor(user=world.clerk), id_number=world.person.id_number, consent_method="signed"
    )
    error(post(as_(client, world.clerk), f"{API}/{case.number}/rate", {"score": 5}), 403)
    assert not Rating.objects.exists()


def test_the_second_screen_rates_with_the_signed_link_and_no_login(client, world):
    case = world.completed()
    screen = post(as_(client, world.clerk), f"{API}/{case.number}/screen")
    token = screen.json()["token"]
    assert screen.json()["url"].endswith(f"/cases/screen/{token}/")

    r = post(as_(client, None), f"{API}/screen/{token}/rate", {"score": 2})
    bad = post(client, f"{API}/screen/{token}x/rate", {"score": 5})

    assert r.status_code == 201 and r.json()["channel"] == "window_screen"
    error(bad, 404, "cases.screen_token_invalid")
    assert FollowUp.objects.filter(case=case).count() == 1
    error(post(as_(client, world.citizen_user), f"{API}/{case.number}/screen"), 403)


# --- follow-ups ----------------------------------------------------------------------------------


@pytest.fixture
def bad_rating(world):
    case = world.completed()
    services.rate_case(actor=world.citizen, case=case, score=1, comment="等了很久")
    return FollowUp.objects.get(case=case)


def test_a_supervisor_takes_a_follow_up_through_its_steps_in_order(client, world, bad_rating):
    url = f"{API}/follow-ups/{bad_rating.pk}/steps"
    as_(client, world.supervisor)

    listed = client.get(f"{API}/follow-ups").json()
    skip = post(client, url, {"step": "close", "note": "已整改窗口流程"})
    steps = [
        post(client, url, {"step": s, "note": n}).json()["status"]
        for s, n in [
            ("verify", "核实属实"),
            ("call_back", "已电话回访"),
            ("close", "已整改窗口流程"),
        ]
    ]

    assert [(f["case"], f["score"], f["overdue"]) for f in listed["items"]] == [
        (bad_rating.case.number, 1, False)
    ]
    error(skip, 409, "cases.illegal_follow_up_step")
    assert steps == ["verified", "called_back", "closed"]
    assert client.get(f"{API}/follow-ups").json()["count"] == 0
    assert client.get(f"{API}/follow-ups", {"open_only": False}).json()["count"] == 1


def test_an_overdue_follow_up_is_flagged(client, world, bad_rating, clock):
    clock.set_now(clock.now().replace(month=12, day=15))  # past 15 working days
    body = as_(client, world.supervisor).get(f"{API}/follow-ups/{bad_rating.pk}").json()
    assert (body["due_date"], body["overdue"]) == ("2026-12-14", True)


def test_a_clerk_appeals_and_the_supervisor_decides(client, world, bad_rating):
    appeal = post(
        as_(client, world.clerk),
        f"{API}/follow-ups/{bad_rating.pk}/appeal",
        {"reason": "申请人当日材料不全，已一次告知"},
    )
    clerk_decides = post(
        client, f"{API}/follow-ups/{bad_rating.pk}/decide", {"upheld": True, "note": "自己裁定"}
    )
    decided = post(
        as_(client, world.supervisor),
        f"{API}/follow-ups/{bad_rating.pk}/decide",
        {"upheld": True, "note": "经核实，评价与服务无关"},
    )
    again = post(
        client, f"{API}/follow-ups/{bad_rating.pk}/decide", {"upheld": False, "note": "再次裁定"}
    )

    assert appeal.json()["appeal"] == "pending"
    error(clerk_decides, 403)
    assert decided.json()["appeal"] == "upheld"
    error(again, 409, "cases.appeal_not_pending")
    assert Rating.objects.get(pk=bad_rating.rating_id).excluded is True


def test_follow_ups_are_scoped_to_the_office(client, city, bad_rating):
    error(as_(client, city.far_supervisor).get(f"{API}/follow-ups/{bad_rating.pk}"), 404)
    assert as_(client, city.far_supervisor).get(f"{API}/follow-ups").json()["count"] == 0
    error(as_(client, city.w.citizen_user).get(f"{API}/follow-ups"), 403)
    error(as_(client, city.dealer).get(f"{API}/follow-ups"), 403)


# --- figures -------------------------------------------------------------------------------------


def test_the_figures_come_with_their_definitions_and_groupings(client, world):
    one = world.completed()
    services.rate_case(actor=world.citizen, case=one, score=5)
    two = world.completed()
    services.rate_case(actor=world.citizen, case=two, score=2)
    as_(client, world.supervisor)

    body = client.get(f"{API}/figures", {"start": "2026-11-01", "end": "2026-11-30"}).json()
    by_service = client.get(
        f"{API}/figures", {"start": "2026-11-01", "end": "2026-11-30", "by": "service"}
    ).json()

    assert body["one_visit"] == [{"key": "all", "completed": 2, "one_visit": 2, "rate": 1.0}]
    assert body["satisfaction"][0]["satisfaction_rate"] == 0.5
    assert body["satisfaction"][0]["strict_satisfaction_rate"] == 0.5
    assert body["definitions"]["one_visit_rate"].startswith("一次办结率")
    assert [r["key"] for r in by_service["processing_time"]] == ["plate_replacement"]


def test_figures_are_for_the_office_and_the_period_must_make_sense(client, world, make):
    # The office's clerks and supervisors read them (as on the page); a citizen does not.
    period = {"start": "2026-11-01", "end": "2026-11-30"}
    assert as_(client, world.clerk).get(f"{API}/figures", period).status_code == 200
    error(as_(client, world.citizen_user).get(f"{API}/figures", period), 403)
    as_(client, world.supervisor)
    error(client.get(f"{API}/figures", {"start": "2026-11-30", "end": "2026-11-01"}), 422)
    error(client.get(f"{API}/figures", {"start": "2026-13-01", "end": "2026-11-01"}), 422)
    error(client.get(f"{API}/figures", {"start": "9999-12-30", "end": "9999-12-31"}), 422)
    error(
        client.get(f"{API}/figures", {"start": "2026-11-01", "end": "2026-11-30", "by": "x"}), 422
    )
