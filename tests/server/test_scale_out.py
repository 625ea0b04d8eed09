"""Beyond one machine: two app servers (each `sunlit serve`, with its own log sequencer and task worker) on one
PostgreSQL. 200 applications sent at once to both all land; the log has every event once, in one sequence,
and `sunlit audit-log` passes; killing the task worker that leads the schedule lets the other lead within
seconds."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tests.server.conftest import Sunlit
from tests.server.test_production_server import _tree
from tests.server.test_serve import _free_port

CHECKOUT = Path(__file__).resolve().parents[2]
APPLICATIONS = 200

SETUP = r"""
import datetime as dt, json, sys
sys.path.insert(0, sys.argv[1])
import django
django.setup()
from tests import factories
from tests.cases.conftest import licensing_flow, _official
from sunlit.flows import services as flows
from sunlit.org.models import Post, Unit, UnitKind
gov = Unit.objects.create(code="SC", name="扩展县人民政府", kind=UnitKind.GOVERNMENT)
land = Unit.objects.create(code="SC-ZR", name="扩展县自然资源局", kind=UnitKind.DEPARTMENT, parent=gov)
editor, reviewer = factories.staff("sc_editor", land, "editor"), factories.staff("sc_reviewer", land, "reviewer")
posts = {k: Post.objects.create(unit=land, name=n) for k, n in
         (("window", "窗口受理岗"), ("review", "审批岗"), ("deputy", "分管副局长"), ("director", "局长"))}
item = factories.published(land, editor, reviewer, code="XK-001", statutory_limit=20, promised_limit=10)
steps, links = licensing_flow(posts)
version = flows.flow_version_create(item=item.item, steps=steps, transitions=links, reason="编制", author=editor,
                                    submit=True)
flows.flow_version_approve(version=version, reviewer=reviewer)
print(json.dumps({"item": item.item_id}))
"""


def _pg_server() -> dict[str, Any]:
    return dict(settings.DATABASES["default"])


@pytest.fixture
def database() -> Any:
    db = _pg_server()
    if not db["ENGINE"].endswith("postgresql"):
        pytest.skip("several app servers share one PostgreSQL: this runs in the PostgreSQL pass")
    import psycopg

    name = f"sunlit_scale_{os.getpid()}"
    server = {k: v for k, v in (("host", db.get("HOST")), ("port", db.get("PORT")), ("user", db.get("USER")),
                                ("password", db.get("PASSWORD"))) if v}
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")
    user = f"{db['USER']}@" if db.get("USER") else ""
    yield f"postgres://{user}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{name}"
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Output:
    """A process's output, read by a thread as it comes."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self.process = process
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    def leads(self) -> bool:
        return any("成为schedule主进程" in line for line in self.lines)


def _apply(port: int, item: int, n: int) -> int:
    body = json.dumps({"item": item, "applicant_name": f"申请人{n}", "applicant_id_number": "36073119900101123X",
                       "applicant_contact": "13800000000", "subject": "并发申请"}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/cases", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return int(response.status)
    except urllib.error.HTTPError as refused:
        return int(refused.code)


def test_two_app_servers_and_two_workers_on_one_postgresql(sunlit: Sunlit, database: str) -> None:
    sunlit.env.update({"SUNLIT_DATABASE_URL": database, "SUNLIT_WORKERS": "2", "SUNLIT_ACCESS_LOG": "0",
                       "SUNLIT_CONN_MAX_AGE": "0"})
    sunlit.ok("migrate", "-v", "0")
    setup = subprocess.run([sys.executable, "-c", SETUP, str(CHECKOUT)], cwd=sunlit.cwd, capture_output=True,
                           text=True, timeout=120, env={**sunlit.env, "DJANGO_SETTINGS_MODULE": "sunlit.settings"})
    assert setup.returncode == 0, setup.stderr
    item = json.loads(setup.stdout.strip().splitlines()[-1])["item"]
    ports = [_free_port(), _free_port()]
    servers = [sunlit.popen("serve", "--port", str(port)) for port in ports]
    outputs = [Output(server) for server in servers]
    try:
        deadline = time.monotonic() + 60
        for port, server in zip(ports, servers, strict=True):
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/powers", timeout=5):
                        break
                except OSError:
                    assert time.monotonic() < deadline and server.poll() is None, "".join(outputs[0].lines)
                    time.sleep(0.3)

        statuses: list[int] = []
        threads = [threading.Thread(target=lambda n=n: statuses.append(_apply(ports[n % 2], item, n)))
                   for n in range(APPLICATIONS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        assert statuses.count(201) + statuses.count(200) == APPLICATIONS, sorted(set(statuses))

        check = subprocess.run([sys.executable, "-c", (
            "import django,json; django.setup();"
            "from sunlit.cases.models import Case; from sunlit.record.models import LeafQueue;"
            "print(json.dumps({'cases': Case.objects.count(), 'queued': LeafQueue.objects.count()}))")],
            cwd=sunlit.cwd, capture_output=True, text=True, timeout=60,
            env={**sunlit.env, "DJANGO_SETTINGS_MODULE": "sunlit.settings"})
        counts = json.loads(check.stdout.strip().splitlines()[-1])
        assert counts["cases"] == APPLICATIONS
        deadline = time.monotonic() + 30
        while counts["queued"]:  # the sequencers integrate what was queued
            assert time.monotonic() < deadline, counts
            time.sleep(0.5)
            check = subprocess.run(check.args, cwd=sunlit.cwd, capture_output=True, text=True, timeout=60,
                                   env={**sunlit.env, "DJANGO_SETTINGS_MODULE": "sunlit.settings"})
            counts = json.loads(check.stdout.strip().splitlines()[-1])
        audit = sunlit.run("audit-log")
        assert audit.returncode == 0, audit.stdout + audit.stderr

        deadline = time.monotonic() + 30
        while not any(out.leads() for out in outputs):
            assert time.monotonic() < deadline, "no task worker leads the schedule"
            time.sleep(0.2)
        assert sum(out.leads() for out in outputs) == 1
        leading = next(out for out in outputs if out.leads())
        other = next(out for out in outputs if out is not leading)
        worker = next(pid for pid in _tree(leading.process.pid)
                      if "run_huey" in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace"))
        os.kill(worker, signal.SIGKILL)
        killed = time.monotonic()
        while not other.leads():
            assert time.monotonic() - killed < 10, "the other worker did not take over"
            time.sleep(0.2)
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(30)
