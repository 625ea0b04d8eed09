"""Settings, all from the environment (SUNLIT_*), with defaults that run a fresh checkout.

Importing this module only reads: it creates no folder and no file. The data folder, the secret key,
the log's and the witness's keys and the SQLite file are made by `sunlit init`, which `sunlit migrate`
and `sunlit demo` run first (sunlit.server.initialise). Every default is written once, here.
"""

from __future__ import annotations

import ipaddress
import os
import re
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE as CSP_NONE
from csp.constants import SELF as CSP_SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent


def checkout_root() -> Path | None:
    """The repository this package is installed from (`pip install -e .`), or None.

    A checkout is recognised by its layout: this file in `src/sunlit/`, a pyproject.toml two levels up.
    An install into site-packages has neither, and then SUNLIT_DATA_DIR must say where the data goes.
    """
    root = BASE_DIR.parents[1]
    if BASE_DIR.parent.name == "src" and (root / "pyproject.toml").is_file():
        return root
    return None


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _env(name: str) -> str | None:
    """The variable's value, or None when it is unset or blank (a blank line in an env file)."""
    value = os.environ.get(name, "").strip()
    return value or None


def _env_bool(name: str, default: bool) -> bool:
    value = _env(name)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is neither yes nor no: use 1/true/yes/on or 0/false/no/off"
    )


def _env_seconds(name: str, default: float) -> float:
    value = _env(name)
    if value is None:
        return default
    try:
        return float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a number of seconds") from None


def _env_path(name: str) -> Path | None:
    value = _env(name)
    return Path(value).expanduser().resolve() if value else None


def _data_dir() -> Path | None:
    """SUNLIT_DATA_DIR, else data/ in the checkout, wherever a command starts.

    None when neither is known (an install into site-packages): only what needs the folder then
    fails, saying to set SUNLIT_DATA_DIR (sunlit.core.keyfile), and `sunlit verify` runs without it.
    """
    root = checkout_root()
    return _env_path("SUNLIT_DATA_DIR") or (root / "data" if root else None)


DATA_DIR = _data_dir()
# Where a key file would go with no data folder: a relative path, which sunlit.core.keyfile refuses,
# saying that SUNLIT_DATA_DIR is needed. It matters only when the key is not given in the environment.
_NO_DATA_DIR = Path("$SUNLIT_DATA_DIR")


def _data_file(name: str) -> Path:
    return (DATA_DIR or _NO_DATA_DIR) / name


# Django's own check fails lazily on an empty SECRET_KEY (when a session or a token needs it), so
# commands that need no key (`sunlit verify`, `sunlit init` itself) run without one.
SECRET_KEY_FILE = _data_file("secret_key")


def _secret_key() -> str:
    """SUNLIT_SECRET_KEY, else the key file `sunlit init` wrote, else empty."""
    key = _env("SUNLIT_SECRET_KEY")
    if key:
        return key
    try:
        return SECRET_KEY_FILE.read_text(encoding="utf-8").strip() if DATA_DIR else ""
    except FileNotFoundError:
        return ""


SECRET_KEY = _secret_key()
DEBUG = _env_bool("SUNLIT_DEBUG", False)
ALLOWED_HOSTS = [h.strip() for h in (_env("SUNLIT_ALLOWED_HOSTS") or "127.0.0.1,localhost").split(",") if h.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "csp",  # its system checks: the policy below is in django-csp 4's form
    "sunlit.core",
    "sunlit.org",
    "sunlit.catalog",
    "sunlit.flows",
    "sunlit.cases",
    "sunlit.decisions",
    "sunlit.supervision",
    "sunlit.handbook",
    "sunlit.record",
    "sunlit.witness",
    # `serve`, `init` and the `migrate` that runs init first; before any app that could define them too.
    "sunlit.server",
    "sunlit.api",
    "sunlit.portal",
    "sunlit.console",
    "sunlit.demo",
    "huey.contrib.djhuey",  # the task runner: `sunlit run_huey` (settings.HUEY)
]

