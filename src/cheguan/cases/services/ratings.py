"""好差评: one rating per finished case, by its applicant, never changed; a rating of 1 or 2
opens a follow-up (verify → call back → fix, within 15 working days) which the clerk may
appeal and a supervisor decides."""

from __future__ import annotations

from django.core import signing
from django.db import IntegrityError, transaction

from cheguan.audit.services import record
from cheguan.cases import errors
from cheguan.cases.locks import lock_case
from cheguan.cases.models import (
    OFFLINE_DIMENSIONS,
    ONLINE_DIMENSIONS,
    AppealDecision,
    Case,
    FollowUp,
    FollowUpStatus,
    Rating,
    RatingChannel,
)
from cheguan.cases.queries import is_applicant
from cheguan.cases.rules import FOLLOW_UP_TRANSITIONS, RATEABLE_STATUSES
from cheguan.cases.services.common import require_clerk_of, require_supervisor_of
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.errors import Bi
from cheguan.core.roles import Role
from cheguan.workdays.services import add_working_days

FOLLOW_UP_WORKING_DAYS = 15
BAD_SCORES = {1, 2}
SCREEN_SALT = "cheguan.cases.rating-screen"
SCREEN_MAX_AGE = 15 * 60  # seconds the second-screen link stays valid


def _clean_dimensions(dimensions: dict | None, allowed: dict) -> dict[str, int]:
    clean = {}
    for name, value in (dimensions or {}).items():
        if (
            name not in allowed
            or not isinstance(value, int)
            or isinstance(value, bool)
            or not 1 <= value <= 5
        ):
            raise errors.INVALID_DIMENSION(
                field="dimensions", name=str(name)[:30], allowed=", ".join(allowed)
            )
        clean[name] = value
    return clean


def _rate(
    *, case: Case, score: int, dimensions: dict | None, comment: str, channel: str, actor: Actor
) -> Rating:
    if case.status not in RATEABLE_STATUSES:
        raise errors.NOT_RATEABLE()
    if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
        raise errors.INVALID_SCORE(field="score")
    allowed = (
        ONLINE_DIMENSIONS
        if case.channel in {"online"} and channel == RatingChannel.ONLINE
        else OFFLINE_DIMENSIONS
    )
    clean = _clean_dimensions(dimensions, allowed)
    if Rating.objects.filter(case=case).exists():
        raise errors.ALREADY_RATED()
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                case=case,
                score=score,
                dimensions=clean,
                comment=(comment or "").strip()[:500],
                channel=channel,
                rated_at=clock.now(),
                rated_by=actor.user,
            )
    except IntegrityError:
        raise errors.ALREADY_RATED() from None
    Case.objects.filter(pk=case.pk).update(rating_score=score)
    data = {"score": score, "channel": channel}
    if score in BAD_SCORES:
        follow_up = FollowUp.objects.create(
            rating=rating,
            case=case,
            office_id=case.office_id,
            opened_at=clock.now(),
            due_date=add_working_days(clock.today(), FOLLOW_UP_WORKING_DAYS),
        )
        data["follow_up_due"] = follow_up.due_date.isoformat()
    record(actor=actor, action="cases.rated", subject=case, office_id=case.office_id, data=data)
    return rating


@transaction.atomic
def rate_case(
    *, actor: Actor, case: Case, score: int, dimensions: dict | None = None, comment: str = ""
) -> Rating:
    """The applicant rates online. A clerk in an assisted session may not rate for the
    citizen (rating freedom): the window's second screen is for that."""
    case = lock_case(case, related=())
    if actor.on_behalf_of is not None or not is_applicant(actor, case):
        raise errors.NOT_APPLICANT()
    if (
        actor.user is not None
        and actor.user.role not in {Role.CITIZEN}
        and not actor.user.is_partner
    ):
        raise errors.NOT_APPLICANT()
    return _rate(
        case=case,
        score=score,
        dimensions=dimensions,
        comment=comment,
        channel=RatingChannel.ONLINE,
        actor=actor,
    )


@transaction.atomic
def screen_token_for(*, actor: Actor, case: Case) -> str:
    """The clerk's console opens the second screen with this signed, short-lived link."""
    require_clerk_of(actor, case)
    return signing.dumps({"case": case.pk}, salt=SCREEN_SALT, compress=True)


def case_for_screen_token(token: str) -> Case:
    try:
        payload = signing.loads(token, salt=SCREEN_SALT, max_age=SCREEN_MAX_AGE)
    except signing.BadSignature:
        raise errors.SCREEN_TOKEN_INVALID() from None
    case_id = payload.get("case") if isinstance(payload, dict) else None
    case = Case.objects.filter(pk=case_id).first() if isinstance(case_id, int) else None
    if case is None:
        raise errors.SCREEN_TOKEN_INVALID()
    return case


