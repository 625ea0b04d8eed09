"""`sunlit serve` serves a migrated database and refuses anything else, saying what to run."""

from __future__ import annotations

import socket
import time
import urllib.request
from pathlib import Path

from tests.server.conftest import Sunlit

ADDRESSES = ("公众门户", "工作台（控制台）", "后台管理", "JSON API（权力清单）", "OpenAPI 文档", "API 交互文档",
             "透明日志检查点")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_refuses_a_data_folder_with_no_database(sunlit: Sunlit) -> None:
    done = sunlit.run("serve")
    assert done.returncode == 1
    assert f"数据库文件 {sunlit.data / 'sunlit.sqlite3'} 不存在。请先运行 `sunlit migrate`" in done.stderr
    assert not sunlit.data.exists()  # refusing creates nothing


def test_serve_refuses_an_unmigrated_database(sunlit: Sunlit) -> None:
    sunlit.ok("init")
    done = sunlit.run("serve")
    assert done.returncode == 1
    assert (f"数据库（{sunlit.data / 'sunlit.sqlite3'}）中还没有 Sunlit 的数据表。请先运行 `sunlit migrate`，"
            "或运行 `sunlit demo --no-serve` 创建演示县。") in done.stderr
    assert "Traceback" not in done.stderr


def test_serve_refuses_a_database_with_migrations_missing(sunlit: Sunlit) -> None:
    sunlit.ok("migrate", "contenttypes")
    done = sunlit.run("serve")
    assert done.returncode == 1
    assert "个迁移未应用（" in done.stderr and "请先运行 `sunlit migrate`。" in done.stderr


def test_serve_refuses_to_start_without_a_secret_key(sunlit: Sunlit) -> None:
    sunlit.ok("migrate", "-v", "0", SUNLIT_SECRET_KEY="only-for-migrate")  # no key file written
    done = sunlit.run("serve")
    assert done.returncode == 1
    assert "还没有 SECRET_KEY。请先运行 `sunlit init`" in done.stderr


def test_serve_without_the_demo_app_does_not_mention_it(sunlit: Sunlit, tmp_path: Path) -> None:
    """A production install may leave `sunlit.demo` out; serve lives in sunlit.server and works alone."""
    (tmp_path / "production_settings.py").write_text(
        "from sunlit.settings import *  # noqa: F403\n"
        "INSTALLED_APPS = [app for app in INSTALLED_APPS if app != 'sunlit.demo']  # noqa: F405\n")
    env = {"DJANGO_SETTINGS_MODULE": "production_settings", "PYTHONPATH": str(tmp_path)}
    sunlit.ok("init", **env)
    done = sunlit.run("serve", **env)
    assert done.returncode == 1
    assert "请先运行 `sunlit migrate`。" in done.stderr and "sunlit demo" not in done.stderr
    assert "Unknown command: 'demo'" in sunlit.run("demo", **env).stderr


def test_serve_prints_the_addresses_and_serves_without_demo_logins(sunlit: Sunlit) -> None:
    sunlit.ok("migrate", "-v", "0")
    port = _free_port()
    server = sunlit.popen("serve", "--port", str(port))
    try:
        assert server.stdout is not None
        lines: list[str] = []
        deadline = time.monotonic() + 30
        while not any("Ctrl+C" in line for line in lines):
            line = server.stdout.readline()
            assert line and time.monotonic() < deadline, "".join(lines)
            lines.append(line)
        out = "".join(lines)
        assert out.startswith("访问地址：\n")
        for label in ADDRESSES:
            assert label in out
        assert f"  公众门户          http://127.0.0.1:{port}/\n" in out
        assert f"http://127.0.0.1:{port}/log/checkpoint" in out
        assert "演示账号" not in out and "密码" not in out
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/log/checkpoint", timeout=5) as resp:
                    assert resp.status == 200
                    assert resp.read().decode().startswith("sunlit.example/yangguang/log\n")
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(10)
