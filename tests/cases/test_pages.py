"""The case pages: every page renders for its audience with the key content, the forms post
through the services, refusals show beside the field, and other people's cases are 404."""

from __future__ import annotations

import csv
import io

import pytest

from cheguan.accounts.services import open_assisted_session
from cheguan.cases import services
from cheguan.cases.models import (
    Case,
    CaseDocument,
    CaseNotice,
    CaseStatus,
    FollowUp,
    Rating,
    RongqueCommitment,
    Visit,
)
from cheguan.core.actor import Actor
from tests.helpers import pdf_upload

pytestmark = pytest.mark.django_db

ESSENTIAL_ONLY = ("vehicle_licence",)


def login(client, user):
    client.logout()
    client.force_login(user)
    return client


def html(response, status: int = 200) -> str:
    assert response.status_code == status, response.content.decode()[:2000]
    return response.content.decode()


def elder(client):
    client.cookies["cheguan_elder"] = "1"
    return client


@pytest.fixture
def far_clerk(make):
    far = make.office(code="330100", prefix="浙A", name="杭州市车管所")
    return make.user("clerk", office=far)


@pytest.fixture
def rongque_case(world):
    case = world.submitted(docs=ESSENTIAL_ONLY)
    return services.accept_case(actor=world.clerk_actor, case=case, rongque=True, rongque_days=3)


# --- the cases home --------------------------------------------------------------------------


def test_the_cases_home_sends_each_role_to_its_own_start(client, world):
    assert login(client, world.citizen_user).get("/cases/")["Location"] == "/cases/my/"
    assert login(client, world.clerk).get("/cases/")["Location"] == "/cases/console/"
    assert login(client, world.supervisor).get("/cases/")["Location"] == "/cases/follow-ups/"
    client.logout()
    assert client.get("/cases/my/")["Location"].startswith("/accounts/login/")


# --- the citizen ------------------------------------------------------------------------------


def test_my_cases_lists_the_citizens_cases_only(client, world, make):
    mine = world.submitted()
    other = make.user("citizen")
    theirs = services.open_case(actor=Actor(user=other), service_code="contact_change")

    page = html(login(client, world.citizen_user).get("/cases/my/"))

    assert mine.number in page and theirs.number not in page
    assert 'href="/cases/apply/"' in page
    assert login(client, world.clerk).get("/cases/my/").status_code == 403


def test_an_assisting_clerk_sees_the_citizens_cases_as_theirs(client, world):
    mine = world.submitted()
    open_assisted_session(
        actor=Actor(user=world.clerk), id_number=world.person.id_number, consent_method="signed"
    )
    assert mine.number in html(login(client, world.clerk).get("/cases/my/"))


def test_applying_offers_the_online_services_then_a_vehicle_then_makes_a_draft(client, world):
    login(client, world.citizen_user)

    services_page = html(client.get("/cases/apply/"))
    step_two = html(client.get("/cases/apply/plate_replacement/"))
    r = client.post("/cases/apply/plate_replacement/", {"vehicle": str(world.vehicle.pk)})

    assert 'href="/cases/apply/plate_replacement/"' in services_page
    assert "/cases/apply/new_registration/" not in services_page  # not offered online
    assert f'value="{world.vehicle.pk}"' in step_two
    case = Case.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/cases/{case.number}/"
    assert (case.status, case.channel, case.vehicle) == ("draft", "online", world.vehicle)
    assert client.get("/cases/apply/new_registration/").status_code == 404


def test_applying_with_someone_elses_vehicle_says_so_beside_the_field(client, world, make):
    stranger_car = make.vehicle(owner=make.person(name="李四"))
    login(client, world.citizen_user)

    page = html(
        client.post("/cases/apply/plate_replacement/", {"vehicle": str(stranger_car.pk)}), 400
    )

    assert 'id="vehicle-error"' in page
    assert not Case.objects.exists()


