"""``plates.queries.actions_for``: what an actor may do with a selection case now, state by
state — the answer the pages show their buttons by and ``GET …/selection`` lists."""

from __future__ import annotations

import datetime as dt

from cheguan.accounts.services import open_assisted_session
from cheguan.cases.models import Case, CaseStatus
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.plates import queries, services
from cheguan.plates.models import ComposeCheck, SelectionBan

EVERYTHING = ["draw", "compose", "hold_composed", "use_kept", "swap"]


def _names(actor, case) -> list[str]:
    return queries.actions_for(actor, Case.objects.get(pk=case.pk)).names


def _ban(plates) -> None:
    SelectionBan.objects.create(
        person=plates.person,
        office=plates.office,
        starts_at=clock.now(),
        ends_at=clock.now() + dt.timedelta(days=730),
        expired_holds=3,
    )


def test_a_fresh_selection_may_draw_compose_hold_use_a_kept_number_and_swap(plates):
    plates.release()
    case = plates.case()

    assert _names(plates.citizen, case) == EVERYTHING
    assert _names(plates.clerk, case) == EVERYTHING


def test_an_open_draw_adds_the_pick(plates):
    plates.release()
    case = plates.case()
    services.draw_numbers(actor=plates.citizen, case=case, plate_type="02")

    assert _names(plates.citizen, case) == [
        "draw",
        "pick",
        "compose",
        "hold_composed",
        "use_kept",
        "swap",
    ]


def test_the_offer_running_out_takes_the_pick_away(plates):
    plates.release()
    case = plates.case()
    services.draw_numbers(actor=plates.citizen, case=case, plate_type="02")
    clock.advance(dt.timedelta(minutes=6))

    assert "pick" not in _names(plates.citizen, case)
    assert "draw" in _names(plates.citizen, case)


def test_a_held_number_leaves_only_the_swap(plates):
    plates.release()
    case = plates.case()
    drawn = services.draw_numbers(actor=plates.citizen, case=case, plate_type="02")
    services.pick_number(actor=plates.citizen, draw=drawn.draw, number=drawn.numbers[0])

    assert _names(plates.citizen, case) == ["swap"]


def test_the_last_draw_used_leaves_the_pick_but_no_draw(plates):
    plates.release()
    case = plates.case()
    for _ in range(5):
        services.draw_numbers(actor=plates.citizen, case=case, plate_type="02")

    actions = queries.actions_for(plates.citizen, case)

    assert (actions.draw, actions.pick) == (False, True)


def test_the_checks_used_leave_holding_a_checked_number_but_no_check(plates):
    plates.release()
    case = plates.case()
    ComposeCheck.objects.bulk_create(
        ComposeCheck(case=case, checked_at=clock.now(), checked_by=plates.citizen_user)
        for _ in range(20)
    )

    actions = queries.actions_for(plates.citizen, case)

    assert (actions.compose, actions.hold_composed, actions.draw) == (False, True, True)


def test_a_ban_closes_drawing_and_composing_online_but_not_at_the_window(plates):
    plates.release()
    case = plates.case()
    _ban(plates)
    session = open_assisted_session(
        actor=plates.clerk, id_number=plates.person.id_number, consent_method="signed"
    )
    assisting = Actor(
        user=plates.clerk.user, on_behalf_of=plates.person, assisted_session_id=session.pk
    )

    assert _names(plates.citizen, case) == ["use_kept", "swap"]
    assert _names(assisting, case) == EVERYTHING
    assert _names(plates.clerk, case) == EVERYTHING


def test_a_closed_case_offers_nothing(plates):
    plates.release()
    case = plates.case()
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.WITHDRAWN)

    assert _names(plates.citizen, case) == []
    assert _names(plates.clerk, case) == []


def test_someone_who_may_not_choose_for_the_case_is_offered_nothing(plates, make):
    plates.release()
    case = plates.case()
    services.draw_numbers(actor=plates.citizen, case=case, plate_type="02")

    assert _names(plates.another_citizen(), case) == []
    assert _names(Actor(user=make.user("supervisor")), case) == []


def test_a_transfer_case_chooses_a_number_but_swaps_none(plates, make):
    plates.release()
    car = make.vehicle(owner=plates.person, plate_number=None, vehicle_type="K33")
    buyer = make.person(name="李四")
    case = plates.case(
        actor=plates.clerk, service_code="transfer", applicant_person=buyer, vehicle=car
    )

    assert _names(plates.clerk, case) == ["draw", "compose", "hold_composed", "use_kept"]


# --- the pages show the buttons by the same answer ----------------------------------------------


def test_the_draw_page_offers_the_numbers_only_to_who_may_pick_them(client, plates, make):
    plates.release()
    case = plates.case()
    services.draw_numbers(actor=plates.citizen, case=case, plate_type="02")
    supervisor = make.user("supervisor")

    client.force_login(plates.citizen_user)
    applicants = client.get(f"/plates/cases/{case.number}/").content.decode()
    client.force_login(supervisor)
    supervisors = client.get(f"/plates/cases/{case.number}/")

    assert applicants.count("data-offer>") == 20 and 'id="draw-again"' in applicants
    assert supervisors.status_code == 200
    assert "data-offer" not in supervisors.content.decode()
    assert 'id="draw-again"' not in supervisors.content.decode()


def test_a_barred_citizen_is_not_shown_the_compose_form(client, plates):
    plates.release()
    case = plates.case()
    _ban(plates)
    client.force_login(plates.citizen_user)

    html = client.get(f"/plates/cases/{case.number}/compose/").content.decode()

    assert 'id="compose-form"' not in html
    assert 'id="checks-used"' not in html
