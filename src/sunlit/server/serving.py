"""Serving a Sunlit database: the `serve` command, and `demo` after it has built its county."""

from __future__ import annotations

import os
import subprocess
import unicodedata
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.management import call_command

from sunlit.record.sequencer import sequence_all, start_background_sequencer
from sunlit.server.production import run_production, start_child

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def pad(text: str, width: int) -> str:
    """Left-justify for a terminal, counting CJK characters as two columns."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(width - used, 1)


def urls(host: str, port: int) -> list[tuple[str, str]]:
    shown = "127.0.0.1" if host in {"0.0.0.0", "::"} else host
    base = f"http://[{shown}]:{port}" if ":" in shown else f"http://{shown}:{port}"
    return [
        ("公众门户", f"{base}/"),
        ("工作台（控制台）", f"{base}/console/"),
        ("后台管理", f"{base}/admin/"),
        ("JSON API（权力清单）", f"{base}/api/v1/powers"),
        ("OpenAPI 文档", f"{base}/api/v1/openapi.json"),
        ("API 交互文档", f"{base}/api/v1/docs"),
        ("透明日志检查点", f"{base}/log/checkpoint"),
    ]


def print_urls(out: Any, host: str, port: int) -> None:
    out.write("访问地址：")
    for label, url in urls(host, port):
        out.write(f"  {pad(label, 18)}{url}")
    if host not in LOOPBACK:
        out.write(f"  注意：从其他机器访问时，请把主机名加入环境变量 SUNLIT_ALLOWED_HOSTS（当前监听 {host}）。")


def start_task_worker(out: Any) -> subprocess.Popen[bytes] | None:
    """The task runner's consumer (settings.HUEY) beside the web server, as a child process that ends with it:
    background tasks, and the periodic ones (the e-supervision sweep every minute). None when tasks run at
    once in the caller (SUNLIT_TASKS_URL=memory://). A deployment runs `sunlit run_huey` itself instead
    (docs/deploy.md)."""
    if settings.HUEY.get("immediate"):
        return None
    worker = start_child(["run_huey", "--quiet"])
    out.write(f"后台任务（电子监察每分钟扫描一次）已在进程 {worker.pid} 中运行。")
    return worker


def run_server(out: Any, host: str, port: int, notes: Iterable[str] = (), *, dev: bool = False) -> None:
    """Serve with the production server (gunicorn: server.production), or with `dev` Django's autoreloading
    development server; the log's sequencer and a task worker run beside it. Static files are served by
    WhiteNoise, a middleware (--nostatic turns off runserver's own handler, which would answer before any
    middleware), so they carry the same security headers as the pages.

    `notes` are lines shown after the addresses (the demo's logins).
    """
    print_urls(out, host, port)
    for line in notes:
        out.write(line)
    out.write("按 Ctrl+C 停止服务。")
    if os.environ.get("RUN_MAIN") != "true":  # not again in the process the development server reloads
        sequence_all()  # what is queued becomes log leaves before the first request
        start_task_worker(out)
    if not dev:
        run_production(host, port)
        return
    if os.environ.get("RUN_MAIN") != "true":
        # Events become log leaves and signed checkpoints within a second, in the process that outlives reloads.
        start_background_sequencer(interval=0.2)
    addr = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    args = [addr, "--nostatic"]
    if ":" in host:
        args.append("--ipv6")
    call_command("runserver", *args)