def test_the_case_page_shows_status_missing_documents_and_the_records_check(client, world):
    case = world.submitted(docs=ESSENTIAL_ONLY)
    doc = CaseDocument.objects.get(case=case, requirement__code="vehicle_licence")

    page = html(
        login(client, world.citizen_user).get(f"/cases/{case.number}/", HTTP_ACCEPT_LANGUAGE="en")
    )

    assert "Submitted. The office checks your documents." in page
    assert f"/cases/{case.number}/documents/?requirement=loss_statement" in page
    assert f"/cases/{case.number}/documents/?requirement=damaged_plate" in page
    assert "Verified from records: Identity, from the person record" in page
    assert doc.sha256[:12] in page and doc.sha256 not in page
    assert f'action="/cases/{case.number}/withdraw/"' in page
    assert f'action="/cases/{case.number}/submit/"' not in page  # already submitted


def test_the_case_page_shows_the_rongque_deadline_and_the_reminders(client, world, clock):
    case = world.submitted(docs=ESSENTIAL_ONLY)
    services.accept_case(actor=world.clerk_actor, case=case, rongque=True, rongque_days=3)
    clock.set_now(clock.now().replace(day=24))
    services.send_rongque_reminders()

    page = html(
        login(client, world.citizen_user).get(f"/cases/{case.number}/", HTTP_ACCEPT_LANGUAGE="en")
    )

    assert "Deadline for the missing documents: 2026-11-26." in page
    assert f"/cases/{case.number}/commitment.pdf" in page
    assert "Reminder: supply the promised documents by 2026-11-26" in page


def test_the_case_page_shows_the_one_time_notice_with_reasons(client, world):
    case = world.submitted(docs=ESSENTIAL_ONLY)
    services.issue_notice(
        actor=world.clerk_actor,
        case=case,
        items=[{"requirement": "loss_statement", "problem": "missing", "reason": "写明遗失经过"}],
    )

    page = html(
        login(client, world.citizen_user).get(f"/cases/{case.number}/", HTTP_ACCEPT_LANGUAGE="en")
    )

    assert "One-time notice: everything to correct" in page
    assert "写明遗失经过" in page
    assert "Statement on how the plate was lost or damaged" in page
    assert f'action="/cases/{case.number}/submit/"' in page  # submit again


def test_the_case_page_shows_written_reasons_of_a_rejection(client, world):
    case = world.submitted()
    services.reject_case(actor=world.clerk_actor, case=case, reasons="行驶证与车辆不符。")

    page = html(login(client, world.citizen_user).get(f"/cases/{case.number}/"))

    assert "行驶证与车辆不符。" in page
    assert f"/cases/{case.number}/rejection.pdf" in page
    assert f"/cases/{case.number}/rate/" in page  # a rejected case may be rated too


def test_other_peoples_cases_are_not_found(client, world, make, far_clerk):
    case = world.submitted()
    assert login(client, make.user("citizen")).get(f"/cases/{case.number}/").status_code == 404
    assert login(client, far_clerk).get(f"/cases/{case.number}/").status_code == 404
    assert login(client, world.clerk).get(f"/cases/{case.number}/").status_code == 200


def test_a_document_is_uploaded_one_per_page_as_multipart(client, world):
    case = services.open_case(actor=world.citizen, service_code="plate_replacement")
    login(client, world.citizen_user)

    form = html(client.get(f"/cases/{case.number}/documents/?requirement=loss_statement"))
    r = client.post(
        f"/cases/{case.number}/documents/",
        {"requirement": "loss_statement", "file": pdf_upload("statement.pdf")},
    )

    assert 'enctype="multipart/form-data"' in form
    assert '<option value="loss_statement" selected>' in form
    assert r.status_code == 302 and r["Location"] == f"/cases/{case.number}/"
    assert CaseDocument.objects.get(case=case).original_name == "statement.pdf"


