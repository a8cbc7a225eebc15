"""The audit trail in words: what people read for an event's action, its details and its
subject. The trail stores codes (``cases.completed``, ``{"rongque": false}``,
``registry.person`` #2); the pages show "办结", "容缺受理：否", "人员 王*英". The API keeps
the codes.

Every action recorded anywhere in ``src`` has words here (tests/audit/test_words.py scans the
code for them), so a new action arrives with its words.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from typing import Any

from django.apps import apps
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from cheguan.core.wording import day_words, time_words

ACTIONS = {
    "accounts.api_token_created": _("API token created"),
    "accounts.api_token_revoked": _("API token revoked"),
    "accounts.assisted_session_confirmed": _("Assisted service confirmed by the citizen"),
    "accounts.assisted_session_ended": _("Assisted service ended"),
    "accounts.assisted_session_opened": _("Assisted service started"),
    "accounts.logged_in": _("Logged in"),
    "accounts.logged_out": _("Logged out"),
    "accounts.login_failed": _("Login failed"),
    "accounts.password_changed": _("Password changed"),
    "accounts.witness_refused": _("Witness to a consent not confirmed"),
    "alerts.raised": _("Alert raised"),
    "cases.accepted": _("Case accepted"),
    "cases.appeal_decided": _("Appeal against a rating decided"),
    "cases.catalogue_added": _("Service added to the catalogue"),
    "cases.catalogue_changed": _("Catalogue service changed"),
    "cases.completed": _("Case completed"),
    "cases.document_added": _("Document added"),
    "cases.follow_up_called_back": _("Citizen called back about a bad rating"),
    "cases.follow_up_closed": _("Bad-rating follow-up closed"),
    "cases.follow_up_verified": _("Bad rating verified"),
    "cases.notice_issued": _("One-time notice issued"),
    "cases.opened": _("Application started"),
    "cases.rated": _("Service rated"),
    "cases.rating_appealed": _("Appeal against a rating made"),
    "cases.rejected": _("Application not accepted"),
    "cases.screen_case_shown": _("Case shown on the window's screen for rating"),
    "cases.screen_paired": _("Window screen paired"),
    "cases.screen_unpaired": _("Window screen pairing ended"),
    "cases.submitted": _("Application submitted"),
    "cases.terminated": _("Case ended by the office"),
    "cases.visit_recorded": _("Visit recorded"),
    "cases.withdrawn": _("Application withdrawn"),
    "demo.history_seeded": _("A year of demo history loaded"),
    "demo.seeded": _("Demo data loaded"),
    "demo.story_laid": _("Demo story laid for the day"),
    "inspection.applied_with_proof": _("Applied for the inspection mark with proof"),
    "inspection.mark_issued": _("Inspection mark issued"),
    "inspection.mark_reissued": _("Inspection mark issued again"),
    "inspection.mark_revoked": _("Inspection mark revoked"),
    "inspection.proof_rejected": _("Proof not accepted"),
    "inspection.reminders_sent": _("Inspection reminders sent"),
    "plates.assigned": _("Plate number put on a vehicle"),
    "plates.compose_checked": _("Self-chosen numbers checked"),
    "plates.drawn": _("Plate numbers drawn"),
    "plates.held": _("Plate number held for a case"),
    "plates.selection_started": _("Plate-number selection started"),
    "plates.number_retired": _("Plate number left its deregistered vehicle"),
    "plates.pattern_added": _("Blocked number pattern added"),
    "plates.pattern_deactivated": _("Blocked number pattern switched off"),
    "plates.pool_compacted": _("Number pool tidied"),
    "plates.retained": _("Plate number kept"),
    "plates.segment_released": _("Number segment released"),
    "plates.selection_barred": _("Barred from choosing numbers online"),
    "plates.swapped": _("Plate numbers swapped"),
    "registry.accident_recorded": _("Accident recorded"),
    "registry.authorisation_changed": _("Authorisation changed"),
    "registry.encumbrance_recorded": _("Seizure or mortgage recorded"),
    "registry.encumbrance_released": _("Seizure or mortgage released"),
    "registry.imported": _("Records imported"),
    "registry.insurance_recorded": _("Compulsory insurance recorded"),
    "registry.modification_penalty_recorded": _("Illegal-modification penalty recorded"),
    "registry.office_created": _("Office created"),
    "registry.organisation_registered": _("Organisation registered"),
    "registry.person_registered": _("Person registered"),
    "registry.personal_data_revealed": _("Full personal data shown"),
    "registry.tax_recorded": _("Vehicle tax recorded"),
    "registry.vehicle_deregistered": _("Vehicle deregistered"),
    "registry.vehicle_recorded": _("Vehicle recorded"),
    "registry.violation_processed": _("Traffic violation dealt with"),
    "registry.violation_recorded": _("Traffic violation recorded"),
    "web.elder_mode_set": _("Elder mode switched"),
}

KEYS = {
    "case_id": _("Case (record number)"),
    "consent_scope": _("Consented to"),
    "screen_id": _("Window screen"),
    "vehicle_ids": _("Vehicles (record numbers)"),
    "witness_id": _("Witness (account number)"),
    "attempts": _("Attempts"),
    "available": _("Available"),
    "blocked": _("Blocked"),
    "business_on": _("Business date"),
    "case": _("Case"),
    "cause": _("Cause"),
    "channel": _("Channel"),
    "checksum_warning": _("Check character does not match"),
    "citizen_elderly": _("Elderly citizen"),
    "code": _("Code"),
    "code_sent_to": _("Code sent to"),
    "composed": _("Self-chosen numbers"),
    "consent_method": _("Consent"),
    "corrections": _("Rounds of corrections"),
    "deadline": _("Deadline"),
    "documents": _("Documents"),
    "draw": _("Draw"),
    "due_date": _("Due date"),
    "expired_holds": _("Held numbers that lapsed"),
    "facts": _("Facts"),
    "fields": _("Changed fields"),
    "first": _("First"),
    "follow_up_due": _("Follow-up due"),
    "from": _("From"),
    "from_size": _("Size before"),
    "from_version": _("Version before"),
    "id_number": _("ID number"),
    "id_type": _("Identity document"),
    "immediate": _("Done on the spot"),
    "in_use": _("In use"),
    "items": _("Items"),
    "kind": _("Kind"),
    "last": _("Last"),
    "locked_out": _("Locked out"),
    "married_on": _("Married on"),
    "moved_from": _("Moved from"),
    "number": _("Number"),
    "number_a": _("First number"),
    "number_b": _("Second number"),
    "numbers": _("Numbers"),
    "on": _("Date"),
    "overdue": _("Overdue"),
    "pattern": _("Pattern"),
    "person": _("Person"),
    "plate_number": _("Plate number"),
    "plate_type": _("Plate type"),
    "prefix": _("Prefix"),
    "previous": _("Before"),
    "previous_valid_until": _("Valid until, before"),
    "proof_checked": _("Proof checked"),
    "random_only_until": _("Random choice only until"),
    "reactivated": _("Switched on again"),
    "reason": _("Reason"),
    "region": _("Region"),
    "regime": _("Rules of"),
    "released": _("Released"),
    "replaces": _("Replaces"),
    "requirement": _("Document"),
    "requirements": _("Documents"),
    "retained": _("Kept"),
    "review": _("Checked afterwards"),
    "rongque": _("Accepted with documents to follow (容缺)"),
    "rows": _("Rows"),
    "scope": _("Scope"),
    "score": _("Score"),
    "seed": _("Seed"),
    "sent": _("Sent"),
    "serial": _("Serial number"),
    "service": _("Service"),
    "services": _("Services"),
    "sha256": _("File fingerprint (SHA-256)"),
    "size": _("Size"),
    "spouse_of": _("Spouse of"),
    "status": _("Status"),
    "status_from": _("Status before"),
    "status_to": _("Status after"),
    "subject": _("Subject"),
    "to": _("To"),
    "token_name": _("Token name"),
    "until": _("Until"),
    "upheld": _("Upheld"),
    "uscc": _("Unified social credit code"),
    "user_name": _("User name"),
    "valid_from": _("Valid from"),
    "valid_until": _("Valid until"),
    "vehicle": _("Vehicle"),
    "vehicle_a": _("First vehicle"),
    "vehicle_b": _("Second vehicle"),
    "vehicle_id": _("Vehicle"),
    "via": _("Through"),
    "vin": _("VIN"),
    "visits": _("Visits"),
    "with_casualties": _("Injuries or deaths"),
    "year": _("Year"),
    "day": _("Day"),
    "follow_ups": _("Follow-ups"),
    "history_cases": _("Cases of the year"),
    "marks": _("Inspection marks"),
    "ratings": _("Ratings"),
}

SUBJECTS = {
    "accounts.user": _("Account"),
    "accounts.assistedsession": _("Assisted service"),
    "accounts.apitoken": _("API token"),
    "alerts.alert": _("Alert"),
    "cases.case": _("Case"),
    "cases.service": _("Catalogue service"),
    "cases.casedocument": _("Document"),
    "cases.rating": _("Rating"),
    "cases.followup": _("Bad-rating follow-up"),
    "cases.windowscreen": _("Window screen"),
    "inspection.inspectionmark": _("Inspection mark"),
    "plates.draw": _("Plate-number draw"),
    "plates.platenumber": _("Plate number"),
    "plates.segment": _("Number segment"),
    "plates.blockedpattern": _("Blocked number pattern"),
    "registry.office": _("Office"),
    "registry.person": _("Person"),
    "registry.organisation": _("Organisation"),
    "registry.vehicle": _("Vehicle"),
}

# Keys whose values are codes of a model's choices: the choice's label is shown.
CHOICES = {
    "channel": ("cases", "Case", "channel"),
    "consent_method": ("accounts", "AssistedSession", "consent_method"),
    "status": ("registry", "Vehicle", "status"),
    "status_from": ("registry", "Vehicle", "status"),
    "status_to": ("registry", "Vehicle", "status"),
}
# Words for values that only their app can name (a code table, a choice list kept with
# its model): each app registers them from its AppConfig.ready(), so that ``audit`` stays
# below the apps it records for (docs/adr/0018-kernel-order.md).
VALUE_WORDS: dict[str, Callable[[str, bool], str | None]] = {}


def register_value_words(key: str, words: Callable[[str, bool], str | None]) -> None:
    """``words(value, english)`` names a detail's value under ``key``, or ``None`` if it
    does not know it."""
    VALUE_WORDS[key] = words


ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def action_words(action: str) -> str:
    """The action in words; an action without words shows as its code (the test keeps the
    table complete)."""
    found = ACTIONS.get(action)
    return str(found) if found is not None else action


def key_words(key: str) -> str:
    found = KEYS.get(key)
    return str(found) if found is not None else key.replace("_", " ")


def _english() -> bool:
    return (get_language() or "").startswith("en")


def _choice_label(key: str, value: str) -> str | None:
    app, model, field = CHOICES[key]
    try:
        choices = dict(apps.get_model(app, model)._meta.get_field(field).flatchoices)
    except LookupError:
        return None
    label = choices.get(value)
    return str(label) if label is not None else None


def value_words(key: str, value: Any) -> str:
    """A detail's value for people: yes/no, office-local times, names for codes, lists."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, list | tuple):
        return ("、" if not _english() else ", ").join(value_words(key, v) for v in value)
    if isinstance(value, dict):
        sep, colon = ("; ", ": ") if _english() else ("；", "：")
        return sep.join(f"{key_words(k)}{colon}{value_words(k, v)}" for k, v in value.items())
    if isinstance(value, str):
        if key in CHOICES and (label := _choice_label(key, value)):
            return label
        if key in VALUE_WORDS and (words := VALUE_WORDS[key](value, _english())):
            return words
        if ISO_MOMENT.match(value):
            try:
                return time_words(dt.datetime.fromisoformat(value))
            except ValueError:
                return value
        if ISO_DAY.match(value):
            try:
                return day_words(dt.date.fromisoformat(value))
            except ValueError:
                return value
    return str(value)


