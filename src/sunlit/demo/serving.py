"""What `sunlit demo` shows beside the addresses: the demo's staff logins (serving is sunlit.server's)."""

from __future__ import annotations

from typing import Any

from sunlit.demo.build import logins
from sunlit.server.serving import pad


def login_lines() -> list[str]:
    lines = ["演示账号（仅限演示环境使用）："]
    for username, password, what in logins():
        lines.append(f"  {pad(username, 28)}密码 {pad(password, 13)}{what}")
    return lines


def print_logins(out: Any) -> None:
    for line in login_lines():
        out.write(line)
