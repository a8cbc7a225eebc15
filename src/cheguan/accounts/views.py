"""Account pages: thin views over ``accounts.services``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cheguan.accounts import services
from cheguan.accounts.actor import actor_for
from cheguan.accounts.models import ConsentMethod
from cheguan.accounts.permissions import require
from cheguan.core.errors import DomainError


@login_required
def assisted_start(request):
    """The help desk: find a citizen by ID number, record consent, start acting for them."""
    actor = actor_for(request)
    try:
        require(request.user, "accounts.assist_citizens")
    except DomainError as e:
        return render(request, "web/error.html", {"error": e}, status=e.status)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            services.open_assisted_session(
                actor=actor,
                id_number=request.POST.get("id_number", ""),
                consent_method=request.POST.get("consent_method", ""),
                consent_note=request.POST.get("consent_note", ""),
            )
        except DomainError as e:
            errors[e.field or "__all__"] = e.message
        else:
            messages.success(
                request, _("Assisted service started. You are now acting for the citizen.")
            )
            return redirect("web:home")
    return render(
        request,
        "accounts/assisted_start.html",
        {"errors": errors, "consent_methods": ConsentMethod.choices, "values": request.POST},
        status=400 if errors else 200,
    )


@login_required
@require_POST
def assisted_end(request):
    try:
        services.end_assisted_session(actor=actor_for(request))
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _("Assisted service ended."))
    return redirect("web:home")
