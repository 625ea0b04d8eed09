"""With SUNLIT_REPLICA_DATABASE_URL set, anonymous public reads go to the replica, and staff, writes, an
applicant's own case and the log stay on the primary (core.routing). The replica here is a second connection
to the same database, as the issue asks, in a process of its own so that the setting is read at start."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.server.conftest import Sunlit

SCRIPT = r"""
import json, django
django.setup()
from django.contrib.auth.models import User
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

User.objects.create_user("clerk", password="clerk-password-1")
staff = Client(); staff.force_login(User.objects.get(username="clerk"))
seen = {}
for label, client, method, path in [
        ("portal home", Client(), "get", "/"),
        ("power list", Client(), "get", "/powers/?q=建房"),
        ("public API", Client(), "get", "/api/v1/powers"),
        ("staff console", staff, "get", "/console/"),
        ("staff on the portal", staff, "get", "/powers/"),
        ("case lookup", Client(), "get", "/cases/"),
        ("log checkpoint", Client(), "get", "/log/checkpoint"),
        ("a write", Client(), "post", "/cases/")]:
    with CaptureQueriesContext(connections["default"]) as primary, CaptureQueriesContext(connections["replica"]) as replica:
        status = getattr(client, method)(path).status_code
    seen[label] = {"status": status, "primary": len(primary), "replica": len(replica)}
print(json.dumps(seen))
"""


def test_anonymous_public_reads_use_the_replica_and_nothing_else_does(sunlit: Sunlit) -> None:
    sunlit.ok("migrate", "-v", "0")
    database = f"sqlite:///{sunlit.data / 'sunlit.sqlite3'}"
    env = {**sunlit.env, "SUNLIT_DATABASE_URL": database, "SUNLIT_REPLICA_DATABASE_URL": database,
           "DJANGO_SETTINGS_MODULE": "sunlit.settings", "SUNLIT_ALLOWED_HOSTS": "testserver"}
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=sunlit.cwd, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    for label in ("portal home", "power list", "public API"):
        assert seen[label]["status"] == 200 and seen[label]["replica"] > 0 and seen[label]["primary"] == 0, seen
    for label in ("staff console", "staff on the portal", "case lookup", "log checkpoint", "a write"):
        assert seen[label]["replica"] == 0, (label, seen[label])
    for label in ("staff console", "staff on the portal", "log checkpoint", "a write"):  # the lookup form reads nothing
        assert seen[label]["primary"] > 0, (label, seen[label])
