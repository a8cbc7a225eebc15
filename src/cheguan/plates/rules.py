"""The plates app's pure rules: no database, no clock, no I/O; unit-tested alone.

- which cases get a number and which statuses are still open, the plate type a vehicle
  needs (GA 36), who acts online alone (the only channel a selection ban closes);
- dates counted in years (retention, marriage), how messages name a vehicle;
- the commit-reveal draw seeds and the slot stream of a draw (ADR 0007, 0014), byte for
  byte as ``plates/draw-check.js`` does them, and the words of the draw log;
- what a blocklist pattern and its reason must be.

The number formats themselves (GA 36, the local composition rules) are ``plates.formats``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from collections.abc import Iterator

from cheguan.cases.models import Case, CaseStatus
from cheguan.core.actor import Actor
from cheguan.core.errors import Bi, DomainError
from cheguan.plates import errors, formats
from cheguan.plates.models import PlateType
from cheguan.registry.models import EnergyType, Vehicle

# --- which cases, which plate ----------------------------------------------------------------

# The catalogue services whose cases get a new number (MVR Art 18, 19, 26; DOMAIN.md §2.1).
PLATE_SERVICES = frozenset({"new_registration", "transfer", "transfer_in", "plate_selection"})
OPEN_STATUSES = frozenset(
    {CaseStatus.DRAFT, CaseStatus.SUBMITTED, CaseStatus.ACCEPTED, CaseStatus.AWAITING_DOCUMENTS}
)
# Vehicle types (code table vehicle_type) that carry the small plate: small and mini
# passenger cars (K3x, K4x), light and mini trucks (H3x, H4x). Trailers (G, B) carry the
# trailer plate; everything else the large plate.
_SMALL_PREFIXES = ("K3", "K4", "H3", "H4")


def plate_type_for(vehicle: Vehicle) -> str:
    """The plate type a vehicle needs (GA 36: a new-energy car gets a green plate)."""
    if vehicle.vehicle_type[:1] in {"G", "B"}:
        return PlateType.TRAILER
    small = vehicle.vehicle_type.startswith(_SMALL_PREFIXES)
    if vehicle.energy_type in EnergyType.new_energy():
        return PlateType.SMALL_NEW_ENERGY if small else PlateType.LARGE_NEW_ENERGY
    return PlateType.SMALL if small else PlateType.LARGE


# The selection service plates owns (docs/adr/0013-owned-services.md) and the label it is
# owned under (Service.owner; registered in apps.py).
SERVICE_CODE = "plate_selection"
OWNER = "plates"
# The services whose case can swap two cars' numbers (号牌号码互换).
SWAP_SERVICES = frozenset({SERVICE_CODE})
# Catalogue services during which the number leaves the vehicle (转让, 注销, 迁出).
LEAVING_SERVICES = frozenset({"transfer", "deregistration", "transfer_out"})


def type_words(plate_type: str) -> Bi:
    """The type's name in both languages; a code that names no type is the caller's input."""
    if plate_type not in PlateType.values:
        raise errors.UNKNOWN_TYPE(field="plate_type")
    return Bi.of(PlateType(plate_type).label)


def plate_case_refusal(case: Case) -> DomainError | None:
    """Why the case cannot choose a number now (it gives none, or it is closed), or None."""
    if case.service.code not in PLATE_SERVICES:
        return errors.NOT_A_PLATE_CASE(
            field="case", service=Bi(case.service.name_zh, case.service.name_en)
        )
    if case.status not in OPEN_STATUSES:
        return errors.CASE_CLOSED(field="case", status=Bi.of(CaseStatus(case.status).label))
    return None


def require_plate_case(case: Case) -> None:
    refusal = plate_case_refusal(case)
    if refusal is not None:
        raise refusal


def is_online_self_service(actor: Actor) -> bool:
    """A citizen acting alone, online — the only channel a selection ban closes."""
    return (
        actor.user is not None
        and actor.assisted_session_id is None
        and actor.user.person_id is not None
        and actor.citizen is not None
    )


# --- dates and words -------------------------------------------------------------------------


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` later (or earlier); 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def vehicle_words(vehicle: Vehicle) -> str:
    """How messages name a vehicle: its plate, or its VIN when it has none."""
    return formats.display(vehicle.plate_number) if vehicle.plate_number else vehicle.vin


# --- the draw: seeds and slots (ADR 0007, 0014) ------------------------------------------------

# - The day's secret: 32 bytes from :mod:`secrets`, stored as lowercase hex.
# - Its commitment: SHA-256 of the secret's 32 bytes, lowercase hex — public before the
#   day's first draw.
# - A draw's identity: the UTF-8 bytes of ``cheguan-draw-v1`` LF office code LF day
#   (YYYY-MM-DD, office-local) LF draw id (decimal) — no trailing LF.
# - A draw's seed: HMAC-SHA256, key = the secret's 32 bytes, message = the identity.
# - The draw's slots (ADR 0007): SHA-256(seed ‖ i as 8 bytes big-endian), read as a
#   big-endian 256-bit integer, modulo the pool size, plus one; i = 0, 1, 2, …
IDENTITY_VERSION = "cheguan-draw-v1"


def new_secret() -> bytes:
    return secrets.token_bytes(32)


def commitment_of(secret: bytes) -> str:
    return hashlib.sha256(secret).hexdigest()


def draw_identity(office_code: str, day: dt.date, draw_id: int) -> bytes:
    return "\n".join([IDENTITY_VERSION, office_code, day.isoformat(), str(draw_id)]).encode()


def draw_seed(secret: bytes, identity: bytes) -> bytes:
    return hmac.new(secret, identity, hashlib.sha256).digest()


def slot_stream(seed: bytes, size: int) -> Iterator[int]:
    """The draw's slots: SHA-256(seed ‖ i) read as a 256-bit integer, modulo ``size``, plus
    one. The modulo bias is below size / 2**256: nil."""
    i = 0
    while True:
        digest = hashlib.sha256(seed + i.to_bytes(8, "big")).digest()
        yield 1 + int.from_bytes(digest, "big") % size
        i += 1


# Candidate outcomes, as written in Draw.candidates.
OFFERED = "offered"  # free (or its offer or hold had expired): offered to this draw
TAKEN = "taken"  # offered, held, assigned, retained or retired at the time
BUSY = "busy"  # free but being claimed by a concurrent draw (row locked): skipped
REPEAT = "repeat"  # a slot this draw had already tried
# A draw stops after this many candidates per number wanted, offering what it found.
MAX_CANDIDATES_PER_NUMBER = 20


# --- the blocklist -------------------------------------------------------------------------

MAX_PATTERN_LENGTH = 60  # BlockedPattern.pattern's column
MIN_REASON_LENGTH = 2
MAX_REASON_LENGTH = 120


def validate_pattern(pattern: object) -> str:
    """The pattern, stripped, or ``plates.bad_pattern`` saying what is wrong with it."""
    if not isinstance(pattern, str) or not pattern.strip():
        raise errors.BAD_PATTERN(field="pattern", reason=Bi("没有填写。", "it is empty."))
    pattern = pattern.strip()
    if not pattern.isprintable():
        raise errors.BAD_PATTERN(
            field="pattern",
            reason=Bi("含有控制字符。", "it contains a control character."),
        )
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise errors.BAD_PATTERN(
            field="pattern",
            reason=Bi(f"有{len(pattern)}个字符。", f"it has {len(pattern)} characters."),
        )
    try:
        regex = re.compile(pattern)
    except (re.error, RecursionError, OverflowError) as e:
        detail = getattr(e, "msg", "") or type(e).__name__
        raise errors.BAD_PATTERN(
            field="pattern",
            reason=Bi(
                f"不是有效的正则表达式（{detail}）。", f"it is not a valid expression ({detail})."
            ),
        ) from None
    if regex.search("") is not None:
        raise errors.BAD_PATTERN(
            field="pattern",
            reason=Bi(
                "它能匹配空序号，因而会禁用所有号码。",
                "it matches an empty serial, so it would block every number.",
            ),
        )
    return pattern


def pattern_reason(reason: object) -> str:
    text = reason.strip() if isinstance(reason, str) else ""
    if not MIN_REASON_LENGTH <= len(text) <= MAX_REASON_LENGTH or not text.isprintable():
        raise errors.PATTERN_REASON_REQUIRED(field="reason")
    return text