def test_a_wrong_file_is_explained_beside_the_file_field(client, world):
    case = services.open_case(actor=world.citizen, service_code="plate_replacement")
    login(client, world.citizen_user)
    url = f"/cases/{case.number}/documents/"

    wrong = html(
        client.post(
            url,
            {"requirement": "loss_statement", "file": pdf_upload("a.gif", b"GIF89a...")},
            HTTP_ACCEPT_LANGUAGE="en",
        ),
        400,
    )
    nothing = html(client.post(url, {"requirement": "loss_statement"}), 400)

    assert 'id="file-error">Only PDF, JPEG or PNG files are accepted.' in wrong
    assert 'aria-invalid="true"' in wrong
    assert 'id="file-error"' in nothing
    assert not CaseDocument.objects.exists()


def test_submit_and_withdraw_post_through_the_services(client, world):
    case = services.open_case(
        actor=world.citizen, service_code="contact_change", vehicle=world.vehicle
    )
    login(client, world.citizen_user)

    submitted = client.post(f"/cases/{case.number}/submit/")
    again = client.post(f"/cases/{case.number}/submit/", HTTP_ACCEPT_LANGUAGE="en")
    withdrawn = client.post(f"/cases/{case.number}/withdraw/")

    assert submitted.status_code == 302
    assert "it cannot be submitted now" in html(again, 409)
    assert withdrawn.status_code == 302
    assert Case.objects.get(pk=case.pk).status == CaseStatus.WITHDRAWN


# --- rating ------------------------------------------------------------------------------------


def test_the_rating_page_has_five_large_buttons_then_one_step_to_send(client, world):
    case = world.completed()
    elder(login(client, world.citizen_user))

    step_one = html(client.get(f"/cases/{case.number}/rate/"))
    step_two = html(client.get(f"/cases/{case.number}/rate/?score=2"))
    sent = client.post(f"/cases/{case.number}/rate/", {"score": "2", "comment": "排队太久"})

    assert '<body class="elder"' in step_one
    buttons = [f'name="score" value="{v}" class="big rating-choice"' for v in (5, 4, 3, 2, 1)]
    assert all(b in step_one for b in buttons)
    assert step_one.index(buttons[0]) < step_one.index(buttons[-1])  # 非常满意 first
    assert 'name="comment"' in step_two and "dim_overall" not in step_two  # one task
    assert sent.status_code == 302
    rating = Rating.objects.get(case=case)
    assert (rating.score, rating.comment, rating.channel) == (2, "排队太久", "online")
    assert FollowUp.objects.filter(case=case).exists()
    assert client.get(f"/cases/{case.number}/rate/").status_code == 302  # rated: back


def test_outside_elder_mode_the_rating_asks_for_the_dimensions_too(client, world):
    case = world.completed()
    login(client, world.citizen_user)
    page = html(client.get(f"/cases/{case.number}/rate/?score=5"))
    r = client.post(
        f"/cases/{case.number}/rate/", {"score": "5", "dim_overall": "5", "dim_efficiency": "4"}
    )
    assert 'name="dim_overall"' in page and 'name="dim_guide_accuracy"' in page
    assert r.status_code == 302
    assert Rating.objects.get(case=case).dimensions == {"overall": 5, "efficiency": 4}


def test_an_assisting_clerk_is_not_offered_the_rating(client, world):
    case = world.completed()
    open_assisted_session(
        actor=Actor(user=world.clerk), id_number=world.person.id_number, consent_method="signed"
    )
    login(client, world.clerk)
    assert f"/cases/{case.number}/rate/" not in html(client.get(f"/cases/{case.number}/"))
    assert client.post(f"/cases/{case.number}/rate/", {"score": "5"}).status_code == 302
    assert not Rating.objects.exists()


# --- the window ----------------------------------------------------------------------------------