# The first three answer for every response, static files (WhiteNoise) and refusals (413) included: HTTPS and
# the headers below (SecurityMiddleware), Permissions-Policy and no-store on private pages (SecurityHeaders),
# the Content-Security-Policy (django-csp).
MIDDLEWARE = [
    "sunlit.core.accesslog.AccessLog",  # outermost: every answer is logged, the refusals below included
    "django.middleware.security.SecurityMiddleware",
    "sunlit.core.middleware.SecurityHeaders",
    "csp.middleware.CSPMiddleware",
    "sunlit.core.middleware.RequestSizeLimit",  # before anything reads a body (the CSRF check reads the form)
    "sunlit.core.middleware.ExceptionResponses",  # a busy database → 503; under /api/ every error in JSON
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "sunlit.core.routing.PublicReadsOnReplica",  # knows who asks: anonymous public reads may use a replica
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# Logs: errors with their tracebacks (Django's request and server errors, the task worker, Sunlit's own) to
# stderr and to a rotating file in the data folder (logs/sunlit.log, 10 MB × 5); the access log
# (core.accesslog) to the same places unless SUNLIT_ACCESS_LOG=0 (a route can keep out of it: @no_access_log).
SUNLIT_ACCESS_LOG = _env_bool("SUNLIT_ACCESS_LOG", True)
_LOG_HANDLERS: dict[str, dict[str, Any]] = {
    "stderr": {"class": "logging.StreamHandler", "formatter": "plain"},
}
if DATA_DIR and (DATA_DIR / "logs").is_dir():  # `sunlit init` makes it; reading settings creates nothing
    _LOG_HANDLERS["file"] = {"class": "logging.handlers.RotatingFileHandler", "formatter": "plain",
                             "filename": str(DATA_DIR / "logs" / "sunlit.log"), "maxBytes": 10 * 1024 * 1024,
                             "backupCount": 5, "encoding": "utf-8"}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s"}},
    "handlers": _LOG_HANDLERS,
    "loggers": {
        "django": {"handlers": list(_LOG_HANDLERS), "level": "WARNING", "propagate": False},
        "django.request": {"handlers": list(_LOG_HANDLERS), "level": "ERROR", "propagate": False},
        "sunlit": {"handlers": list(_LOG_HANDLERS), "level": "INFO", "propagate": False},
        "huey": {"handlers": list(_LOG_HANDLERS), "level": "WARNING", "propagate": False},
    },
}

ROOT_URLCONF = "sunlit.urls"
WSGI_APPLICATION = "sunlit.wsgi.application"

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
                "sunlit.console.context_processors.inbox",
            ],
        },
    },
]

# SUNLIT_DATABASE_URL, else the SQLite file in the data folder (which `sunlit init` creates mode 0600 in
# a 0700 folder). With no data folder either, a stand-in backend says so when a query is first made.
_database_url = _env("SUNLIT_DATABASE_URL")
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url)}
elif DATA_DIR:
    # Tests use a file too, not Django's shared-cache memory database: there a second thread (the
    # background sequencer, the live server) meets table locks that no busy timeout waits out.
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(DATA_DIR / "sunlit.sqlite3"),
                             "TEST": {"NAME": str(DATA_DIR / "test.sqlite3")}}}
else:
    DATABASES = {"default": {"ENGINE": "sunlit.server.nodatadir", "NAME": ""}}
# The embedded default: the SQLite file in the data folder, which only this machine reaches. Anything else
# (SUNLIT_DATABASE_URL) may be a county's server, where `sunlit demo` gives its logins random passwords.
SUNLIT_EMBEDDED_DATABASE = not _database_url and DATA_DIR is not None
if DATABASES["default"]["ENGINE"] in {"django.db.backends.sqlite3", "sunlit.server.nodatadir"}:
    # WAL lets the portal read while a clerk writes; IMMEDIATE avoids upgrade deadlocks.
    # Django turns foreign keys on for SQLite itself; the pragma repeats it for clarity.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = int(_env_seconds("SUNLIT_CONN_MAX_AGE", 60))

