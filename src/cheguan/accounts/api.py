"""``/api/accounts/``: who am I, assisted sessions (帮办) for clerks, API tokens for partners."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Router, Status

from cheguan.accounts import queries, services
from cheguan.accounts.models import ApiToken, AssistedSession, ConsentMethod
from cheguan.core.actor import actor_for
from cheguan.core.permissions import require
from cheguan.core.schemas import ERRORS, Schema

router = Router(tags=["accounts"])


class OfficeOut(Schema):
    code: str
    name: str
    plate_prefix: str


class UserOrganisationOut(Schema):
    """The organisation a partner user works for (not registry's OrganisationOut: the OpenAPI
    document names schemas by class name, and two of one name were one schema there)."""

    id: int
    name: str
    kind: str


class CitizenOut(Schema):
    """A person as staff see them by default: masked (DOMAIN.md §8.1)."""

    masked_name: str
    masked_id_number: str
    age: int | None
    elderly: bool = Field(..., description="60 or older: elder mode and priority apply")

    @staticmethod
    def of(person) -> CitizenOut:
        return CitizenOut(
            masked_name=person.masked_name,
            masked_id_number=person.masked_id_number,
            age=person.age,
            elderly=person.is_elderly,
        )


class AssistedSessionOut(Schema):
    id: int
    citizen: CitizenOut
    consent_method: str
    confirmed: bool = Field(
        ...,
        description="false while the consent code sent to the citizen's phone waits to be "
        "read back (POST /assisted-sessions/confirm); only a confirmed session lets you act",
    )
    started_at: dt.datetime
    last_activity_at: dt.datetime
    ended_at: dt.datetime | None
    end_reason: str

    @staticmethod
    def of(session: AssistedSession) -> AssistedSessionOut:
        return AssistedSessionOut(
            id=session.pk,
            citizen=CitizenOut.of(session.citizen),
            consent_method=session.consent_method,
            confirmed=session.confirmed_at is not None,
            started_at=session.started_at,
            last_activity_at=session.last_activity_at,
            ended_at=session.ended_at,
            end_reason=session.end_reason,
        )


class MeOut(Schema):
    id: int
    username: str
    label: str
    role: str
    office: OfficeOut | None
    organisation: UserOrganisationOut | None
    person: CitizenOut | None = Field(..., description="A citizen's own record, masked")
    elder_mode: bool
    assisted_session: AssistedSessionOut | None = Field(
        ..., description="The citizen a clerk is acting for right now, if any"
    )


_CONSENT_HELP = "How the citizen consented: " + ", ".join(ConsentMethod.values)


class AssistedSessionIn(Schema):
    id_number: str = Field("", max_length=30, description="The citizen's ID document number")
    consent_method: str = Field("", max_length=20, description=_CONSENT_HELP)
    consent_note: str = Field("", max_length=200)


class ConsentCodeIn(Schema):
    code: str = Field(..., max_length=12, description="the 6 digits the citizen received")


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=60, description="e.g. the partner's system")


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None

    @staticmethod
    def of(token: ApiToken) -> TokenOut:
        return TokenOut(
            id=token.pk,
            name=token.name,
            prefix=token.prefix,
            created_at=token.created_at,
            last_used_at=token.last_used_at,
            revoked_at=token.revoked_at,
        )


class TokenCreatedOut(TokenOut):
    secret: str = Field(
        ..., description="Send as `Authorization: Bearer <secret>`. Shown once, never again."
    )


@router.get("/me", response={200: MeOut, **ERRORS}, summary="The logged-in user")
def me(request):
    actor = actor_for(request)
    user = actor.user
    office = actor.office
    org = user.organisation if user.organisation_id else None
    session = queries.open_assisted_session(actor)
    return MeOut(
        id=user.pk,
        username=user.username,
        label=user.label,
        role=user.role,
        office=OfficeOut(code=office.code, name=office.name, plate_prefix=office.plate_prefix)
        if office is not None
        else None,
        organisation=UserOrganisationOut(id=org.pk, name=org.name, kind=org.kind) if org else None,
        person=CitizenOut.of(user.person) if user.person_id else None,
        elder_mode=user.elder_mode,
        assisted_session=AssistedSessionOut.of(session) if session is not None else None,
    )


@router.post(
    "/assisted-sessions",
    response={201: AssistedSessionOut, **ERRORS},
    summary="Start acting for a citizen (clerks, service points, dealers)",
)
def open_assisted_session(request, payload: AssistedSessionIn):
    """Find the citizen of the agent's office by ID number and record their consent.

    A clerk records how the citizen consented at the desk. A partner's agent proves it:
    `sms_code` sends a code to the citizen's phone (the session is pending until
    `POST /assisted-sessions/confirm`), `id_card_read` records the ID card read at the
    counter (each if the office allows it). Requests with an API token then act for the
    citizen when they carry the header `X-Assisted-Session: <id>`.
    An assisted session the agent already has open is ended first.
    """
    session = services.open_assisted_session(
        actor=actor_for(request),
        id_number=payload.id_number,
        consent_method=payload.consent_method,
        consent_note=payload.consent_note,
    )
    return Status(201, AssistedSessionOut.of(session))


@router.post(
    "/assisted-sessions/confirm",
    response={200: AssistedSessionOut, **ERRORS},
    summary="Confirm the citizen's consent code (partners)",
)
def confirm_assisted_session(request, payload: ConsentCodeIn):
    """Five wrong codes, or 5 minutes, end the pending session: start again."""
    return AssistedSessionOut.of(
        services.confirm_assisted_session(actor=actor_for(request), code=payload.code)
    )


@router.post(
    "/assisted-sessions/end",
    response={200: AssistedSessionOut, **ERRORS},
    summary="Stop acting for the citizen",
)
def end_assisted_session(request):
    actor = actor_for(request)
    require(actor.user, "accounts.act_for_citizens")
    return AssistedSessionOut.of(services.end_assisted_session(actor=actor))


@router.get(
    "/assisted-sessions/current",
    response={200: AssistedSessionOut, **ERRORS},
    summary="The assisted session in progress",
)
def current_assisted_session(request):
    actor = actor_for(request)
    require(actor.user, "accounts.act_for_citizens")
    session = queries.open_assisted_session(actor)
    if session is None:
        raise services.NO_ASSISTED_SESSION()
    return AssistedSessionOut.of(session)


@router.post("/tokens", response={201: TokenCreatedOut, **ERRORS}, summary="Create an API token")
def create_token(request, payload: TokenIn):
    """The secret is in this answer only; Cheguan keeps just its hash."""
    token, secret = services.create_api_token(actor=actor_for(request), name=payload.name)
    return Status(201, TokenCreatedOut(**TokenOut.of(token).dict(), secret=secret))


@router.get("/tokens", response={200: list[TokenOut], **ERRORS}, summary="My API tokens")
def list_tokens(request):
    return [TokenOut.of(t) for t in queries.api_tokens_for(actor_for(request))]


@router.post(
    "/tokens/{token_id}/revoke",
    response={200: TokenOut, **ERRORS},
    summary="Revoke an API token",
)
def revoke_token(request, token_id: int):
    """The token stops working with the very next request. Revoking twice is harmless."""
    return TokenOut.of(services.revoke_api_token(actor=actor_for(request), token_id=token_id))
