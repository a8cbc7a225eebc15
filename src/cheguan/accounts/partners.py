"""A partner acts only while its organisation is authorised: the one check.

Every write a partner's agent makes passes :func:`require_partner_authorised` — at the door
for every unsafe request (``PartnerStandingMiddleware`` and the API's auth), and in the
services for the catalogue service the write belongs to (``service=case.service.code``).
The reading of the authorisation lifecycle itself is ``Organisation.standing_on``: granted,
within its dates today, and listing the service.

- **Suspended**: nothing new and nothing in flight moves; everything stays readable.
- **Revoked**: the organisation's tokens are revoked and its agents' sessions end at once
  (``accounts.receivers``); they cannot log in again.
- Not yet in force, expired, never granted, or the service not listed: refused likewise.

Staff, citizens and the system actor are not partners: the check lets them through.
"""

from __future__ import annotations

from cheguan.core import clock
from cheguan.core.errors import Bi, DomainError, ErrorCode
from cheguan.registry.models import Organisation, Standing

SUSPENDED = ErrorCode(
    "partners.suspended",
    "{organisation}的授权自{since}起暂停（原因：{reason}）。暂停期间可以查看已有业务，"
    "但不能办理新业务，也不能推进在办业务；请联系车管所。",
    "The authorisation of {organisation} has been suspended since {since} (reason: "
    "{reason}). While it is suspended you can read your work but neither start nor "
    "advance any; contact the office.",
    403,
)
REVOKED = ErrorCode(
    "partners.revoked",
    "{organisation}的授权已于{since}撤销（原因：{reason}），不能再办理任何业务。",
    "The authorisation of {organisation} was revoked on {since} (reason: {reason}); it "
    "can no longer do any work here.",
    403,
)
NOT_IN_FORCE = ErrorCode(
    "partners.not_in_force",
    "{organisation}的授权{detail}，目前不能办理业务；请联系车管所。",
    "The authorisation of {organisation} {detail}: it cannot do any work now; contact the office.",
    403,
)
SERVICE_NOT_AUTHORISED = ErrorCode(
    "partners.service_not_authorised",
    "{organisation}未获授权办理“{service}”。已授权的业务：{authorised}。",
    "{organisation} is not authorised for “{service}”. Authorised services: {authorised}.",
    403,
)


def _since(org: Organisation) -> str:
    at = org.authorisation_changed_at
    return clock.local_date(at).isoformat() if at else "—"


def _reason(org: Organisation) -> Bi:
    reason = org.authorisation_reason.strip()
    return Bi(reason, reason) if reason else Bi("未注明", "not stated")


def standing_error(
    org: Organisation, standing: str, *, service: str | None = None
) -> DomainError | None:
    """The error that tells the partner why it may not act, or ``None`` when it may."""
    name = Bi(org.name, org.name)
    if standing == Standing.AUTHORISED:
        return None
    if standing == Standing.SUSPENDED:
        return SUSPENDED(organisation=name, since=_since(org), reason=_reason(org))
    if standing == Standing.REVOKED:
        return REVOKED(organisation=name, since=_since(org), reason=_reason(org))
    if standing == Standing.SERVICE_NOT_AUTHORISED:
        listed = list(org.authorised_services or [])
        return SERVICE_NOT_AUTHORISED(
            organisation=name,
            service=service or "",
            authorised=Bi("、".join(listed) or "无", ", ".join(listed) or "none"),
        )
    details: dict[str, Bi] = {
        Standing.NOT_YET_VALID: Bi(
            f"自{org.authorised_from}起生效", f"is in force only from {org.authorised_from}"
        ),
        Standing.EXPIRED: Bi(
            f"已于{org.authorised_until}到期", f"expired on {org.authorised_until}"
        ),
    }
    detail = details.get(standing, Bi("尚未授予", "has not been granted"))
    return NOT_IN_FORCE(organisation=name, detail=detail)


def partner_organisation(user) -> Organisation | None:
    """The organisation a partner's agent works for; ``None`` for everyone else."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_partner:
        return None
    return user.organisation


def require_partner_authorised(actor, *, service: str | None = None) -> None:
    """Raise unless the actor is not a partner, or its organisation is authorised today
    (for ``service``, a catalogue code, when one is named)."""
    org = partner_organisation(actor.user)
    if org is None:
        return
    error = standing_error(org, org.standing_on(clock.today(), service), service=service)
    if error is not None:
        raise error


def partner_refusal(user) -> DomainError | None:
    """For the door: why this partner's agent may make no write at all right now, if so."""
    org = partner_organisation(user)
    if org is None:
        return None
    return standing_error(org, org.standing_on(clock.today()))