def test_the_console_finds_a_case_by_number_and_shows_the_queue(client, world):
    case = world.submitted()
    login(client, world.clerk)

    console = html(client.get("/cases/console/"))
    found = client.get("/cases/console/", {"q": case.number})
    partial = html(client.get("/cases/console/", {"q": case.number}, HTTP_HX_REQUEST="true"))
    missing = html(
        client.get(
            "/cases/console/",
            {"q": "2026000000000000"},
            HTTP_HX_REQUEST="true",
            HTTP_ACCEPT_LANGUAGE="en",
        )
    )
    queue = html(client.get("/cases/console/queue/", HTTP_HX_REQUEST="true"))

    assert case.number in console and 'hx-get="/cases/console/queue/"' in console
    assert found.status_code == 302 and found["Location"] == f"/cases/console/{case.number}/"
    assert f'href="/cases/console/{case.number}/"' in partial and "<html" not in partial
    assert "No case of this office has the number" in missing
    assert case.number in queue and "<html" not in queue
    assert login(client, world.citizen_user).get("/cases/console/").status_code == 403


def test_the_console_offers_rongque_with_the_default_and_the_maximum(client, world):
    case = world.submitted(docs=ESSENTIAL_ONLY)

    page = html(
        login(client, world.clerk).get(f"/cases/console/{case.number}/", HTTP_ACCEPT_LANGUAGE="en")
    )

    assert 'name="rongque" value="1"' in page
    assert 'id="rongque_days" name="rongque_days" type="number" min="1" max="13" value="5"' in page
    assert "Default 5 from the catalogue; at most 13 working days" in page
    assert world.person.masked_id_number in page and world.person.id_number not in page


def test_accepting_under_rongque_from_the_console(client, world):
    case = world.submitted(docs=ESSENTIAL_ONLY)
    login(client, world.clerk)

    too_long = html(
        client.post(
            f"/cases/console/{case.number}/accept/",
            {"rongque": "1", "rongque_days": "20"},
            HTTP_ACCEPT_LANGUAGE="en",
        ),
        400,
    )
    without = html(client.post(f"/cases/console/{case.number}/accept/", {}), 400)
    ok = client.post(f"/cases/console/{case.number}/accept/", {"rongque": "1", "rongque_days": "3"})

    assert 'id="rongque_days-error">The deadline must be 1 to 13 working days' in too_long
    assert 'value="20"' in too_long  # what was typed stays
    assert "cases.documents_missing" not in without and 'role="alert"' in without
    assert ok.status_code == 302
    commitment = RongqueCommitment.objects.get(case=case)
    assert (commitment.working_days, str(commitment.deadline)) == (3, "2026-11-26")


def test_the_console_says_clearly_when_the_credit_rule_refuses_rongque(client, world, clock):
    old = world.submitted(docs=ESSENTIAL_ONLY)
    services.accept_case(actor=world.clerk_actor, case=old, rongque=True, rongque_days=2)
    clock.set_now(clock.now().replace(day=30))
    services.terminate_overdue_cases()
    case = world.submitted(docs=ESSENTIAL_ONLY)

    page = html(
        login(client, world.clerk).get(f"/cases/console/{case.number}/", HTTP_ACCEPT_LANGUAGE="en")
    )

    assert "容缺 is not available for this applicant" in page
    assert "(deadline 2026-11-25)" in page
    assert 'name="rongque"' not in page


def test_essential_documents_missing_leave_only_the_notice(client, world):
    case = world.submitted(docs=())
    page = html(
        login(client, world.clerk).get(f"/cases/console/{case.number}/", HTTP_ACCEPT_LANGUAGE="en")
    )
    assert "Essential documents are missing, so the case cannot be accepted" in page
    assert f'action="/cases/console/{case.number}/notice/"' in page


def test_the_one_time_notice_is_issued_from_checkboxes_with_reasons(client, world):
    case = world.submitted(docs=ESSENTIAL_ONLY)
    login(client, world.clerk)

    empty = html(client.post(f"/cases/console/{case.number}/notice/", {}), 400)
    r = client.post(
        f"/cases/console/{case.number}/notice/",
        {
            "requirement": ["loss_statement", "damaged_plate"],
            "problem_loss_statement": "missing",
            "reason_loss_statement": "写明遗失经过",
            "problem_damaged_plate": "missing",
        },
    )

    assert 'role="alert"' in empty
    assert r.status_code == 302
    notice = CaseNotice.objects.get(case=case)
    assert [(i["requirement"], i["reason"]) for i in notice.items] == [
        ("loss_statement", "写明遗失经过"),
        ("damaged_plate", ""),
    ]


