"""The consent part of every form that starts an assisted service (the accounts page and
the inspection desk): what the citizen agrees to, how, the witness, and the confirmation
that another citizen's open session ends. One reading of the POST, one context."""

from __future__ import annotations

from cheguan.accounts import services
from cheguan.accounts.models import AssistedSession, ConsentMethod, ConsentScope
from cheguan.core.actor import actor_for
from cheguan.core.errors import DomainError, ValidationErrors


def context(request, *, errors: dict, default_scope=(), current=None) -> dict:
    methods = services.consent_methods_for(request.user)
    # The scope ticked in a posted consent form; a form that was not one (the desk's search)
    # shows the default.
    posted = request.POST.getlist("scope") if request.POST.get("consent_form") else None
    return {
        "consent_methods": [(m, ConsentMethod(m).label) for m in methods],
        "consent_method_values": list(methods),
        "consent_scopes": ConsentScope.choices,
        "chosen_scope": posted if posted is not None else list(default_scope),
        "values": request.POST,
        "errors": errors,
        "current": current,
    }


def open_from_post(
    request, *, id_number: str, vehicle_ids=()
) -> tuple[AssistedSession | None, dict[str, str]]:
    """Start the session the form asks for; the refusals by field."""
    post = request.POST
    try:
        session = services.open_assisted_session(
            actor=actor_for(request),
            id_number=id_number,
            consent_method=post.get("consent_method", ""),
            consent_note=post.get("consent_note", ""),
            scope=post.getlist("scope"),
            vehicle_ids=vehicle_ids,
            witness_username=post.get("witness_username", ""),
            witness_password=post.get("witness_password", ""),
            replace=post.get("replace") == "1",
        )
    except ValidationErrors as many:
        return None, {e.field or "form": e.message for e in many.errors}
    except DomainError as e:
        if e.status in {401, 403}:
            raise
        return None, {e.field or "form": e.message}
    return session, {}


def open_session(request) -> AssistedSession | None:
    """The agent's open session, confirmed or not (for the one-session confirmation)."""
    return (
        AssistedSession.objects.select_related("citizen")
        .filter(agent=request.user, ended_at__isnull=True)
        .first()
    )
