"""A mark's pages: the mark with its QR code and PDF, its revocation by the office, and the
public verify page an officer at the roadside opens by scanning the code."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cheguan.core import clock
from cheguan.core.actor import actor_for
from cheguan.core.errors import DomainError
from cheguan.core.pages import english, field_errors, pages, public
from cheguan.inspection import queries, services, signing
from cheguan.inspection.pdf import mark_pdf


@pages
def mark(request, serial: str):
    actor = actor_for(request)
    found = queries.mark_for(actor, serial)
    url = signing.verify_url(found, request.build_absolute_uri("/"))
    qr = segno.make(url, error="m").svg_inline(scale=5, title=_("QR code to verify this mark"))
    return render(
        request,
        "inspection/mark.html",
        {
            "mark": found,
            "qr": qr,
            "verify_url": url,
            "today": clock.today(),
            "may_revoke": services.may_revoke(actor, found),
        },
    )


@pages
def pdf(request, serial: str):
    found = queries.mark_for(actor_for(request), serial)
    content = mark_pdf(found, base_url=request.build_absolute_uri("/"), english=english(request))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="mark-{found.serial}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@pages
def revoke(request, serial: str):
    """A clerk of the issuing office revokes a mark that should not count (issued on proof
    found false later, the vehicle not eligible after all), with the reason in writing.
    GET: the mark and the reason to fill in. POST: the revocation; the mark's page opens,
    saying it is revoked."""
    actor = actor_for(request)
    found = queries.mark_for(actor, serial)
    services.require_revoker(actor, found)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        try:
            services.revoke_mark(actor=actor, mark=found, reason=request.POST.get("reason", ""))
        except DomainError as e:
            errors, status = field_errors(e), e.status
        else:
            messages.success(request, _("The mark is revoked: scanning its code shows it."))
            return redirect("inspection:mark", serial=found.serial)
    return render(
        request,
        "inspection/revoke.html",
        {
            "mark": found,
            "errors": errors,
            "reason": request.POST.get("reason", "")[:200],
        },
        status=status,
    )


@public
def verify(request):
    """Public, no login, for an officer at the roadside: valid / expired / revoked / forged
    or unknown at a glance (colour, icon and words), the plate in full to match the car,
    and a serial number typed in when the QR code cannot be scanned."""
    scanned = any(request.GET.get(k) for k in ("s", "v", "p", "sig"))
    typed = request.GET.get("serial", "")
    if scanned:
        verdict = signing.check(
            serial=request.GET.get("s", ""),
            valid_until=request.GET.get("v", ""),
            plate=request.GET.get("p", ""),
            sig=request.GET.get("sig", ""),
        )
    elif typed.strip():
        verdict = signing.check_serial(typed)
    else:
        verdict = None
    return render(
        request,
        "inspection/verify.html",
        {"verdict": verdict, "typed": signing.normalise_serial(typed)[:24]},
    )
