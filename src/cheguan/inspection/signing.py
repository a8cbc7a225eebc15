"""The QR code of an electronic mark: a URL carrying the serial, the validity, the plate
and an HMAC-SHA256 signature over them, keyed from ``SECRET_KEY`` (``salted_hmac``).

The signature lets a scanner tell an altered code at once; the verify page still looks the
serial up, so a revoked mark shows as revoked (DOMAIN.md §1.6: the QR is a reference
checked against the server, not self-contained truth).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

from cheguan.core import clock
from cheguan.inspection.models import InspectionMark

SALT = "cheguan.inspection.mark"


def canonical(serial: str, valid_until: str, plate: str) -> str:
    return "\n".join(["v1", serial, valid_until, plate])


def sign(serial: str, valid_until: str, plate: str) -> str:
    return salted_hmac(SALT, canonical(serial, valid_until, plate), algorithm="sha256").hexdigest()


def verify_query(mark: InspectionMark) -> str:
    valid = mark.valid_until.isoformat()
    return urlencode(
        {
            "s": mark.serial,
            "v": valid,
            "p": mark.plate_number,
            "sig": sign(mark.serial, valid, mark.plate_number),
        }
    )


def verify_url(mark: InspectionMark, base_url: str = "") -> str:
    base = (base_url or getattr(settings, "CHEGUAN_PUBLIC_URL", "") or "").rstrip("/")
    return f"{base}/inspection/verify/?{verify_query(mark)}"


@dataclass(frozen=True)
class Verdict:
    """What the public verify page (and ``GET /api/inspection/verify``) says.

    ``status``: valid / expired / revoked; forged (a QR code altered or not signed by the
    office) or unknown (a typed serial the office never issued). The plate is shown in full:
    it is on the car the officer is looking at, and matching the two is the point."""

    status: str
    plate: str = ""
    valid_until: dt.date | None = None
    serial: str = ""


MAX_FIELD = 64


def _verdict_of(mark: InspectionMark) -> Verdict:
    shown = Verdict("valid", mark.plate_number, mark.valid_until, mark.serial)
    if mark.revoked_at is not None:
        return Verdict("revoked", shown.plate, shown.valid_until, shown.serial)
    if mark.valid_until < clock.today():
        return Verdict("expired", shown.plate, shown.valid_until, shown.serial)
    return shown


def check(*, serial: str, valid_until: str, plate: str, sig: str) -> Verdict:
    """What the public verify page says about a scanned code."""
    serial, valid_until, plate, sig = (str(x or "") for x in (serial, valid_until, plate, sig))
    if max(len(serial), len(valid_until), len(plate), len(sig)) > MAX_FIELD:
        return Verdict("forged")
    expected = sign(serial, valid_until, plate)
    if not sig or not constant_time_compare(expected, sig):
        return Verdict("forged")
    mark = InspectionMark.objects.filter(serial=serial).first()
    if mark is None or mark.valid_until.isoformat() != valid_until or mark.plate_number != plate:
        return Verdict("forged")
    return _verdict_of(mark)


def normalise_serial(typed: str) -> str:
    """A serial as people type it: spaces and dashes dropped, letters in capitals."""
    return "".join(ch for ch in str(typed or "")[:MAX_FIELD] if ch.isalnum()).upper()


def check_serial(typed: str) -> Verdict:
    """A serial typed in when the QR code cannot be scanned: unknown unless the office
    issued it."""
    serial = normalise_serial(typed)
    mark = InspectionMark.objects.filter(serial=serial).first() if serial else None
    if mark is None:
        return Verdict("unknown", serial=serial[:24])
    return _verdict_of(mark)
