"""A vehicle's state in plain words: the one place every page gets them from.

A page that shows a vehicle's state shows one :class:`StatusWords`, rendered by
``registry/_status_words.html``:

* ``headline``: one sentence that says where the vehicle stands. It never contradicts what
  follows: "normal" is said only when nothing is to be sorted out; with things to sort out
  the headline says how many.
* ``todo``: every thing the owner must sort out first, one sentence each (all of them).
* ``elsewhere``: what must be done at a place (a test at an inspection station), with why.
* ``when``: dates that are no task ("you can apply from 1 April"): waiting is not a thing
  to "sort out".
* ``tone``: ``ok``, ``todo``, ``elsewhere``, ``wait`` or ``stop`` (the colour and the
  symbol beside the headline; the words say it too).

:func:`vehicle_words` is the registry's view: the vehicle's status and what blocks its
services. A capability that decides something for the vehicle (the inspection mark) builds
its view with :func:`decision_words` from its own reasons, so the pages show both in the
same shape. The registry never imports a capability; the capability calls this module.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cheguan.core import clock
from cheguan.core.wording import day_words
from cheguan.registry.models import TaxStatus, Vehicle, VehicleStatus
from cheguan.registry.queries import BlockingSummary, blocking_summary

OK, SORT_OUT, ELSEWHERE, WAIT, STOP = "ok", "todo", "elsewhere", "wait", "stop"


@dataclass(frozen=True)
class Item:
    text: str
    code: str = ""  # the reason's stable code, where a rule gave one (data-code on the page)
    href: str = ""  # where to do something about it, if there is such a place
    action: str = ""  # the link's words ("Upload the proof")


@dataclass(frozen=True)
class StatusWords:
    headline: str
    tone: str
    todo: tuple[Item, ...] = ()
    todo_intro: str = ""  # above the list when the headline does not already introduce it
    elsewhere: tuple[Item, ...] = ()
    elsewhere_intro: str = ""
    when: tuple[str, ...] = ()

    @property
    def is_ok(self) -> bool:
        return self.tone == OK

    @property
    def first_link(self) -> str:
        """Where to sort out the first thing, if the page can link there ("" otherwise)."""
        return self.todo[0].href if self.todo else ""

    @property
    def one_line(self) -> str:
        """Every sentence on one line, for a list that has room for one line per vehicle."""
        return " ".join(self.texts)

    @property
    def texts(self) -> list[str]:
        """Every sentence, in the order a page shows them (for tests and plain-text use)."""
        out = [self.headline]
        out += [t for t in (self.todo_intro,) if t] + [i.text for i in self.todo]
        out += [t for t in (self.elsewhere_intro,) if t] + [i.text for i in self.elsewhere]
        return out + list(self.when)


# --- the registry's view ---------------------------------------------------------------------

STOPPED = {
    VehicleStatus.SEIZED,
    VehicleStatus.STOLEN,
    VehicleStatus.SCRAP_STANDARD,
    VehicleStatus.DEREGISTERED,
}


def _status_sentences() -> dict[str, str]:
    """What a status other than "registered" means for the owner (elder mode reads these)."""
    return {
        VehicleStatus.MORTGAGED: _(
            "Mortgaged to a lender. You can drive it; selling it needs the lender's release."
        ),
        VehicleStatus.SEIZED: _(
            "Seized by an authority. Most services are stopped until released."
        ),
        VehicleStatus.STOLEN: _("Reported stolen. Please contact the office."),
        VehicleStatus.SCRAP_STANDARD: _("Old enough to be scrapped. It may no longer be driven."),
        VehicleStatus.DEREGISTERED: _("Deregistered. It is no longer on the road."),
    }


def blockers(vehicle: Vehicle, summary: BlockingSummary, *, year: int) -> list[Item]:
    """Everything in the records that stands in the way of services, one sentence each."""
    items = []
    if n := summary.unprocessed_violations:
        items.append(
            Item(
                ngettext(
                    "%(n)d traffic violation not yet dealt with: deal with it online or at any "
                    "window.",
                    "%(n)d traffic violations not yet dealt with: deal with them online or at "
                    "any window.",
                    n,
                )
                % {"n": n},
                "registry.unprocessed_violations",
            )
        )
    if not summary.insurance_valid_today:
        items.append(
            Item(
                _("No compulsory insurance (交强险) valid today on record."),
                "registry.no_insurance",
            )
        )
    if summary.tax_status_this_year == TaxStatus.UNPAID:
        items.append(
            Item(
                _("The vehicle tax (车船税) for %(year)d is unpaid.") % {"year": year},
                "registry.tax_unpaid",
            )
        )
    elif summary.tax_status_this_year is None:
        items.append(
            Item(
                _("No vehicle tax (车船税) paid or exempt for %(year)d on record.")
                % {"year": year},
                "registry.no_tax_record",
            )
        )
    if summary.open_encumbrances and vehicle.status == VehicleStatus.REGISTERED:
        n = summary.open_encumbrances
        items.append(
            Item(
                ngettext(
                    "%(n)d seizure or mortgage not released.",
                    "%(n)d seizures or mortgages not released.",
                    n,
                )
                % {"n": n},
                "registry.open_encumbrances",
            )
        )
    return items


def _sort_out(n: int) -> str:
    return ngettext("%(n)d thing to sort out first:", "%(n)d things to sort out first:", n) % {
        "n": n
    }


def vehicle_words(vehicle: Vehicle, summary: BlockingSummary, *, year: int) -> StatusWords:
    """The vehicle as the registry sees it: its status and what blocks its services."""
    todo = tuple(blockers(vehicle, summary, year=year))
    if vehicle.status == VehicleStatus.REGISTERED:
        if not todo:
            return StatusWords(_("Normal: nothing to sort out first."), OK)
        return StatusWords(_sort_out(len(todo)), SORT_OUT, todo)
    tone = STOP if vehicle.status in STOPPED else (SORT_OUT if todo else OK)
    sentence = _status_sentences().get(vehicle.status) or vehicle.get_status_display()
    intro = (
        ngettext("Also %(n)d thing to sort out:", "Also %(n)d things to sort out:", len(todo))
        % {"n": len(todo)}
        if todo
        else ""
    )
    return StatusWords(sentence, tone, todo, intro)


def vehicle_card(vehicle: Vehicle, *, masked_vin: str = "") -> dict:
    """What a vehicle card (``registry/_vehicle_card.html``) and the vehicle page show: the
    vehicle and its words. ``masked_vin``: show only the end of the VIN (the home page)."""
    summary = blocking_summary(vehicle)
    return {
        "vehicle": vehicle,
        "summary": summary,
        "words": vehicle_words(vehicle, summary, year=clock.today().year),
        "masked_vin": masked_vin,
        "plate_id": f"vehicle-{vehicle.pk}-plate",
        "state_id": f"vehicle-{vehicle.pk}-state",
    }


# --- a capability's decision ------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """What a capability decided for the vehicle, in its own words, for :func:`decision_words`."""

    ready: str  # the headline when nothing stands in the way
    elsewhere_headline: str  # the headline when only a visit elsewhere stands in the way
    todo: list[Item] = field(default_factory=list)
    elsewhere: list[Item] = field(default_factory=list)
    opens_on: dt.date | None = None  # not before this day: a date, not a thing to do


def decision_words(decision: Decision) -> StatusWords:
    """One view of a capability's decision: ready, things to sort out, a visit elsewhere, or
    a date to wait for. Every reason is listed; the date is never counted as a task."""
    todo, elsewhere = tuple(decision.todo), tuple(decision.elsewhere)
    when: tuple[str, ...] = ()
    if decision.opens_on is not None:
        when = (_("You can apply from %(day)s.") % {"day": day_words(decision.opens_on)},)
    if todo:
        intro = decision.elsewhere_headline if elsewhere else ""
        return StatusWords(_sort_out(len(todo)), SORT_OUT, todo, "", elsewhere, intro, when)
    if elsewhere:
        return StatusWords(decision.elsewhere_headline, ELSEWHERE, (), "", elsewhere, "", when)
    if when:
        return StatusWords(
            _("Not yet: you can apply from %(day)s.") % {"day": day_words(decision.opens_on)},
            WAIT,
        )
    return StatusWords(decision.ready, OK)
