"""The paper-proof path through the API and the pages: the citizen (also in elder mode)
uploads, the clerk's queue lists it, the clerk opens the file and issues or rejects."""

from urllib.parse import urlsplit

from cheguan.cases.models import Case, CaseStatus
from cheguan.inspection import services
from cheguan.inspection.models import InspectionMark
from tests.helpers import PDF, pdf_upload

# --- API ---------------------------------------------------------------------------------------


def test_the_api_says_which_proof_to_upload_then_accepts_it(client, city):
    city.without_tax()
    client.force_login(city.citizen_user)

    eligibility = client.get(f"/api/inspection/eligibility?vehicle_id={city.vehicle.pk}").json()
    refused = client.post(
        "/api/inspection/apply", {"vehicle_id": city.vehicle.pk}, content_type="application/json"
    )
    applied = client.post(
        "/api/inspection/apply-with-proof",
        {"vehicle_id": city.vehicle.pk, "vehicle_tax": pdf_upload()},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert eligibility["proof_documents"] == ["vehicle_tax"]
    assert refused.status_code == 409
    assert refused.json()["code"] == "inspection.proof_needed"
    body = applied.json()
    assert applied.status_code == 201
    assert body["case_status"] == "accepted"
    assert body["case_due_date"] == "2026-05-12"
    assert body["mark"] is None
    assert body["created"] is True


def test_the_api_names_the_missing_file(client, city):
    city.without_tax()
    client.force_login(city.citizen_user)

    response = client.post("/api/inspection/apply-with-proof", {"vehicle_id": city.vehicle.pk})

    assert response.status_code == 400
    assert response.json()["code"] == "inspection.proof_missing"
    assert response.json()["field"] == "vehicle_tax"


def test_the_clerk_checks_through_the_api_and_the_mark_verifies(client, city):
    city.without_tax()
    case = services.apply_with_proof(
        actor=city.citizen, vehicle=city.vehicle, documents={"vehicle_tax": pdf_upload()}
    ).case
    client.force_login(city.clerk)

    queue = client.get("/api/inspection/checks").json()
    document = client.get(f"/api/inspection/checks/{case.number}/documents/vehicle_tax")
    issued = client.post(f"/api/inspection/checks/{case.number}/issue")
    again = client.post(f"/api/inspection/checks/{case.number}/issue")
    verify = client.get(
        "/api/inspection/verify?" + urlsplit(issued.json()["mark"]["verify_url"]).query
    )

    assert [(c["case_number"], c["documents"]) for c in queue] == [(case.number, ["vehicle_tax"])]
    assert queue[0]["applicant"] == city.person.masked_name
    assert document.status_code == 200
    assert document["Content-Type"] == "application/pdf"
    assert b"".join(document.streaming_content) == PDF
    assert issued.status_code == 201
    assert issued.json()["case_status"] == "completed"
    assert issued.json()["mark"]["valid_until"] == "2028-07-01"
    assert again.status_code == 404  # no longer in the queue
    assert verify.json()["status"] == "valid"


def test_the_clerk_rejects_through_the_api(client, city):
    city.without_tax()
    case = services.apply_with_proof(
        actor=city.citizen, vehicle=city.vehicle, documents={"vehicle_tax": pdf_upload()}
    ).case
    client.force_login(city.clerk)

    short = client.post(
        f"/api/inspection/checks/{case.number}/reject",
        {"reasons": "no"},
        content_type="application/json",
    )
    rejected = client.post(
        f"/api/inspection/checks/{case.number}/reject",
        {"reasons": "完税证明不是本车的", "reasons_en": "The proof is for another vehicle"},
        content_type="application/json",
    )

    assert short.status_code == 400
    assert short.json()["code"] == "cases.reasons_required"
    assert rejected.status_code == 200
    assert rejected.json()["case_status"] == "rejected"


def test_citizens_cannot_see_the_queue_or_the_file(client, city):
    city.without_tax()
    case = services.apply_with_proof(
        actor=city.citizen, vehicle=city.vehicle, documents={"vehicle_tax": pdf_upload()}
    ).case
    client.force_login(city.citizen_user)

    assert client.get("/api/inspection/checks").status_code == 403
    assert client.post(f"/api/inspection/checks/{case.number}/issue").status_code == 403
    assert client.get(f"/inspection/checks/{case.number}/documents/vehicle_tax/").status_code == 403


# --- pages -------------------------------------------------------------------------------------


def test_the_citizen_uploads_the_proof_on_its_own_page_in_elder_mode(client, city):
    city.without_tax()
    city.citizen_user.elder_mode = True
    city.citizen_user.save()
    client.force_login(city.citizen_user)

    before = client.get(f"/inspection/vehicle/{city.vehicle.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    form = client.get(f"/inspection/vehicle/{city.vehicle.pk}/proof/")
    missing = client.post(f"/inspection/vehicle/{city.vehicle.pk}/proof/", {})
    sent = client.post(
        f"/inspection/vehicle/{city.vehicle.pk}/proof/", {"vehicle_tax": pdf_upload()}
    )
    after = client.get(sent["Location"], HTTP_ACCEPT_LANGUAGE="en")

    case = Case.objects.get()
    assert 'id="proof-link"' in before.content.decode()
    assert 'name="vehicle_tax"' in form.content.decode()
    assert 'class="elder"' in form.content.decode()
    assert missing.status_code == 400
    assert 'id="error-vehicle_tax"' in missing.content.decode()
    assert sent.status_code == 302
    assert case.status == CaseStatus.ACCEPTED
    assert f"Your application {case.number} is with the office" in after.content.decode()
    assert "It will be finished by 12 May 2026" in after.content.decode()
    assert 'id="proof-link"' not in after.content.decode()


def test_no_upload_is_offered_when_something_else_stands_in_the_way(client, city):
    city.without_tax()
    city.violation(city.vehicle)
    client.force_login(city.citizen_user)

    page = client.get(f"/inspection/vehicle/{city.vehicle.pk}/")
    proof = client.get(f"/inspection/vehicle/{city.vehicle.pk}/proof/")

    assert 'id="proof-link"' not in page.content.decode()
    # The proof page (linked from the tax reason) says what to sort out first, and offers
    # no upload until then.
    assert proof.status_code == 200
    body = proof.content.decode()
    assert 'id="proof-first"' in body
    assert 'data-code="inspection.unprocessed_violations"' in body
    assert 'type="file"' not in body


def test_each_thing_to_sort_out_on_the_vehicle_page_links_to_where_it_is_done(client, city):
    city.without_tax()
    city.violation(city.vehicle)
    client.force_login(city.citizen_user)

    body = client.get(f"/inspection/vehicle/{city.vehicle.pk}/").content.decode()

    # the first thing to sort out is the page's main action (elder mode keeps it on screen)
    assert '<a class="todo-link" href="https://gab.122.gov.cn/" data-main>' in body
    assert f'<a class="todo-link" href="/inspection/vehicle/{city.vehicle.pk}/proof/">' in body


def test_the_clerk_sees_the_queue_opens_the_file_and_issues(client, city):
    city.without_tax()
    case = services.apply_with_proof(
        actor=city.citizen, vehicle=city.vehicle, documents={"vehicle_tax": pdf_upload()}
    ).case
    client.force_login(city.clerk)

    desk = client.get("/inspection/desk/", HTTP_ACCEPT_LANGUAGE="en")
    queue = client.get("/inspection/checks/")
    detail = client.get(f"/inspection/checks/{case.number}/")
    document = client.get(f"/inspection/checks/{case.number}/documents/vehicle_tax/")
    issued = client.post(f"/inspection/checks/{case.number}/issue/")

    mark = InspectionMark.objects.get()
    assert "1 application waits for a proof check" in desk.content.decode()
    assert case.number in queue.content.decode()
    assert city.person.name not in queue.content.decode()
    assert f"/inspection/checks/{case.number}/documents/vehicle_tax/" in detail.content.decode()
    assert b"".join(document.streaming_content) == PDF
    assert document["Cache-Control"] == "private, no-store"
    assert issued.status_code == 302
    assert issued["Location"] == f"/inspection/mark/{mark.serial}/"


def test_the_clerk_is_told_why_the_mark_cannot_be_issued_and_rejects(client, city):
    city.without_tax()
    case = services.apply_with_proof(
        actor=city.citizen, vehicle=city.vehicle, documents={"vehicle_tax": pdf_upload()}
    ).case
    city.violation(city.vehicle, 3)
    client.force_login(city.clerk)

    refused = client.post(f"/inspection/checks/{case.number}/issue/", HTTP_ACCEPT_LANGUAGE="en")
    empty = client.post(f"/inspection/checks/{case.number}/reject/", {"reasons": ""})
    rejected = client.post(
        f"/inspection/checks/{case.number}/reject/", {"reasons": "另有3条违法未处理"}
    )

    case.refresh_from_db()
    assert refused.status_code == 409
    assert "3 unprocessed violation(s)" in refused.content.decode()
    assert empty.status_code == 400
    assert 'id="reasons-error"' in empty.content.decode()
    assert rejected.status_code == 302
    assert case.status == CaseStatus.REJECTED
    assert InspectionMark.objects.count() == 0
