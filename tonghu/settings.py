"""Django settings for tonghu.

Everything deploy-specific comes from environment variables (see docs/configuration.md):

- ``DATABASE_URL``: unset -> embedded SQLite (WAL) in ``TONGHU_DATA_DIR``; ``postgres://…`` -> PostgreSQL (psycopg 3).
- ``SECRET_KEY``: unset -> a random key generated once and kept in ``TONGHU_DATA_DIR/secret_key``.
- ``TONGHU_*``: the application's own knobs, each documented beside its use below.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


# Where the embedded database, uploaded files and the generated secret key live.
DATA_DIR = Path(os.environ.get("TONGHU_DATA_DIR", Path.cwd() / "var")).resolve()

# Files and directories this process creates (the SQLite database and its WAL, uploads, exports, keys) are readable
# by its own account only: 0600/0700 (issue 10 §12). TONGHU_UMASK overrides (octal), e.g. 027 for a backup group.
os.umask(int(os.environ.get("TONGHU_UMASK", "077"), 8))
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
if DATA_DIR.is_dir() and DATA_DIR.stat().st_uid == os.getuid():
    DATA_DIR.chmod(0o700)  # made before this umask (an older install): close it too


def _secret_key() -> str:
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()



def _key_material(env: str, filename: str, count: int = 1) -> list[bytes]:
    """Keys that must not live in the database: from the environment variable ``env`` (comma-separated base64
    of 32 random bytes each; production), else generated once into ``TONGHU_DATA_DIR/filename`` (0600; the demo and
    tests). ``python -c "import secrets,base64;print(base64.b64encode(secrets.token_bytes(32)).decode())"`` makes one."""
    import base64

    raw = os.environ.get(env, "").strip()
    if not raw:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path = DATA_DIR / filename
        if not path.exists():
            # written whole, then linked into place: processes starting together all read the one that won
            tmp = DATA_DIR / f".{filename}.{os.getpid()}"
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(",".join(base64.b64encode(secrets.token_bytes(32)).decode() for _ in range(count)))
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass
            finally:
                tmp.unlink()
        raw = path.read_text().strip()
    keys = [base64.b64decode(k.strip()) for k in raw.split(",") if k.strip()]
    for key in keys:
        if len(key) != 32:
            from django.core.exceptions import ImproperlyConfigured

            raise ImproperlyConfigured(f"{env}：每把密钥应为 base64 编码的 32 字节，这里有一把是 {len(key)} 字节。")
    return keys


# Field encryption (tonghu.core.crypto): the first key encrypts, all of them decrypt (rotation: docs/configuration.md).
TONGHU_FIELD_KEYS = _key_material("TONGHU_FIELD_KEYS", "field_keys")
# The blind index of ID numbers (HMAC-SHA256): exact look-up without decrypting.
TONGHU_INDEX_KEY = _key_material("TONGHU_INDEX_KEY", "index_key")[0]
# The audit chain's HMAC key and the signature of its checkpoints (tonghu.audit).
TONGHU_AUDIT_KEY = _key_material("TONGHU_AUDIT_KEY", "audit_key")[0]
# Where ``tonghu audit-checkpoint`` appends signed checkpoints; keep it (or a copy) off the database server.
TONGHU_AUDIT_CHECKPOINT_DIR = Path(os.environ.get("TONGHU_AUDIT_CHECKPOINT_DIR", DATA_DIR / "audit-checkpoints"))
DEBUG = env_bool("TONGHU_DEBUG", False)
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("TONGHU_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("TONGHU_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]
if env_bool("TONGHU_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

INSTALLED_APPS = [
    # tonghu apps first so their templates and translations take precedence.
    "tonghu.core",
    "tonghu.accounts",
    "tonghu.audit",
    "tonghu.registry",
    "tonghu.policy",
    "tonghu.visits",
    "tonghu.cases",
    "tonghu.discovery",
    "tonghu.exchange",
    "tonghu.workforce",
    "tonghu.supervision",
    "tonghu.api",
    "tonghu.sync",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tonghu.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "tonghu.accounts.two_factor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tonghu.core.middleware.RequestContextMiddleware",
    # a 404 on an object URL for a logged-in user is audited, rate-limited (issue 10 §11)
    "tonghu.audit.middleware.RefusalAuditMiddleware",
    # AxesMiddleware must be last: it turns lockouts into a friendly page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tonghu.urls"
WSGI_APPLICATION = "tonghu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "tonghu.core.context_processors.shell",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=env_int("TONGHU_DB_CONN_MAX_AGE", 60))}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("TONGHU_SQLITE_PATH", str(DATA_DIR / "tonghu.sqlite3")),
            "OPTIONS": {
                # IMMEDIATE transactions take the write lock up front, so two processes never deadlock on an
                # upgrade; WAL lets readers go on while one writer works (see docs/decisions/0002-sqlite-wal.md).
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            },
            "TEST": {"NAME": os.environ.get("TONGHU_SQLITE_TEST_PATH") or None},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Users, login, sessions -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "tonghu.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": env_int("TONGHU_PASSWORD_MIN_LENGTH", 10)}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "tonghu.accounts.validators.MixedCharacterValidator"},
    {"NAME": "tonghu.accounts.validators.DistinctCharactersValidator", "OPTIONS": {"min_distinct": env_int("TONGHU_PASSWORD_MIN_DISTINCT", 6)}},
    {"NAME": "tonghu.accounts.validators.DemoPasswordValidator"},
]
# Demo mode (set by `tonghu demo` for the processes it starts): the published demo password is accepted and the
# privileged demo accounts need no second factor. Never set it on a production server.
TONGHU_DEMO_MODE = env_bool("TONGHU_DEMO_MODE", False)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# A ledger import refuses a sheet of more rows than this (headers included) before reading its cells (issue 10,
# item 7): memory grows with the rows, and a county's ledger has ~10 000.
IMPORT_MAX_ROWS = env_int("TONGHU_IMPORT_MAX_ROWS", 200_000)
# the most rows one download of a list may hold (the view kit's ?export=); beyond it the user narrows the filter
EXPORT_MAX_ROWS = env_int("TONGHU_EXPORT_MAX_ROWS", 50_000)

# Sessions end after TONGHU_SESSION_IDLE_MINUTES without a request (every request renews the cookie).
SESSION_IDLE_MINUTES = env_int("TONGHU_SESSION_IDLE_MINUTES", 30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Two-factor login (TOTP + recovery codes) for the system administrator, county manager, auditor and province staff
# (issue 10 §10). Off only in demo mode; TONGHU_2FA_REQUIRED=0 switches it off (tests do, except its own).
TONGHU_2FA_REQUIRED = env_bool("TONGHU_2FA_REQUIRED", True)
# the offline app wipes its copy on a phone that has not synced for this many days (docs/offline.md)
OFFLINE_WIPE_DAYS = env_int("TONGHU_OFFLINE_WIPE_DAYS", 14)
OTP_TOTP_ISSUER = "tonghu"
# API tokens expire this many hours after issue, and after the same idle time as a session (issue 10 §9).
TONGHU_TOKEN_HOURS = env_int("TONGHU_TOKEN_HOURS", 8)

# django-axes: lock a username+address pair after repeated failures.
AXES_FAILURE_LIMIT = env_int("TONGHU_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("TONGHU_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# --- Language and time --------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
# Every form's fields get their Bootstrap class (tonghu.core.forms.StyledBoundField).
FORM_RENDERER = "tonghu.core.forms.FormRenderer"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LANGUAGE_COOKIE_NAME = "tonghu_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = os.environ.get("TONGHU_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["tonghu.formats"]

# --- Static and uploaded files ------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("TONGHU_STATIC_ROOT", DATA_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
# Serve from the installed packages directly (xstatic, sidecar, the repo): nothing is ever fetched from a CDN.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = Path(os.environ.get("TONGHU_MEDIA_ROOT", DATA_DIR / "media"))
MEDIA_URL = "/media/"  # never served publicly: attachments go through permission-checked views
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Web server (`tonghu serve`, docs/decisions/0006-gthread-workers.md) ------------------------------------
# gunicorn processes (0 = one per CPU core, at least 2) and threads in each (gthread worker; 1 = sync worker).
WEB_WORKERS = env_int("TONGHU_WEB_WORKERS", 0)
WEB_THREADS = env_int("TONGHU_WEB_THREADS", 8)
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# --- Background jobs ----------------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TONGHU_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# --- API ----------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that a refused token answers 401 with WWW-Authenticate.
        "tonghu.accounts.tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Deny by default: a view must name the capability it needs (tonghu.core.capabilities).
    "DEFAULT_PERMISSION_CLASSES": ["tonghu.api.permissions.HasCapability"],
    "DEFAULT_FILTER_BACKENDS": ["tonghu.api.filters.FilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "tonghu.api.schema.TonghuAutoSchema",
    "DEFAULT_THROTTLE_RATES": {"anon": "60/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "童护 tonghu API",
    "DESCRIPTION": "Care services for rural left-behind children and children in difficulty. Every endpoint is "
    "scoped to the caller's region and role; see docs/permissions.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
}

# --- Security headers ---------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# --- Logging ------------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("TONGHU_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"},
                # The console channel's "notify …" lines; `tonghu demo` sets WARNING so they do not bury the accounts.
                "tonghu.notify": {"level": os.environ.get("TONGHU_NOTIFY_LOG_LEVEL", "INFO")}},
}

# --- tonghu's own knobs -------------------------------------------------------------------------------
TONGHU = {
    # Printed on exports and PDFs beside the user and time.
    "SITE_NAME": os.environ.get("TONGHU_SITE_NAME", "童护"),
    # Notifications go through these channels (dotted paths); see docs/configuration.md.
    "NOTIFY_CHANNELS": [c for c in os.environ.get("TONGHU_NOTIFY_CHANNELS", "tonghu.core.notify.ConsoleChannel,tonghu.core.notify.EmailChannel").split(",") if c],
    # After a commit that changed more children's facts than this (an import), their classification and visit
    # schedules are recomputed by a background job instead of at once (tonghu.core.events).
    "FACTS_INLINE_MAX": env_int("TONGHU_FACTS_INLINE_MAX", 200),
    # Discovery (docs/discovery.md): a roster person is "is child X" at or above MATCH, "possibly child X" at or
    # above REVIEW, else "not registered"; ENGINE duckdb (embedded) or spark; raw roster rows are purged
    # RETENTION_DAYS after upload unless the uploader sets an earlier date.
    "DISCOVERY_MATCH": float(os.environ.get("TONGHU_DISCOVERY_MATCH", "0.95")),
    "DISCOVERY_REVIEW": float(os.environ.get("TONGHU_DISCOVERY_REVIEW", "0.5")),
    "DISCOVERY_ENGINE": os.environ.get("TONGHU_DISCOVERY_ENGINE", "duckdb"),
    "DISCOVERY_RETENTION_DAYS": env_int("TONGHU_DISCOVERY_RETENTION_DAYS", 180),
}
EMAIL_BACKEND = os.environ.get("TONGHU_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

# Bootstrap comes from the XStatic-Bootstrap package (installed by pip), served under /static/bootstrap/.
import xstatic.pkg.bootstrap as _xs_bootstrap  # noqa: E402

STATICFILES_DIRS.append(("bootstrap", _xs_bootstrap.BASE_DIR))
# Django 5.1+: every view needs a login unless marked @login_not_required (deny by default).
MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1, "tonghu.core.middleware.LoginRequiredMiddleware")
