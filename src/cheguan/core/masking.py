"""Masking of personal data (脱敏), DOMAIN.md §8.1.

Default everywhere: ID numbers keep the first 6 and last 4 characters
(``330203********1234``), phones keep 3 + 4 (``138****5678``), names keep the family
name (``张*`` / ``张*明``). Seeing a full value is a permission and is audited
(``registry.services.reveal_person``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from cheguan.core.errors import ErrorCode


def mask_id_number(value: str | None) -> str:
    if not value:
        return ""
    if len(value) <= 6:
        return "*" * len(value)
    if len(value) < 12:
        return value[:2] + "*" * (len(value) - 4) + value[-2:]
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    digits = value.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_name(value: str | None) -> str:
    if not value:
        return ""
    if len(value) == 1:
        return value
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]


PERSONAL_KEYS = {
    "id_number": mask_id_number,
    "phone": mask_phone,
    "name": mask_name,
    "address": lambda v: (v[:6] + "…") if v else "",
}


def mask_mapping(data: Any) -> Any:
    """Return a copy of ``data`` with personal fields masked (recursively)."""
    if isinstance(data, dict):
        return {
            k: (
                PERSONAL_KEYS[k](v)
                if k in PERSONAL_KEYS and isinstance(v, str)
                else mask_mapping(v)
            )
            for k, v in data.items()
        }
    if isinstance(data, list | tuple):
        return [mask_mapping(v) for v in data]
    return data


# 18-character resident ID numbers, mainland mobile numbers (also after +86 or 86) and
# landline numbers with their area code (0574-88851234), as they may slip into text. Only
# whole words: digits inside a longer run of letters and digits (a hash, a token, the
# audit anchor lines) are left alone.
_ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[0-9Xx])(?![0-9A-Za-z])")
_PHONE_RE = re.compile(r"(?<![0-9A-Za-z])((?:\+?86)?1[3-9]\d)(\d{4})(\d{4})(?![0-9A-Za-z])")
_LANDLINE_RE = re.compile(r"(?<![0-9A-Za-z-])(0\d{2,3}-?)(\d{3,4})(\d{4})(?![0-9A-Za-z-])")


def scrub_text(text: str) -> str:
    text = _ID_RE.sub(lambda m: m.group(1) + "********" + m.group(3)[-4:], text)
    text = _PHONE_RE.sub(lambda m: m.group(1) + "****" + m.group(3), text)
    return _LANDLINE_RE.sub(lambda m: m.group(1) + "*" * len(m.group(2)) + m.group(3), text)


class MaskPersonalDataFilter(logging.Filter):
    """Logging filter: no ID number or phone number reaches a log line."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string is not ours to fix here
            return True
        scrubbed = scrub_text(message)
        if scrubbed != message:
            record.msg, record.args = scrubbed, None
        return True


# --- personal data stays out of URLs ----------------------------------------------------
# A URL ends up in access logs, browser history, proxies and Referer headers: searches by
# ID number, phone or name are POSTs. A request that still puts one in the query string
# is refused rather than answered, so no client comes to rely on it.
PERSONAL_DATA_IN_URL = ErrorCode(
    "core.personal_data_in_url",
    "身份证号码、电话号码和姓名不能放在网址里；请在表单或请求正文（POST）中提交查询。",
    "ID numbers, phone numbers and names are not accepted in the address (URL); send the "
    "search in the form or in the request body (POST).",
)


def refuse_personal_query(query: Mapping[str, Any], *names: str) -> None:
    """Raise :data:`PERSONAL_DATA_IN_URL` if any of ``names`` is in the query string."""
    for name in names:
        if query.get(name):
            raise PERSONAL_DATA_IN_URL(field=name)
