"""Cheguan settings: one file, read from the environment (12-factor).

Every setting that differs between a laptop and production comes from an environment
variable. Debugging is OFF unless ``CHEGUAN_DEBUG`` turns it on (``make run`` and the tests
do); with it off, ``cheguan.core.checks`` refuses to start on the development secret key, a
weak one, or an empty ``ALLOWED_HOSTS``. The other defaults are the development ones
(SQLite under ``var/``).
"""

import json
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = Path(os.environ.get("CHEGUAN_HOME", BASE_DIR.parent.parent))
VAR_DIR = Path(os.environ.get("CHEGUAN_VAR", PROJECT_DIR / "var"))


def _flag(name: str) -> bool:
    """An on/off environment variable: ``1``, ``true``, ``yes``, ``on`` mean on; unset is off."""
    return os.environ.get(name, "0").lower() in {"1", "true", "yes", "on"}


DEV_SECRET_KEY = "cheguan-development-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = os.environ.get("CHEGUAN_SECRET_KEY", DEV_SECRET_KEY)
DEBUG = _flag("CHEGUAN_DEBUG")
ALLOWED_HOSTS = [h for h in os.environ.get("CHEGUAN_ALLOWED_HOSTS", "").split(",") if h]
if DEBUG and not ALLOWED_HOSTS:
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("CHEGUAN_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "ninja",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "django_ratelimit",
    # shared apps (imported by domain apps, never the other way round)
    "cheguan.core",
    "cheguan.accounts",
    "cheguan.registry",
    "cheguan.audit",
    "cheguan.workdays",
    "cheguan.alerts",
    "cheguan.cases",
    "cheguan.inspection",
    "cheguan.plates",
    "cheguan.web",
    "cheguan.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the database: marks the public read-only requests that may read
    # from a replica (a no-op without CHEGUAN_REPLICA_URLS).
    "cheguan.core.replicas.ReplicaMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Before anything reads the session, the user or the database (everything above is lazy):
    # refuses control characters and unusable bodies; gives /api/ errors the JSON shape.
    "cheguan.core.input_guard.InputGuardMiddleware",
    # Reads the user (session and user: two queries), so after the guard.
    "cheguan.core.rate_limits.ApiRateLimitMiddleware",
    "cheguan.accounts.session_limits.SessionLimitMiddleware",
    "cheguan.accounts.middleware.PartnerStandingMiddleware",
    "cheguan.accounts.middleware.AssistedSessionMiddleware",
    "cheguan.web.middleware.ElderModeMiddleware",
    "cheguan.core.idempotency.IdempotencyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cheguan.urls"
WSGI_APPLICATION = "cheguan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "cheguan.web.context_processors.cheguan",
            ],
        },
    }
]

# --- database -------------------------------------------------------------------------
# SQLite (WAL) under var/ by default; PostgreSQL when DATABASE_URL is set.
_sqlite_path = VAR_DIR / "cheguan.sqlite3"
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL", default=f"sqlite:///{_sqlite_path}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Behind PgBouncer in transaction mode a cursor cannot outlive its transaction:
    # .iterator() then reads in chunks without server-side cursors (docs/scale.md).
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = _flag("CHEGUAN_PGBOUNCER")

