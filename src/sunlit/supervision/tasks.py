"""E-supervision on the task runner (settings.HUEY): the sweep every minute, then the texts to the new cards'
recipients, as `sunlit supervise` runs them.

Whoever runs it (one consumer with periodic tasks, `sunlit serve` starts one beside the web server), a sweep is
idempotent: cards are issued by compare-and-swap and keyed once (supervision.services), so an overlapping run,
a second consumer or a catch-up by hand issues nothing twice. The lock only saves a second run the work.
"""

from __future__ import annotations

import json
import logging

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task

from sunlit.supervision.services import notify_cards, sweep

log = logging.getLogger("sunlit.supervision")


@db_periodic_task(crontab(minute="*"), name="supervision.sweep", expires=55)
@HUEY.lock_task("supervision.sweep")
def sweep_every_minute() -> dict[str, int]:
    result = sweep().as_dict()
    if result["new"]:
        log.info("电子监察扫描 %s", json.dumps(result))
    notify_cards()  # the cards' recipients are texted once, whichever run claims them
    return result
