"""Commit-reveal draw seeds (ADR 0014), byte for byte as ``plates/draw-check.js`` does them.

- The day's secret: 32 bytes from :mod:`secrets`, stored as lowercase hex.
- Its commitment: SHA-256 of the secret's 32 bytes, lowercase hex — public before the
  day's first draw.
- A draw's identity: the UTF-8 bytes of ``cheguan-draw-v1`` LF office code LF day
  (YYYY-MM-DD, office-local) LF draw id (decimal) — no trailing LF.
- A draw's seed: HMAC-SHA256, key = the secret's 32 bytes, message = the identity.
- The draw's slots (ADR 0007): SHA-256(seed ‖ i as 8 bytes big-endian), read as a
  big-endian 256-bit integer, modulo the pool size, plus one; i = 0, 1, 2, …
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

IDENTITY_VERSION = "cheguan-draw-v1"


def new_secret() -> bytes:
    return secrets.token_bytes(32)


def commitment_of(secret: bytes) -> str:
    return hashlib.sha256(secret).hexdigest()


def draw_identity(office_code: str, day: dt.date, draw_id: int) -> bytes:
    return "\n".join([IDENTITY_VERSION, office_code, day.isoformat(), str(draw_id)]).encode()


def draw_seed(secret: bytes, identity: bytes) -> bytes:
    return hmac.new(secret, identity, hashlib.sha256).digest()
