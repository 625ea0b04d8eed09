"""`sunlit init`: the one step that writes Sunlit's private files; settings only read them.

It creates what is missing and leaves what is there: the data folder (mode 0700), the secret key
(0600, unless SUNLIT_SECRET_KEY gives it), the SQLite database file (0600, before anything connects,
so SQLite's own files inherit that mode), the log's signer key and the witness's key (0600, through
their own modules, which also check that a configured key fits). `sunlit migrate` and `sunlit demo`
run it first.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key
from django.db import DEFAULT_DB_ALIAS, connections

from sunlit.core.keyfile import read_or_create
from sunlit.record import keys as log_keys
from sunlit.witness import keys as witness_keys


@dataclass(frozen=True)
class Step:
    """One line of the report: what was looked at, and whether this run created it."""

    created: bool
    line: str


def _open_to_others(path: Path) -> bool:
    return bool(path.stat().st_mode & 0o077)


def _folder(folder: Path) -> Step:
    if folder.is_dir():
        if _open_to_others(folder):
            mode = stat.S_IMODE(folder.stat().st_mode)
            return Step(False, f"数据目录 {folder} 已存在；注意：其他用户可访问（{mode:04o}），建议 chmod 700")
        return Step(False, f"数据目录 {folder} 已存在")
    folder.mkdir(mode=0o700, parents=True)
    folder.chmod(0o700)  # mkdir's mode is cut by the umask; 0700 exactly
    return Step(True, f"数据目录 {folder} 已创建（权限 0700）")


def _secret_key() -> Step:
    path = Path(settings.SECRET_KEY_FILE)
    try:
        given = settings.SECRET_KEY  # empty raises: Django's own rule
    except ImproperlyConfigured:
        given = ""
    if given:
        if path.is_absolute() and path.exists():
            return Step(False, f"SECRET_KEY 文件 {path} 已存在")
        return Step(False, "SECRET_KEY 由环境变量 SUNLIT_SECRET_KEY 给出")
    existed = path.is_absolute() and path.exists()
    key = read_or_create(path, get_random_secret_key, "secret key").strip()
    settings.SECRET_KEY = key  # this process goes on with it (`sunlit demo` serves next)
    if existed:
        return Step(False, f"SECRET_KEY 文件 {path} 已存在")
    return Step(True, f"SECRET_KEY 已生成：{path}（权限 0600）")


def sqlite_file(settings_dict: dict[str, Any]) -> Path | None:
    """The file of a SQLite database, or None (another engine, or an in-memory test database)."""
    if settings_dict.get("ENGINE") != "django.db.backends.sqlite3":
        return None
    name = str(settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        return None
    return Path(name)


def _database(alias: str) -> Step | None:
    path = sqlite_file(connections[alias].settings_dict)
    if path is None:
        return None
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # the umask can only narrow it
    except FileExistsError:
        if _open_to_others(path):
            mode = stat.S_IMODE(path.stat().st_mode)
            return Step(False, f"数据库文件 {path} 已存在；注意：其他用户可读（{mode:04o}），建议 chmod 600")
        return Step(False, f"数据库文件 {path} 已存在")
    os.close(fd)
    return Step(True, f"数据库文件 {path} 已创建（权限 0600）")


def _key(what: str, given_by: str, given: str, path: Path, load: Any) -> Step:
    existed = path.is_absolute() and path.exists()
    load()  # creates the file when the key is not given; refuses a key that does not fit its name
    if given:
        return Step(False, f"{what}由环境变量 {given_by} 给出")
    if existed:
        return Step(False, f"{what}文件 {path} 已存在")
    return Step(True, f"{what}已生成：{path}（权限 0600）")


def initialise(database: str = DEFAULT_DB_ALIAS) -> list[Step]:
    """Create whatever of Sunlit's private files is missing; one Step per thing looked at.

    Raises ImproperlyConfigured when something needs the data folder and there is none.
    """
    steps: list[Step] = []
    if settings.DATA_DIR is not None:
        folder = Path(settings.DATA_DIR)
        steps.append(_folder(folder))
        if settings.STATIC_ROOT:  # where WhiteNoise also looks; it warns about a missing folder
            Path(settings.STATIC_ROOT).mkdir(exist_ok=True)
        (folder / "logs").mkdir(mode=0o700, exist_ok=True)  # settings.LOGGING's file, from the next start
    steps.append(_secret_key())
    db = _database(database)
    if db is not None:
        steps.append(db)
    steps.append(_key("日志签名密钥", "SUNLIT_LOG_KEY", str(settings.SUNLIT_LOG_KEY or ""),
                      log_keys.key_file(), log_keys.log_signer))
    steps.append(_key("见证密钥", "SUNLIT_WITNESS_KEY", str(settings.SUNLIT_WITNESS_KEY or ""),
                      witness_keys.key_file(), witness_keys.cosigner))
    return steps
