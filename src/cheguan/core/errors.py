"""The one domain error type.

Every error a person can cause has a stable code (``"registry.invalid_vin"``), a message in
Chinese and in English that says what was expected, and optionally the field it concerns.
Services raise :class:`DomainError`; the API maps it to JSON with a 4xx status
(``cheguan.api``) and pages show it as the error page or beside the field
(``cheguan.core.pages``).

Codes are declared once, as :class:`ErrorCode` constants in the app that owns them, so
tests can reuse the constant instead of retyping the string.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.utils.translation import get_language


class Bi(NamedTuple):
    """A text in both languages, for a message parameter that is itself words."""

    zh: str
    en: str

    @classmethod
    def of(cls, text) -> Bi:
        """Both renderings of a (lazy) translated text, whatever language is active."""
        from django.utils import translation

        with translation.override("zh-hans"):
            zh = str(text)
        with translation.override("en"):
            en = str(text)
        return cls(zh, en)


@dataclass(frozen=True)
class ErrorCode:
    code: str
    zh: str
    en: str
    status: int = 400

    def __call__(self, *, field: str | None = None, **params: Any) -> DomainError:
        """Build the error, formatting ``{name}`` placeholders in both messages."""
        return DomainError(self, field=field, params=params)


@dataclass(eq=False)
class DomainError(Exception):
    error: ErrorCode
    field: str | None = None
    params: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def code(self) -> str:
        return self.error.code

    @property
    def status(self) -> int:
        return self.error.status

    def message_in(self, language: str) -> str:
        english = language.startswith("en")
        template = self.error.en if english else self.error.zh
        if not self.params:
            return template
        values = {
            k: ((v.en if english else v.zh) if isinstance(v, Bi) else v)
            for k, v in self.params.items()
        }
        return template.format(**values)

    @property
    def message(self) -> str:
        return self.message_in(get_language() or "zh-hans")

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "field": self.field}

    def __str__(self) -> str:  # never personal data: codes and params are ours
        return f"{self.code}: {self.message_in('en')}"


class ValidationErrors(Exception):
    """Several domain errors at once (an import file, a form with many bad fields)."""

    def __init__(self, errors: list[DomainError]):
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


# Errors that belong to no single app.
NOT_FOUND = ErrorCode(
    "core.not_found", "未找到该记录，或您无权查看。", "Not found, or not yours to see.", 404
)
PERMISSION_DENIED = ErrorCode(
    "core.permission_denied", "您的角色无权进行此操作。", "Your role may not do this.", 403
)
NOT_AUTHENTICATED = ErrorCode("core.not_authenticated", "请先登录。", "Please log in first.", 401)
INVALID_INPUT = ErrorCode(
    "core.invalid_input",
    "输入不符合要求：{detail}",
    "The input is not in the expected form: {detail}",
    422,
)
