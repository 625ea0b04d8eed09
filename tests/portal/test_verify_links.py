"""Every published version on an item's page links its proof once the log holds it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.test import Client

from sunlit.record.models import LogLeaf
from sunlit.record.sequencer import sequence_all
from tests import factories


def test_history_links_each_version_to_its_own_leaf_once_sequenced(
    county: Any, editor: Any, reviewer: Any, settings: Any, tmp_path: Path
) -> None:
    settings.SUNLIT_LOG_KEY_FILE = tmp_path / "log-signer.key"
    first = factories.published(county["land"], editor, reviewer, name="农村村民建房用地审批")

    page = Client().get(f"/powers/{first.item_id}/").content.decode()
    assert "记录中，稍后可核验" in page and "/log/proof/" not in page

    sequence_all()
    index = LogLeaf.objects.get(kind="catalog.poweritemversion", ref=first.pk).index
    page = Client().get(f"/powers/{first.item_id}/").content.decode()
    assert f'href="/log/proof/{index}"' in page
    assert f'href="/log/leaf/{index}"' in page
    assert "记录中，稍后可核验" not in page
