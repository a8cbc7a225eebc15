"""Template words for people: times in the office's zone, code names, and whose account a
page is about.

    {% load people %}
    {{ event.occurred_at|when }}          2026年5月11日 10:30 / 11 May 2026 10:30
    {{ vehicle.manufacture_date|day }}    2026年5月11日 / 11 May 2026
    {{ vehicle.vehicle_type|code_name:"vehicle_type" }}   小型轿车 / Small saloon car
    {{ event.action|action_words }}       办结 (for cases.completed)
    {% whose "vehicles" %}                我的车辆, or in an assisted session 王*英的车辆
"""

from __future__ import annotations

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cheguan.audit import words
from cheguan.core.wording import day_words, time_words
from cheguan.registry import codes
from cheguan.registry.models import TaxStatus

register = template.Library()

# Headings and links that name whose account a page is about: (the user's own, someone's).
# In an assisted session (a clerk or a partner's agent acting for a citizen) the page says
# the citizen's masked name, never "my".
WHOSE = {
    "services": (_("My services"), _("%(name)s's services")),
    "vehicles": (_("My vehicles"), _("%(name)s's vehicles")),
    "vehicle_details": (
        _("My vehicles: details and records"),
        _("%(name)s's vehicles: details and records"),
    ),
    "applications": (_("My applications"), _("%(name)s's applications")),
    "cases": (_("My cases"), _("%(name)s's cases")),
    "back_to_vehicles": (_("Back to my vehicles"), _("Back to %(name)s's vehicles")),
    "back_to_cases": (_("Back to my cases"), _("Back to %(name)s's cases")),
    "inspection_mark": (
        _("Apply for my inspection mark"),
        _("Apply for %(name)s's inspection mark"),
    ),
    "current_mark": (_("Show my current mark"), _("Show %(name)s's current mark")),
    "reissue_mark": (
        _("Get my lost inspection mark again"),
        _("Get %(name)s's lost inspection mark again"),
    ),
    "compose_number": (_("My composed number"), _("%(name)s's composed number")),
    "keep_number": (_("Keep my old plate number"), _("Keep %(name)s's old plate number")),
    "use_kept": (_("Use my kept number"), _("Use %(name)s's kept number")),
    "swap_numbers": (_("Swap my cars' numbers"), _("Swap %(name)s's cars' numbers")),
}


def acting_for(context) -> str:
    """The masked name of the citizen an assisted session acts for, or "" (the user's own)."""
    session = context.get("assisted_session")
    citizen = getattr(session, "citizen", None) if session else None
    return citizen.masked_name if citizen is not None else ""


@register.simple_tag(takes_context=True)
def whose(context, key: str) -> str:
    mine, theirs = WHOSE[key]
    name = acting_for(context)
    return str(theirs) % {"name": name} if name else str(mine)


@register.filter
def when(value) -> str:
    return time_words(value)


@register.filter
def day(value) -> str:
    return day_words(value)


@register.filter
def action_words(value: str) -> str:
    return words.action_words(value)


@register.filter
def evidence_words(document) -> str:
    """What a document verified from the records rests on, as staff read it: "person:2" is
    the applicant's masked name, "insurance:PDZA…" the policy, "tax:2026:paid" the year's tax.
    """
    kind, _sep, rest = (document.data_reference or "").partition(":")
    case = document.case
    if kind == "person" and case.applicant_person_id:
        return case.applicant_person.masked_name
    if kind == "organisation" and case.applicant_organisation_id:
        return case.applicant_organisation.name
    if kind == "insurance":
        return str(_("policy %(number)s")) % {"number": rest}
    if kind == "tax":
        year, _sep, status = rest.partition(":")
        label = dict(TaxStatus.choices).get(status, status)
        return str(_("vehicle tax %(year)s: %(status)s")) % {"year": year, "status": label}
    return ""


@register.filter
def code_name(value: str, table: str) -> str:
    return codes.name_of(table, value, english=(get_language() or "").startswith("en"))