def test_visits_completion_and_rejection_from_the_console(client, world):
    done = world.submitted()
    refused = world.submitted()
    services.accept_case(actor=world.clerk_actor, case=done)
    login(client, world.clerk)

    client.post(
        f"/cases/console/{done.number}/visit/", {"kind": "hall_ticket", "ticket_number": "A023"}
    )
    completed = client.post(f"/cases/console/{done.number}/complete/")
    short = html(client.post(f"/cases/console/{refused.number}/reject/", {"reasons": "no"}), 400)
    rejected = client.post(
        f"/cases/console/{refused.number}/reject/", {"reasons": "行驶证与车辆不符。"}
    )

    assert Visit.objects.get(case=done).ticket_number == "A023"
    assert completed.status_code == rejected.status_code == 302
    assert 'id="reasons-error"' in short
    assert Case.objects.get(pk=done.pk).status == CaseStatus.COMPLETED
    assert Case.objects.get(pk=refused.pk).closing_reason == "行驶证与车辆不符。"


def test_another_offices_clerk_gets_not_found_on_the_console(client, world, far_clerk):
    case = world.submitted()
    login(client, far_clerk)
    assert client.get(f"/cases/console/{case.number}/").status_code == 404
    assert client.post(f"/cases/console/{case.number}/accept/").status_code == 404
    assert Case.objects.get(pk=case.pk).status == CaseStatus.SUBMITTED


# --- supervision ---------------------------------------------------------------------------------


@pytest.fixture
def bad_rating(world):
    case = world.completed()
    services.rate_case(actor=world.citizen, case=case, score=1, comment="等了很久")
    return FollowUp.objects.get(case=case)


def test_the_follow_up_queue_flags_overdue_ones(client, world, bad_rating, clock):
    clock.set_now(clock.now().replace(month=12, day=15))
    page = html(
        login(client, world.supervisor).get("/cases/follow-ups/", HTTP_ACCEPT_LANGUAGE="en")
    )
    assert f'href="/cases/follow-ups/{bad_rating.pk}/"' in page
    assert "Overdue" in page


def test_a_supervisor_verifies_calls_back_and_closes(client, world, bad_rating):
    url = f"/cases/follow-ups/{bad_rating.pk}/"
    login(client, world.supervisor)

    short = html(client.post(f"{url}step/", {"step": "verify", "note": "ok"}), 400)
    for step, note in [
        ("verify", "核实属实"),
        ("call_back", "已电话回访"),
        ("close", "已整改窗口流程"),
    ]:
        assert client.post(f"{url}step/", {"step": step, "note": note}).status_code == 302
    page = html(client.get(url))

    assert 'id="note-error"' in short
    bad_rating.refresh_from_db()
    assert (bad_rating.status, bad_rating.fix_note) == ("closed", "已整改窗口流程")
    assert f'action="{url}step/"' not in page


def test_a_clerk_appeals_from_the_follow_up_page_and_the_supervisor_decides(
    client, world, bad_rating
):
    url = f"/cases/follow-ups/{bad_rating.pk}/"

    clerk_page = html(login(client, world.clerk).get(url))
    client.post(f"{url}appeal/", {"reason": "申请人材料不全，已一次告知"})
    supervisor_page = html(login(client, world.supervisor).get(url))
    client.post(f"{url}decide/", {"upheld": "1", "note": "经核实评价与服务无关"})

    assert f'action="{url}appeal/"' in clerk_page and f'action="{url}step/"' not in clerk_page
    assert f'action="{url}decide/"' in supervisor_page
    bad_rating.refresh_from_db()
    assert bad_rating.appeal == "upheld" and bad_rating.rating.excluded is True