# Streaming replicas of the PostgreSQL primary (comma-separated URLs): the public read-only
# paths below read from one (cheguan.core.replicas; docs/scale.md). A client that wrote is
# pinned to the primary for a few seconds (read-your-writes); a replica that does not answer
# is skipped, with a log line, and tried again later.
CHEGUAN_REPLICA_URLS = [
    u.strip() for u in os.environ.get("CHEGUAN_REPLICA_URLS", "").split(",") if u.strip()
]
for _i, _url in enumerate(CHEGUAN_REPLICA_URLS):
    _replica = dj_database_url.parse(_url, conn_max_age=60)
    _replica["CONN_HEALTH_CHECKS"] = True
    _replica.setdefault("OPTIONS", {})["connect_timeout"] = 2
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica_{_i}"] = _replica
DATABASE_ROUTERS = ["cheguan.core.replicas.ReplicaRouter"] if CHEGUAN_REPLICA_URLS else []
CHEGUAN_REPLICA_PATHS = [
    p.strip()
    for p in os.environ.get(
        "CHEGUAN_REPLICA_PATHS",
        r"^/inspection/verify/$,^/api/inspection/verify$,^/plates/draws/$,^/api/plates/draws$,"
        r"^/cases/figures/$,^/cases/figures\.csv$,^/api/cases/figures$",
    ).split(",")
    if p.strip()
]
CHEGUAN_REPLICA_PIN_SECONDS = int(os.environ.get("CHEGUAN_REPLICA_PIN_SECONDS", "5"))
CHEGUAN_REPLICA_RETRY_SECONDS = int(os.environ.get("CHEGUAN_REPLICA_RETRY_SECONDS", "30"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- accounts -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "cheguan.accounts.backends.AccountBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"
AXES_FAILURE_LIMIT = int(os.environ.get("CHEGUAN_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Assisted service (帮办) ends after this many idle minutes.
CHEGUAN_ASSISTED_IDLE_MINUTES = 30
# How long a login lasts (cheguan.accounts.session_limits): staff and partner agents are
# logged out a working day after they logged in, however busy; citizens after this long
# without a request.
CHEGUAN_STAFF_SESSION_HOURS = float(os.environ.get("CHEGUAN_STAFF_SESSION_HOURS", "10"))
CHEGUAN_CITIZEN_IDLE_MINUTES = int(os.environ.get("CHEGUAN_CITIZEN_IDLE_MINUTES", "120"))
# How a partner's agent (service point, dealer) proves a citizen's consent to act for them:
# "sms_code" (a code sent to the phone on record, read back) and/or "id_card_read" (the ID
# card read by the counter's reader, the citizen present). Comma-separated.
# How a citizen's consent is taken at the office's desk (accounts.services.opening):
# screen_signed (the citizen agrees on the window's paired screen), witnessed (said aloud
# before a second clerk of the office, who confirms with their own password), signed (the
# paper consent form, kept on file).
CHEGUAN_CLERK_CONSENT_METHODS = [
    m.strip()
    for m in os.environ.get(
        "CHEGUAN_CLERK_CONSENT_METHODS", "screen_signed,witnessed,signed"
    ).split(",")
    if m.strip()
]
CHEGUAN_PARTNER_CONSENT_METHODS = [
    m.strip()
    for m in os.environ.get("CHEGUAN_PARTNER_CONSENT_METHODS", "sms_code,id_card_read").split(",")
    if m.strip()
]

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# --- HTTPS (served behind the reverse proxy, docs/deploy.md §6) ------------------------
# The proxy sends X-Forwarded-Proto; gunicorn trusts it from CHEGUAN_FORWARDED_ALLOW_IPS
# only. HSTS for a year, subdomains included; preloading is the decision of whoever owns
# the registrable domain (it binds every subdomain of it), so it is opt-in.
SECURE_SSL_REDIRECT = not DEBUG
SECURE_HSTS_SECONDS = int(os.environ.get("CHEGUAN_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = _flag("CHEGUAN_HSTS_PRELOAD")

# --- content security policy (django-csp 4) --------------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- i18n -----------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True
LANGUAGE_COOKIE_NAME = "cheguan_language"

# --- static files ---------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- cache and sessions (ADR 0019) -----------------------------------------------------
# With CHEGUAN_REDIS_URL, Redis is the cache every web worker shares (request rates hold
# across workers) and sits in front of the database sessions (cached_db: they survive a
# Redis restart). Without it: each process's memory and database sessions, said at start-up.
CHEGUAN_REDIS_URL = os.environ.get("CHEGUAN_REDIS_URL", "").strip()
if CHEGUAN_REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CHEGUAN_REDIS_URL,
            "KEY_PREFIX": os.environ.get("CHEGUAN_CACHE_PREFIX", "cheguan"),
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "cheguan",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Lifetime of a remembered catalogue entry or calendar day (core.remembered; late without Redis)
CHEGUAN_REMEMBER_SECONDS = int(os.environ.get("CHEGUAN_REMEMBER_SECONDS", "300"))
RATELIMIT_USE_CACHE = "default"
# Behind a reverse proxy, the META key of the header carrying the client's address (e.g.
# HTTP_X_REAL_IP); unset, REMOTE_ADDR (docs/deploy.md).
RATELIMIT_IP_META_KEY = os.environ.get("CHEGUAN_CLIENT_ADDRESS_HEADER") or None
# Rates per account and address for the API and the login form; JSON overrides of
# cheguan.core.rate_limits.DEFAULTS, e.g. {"API_PER_ACCOUNT": "600/m"}.
CHEGUAN_RATE_LIMITS: dict = json.loads(os.environ.get("CHEGUAN_RATE_LIMITS") or "{}")

# --- per-party limits on shared resources ----------------------------------------------
# Open cases, open draws, draws per minute, a partner's share of a number pool: JSON
# overrides of cheguan.core.limits.DEFAULTS (which explains the numbers), e.g.
# {"PLATES_OPEN_DRAWS_PER_PARTNER": 20}. Unknown names or bad values refuse to start.
CHEGUAN_LIMITS: dict = json.loads(os.environ.get("CHEGUAN_LIMITS") or "{}")

# --- background tasks (Django's task API, django-tasks backport) ------------------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get("CHEGUAN_TASK_BACKEND", "django_tasks_db.DatabaseBackend")
    }
}

# --- logging: no personal data in logs (see cheguan.core.masking) ----------------------
# Every line goes through the one masked handler. Django's own defaults give "django"
# (debug-only console) and "django.server" (runserver's access log, query strings and all)
# handlers of their own, without the filter: both are re-pointed here. gunicorn's logs are
# masked in gunicorn.conf.py. The audit anchors' lines have their own logger, always at
# INFO, for the deploy guide to ship off the machine (docs/deploy.md §7).
LOG_LEVEL = os.environ.get("CHEGUAN_LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personal": {"()": "cheguan.core.masking.MaskPersonalDataFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["mask_personal"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        "cheguan.audit.anchor": {"level": "INFO"},
        "cheguan.startup": {"level": "INFO"},
        "cheguan.replicas": {"level": "INFO"},
    },
}

# --- the API --------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50

# Lockout is per user name, not per IP: the hall's kiosks and a service point's desk share
# one address, and locking the address would lock out every citizen behind it.
# models.W040: the figures' covering index (cases.Case) is PostgreSQL's INCLUDE; SQLite
# builds it without the extra columns, which is all the embedded database needs.
# security.W021: HSTS preload is opt-in (CHEGUAN_HSTS_PRELOAD, see "HTTPS" above).
# django_ratelimit.E003 calls local memory unusable because it is not shared between
# processes, and W001 flags every cache but memcached and django-redis as "not officially
# supported" (Django's own local-memory and Redis caches increment atomically, which is all
# the library needs). cheguan.core.rate_limits' own check says instead what the configured
# cache means here (E012: refuses the dummy, file and database caches); that local memory
# counts per web worker is documented (docs/deploy.md) until the cache is Redis.
SILENCED_SYSTEM_CHECKS = [
    "axes.W006",
    "models.W040",
    "security.W021",
    "django_ratelimit.E003",
    "django_ratelimit.W001",
]

# --- audit ----------------------------------------------------------------------------
# Where `cheguan audit anchor` appends its anchor lines (ADR 0010), besides the database
# and the cheguan.audit.anchor log; `cheguan audit verify` checks the anchors against it.
CHEGUAN_AUDIT_ANCHOR_FILE = Path(
    os.environ.get("CHEGUAN_AUDIT_ANCHOR_FILE", VAR_DIR / "audit-anchors.log")
)

# --- cases ----------------------------------------------------------------------------
CHEGUAN_MAX_UPLOAD_MB = 10
CHEGUAN_NOTIFIERS = [
    "cheguan.cases.notifications.CaseMessageNotifier",
    "cheguan.cases.notifications.SmsNotifier",
]
CHEGUAN_SMS_GATEWAY_URL = os.environ.get("CHEGUAN_SMS_GATEWAY_URL", "")
CHEGUAN_SMS_BACKEND = os.environ.get("CHEGUAN_SMS_BACKEND", "cheguan.core.sms.GatewayBackend")
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# --- plates -----------------------------------------------------------------------------
# Local plate-selection rules (draw size, offer and hold times, quotas, composition rules,
# bans). Empty: the defaults of cheguan.plates.conf.DEFAULTS (DOMAIN.md §2.3).
CHEGUAN_PLATES: dict = {}

# --- the office -------------------------------------------------------------------------
# Who runs the service, in the footer of every page: the office's name, address, opening
# hours and hotline, in Chinese and English. A deployment sets its own with CHEGUAN_OFFICE
# (JSON, the same shape; keys left out keep these values). An empty value is not shown; an
# empty name is the office's own (registry.Office) when the platform serves one office.
CHEGUAN_OFFICE: dict = {
    "name": {"zh-hans": "", "en": ""},
    "address": {"zh-hans": "", "en": ""},
    "hours": {
        "zh-hans": "周一至周五 8:30–12:00，13:30–17:00（法定节假日除外）",
        "en": "Monday to Friday 8:30–12:00 and 13:30–17:00, except public holidays",
    },
    "hotline": "12123",
} | json.loads(os.environ.get("CHEGUAN_OFFICE") or "{}")