# SUNLIT_REPLICA_DATABASE_URL: a read replica of the primary; anonymous public reads go there (core.routing).
_replica_url = _env("SUNLIT_REPLICA_DATABASE_URL")
if _replica_url:
    DATABASES["replica"] = {**dj_database_url.parse(_replica_url), "TEST": {"MIRROR": "default"}}
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["replica"]["OPTIONS"] = {"init_command": "PRAGMA query_only=ON;"}
    else:
        DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"].get("CONN_MAX_AGE", 0)
    DATABASE_ROUTERS = ["sunlit.core.routing.PublicReadRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def _tasks(url: str | None) -> dict[str, Any]:
    """The task runner (Huey: background tasks and the once-a-minute e-supervision sweep), from
    SUNLIT_TASKS_URL: `redis://host:port/db` or `postgres://…` in production with several workers, `memory://`
    (tasks run at once, in the caller: tests), else a SQLite file in the data folder, the embedded default."""
    common: dict[str, Any] = {"name": "sunlit", "immediate": False, "utc": True,
                              "consumer": {"workers": 2, "worker_type": "thread"}}
    if not url and DATA_DIR is None:  # an install with no data folder (`sunlit verify`): nothing to queue into
        return {**common, "huey_class": "huey.MemoryHuey", "immediate": True}
    if not url:
        return {**common, "huey_class": "sunlit.core.tasks.LazySqliteHuey",
                "filename": str(_data_file("tasks.sqlite3"))}
    scheme = url.split("://", 1)[0].lower()
    if scheme in {"redis", "rediss"}:
        return {**common, "huey_class": "sunlit.core.tasks.LeaderRedisHuey", "url": url}
    if scheme in {"postgres", "postgresql"}:
        return {**common, "huey_class": "sunlit.core.tasks.LeaderPostgresHuey", "dsn": url}
    if scheme == "memory":
        return {**common, "huey_class": "huey.MemoryHuey", "immediate": True}
    if scheme == "sqlite":
        return {**common, "huey_class": "sunlit.core.tasks.LazySqliteHuey", "filename": url.split("://", 1)[1]}
    raise ImproperlyConfigured(f"SUNLIT_TASKS_URL={url!r}: use redis://, postgres://, sqlite:///PATH or memory://")


HUEY = _tasks(_env("SUNLIT_TASKS_URL"))

# Passwords set through Django's forms (the admin, `createsuperuser`, `changepassword`): at least ten
# characters, not a common password, not all digits, not like the login's own name or e-mail.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "sunlit.core.passwords.MinimumLength", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Django's password check, refused before it runs while the name or the address is locked out after too
# many failures (sunlit.core.lockout; the console, the admin and API tokens alike).
AUTHENTICATION_BACKENDS = ["sunlit.org.backends.LockoutBackend"]


def _trusted_proxies(value: str | None) -> tuple[str, ...]:
    """SUNLIT_TRUSTED_PROXIES: the reverse proxies (addresses or networks, comma-separated) whose
    X-Forwarded-For is believed (sunlit.core.remote). None by default: the client is REMOTE_ADDR."""
    networks = []
    for part in (value or "").split(","):
        if part.strip():
            try:
                networks.append(str(ipaddress.ip_network(part.strip(), strict=False)))
            except ValueError:
                raise ImproperlyConfigured(
                    f"SUNLIT_TRUSTED_PROXIES: {part.strip()!r} is not an address or a network (10.0.0.1, 10.0.0.0/8)"
                ) from None
    return tuple(networks)


SUNLIT_TRUSTED_PROXIES = _trusted_proxies(_env("SUNLIT_TRUSTED_PROXIES"))

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# WhiteNoise serves static files straight from the apps, compressed and cacheable, with no
# collectstatic step: `sunlit serve` works on a fresh checkout. STATIC_ROOT is only where a
# `collectstatic` for another web server would put them (`sunlit init` makes the folder).
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = DATA_DIR / "static" if DATA_DIR else None
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media" if DATA_DIR else None
# 申请材料 (cases.storage): in the data folder, apart from MEDIA_ROOT, and served only through the console's
# download, which checks who asks.
SUNLIT_MATERIALS_DIR = DATA_DIR / "materials" if DATA_DIR else None

# Uploads. A file larger than FILE_UPLOAD_MAX_MEMORY_SIZE streams to a temporary file (mode 0600) instead of
# memory, so fifty megabytes of materials never sit in a worker's memory; DATA_UPLOAD_MAX_MEMORY_SIZE bounds
# the other fields of a form. The materials' own limits (cases.materials: 10 MB a file, 50 MB and 20 files
# a case) refuse by name beside the field. A request far beyond them is refused whole: above
# SUNLIT_MAX_REQUEST_BYTES before its body is read (core.middleware), with more files than
# DATA_UPLOAD_MAX_NUMBER_FILES by Django (400).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.MemoryFileUploadHandler",
                        "django.core.files.uploadhandler.TemporaryFileUploadHandler"]
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FILES = 50
SUNLIT_MAX_REQUEST_BYTES = 60 * 1024 * 1024

LOGIN_URL = "/console/login/"
LOGIN_REDIRECT_URL = "/console/"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
CSRF_FAILURE_VIEW = "sunlit.core.failures.csrf_failure"  # a page in Chinese saying to reload and send again
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# SUNLIT_HTTPS=1: served as https:// behind a proxy that ends TLS and says so in X-Forwarded-Proto (the proxy must
# set that header itself, dropping any a client sent). Cookies go over https only, plain http is redirected, and
# browsers are told to use https for a year, subdomains too. Off, the local demo runs on http://127.0.0.1.
HTTPS = _env_bool("SUNLIT_HTTPS", False)
if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # A host `.county.gov.cn` (the domain and its subdomains) is the origin pattern `https://*.county.gov.cn`.
    CSRF_TRUSTED_ORIGINS = [f"https://*{host}" if host.startswith(".") else f"https://{host}"
                            for host in ALLOWED_HOSTS if host != "*"]