def test_the_commitments_page_lists_those_near_or_past_the_deadline(client, world, rongque_case):
    near = world.submitted(docs=ESSENTIAL_ONLY)
    services.accept_case(actor=world.clerk_actor, case=near, rongque=True, rongque_days=2)
    login(client, world.supervisor)

    page = html(client.get("/cases/commitments/"))
    every = html(client.get("/cases/commitments/", {"all": "1"}))

    assert near.number in page and rongque_case.number not in page  # due 11-25 vs 11-26
    assert near.number in every and rongque_case.number in every
    assert login(client, world.citizen_user).get("/cases/commitments/").status_code == 403


def test_the_figures_page_shows_each_figure_with_its_definition(client, world):
    case = world.completed()
    services.rate_case(actor=world.citizen, case=case, score=5)
    login(client, world.supervisor)

    page = html(client.get("/cases/figures/", {"month": "2026-11"}))
    bad = html(client.get("/cases/figures/", {"month": "2026-13"}, HTTP_ACCEPT_LANGUAGE="en"), 400)

    assert "一次办结率 = 办结时到现场不超过 1 次且无补正往返的办件" in page
    assert "满意率 = 评价为“基本满意”及以上" in page
    assert "100.0%" in page
    assert "补领、换领号牌" in page  # by service, by name
    assert 'id="month-error">Give the month as year and month, e.g. 2026-11.' in bad
    # The window reads its office's figures (not the CSV export, which stays the supervisors').
    clerk_page = html(login(client, world.clerk).get("/cases/figures/", {"month": "2026-11"}))
    assert "100.0%" in clerk_page and "figures.csv" not in clerk_page
    assert client.get("/cases/figures.csv").status_code == 403


def test_the_figures_export_as_csv_with_the_same_rows(client, world):
    case = world.completed()
    services.rate_case(actor=world.citizen, case=case, score=4)

    r = login(client, world.supervisor).get("/cases/figures.csv", {"month": "2026-11"})

    assert r["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    one_visit = {
        (row["grouping"], row["key"], row["measure"]): row["value"]
        for row in rows
        if row["figure"] == "one_visit"
    }
    assert one_visit[("all", "all", "rate")] == "1.0"
    assert one_visit[("service", "plate_replacement", "completed")] == "1"
    assert {row["period_start"] for row in rows} == {"2026-11-01"}


# --- the catalogue in Django's admin -------------------------------------------------------------


def test_an_admin_edits_the_catalogue_and_the_change_is_audited(client, world, make):
    from cheguan.audit.models import AuditEvent
    from cheguan.cases.models import Service

    admin = make.user("admin", is_staff=True, is_superuser=True)
    service = Service.objects.get(office=world.office, code="contact_change")
    identity = service.requirements.get()
    login(client, admin)
    url = f"/admin/cases/service/{service.pk}/change/"

    assert client.get(url).status_code == 200
    r = client.post(
        url,
        {
            "office": world.office.pk,
            "code": "contact_change",
            "name_zh": "变更联系方式（手机号、地址）",
            "name_en": "Change of contact details",
            "channels": '["online", "window"]',
            "promised_working_days": 1,
            "statutory_working_days": 1,
            "immediate": "on",
            "rongque_default_days": 5,
            "active": "on",
            "requirements-TOTAL_FORMS": 1,
            "requirements-INITIAL_FORMS": 1,
            "requirements-MIN_NUM_FORMS": 0,
            "requirements-MAX_NUM_FORMS": 1000,
            "requirements-0-id": identity.pk,
            "requirements-0-service": service.pk,
            "requirements-0-position": 0,
            "requirements-0-code": "identity",
            "requirements-0-name_zh": identity.name_zh,
            "requirements-0-name_en": identity.name_en,
            "requirements-0-essential": "on",
            "requirements-0-data_source": "identity",
        },
    )

    assert r.status_code == 302, r.content.decode()[:3000]
    service.refresh_from_db()
    assert (service.name_zh, service.channels) == (
        "变更联系方式（手机号、地址）",
        ["online", "window"],
    )
    event = AuditEvent.objects.get(action="cases.catalogue_changed")
    assert event.data["fields"] == ["channels", "name_zh"]
    assert client.get(f"/admin/cases/case/{world.submitted().pk}/change/").status_code == 200