def details(data: dict) -> list[tuple[str, str]]:
    """An event's data as (words for the key, words for the value), in a stable order."""
    return [(key_words(k), value_words(k, v)) for k, v in sorted(data.items())]


# --- subjects --------------------------------------------------------------------------------


def _name_of(obj) -> str:
    """How a subject is named on the trail: personal names masked, as the pages do."""
    for attribute in ("masked_name", "number", "serial", "plate_number", "name", "label"):
        value = getattr(obj, attribute, None)
        if isinstance(value, str) and value:
            return value
    return ""


def subject_names(pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Names for (subject_type, subject_id) pairs: one query per subject type."""
    wanted: dict[str, set[str]] = {}
    for subject_type, subject_id in pairs:
        if subject_type and subject_id:
            wanted.setdefault(subject_type, set()).add(subject_id)
    names: dict[tuple[str, str], str] = {}
    for subject_type, ids in wanted.items():
        try:
            model = apps.get_model(subject_type)
        except (LookupError, ValueError):
            continue
        keys = [i for i in ids if i.isdigit()]
        for obj in model._default_manager.filter(pk__in=keys):
            names[(subject_type, str(obj.pk))] = _name_of(obj)
    return names


def subject_words(subject_type: str, subject_id: str, names: dict) -> str:
    """ "人员 王*英", "办件 2026051100000001"; a subject without a name: its kind and number."""
    if not subject_type:
        return "—"
    kind = SUBJECTS.get(subject_type)
    kind_text = str(kind) if kind is not None else subject_type.split(".")[-1]
    name = names.get((subject_type, subject_id)) or (f"#{subject_id}" if subject_id else "")
    return f"{kind_text} {name}".strip()
