"""The printed power handbook (权力手册) and boards (图板) of the demo county, read back as a county would:
the text on the pages, the fonts embedded in the file, the pages as images, and the QR codes scanned."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from django.db import transaction
from django.db.models import Count, Q
from django.test import Client
from PIL import Image

from sunlit.catalog.models import PowerItem
from sunlit.catalog.selectors import public_powers
from sunlit.core.visibility import public_queryset
from sunlit.demo.build import build_demo
from sunlit.handbook import render
from sunlit.org.models import Official, Unit

PUBLIC_URL = "https://yangguang.example.gov.cn"
POPPLER = ("pdftotext", "pdffonts", "pdftoppm", "pdfinfo")

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(any(shutil.which(tool) is None for tool in POPPLER),
                       reason="needs poppler-utils (pdftotext, pdffonts, pdftoppm): apt-get install poppler-utils"),
]


@dataclass
class Printed:
    unit: Unit
    handbook: Path
    officials_board: Path
    flow_board: Path
    board_item: PowerItem


def _run(*argv: str | Path) -> str:
    return subprocess.run([str(a) for a in argv], check=True, capture_output=True, text=True).stdout


def _squash(text: str) -> str:
    """Text with all white space removed: a long name wraps across lines on the page."""
    return re.sub(r"\s+", "", text)


def scan(pdf: Path, dpi: int = 100) -> list[str]:
    """Every QR code on every page of the PDF, decoded, in page order."""
    out = pdf.parent / f"{pdf.stem}-page"
    _run("pdftoppm", "-r", dpi, "-gray", "-png", pdf, out)
    found = []
    for page in sorted(pdf.parent.glob(f"{pdf.stem}-page-*.png")):
        found += [code.text for code in zxingcpp.read_barcodes(Image.open(page))]
    return found


@pytest.fixture(scope="module")
def printed(django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[Printed]:
    """The demo county, its largest unit's handbook and boards printed once for the module (the outer
    transaction is rolled back, so no other test sees the county)."""
    from django.conf import settings

    folder = tmp_path_factory.mktemp("printed")
    with django_db_blocker.unblock(), transaction.atomic():
        build_demo(random_passwords=False)  # the logins do not matter here; no slow hashing
        old, settings.SUNLIT_PUBLIC_URL = settings.SUNLIT_PUBLIC_URL, PUBLIC_URL
        try:
            unit = (public_queryset(Unit).annotate(n=Count("power_items", filter=Q(power_items__published_version__isnull=False)))
                    .order_by("-n").first())
            assert unit is not None
            handbook = folder / "handbook.pdf"
            handbook.write_bytes(render.handbook_pdf(unit))
            board = folder / "officials.pdf"
            board.write_bytes(render.officials_board_pdf(unit))
            item = next(i for i in public_powers(unit_code=unit.code) if render.flow_board_pdf(i.pk) is not None)
            flow = folder / "flow.pdf"
            flow.write_bytes(render.flow_board_pdf(item.pk) or b"")
            yield Printed(unit, handbook, board, flow, item)
        finally:
            settings.SUNLIT_PUBLIC_URL = old
            transaction.set_rollback(True)


def test_the_handbook_holds_every_public_item_of_the_unit_and_nothing_unpublished(printed: Printed) -> None:
    text = _squash(_run("pdftotext", printed.handbook, "-"))
    public = list(public_powers(unit_code=printed.unit.code))
    public_names = {_squash(i.published_version.name) for i in public}
    others = PowerItem.objects.filter(unit=printed.unit).exclude(pk__in=[i.pk for i in public])
    unpublished = {_squash(v.name) for item in others for v in item.versions.all()} - public_names

    assert len(public) >= 30
    assert not [name for name in public_names if name not in text]
    assert _squash(f"{printed.unit.name}权力手册") in text
    assert unpublished, "the demo's largest unit should have items that are not public"
    assert not [name for name in unpublished if name in text]


def test_every_font_is_embedded_and_the_cjk_one_is_noto_sans_sc(printed: Printed) -> None:
    rows = _run("pdffonts", printed.handbook).splitlines()[2:]

    assert rows
    assert all(row.split()[-5] == "yes" for row in rows), rows  # the "emb" column
    assert any("Noto-Sans-SC" in row for row in rows)


def test_pages_are_numbered_and_every_item_page_scans_to_its_live_page(printed: Printed) -> None:
    pages = int(re.search(r"Pages:\s+(\d+)", _run("pdfinfo", printed.handbook)).group(1))  # type: ignore[union-attr]
    text = _run("pdftotext", printed.handbook, "-")
    items = list(public_powers(unit_code=printed.unit.code))

    assert f"第 2 页，共 {pages} 页" in text and f"第 {pages} 页，共 {pages} 页" in text
    codes = scan(printed.handbook)
    assert codes[0] == f"{PUBLIC_URL}/units/{printed.unit.code}/"  # the cover
    assert sorted(codes[1:]) == sorted(f"{PUBLIC_URL}/powers/{i.pk}/" for i in items)
    first = items[0]
    page = Client().get(codes[1].removeprefix(PUBLIC_URL))
    assert page.status_code == 200 and first.published_version.name in page.content.decode()


def test_the_officials_board_is_a3_with_the_public_officials_and_scans_to_the_unit(printed: Printed) -> None:
    info = _run("pdfinfo", printed.officials_board)
    text = _squash(_run("pdftotext", printed.officials_board, "-"))
    officials = list(public_queryset(Official).filter(unit=printed.unit))

    assert "(A3)" in info
    assert officials and all(o.name in text and _squash(o.title) in text for o in officials)
    assert scan(printed.officials_board) == [f"{PUBLIC_URL}/units/{printed.unit.code}/"]


def test_the_flow_board_is_a3_with_the_chart_and_scans_to_the_item(printed: Printed) -> None:
    info = _run("pdfinfo", printed.flow_board)
    text = _squash(_run("pdftotext", printed.flow_board, "-"))
    item = printed.board_item

    assert "(A3)" in info and "Pages:1" in _squash(info)
    assert _squash(f"{item.published_version.name}办理流程图") in text
    assert "监督点" in text
    assert scan(printed.flow_board) == [f"{PUBLIC_URL}/powers/{item.pk}/"]
