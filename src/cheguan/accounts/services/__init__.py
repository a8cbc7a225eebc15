"""Account use cases: assisted sessions (acting for a citizen: opening, consent, ending),
passwords and API tokens.

from cheguan.accounts import services
services.open_assisted_session(actor=…, id_number=…, consent_method=…)
"""

from cheguan.accounts.services.consent import (
    CODE_EXPIRED,
    CODE_REQUIRED,
    CODE_WRONG,
    NOT_PENDING,
    agree_on_screen,
    confirm_assisted_session,
    pending_assisted_session,
    screen_consent_pending,
)
from cheguan.accounts.services.ending import (
    NO_ASSISTED_SESSION,
    current_assisted_session,
    end_assisted_session,
    end_organisation_sessions,
    expire_idle_assisted_sessions,
)
from cheguan.accounts.services.opening import (
    CITIZEN_NOT_FOUND,
    CONSENT_REQUIRED,
    ID_NUMBER_REQUIRED,
    NO_PHONE_ON_RECORD,
    SESSION_OPEN_FOR_ANOTHER,
    WITNESS_REFUSED,
    WITNESS_REQUIRED,
    consent_methods_for,
    open_assisted_session,
)
from cheguan.accounts.services.passwords import change_password
from cheguan.accounts.services.tokens import (
    TOKEN_NAME_REQUIRED,
    create_api_token,
    revoke_api_token,
    revoke_organisation_tokens,
    user_for_token,
)

__all__ = [
    "CITIZEN_NOT_FOUND",
    "CODE_EXPIRED",
    "CODE_REQUIRED",
    "CODE_WRONG",
    "CONSENT_REQUIRED",
    "ID_NUMBER_REQUIRED",
    "NOT_PENDING",
    "NO_ASSISTED_SESSION",
    "NO_PHONE_ON_RECORD",
    "SESSION_OPEN_FOR_ANOTHER",
    "TOKEN_NAME_REQUIRED",
    "WITNESS_REFUSED",
    "WITNESS_REQUIRED",
    "agree_on_screen",
    "change_password",
    "confirm_assisted_session",
    "consent_methods_for",
    "create_api_token",
    "current_assisted_session",
    "end_assisted_session",
    "end_organisation_sessions",
    "expire_idle_assisted_sessions",
    "open_assisted_session",
    "pending_assisted_session",
    "revoke_api_token",
    "revoke_organisation_tokens",
    "screen_consent_pending",
    "user_for_token",
]
