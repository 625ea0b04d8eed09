"""What `sunlit demo` shows beside the addresses: the demo's staff logins (serving is sunlit.server's)."""

from __future__ import annotations

from typing import Any

from sunlit.demo.build import logins
from sunlit.server.serving import pad


def login_lines(passwords: dict[str, str] | None = None) -> list[str]:
    """The login table; `passwords`: the random ones of a demo just built, printed this once."""
    lines = ["演示账号（仅限演示环境使用）："]
    if passwords:
        lines.append("  数据库不是数据目录中的默认 SQLite 文件，每个演示账号已设随机密码。密码只显示这一次，请立即记下：")
    for username, password, what in logins(passwords):
        lines.append(f"  {pad(username, 28)}密码 {pad(password, 16)}{what}")
    return lines


def print_logins(out: Any, passwords: dict[str, str] | None = None) -> None:
    for line in login_lines(passwords):
        out.write(line)
