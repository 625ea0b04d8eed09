"""The SQLite backend, refusing to connect with a message that says what to set.

settings.py names it when there is no SUNLIT_DATABASE_URL and no data folder (SUNLIT_DATA_DIR unset,
not installed from a checkout): commands that need no database (`sunlit verify`) still run, and the
first query says what is missing instead of SQLite's "unable to open database file".
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.backends.sqlite3 import base

from sunlit.core.keyfile import NO_DATA_DIR


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self) -> dict[str, Any]:
        raise ImproperlyConfigured(f"no database: set SUNLIT_DATABASE_URL, or {NO_DATA_DIR}")
