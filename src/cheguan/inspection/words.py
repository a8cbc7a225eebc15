"""The inspection mark's eligibility in the vehicle's status words (``registry.status_words``):
every page that shows whether a vehicle can get its mark (the citizen's cards and vehicle
page, the help desk) shows these, in the same shape as the registry's view of the vehicle.

- every reason that blocks the mark is a thing to sort out (all of them, each with what to
  do, as the rules word it);
- reasons that send the vehicle to an inspection station are a visit elsewhere;
- "the window is not open yet" is a date, not a thing to sort out.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from cheguan.inspection.rules import PROOF_DOCUMENTS, Eligibility
from cheguan.registry.status_words import Decision, Item, StatusWords, decision_words

TOO_EARLY = "inspection.too_early"
STATION = "station"
# Traffic violations are dealt with on the national platform (交管12123) or at any window.
VIOLATIONS_URL = "https://gab.122.gov.cn/"


def what_to_do(code: str, vehicle_id: int | None) -> tuple[str, str]:
    """Where to sort out one reason, and the link's words ("", "" when there is no place, or
    no vehicle: a card is itself a link and holds none)."""
    if vehicle_id is None:
        return "", ""
    if code == "inspection.unprocessed_violations":
        return VIOLATIONS_URL, _("Deal with them online (交管12123)")
    if code in PROOF_DOCUMENTS:
        return reverse("inspection:proof", args=[vehicle_id]), _("Upload the proof")
    return "", ""


def mark_words(result: Eligibility, vehicle_id: int | None = None) -> StatusWords:
    """``vehicle_id``: give each thing to sort out its link to where it is done."""
    todo = [
        Item(r.message, r.code, *what_to_do(r.code, vehicle_id))
        for r in result.reasons
        if r.kind != STATION and r.code != TOO_EARLY
    ]
    station = [Item(r.message, r.code) for r in result.reasons if r.kind == STATION]
    too_early = any(r.code == TOO_EARLY for r in result.reasons)
    return decision_words(
        Decision(
            ready=_("Ready: you can get the inspection mark now, without a test."),
            elsewhere_headline=_("This time it must be tested at an inspection station first:"),
            todo=todo,
            elsewhere=station,
            opens_on=result.window_opens if too_early else None,
        )
    )


def mark_card(vehicle, result: Eligibility) -> dict:
    """A vehicle card of the inspection pages: the vehicle, its eligibility and its words."""
    return {
        "vehicle": vehicle,
        "result": result,
        "words": mark_words(result),  # a card is a link: no links inside it
        "plate_id": f"mark-{vehicle.pk}-plate",
        "state_id": f"mark-{vehicle.pk}-state",
    }