SILENCED_SYSTEM_CHECKS = [
    # security.W021, HSTS preload: entering a domain in the browsers' preload list binds every subdomain to
    # https for good, and is for whoever owns the county's domain to decide and request, not for this setting.
    "security.W021",
]

# Content-Security-Policy (django-csp) on every response: scripts, styles, images, fonts and connections from
# this site only, and no inline script, style attribute or <style> (tests/test_security_headers.py keeps the
# templates so). The flow-chart SVG views set their own (no script at all, the chart's inline styles), which the
# middleware leaves alone.
CONTENT_SECURITY_POLICY: dict[str, Any] = {
    "DIRECTIVES": {
        "default-src": [CSP_SELF],
        "script-src": [CSP_SELF],
        "style-src": [CSP_SELF],
        "img-src": [CSP_SELF],
        "object-src": [CSP_NONE],
        "base-uri": [CSP_NONE],
        "form-action": [CSP_SELF],
        "frame-ancestors": [CSP_NONE],
    },
}
# Browser features no page uses, refused to every page and to anything it embeds (core.middleware.SecurityHeaders).
SUNLIT_PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media", "geolocation", "gyroscope", "hid",
    "idle-detection", "magnetometer", "microphone", "midi", "payment", "publickey-credentials-get",
    "screen-wake-lock", "serial", "usb", "xr-spatial-tracking"))

NINJA_PAGINATION_PER_PAGE = 20

# What can be made again but is slow to make: the printed pages' static font weights (core.fonts).
SUNLIT_CACHE_DIR = _env_path("SUNLIT_CACHE_DIR") or Path(
    _env("XDG_CACHE_HOME") or Path.home() / ".cache") / "sunlit"

# The portal's public address, as residents reach it: printed handbooks and boards link and QR-code their
# pages there (`sunlit handbook`). A server behind a proxy sets it to its https:// name.
SUNLIT_PUBLIC_URL = (_env("SUNLIT_PUBLIC_URL") or "http://127.0.0.1:8000").rstrip("/")
if not re.match(r"https?://[^/\s]+(/\S*)?$", SUNLIT_PUBLIC_URL):
    raise ImproperlyConfigured(f"SUNLIT_PUBLIC_URL must be an http:// or https:// address, not {SUNLIT_PUBLIC_URL!r}")

# 全程记录: the transparency log (docs/tlog.md). The origin names the log in every checkpoint; the signer
# key is SUNLIT_LOG_KEY (a note signer key, PRIVATE+KEY+…) or the key file, which `sunlit init` creates
# (mode 0600, in the data folder, never in the repository). A new checkpoint is signed as soon as the
# sequencer has integrated new leaves, but at most once per SUNLIT_LOG_CHECKPOINT_INTERVAL seconds.
SUNLIT_LOG_ORIGIN = _env("SUNLIT_LOG_ORIGIN") or "sunlit.example/yangguang/log"
SUNLIT_LOG_KEY = _env("SUNLIT_LOG_KEY") or ""
SUNLIT_LOG_KEY_FILE = _env_path("SUNLIT_LOG_KEY_FILE") or _data_file("log-signer.key")
SUNLIT_LOG_CHECKPOINT_INTERVAL = _env_seconds("SUNLIT_LOG_CHECKPOINT_INTERVAL", 1)

# 见证 (docs/tlog.md, Witnessing): this Sunlit's witness cosigns other logs' checkpoints (POST
# /add-checkpoint) with the key SUNLIT_WITNESS_KEY (PRIVATE+KEY+…, type 0x04) or the key file, which
# `sunlit init` creates (mode 0600, in the data folder, never in the repository); its name is
# SUNLIT_WITNESS_NAME.
SUNLIT_WITNESS_NAME = _env("SUNLIT_WITNESS_NAME") or "sunlit.example/yangguang/witness"
SUNLIT_WITNESS_KEY = _env("SUNLIT_WITNESS_KEY") or ""
SUNLIT_WITNESS_KEY_FILE = _env_path("SUNLIT_WITNESS_KEY_FILE") or _data_file("witness-signer.key")

# 短信: how the platform texts staff (core.sms), a dotted path to an SmsBackend. The default writes each text
# to stderr with the number masked; production names its gateway's backend here.
SUNLIT_SMS_BACKEND = _env("SUNLIT_SMS_BACKEND") or "sunlit.core.sms.ConsoleBackend"