@transaction.atomic
def rate_case_on_screen(
    *, token: str, score: int, dimensions: dict | None = None, comment: str = ""
) -> Rating:
    """The citizen taps the second screen at the window (no login on that device)."""
    case = lock_case(case_for_screen_token(token), related=())
    actor = Actor(user=None, on_behalf_of=None)
    return _rate(
        case=case,
        score=score,
        dimensions=dimensions,
        comment=comment,
        channel=RatingChannel.WINDOW_SCREEN,
        actor=actor,
    )


def _step(follow_up: FollowUp, to: str) -> None:
    if to not in FOLLOW_UP_TRANSITIONS[follow_up.status]:
        raise errors.ILLEGAL_FOLLOW_UP_STEP(current=Bi.of(FollowUpStatus(follow_up.status).label))
    follow_up.status = to


def _note(note: str) -> str:
    note = (note or "").strip()
    if len(note) < 4:
        raise errors.NOTE_REQUIRED(field="note")
    return note[:2000]


def _lock_follow_up(follow_up: FollowUp, actor: Actor) -> FollowUp:
    follow_up = (
        FollowUp.objects.select_for_update().select_related("rating", "case").get(pk=follow_up.pk)
    )
    require_supervisor_of(actor, follow_up.office_id)
    return follow_up


@transaction.atomic
def verify_follow_up(*, actor: Actor, follow_up: FollowUp, note: str) -> FollowUp:
    follow_up = _lock_follow_up(follow_up, actor)
    _step(follow_up, FollowUpStatus.VERIFIED)
    follow_up.verification_note, follow_up.handled_by = _note(note), actor.user
    follow_up.save(update_fields=["status", "verification_note", "handled_by"])
    record(
        actor=actor,
        action="cases.follow_up_verified",
        subject=follow_up.case,
        office_id=follow_up.office_id,
    )
    return follow_up


@transaction.atomic
def record_callback(*, actor: Actor, follow_up: FollowUp, note: str) -> FollowUp:
    follow_up = _lock_follow_up(follow_up, actor)
    _step(follow_up, FollowUpStatus.CALLED_BACK)
    follow_up.callback_note = _note(note)
    follow_up.save(update_fields=["status", "callback_note"])
    record(
        actor=actor,
        action="cases.follow_up_called_back",
        subject=follow_up.case,
        office_id=follow_up.office_id,
    )
    return follow_up


@transaction.atomic
def close_follow_up(*, actor: Actor, follow_up: FollowUp, fix: str) -> FollowUp:
    follow_up = _lock_follow_up(follow_up, actor)
    _step(follow_up, FollowUpStatus.CLOSED)
    follow_up.fix_note, follow_up.closed_at = _note(fix), clock.now()
    follow_up.save(update_fields=["status", "fix_note", "closed_at"])
    record(
        actor=actor,
        action="cases.follow_up_closed",
        subject=follow_up.case,
        office_id=follow_up.office_id,
        data={"overdue": clock.today() > follow_up.due_date},
    )
    return follow_up


@transaction.atomic
def appeal_rating(*, actor: Actor, follow_up: FollowUp, reason: str) -> FollowUp:
    """A clerk of the office who thinks a bad rating unfair appeals it, once."""
    follow_up = FollowUp.objects.select_for_update().select_related("case").get(pk=follow_up.pk)
    require_clerk_of(actor, follow_up.case)
    if follow_up.appeal:
        raise errors.APPEAL_EXISTS()
    follow_up.appeal, follow_up.appeal_by, follow_up.appeal_reason = (
        AppealDecision.PENDING,
        actor.user,
        _note(reason),
    )
    follow_up.save(update_fields=["appeal", "appeal_by", "appeal_reason"])
    record(
        actor=actor,
        action="cases.rating_appealed",
        subject=follow_up.case,
        office_id=follow_up.office_id,
    )
    return follow_up


@transaction.atomic
def decide_appeal(*, actor: Actor, follow_up: FollowUp, upheld: bool, note: str) -> FollowUp:
    follow_up = _lock_follow_up(follow_up, actor)
    if follow_up.appeal != AppealDecision.PENDING:
        raise errors.APPEAL_NOT_PENDING()
    follow_up.appeal = AppealDecision.UPHELD if upheld else AppealDecision.DISMISSED
    follow_up.appeal_decided_by, follow_up.appeal_decision_note = actor.user, _note(note)
    follow_up.save(update_fields=["appeal", "appeal_decided_by", "appeal_decision_note"])
    if upheld:
        rating = follow_up.rating
        rating.excluded = True
        rating.save(update_fields=["excluded"])
        Case.objects.filter(pk=follow_up.case_id).update(rating_excluded=True)
    record(
        actor=actor,
        action="cases.appeal_decided",
        subject=follow_up.case,
        office_id=follow_up.office_id,
        data={"upheld": upheld},
    )
    return follow_up
