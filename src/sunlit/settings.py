"""Settings, all from the environment (SUNLIT_*), with defaults that run a fresh checkout."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("SUNLIT_DATA_DIR", Path.cwd() / "data")).resolve()


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """SUNLIT_SECRET_KEY, or a key generated once into the data folder (never into the repo)."""
    key = os.environ.get("SUNLIT_SECRET_KEY")
    if key:
        return key
    path = DATA_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    import secrets

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
DEBUG = _env_bool("SUNLIT_DEBUG", False)
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("SUNLIT_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "sunlit.core",
    "sunlit.org",
    "sunlit.catalog",
    "sunlit.record",
    "sunlit.witness",
    "sunlit.api",
    "sunlit.portal",
    "sunlit.console",
    "sunlit.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

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
            ],
        },
    },
]

_default_db = f"sqlite:///{DATA_DIR / 'sunlit.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("SUNLIT_DATABASE_URL", _default_db))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets the portal read while a clerk writes; IMMEDIATE avoids upgrade deadlocks.
    # Django turns foreign keys on for SQLite itself; the pragma repeats it for clarity.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("SUNLIT_CONN_MAX_AGE", "60"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# WhiteNoise serves static files straight from the apps, compressed and cacheable, with no
# collectstatic step: `sunlit serve` works on a fresh checkout.
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"

LOGIN_URL = "/console/login/"
LOGIN_REDIRECT_URL = "/console/"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

NINJA_PAGINATION_PER_PAGE = 20

# 全程记录: the transparency log (docs/tlog.md). The origin names the log in every checkpoint; the signer
# key is SUNLIT_LOG_KEY (a note signer key, PRIVATE+KEY+…) or the key file, generated on first use
# (mode 0600, in the data folder, never in the repository). A new checkpoint is signed as soon as the
# sequencer has integrated new leaves, but at most once per SUNLIT_LOG_CHECKPOINT_INTERVAL seconds.
SUNLIT_LOG_ORIGIN = os.environ.get("SUNLIT_LOG_ORIGIN", "sunlit.example/yangguang/log")
SUNLIT_LOG_KEY = os.environ.get("SUNLIT_LOG_KEY", "")
SUNLIT_LOG_KEY_FILE = Path(os.environ.get("SUNLIT_LOG_KEY_FILE", DATA_DIR / "log-signer.key"))
SUNLIT_LOG_CHECKPOINT_INTERVAL = float(os.environ.get("SUNLIT_LOG_CHECKPOINT_INTERVAL", "1"))

# 见证 (docs/tlog.md, Witnessing): this Sunlit's witness cosigns other logs' checkpoints (POST
# /add-checkpoint) with the key SUNLIT_WITNESS_KEY (PRIVATE+KEY+…, type 0x04) or the key file, generated
# on first use (mode 0600, in the data folder, never in the repository); its name is SUNLIT_WITNESS_NAME.
SUNLIT_WITNESS_NAME = os.environ.get("SUNLIT_WITNESS_NAME", "sunlit.example/yangguang/witness")
SUNLIT_WITNESS_KEY = os.environ.get("SUNLIT_WITNESS_KEY", "")
SUNLIT_WITNESS_KEY_FILE = Path(os.environ.get("SUNLIT_WITNESS_KEY_FILE", DATA_DIR / "witness-signer.key"))
