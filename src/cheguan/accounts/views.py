"""Account pages: log in and out, change password, and the help desk's assisted service (帮办).

Thin views over ``accounts.services``; the lockout after repeated wrong passwords is
django-axes (settings: ``AXES_*``), which answers with ``accounts/locked_out.html``.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cheguan.accounts import consent_form, queries, services
from cheguan.accounts.login_limits import login_refusal
from cheguan.accounts.models import ConsentMethod, ConsentScope
from cheguan.accounts.partners import REVOKED, partner_refusal
from cheguan.accounts.queries import consent_vehicles
from cheguan.core.actor import Actor, actor_for
from cheguan.core.errors import DomainError
from cheguan.core.pages import error_page
from cheguan.core.permissions import require
from cheguan.core.roles import Role

# The citizen services a clerk can open while acting for a citizen. Paths, not URL names:
# the services live in other apps, which accounts does not import.
CITIZEN_SERVICES = [
    (gettext_lazy("The citizen's vehicles"), "/registry/my/vehicles/"),
    (gettext_lazy("Inspection mark"), "/inspection/"),
    (gettext_lazy("Apply for a service"), "/cases/apply/"),
    (gettext_lazy("The citizen's cases"), "/cases/my/"),
]


class _UserNameLengthChecked:
    """Django's login forms show the user name's limit (150) but do not check it: a longer name
    went on to ``authenticate()`` and into django-axes' lockout record (255 characters), a 500
    on PostgreSQL. Too long is now a form error like any other."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))


class LoginForm(_UserNameLengthChecked, AuthenticationForm):
    """Django's login form; an agent of a partner whose authorisation is revoked is told so."""

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        refusal = partner_refusal(user)
        if refusal is not None and refusal.error is REVOKED:
            raise forms.ValidationError(refusal.message, code=refusal.code)


class AdminLoginForm(_UserNameLengthChecked, AdminAuthenticationForm):
    """``/admin/login/`` (``admin.site.login_form``, set in ``cheguan.urls``)."""


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True
    authentication_form = LoginForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(failure_limit=settings.AXES_FAILURE_LIMIT, **kwargs)
        form = context.get("form")
        refused = form.errors.get("__all__") if form is not None and form.is_bound else None
        codes = [e.code for e in form.errors.as_data().get("__all__", [])] if refused else []
        if REVOKED.code in codes:
            context["partner_refused"] = refused[codes.index(REVOKED.code)]
        return context

    def post(self, request, *args, **kwargs):
        refused = login_refusal(request)
        if refused is None:
            return super().post(request, *args, **kwargs)
        # An unbound form: showing a bound one's errors would check the password after all.
        form = self.get_form_class()(
            request, initial={"username": request.POST.get("username", "")[:150]}
        )
        response = self.render_to_response(
            self.get_context_data(form=form, rate_limited=refused), status=refused.status
        )
        response["Retry-After"] = str(refused.params["retry_after"])
        return response


class LogoutView(auth_views.LogoutView):
    """Logging out also ends the clerk's assisted session: nobody acts for a citizen unseen."""

    def post(self, request, *args, **kwargs):
        if getattr(request, "assisted_session", None) is not None:
            services.end_assisted_session(actor=actor_for(request))
        return super().post(request, *args, **kwargs)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"

    def form_valid(self, form):
        # The clerk's own account: recorded without the citizen they may be acting for.
        services.change_password(
            actor=Actor(user=self.request.user), new_password=form.cleaned_data["new_password1"]
        )
        update_session_auth_hash(self.request, self.request.user)
        return HttpResponseRedirect(self.get_success_url())


_refused = error_page


@login_required
def assisted_start(request):
    """The help desk: find a citizen by ID number, record what they consent to and how,
    start acting for them."""
    try:
        require(request.user, "accounts.act_for_citizens")
    except DomainError as e:
        return _refused(request, e)
    errors: dict[str, str] = {}
    if request.method == "POST":
        session, errors = consent_form.open_from_post(
            request, id_number=request.POST.get("id_number", "")
        )
        if session is not None:
            return _after_opening(request, session)
    return render(
        request,
        "accounts/assisted_start.html",
        {
            **consent_form.context(
                request,
                errors=errors,
                default_scope=ConsentScope.values,
                current=consent_form.open_session(request),
            ),
            "ended_idle": queries.recently_ended_idle(request.user),
        },
        status=400 if errors else 200,
    )


def _after_opening(request, session):
    if session.consent_method == ConsentMethod.SMS_CODE and session.confirmed_at is None:
        return redirect("accounts:assisted_confirm")
    if session.confirmed_at is None:
        return redirect("accounts:assisted_waiting")
    messages.success(request, _("Assisted service started. You are now acting for the citizen."))
    return redirect("accounts:assisted_current")


@login_required
def assisted_waiting(request):
    """The clerk waits while the citizen reads the request on the window's screen."""
    try:
        require(request.user, "accounts.act_for_citizens")
    except DomainError as e:
        return _refused(request, e)
    if getattr(request, "assisted_session", None) is not None:
        return redirect("accounts:assisted_current")
    pending = services.screen_consent_pending(request.user)
    if pending is None:
        messages.info(request, _("The citizen did not agree, or the request was ended."))
        return redirect("accounts:assisted_start")
    return render(
        request,
        "accounts/assisted_waiting.html",
        {"session": pending, "consent_vehicles": consent_vehicles(pending)},
    )


@login_required
def assisted_confirm(request):
    """A partner's counter: the citizen reads back the code sent to their phone."""
    try:
        require(request.user, "accounts.act_for_citizens")
    except DomainError as e:
        return _refused(request, e)
    pending = services.pending_assisted_session(request.user)
    if pending is None:
        return redirect("accounts:assisted_start")
    error = ""
    if request.method == "POST":
        try:
            services.confirm_assisted_session(
                actor=actor_for(request), code=request.POST.get("code", "")
            )
        except DomainError as e:
            error = e.message
            if services.pending_assisted_session(request.user) is None:
                messages.error(request, error)
                return redirect("accounts:assisted_start")
        else:
            messages.success(
                request, _("Assisted service started. You are now acting for the citizen.")
            )
            return redirect("accounts:assisted_current")
    return render(
        request,
        "accounts/assisted_confirm.html",
        {"pending": pending, "error": error},
        status=400 if error else 200,
    )


@login_required
def assisted_current(request):
    """The clerk's page while acting for a citizen: who (masked), and the services to open."""
    try:
        require(request.user, "accounts.act_for_citizens")
    except DomainError as e:
        return _refused(request, e)
    session = getattr(request, "assisted_session", None)
    if session is None:
        messages.info(request, _("There is no assisted service in progress. Start one here."))
        return redirect("accounts:assisted_start")
    return render(
        request,
        "accounts/assisted_current.html",
        {
            "session": session,
            "citizen": session.citizen,
            "services": CITIZEN_SERVICES,
            "consent_vehicles": consent_vehicles(session),
        },
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
    if request.user.role == Role.CLERK:
        return redirect("accounts:assisted_start")
    return redirect("web:home")
