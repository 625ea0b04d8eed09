"""`sunlit serve`: the production web server (gunicorn), with the log's sequencer and a task worker beside it.

Why gunicorn: Sunlit is a WSGI application whose requests are short database transactions, so a pre-fork
server with a few threaded workers is what it needs; gunicorn is the long-kept, pure-Python one, restarts a
worker that hangs (timeout) or has served many requests (max_requests), and runs behind nginx as documented
everywhere (docs/deploy.md). An ASGI server (uvicorn, granian) would buy nothing for synchronous views.

The master forks the workers; the sequencer and the task worker run as child processes of `serve`, so no
thread has to survive a fork and each can be run on its own in a deployment (`sunlit log-sequence`,
`sunlit run_huey`).
"""

from __future__ import annotations

import atexit
import os
import signal
import subprocess
import sys
from typing import Any

from gunicorn.app.base import BaseApplication


def _int(name: str, default: int, low: int, high: int) -> int:
    raw = os.environ.get(name, "").strip()
    try:
        value = int(raw) if raw else default
    except ValueError:
        raise SystemExit(f"{name}={raw!r}: 应为整数") from None
    if not low <= value <= high:
        raise SystemExit(f"{name}={value}: 应在 {low} 到 {high} 之间")
    return value


def server_options(host: str, port: int) -> dict[str, Any]:
    """gunicorn's settings: SUNLIT_WORKERS processes (default 2 × CPUs + 1, at most 8) of SUNLIT_THREADS threads,
    a request killed after SUNLIT_TIMEOUT seconds, workers recycled after about a thousand requests, request
    lines and headers bounded (bodies are bounded by the application: core.middleware, sunlit.wsgi)."""
    cpus = os.cpu_count() or 1
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return {
        "bind": [bind],
        "workers": _int("SUNLIT_WORKERS", min(2 * cpus + 1, 8), 1, 64),
        "worker_class": "gthread",
        "threads": _int("SUNLIT_THREADS", 4, 1, 64),
        "timeout": _int("SUNLIT_TIMEOUT", 60, 5, 3600),
        "graceful_timeout": 30,
        "keepalive": 5,
        "max_requests": 1000,
        "max_requests_jitter": 100,
        "limit_request_line": 8190,
        "limit_request_fields": 100,
        "limit_request_field_size": 8190,
        "accesslog": None,  # Sunlit's own (core.accesslog): it can leave routes out
        "errorlog": "-",
        "proc_name": "sunlit",
        "forwarded_allow_ips": os.environ.get("SUNLIT_TRUSTED_PROXIES", "127.0.0.1"),
    }


class SunlitServer(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if value is not None:
                self.cfg.set(key, value)

    def load(self) -> Any:
        from sunlit.wsgi import application

        return application


def _die_with_parent() -> None:
    """In the child, before it runs: on Linux, the kernel sends it SIGTERM when its parent dies, however the
    parent dies (SIGKILL included, when no exit handler runs)."""
    if sys.platform == "linux":
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def start_child(argv: list[str]) -> subprocess.Popen[bytes]:
    """`sunlit ARGV` as a child process that is stopped when this one exits."""
    child = subprocess.Popen([sys.executable, "-m", "sunlit", *argv], preexec_fn=_die_with_parent)  # noqa: S603
    parent = os.getpid()

    def stop() -> None:  # in this process only, not in the workers gunicorn forks from it
        if os.getpid() == parent and child.poll() is None:
            child.terminate()
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()

    atexit.register(stop)
    return child


def run_production(host: str, port: int) -> None:
    start_child(["log_sequence", "--interval", "0.2"])
    SunlitServer(server_options(host, port)).run()
