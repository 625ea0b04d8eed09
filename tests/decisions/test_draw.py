"""The observers' draw, checked from its description alone: the test below redoes it with its own code (not
the product's) from what `GET /api/v1/meetings/{id}/draw` publishes and the log serves, and gets the same
observers; the seed cannot exist before the pool is frozen and logged; changing the seed changes the draw
whenever a category has fewer places than members; over the seeds SHA-256("0") … SHA-256("9999") each
member's chance is k/n within sampling error."""

from __future__ import annotations

import hashlib
import json
import math
import subprocess
import sys
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from sunlit.core.errors import DomainError
from sunlit.decisions import draw as product
from sunlit.decisions import services
from sunlit.decisions.models import Meeting, Observer, ObserverDraw
from sunlit.record.models import Checkpoint
from sunlit.record.sequencer import sequence_all
from tests.decisions.conftest import Council

pytestmark = pytest.mark.django_db

LOTTERY = "中国福利彩票双色球第2026137期开奖号码（2026年11月26日开奖）"
QUOTAS = {"expert": 2, "resident": 2, "deputy": 1, "retired": 0}


# ------------------------------------------------------------------------------------------- the description, redone


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def pool_bytes(pool: list[dict[str, str]]) -> bytes:
    ordered = sorted(({"category": nfc(m["category"]), "id": nfc(m["id"])} for m in pool), key=lambda m: m["id"])
    return json.dumps(ordered, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def seed_of(signed_note: str, external: str) -> bytes:
    text_lines = signed_note.split("\n\n", 1)[0] + "\n"  # origin, size, root, each ending in a newline
    return hashlib.sha256(text_lines.encode("utf-8") + nfc(external).strip().encode("utf-8")).digest()


def drawn_by_description(pool: list[dict[str, str]], quotas: dict[str, int], seed: bytes) -> list[str]:
    drawn: list[str] = []
    for category in sorted(quotas):
        k = quotas[category]
        if k == 0:
            continue
        ids = [m["id"] for m in pool if m["category"] == category]
        ranked = sorted(ids, key=lambda i: (hashlib.sha256(seed + i.encode("utf-8")).digest(), i))
        drawn.extend(ranked[:k])
    return drawn


def check_published_draw(client: Client, meeting_id: int) -> dict[str, Any]:
    """Everything a resident can check from the API and the log, with none of the product's code."""
    doc = client.get(f"/api/v1/meetings/{meeting_id}/draw").json()
    raw = pool_bytes(doc["pool"])
    assert hashlib.sha256(raw).hexdigest() == doc["pool_sha256"]
    entry = client.get(f"/log/leaf/{doc['pool_leaf_index']}").content
    logged = json.loads(entry)
    assert json.dumps(logged["content"], ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode() == raw
    assert logged["pool_sha256"] == doc["pool_sha256"] and logged["external_source"] == doc["external_source"]
    assert client.get(f"/log/proof/{doc['pool_leaf_index']}").status_code == 200
    checkpoint_lines = doc["checkpoint"].split("\n")
    assert int(checkpoint_lines[1]) > doc["pool_leaf_index"]
    seed = seed_of(doc["checkpoint"], doc["external"])
    assert seed.hex() == doc["seed"]
    assert drawn_by_description(doc["pool"], doc["quotas"], seed) == doc["drawn"]
    return doc


# ------------------------------------------------------------------------------------------- a meeting's draw


def drawn_meeting(council: Council, pool: list[Observer]) -> Meeting:
    meeting, _ = council.meeting(council.prepare(council.matter()))
    services.draw_prepare(meeting=meeting, topic="construction", quotas=QUOTAS, external_source=LOTTERY,
                          actor=council.secretary)
    with pytest.raises(services.PoolNotFrozen, match="尚未冻结") as refused:
        services.draw_complete(meeting=meeting, external_value="03 08 15 21 27 33 + 12", actor=council.secretary)
    assert refused.value.field == "external_value"
    services.draw_freeze(meeting=meeting, actor=council.secretary)
    with pytest.raises(services.PoolNotFrozen, match="尚未写入日志"):
        services.draw_complete(meeting=meeting, external_value="03 08 15 21 27 33 + 12", actor=council.secretary)
    sequence_all()
    # the log keeps growing: the seed must still come from the first checkpoint covering the pool
    services.observer_add(code="OBS-0099", name="后来者", category="expert", topics=["construction"],
                          actor=council.secretary)
    sequence_all()
    services.draw_complete(meeting=meeting, external_value=" 03 08 15 21 27 33 + 12 ", actor=council.secretary)
    return meeting


def test_the_draw_redone_from_its_description_gives_the_same_observers(council: Council, pool: list[Observer]) -> None:
    meeting = drawn_meeting(council, pool)
    doc = check_published_draw(Client(), meeting.pk)
    assert [m["id"] for m in doc["pool"]] == ["OBS-0001", "OBS-0002", "OBS-0003", "OBS-0010", "OBS-0011", "OBS-0013",
                                              "OBS-0014", "OBS-0020", "OBS-0021", "OBS-0030"]
    assert doc["external"] == "03 08 15 21 27 33 + 12" and doc["quotas"] == QUOTAS
    first = Checkpoint.objects.filter(size__gt=doc["pool_leaf_index"]).order_by("size").first()
    assert first is not None and doc["checkpoint"].startswith(first.note.split("\n\n")[0])
    assert Checkpoint.objects.filter(size__gt=first.size).exists()  # a later checkpoint was not used
    drawn = ObserverDraw.objects.get(meeting=meeting).drawn
    assert doc["drawn"] == drawn and len(drawn) == 5
    assert [o["category"] for o in doc["observers"]] == ["deputy", "expert", "expert", "resident", "resident"]


def test_personal_data_is_masked_beside_the_document_never_inside_it(council: Council, pool: list[Observer]) -> None:
    meeting = drawn_meeting(council, pool)
    client = Client()
    answer = client.get(f"/api/v1/meetings/{meeting.pk}/draw")
    doc = answer.json()
    names = {o.code: o.name for o in pool}
    for person in doc["observers"]:
        name = names[person["id"]]
        assert person["name"] == name[0] + "*" * (len(name) - 1)
    body = answer.content.decode()
    entry = client.get(f"/log/leaf/{doc['pool_leaf_index']}").content.decode()
    for observer in pool:
        assert observer.name not in body and observer.name not in entry and observer.contact not in entry


def test_the_portal_shows_the_draw_and_a_script_that_redoes_it(council: Council, pool: list[Observer],
                                                               tmp_path: Path) -> None:
    meeting = drawn_meeting(council, pool)
    client = Client()
    page = client.get(f"/meetings/{meeting.pk}/draw/").content.decode()
    doc = client.get(f"/api/v1/meetings/{meeting.pk}/draw").json()
    assert LOTTERY in page and doc["seed"] in page and f"/log/proof/{doc['pool_leaf_index']}" in page
    assert all(code in page for code in doc["drawn"])
    script = client.get("/meetings/redo_draw.py")
    assert script["Content-Disposition"] == 'attachment; filename="redo_draw.py"'
    (tmp_path / "redo_draw.py").write_bytes(script.content)
    (tmp_path / "draw.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    run = subprocess.run([sys.executable, "-I", "redo_draw.py", "draw.json"], cwd=tmp_path, capture_output=True,
                         text=True, timeout=30, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.count("一致") == 3 and "不一致" not in run.stdout
    doc["drawn"] = list(reversed(doc["drawn"]))
    (tmp_path / "draw.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    run = subprocess.run([sys.executable, "-I", "redo_draw.py", "draw.json"], cwd=tmp_path, capture_output=True,
                         text=True, timeout=30, check=False)
    assert run.returncode == 1 and "drawn: 不一致" in run.stdout


def test_a_quota_above_the_eligible_members_is_refused_when_set(council: Council, pool: list[Observer]) -> None:
    meeting, _ = council.meeting(council.prepare(council.matter()))
    with pytest.raises(services.QuotaTooLarge) as refused:
        services.draw_prepare(meeting=meeting, topic="construction", quotas={"expert": 4}, external_source=LOTTERY,
                              actor=council.secretary)
    assert refused.value.field == "quotas.expert" and "只有3人" in refused.value.message
    assert not ObserverDraw.objects.exists()


def test_the_setup_cannot_change_once_the_pool_is_frozen(council: Council, pool: list[Observer]) -> None:
    meeting, _ = council.meeting(council.prepare(council.matter()))
    services.draw_prepare(meeting=meeting, topic="construction", quotas=QUOTAS, external_source=LOTTERY,
                          actor=council.secretary)
    services.draw_freeze(meeting=meeting, actor=council.secretary)
    with pytest.raises(DomainError, match="已冻结"):
        services.draw_prepare(meeting=meeting, topic="construction", quotas={"expert": 1}, external_source="另一来源",
                              actor=council.secretary)


def test_no_draw_is_public_before_its_pool_is_frozen(council: Council, pool: list[Observer]) -> None:
    meeting, _ = council.meeting(council.prepare(council.matter()))
    services.draw_prepare(meeting=meeting, topic="construction", quotas=QUOTAS, external_source=LOTTERY,
                          actor=council.secretary)
    answer = Client().get(f"/api/v1/meetings/{meeting.pk}/draw")
    assert answer.status_code == 404 and answer.json()["errors"][0]["field"] == "meeting_id"
    assert Client().get(f"/meetings/{meeting.pk}/draw/").status_code == 404


# ------------------------------------------------------------------------------------------- the draw's fairness

POOL = [{"category": c, "id": f"{c[:3].upper()}-{i:03d}"} for c, n in
        (("expert", 5), ("resident", 8), ("deputy", 3), ("retired", 2), ("cppcc", 4)) for i in range(n)]
FAIR_QUOTAS = {"expert": 2, "resident": 3, "deputy": 1, "retired": 2, "cppcc": 0}
SEEDS = [hashlib.sha256(str(i).encode()).digest() for i in range(10_000)]


def product_draw(seed: bytes) -> list[str]:
    return product.draw([product.PoolMember(m["category"], m["id"]) for m in POOL], FAIR_QUOTAS, seed)


def test_changing_the_seed_changes_the_draw_whenever_a_category_has_fewer_places_than_members() -> None:
    per_category: dict[str, set[tuple[str, ...]]] = {c: set() for c in FAIR_QUOTAS}
    for seed in SEEDS[:2000]:
        drawn = product_draw(seed)
        for category in FAIR_QUOTAS:
            per_category[category].add(tuple(sorted(i for i in drawn if i.startswith(category[:3].upper()))))
    members = Counter(m["category"] for m in POOL)
    for category, k in FAIR_QUOTAS.items():
        if 0 < k < members[category]:  # every k-subset turns up: the seed decides who is drawn
            assert len(per_category[category]) == math.comb(members[category], k)
        else:  # nothing to choose: all of them, or none
            assert len(per_category[category]) == 1
    assert product_draw(SEEDS[0]) != product_draw(SEEDS[1])


def test_each_members_chance_is_k_over_n_within_sampling_error() -> None:
    counts: Counter[str] = Counter()
    for seed in SEEDS:
        drawn = product_draw(seed)
        assert drawn == drawn_by_description(POOL, FAIR_QUOTAS, seed)
        counts.update(drawn)
    members = Counter(m["category"] for m in POOL)
    for member in POOL:
        p = FAIR_QUOTAS[member["category"]] / members[member["category"]]
        share = counts[member["id"]] / len(SEEDS)
        sigma = math.sqrt(p * (1 - p) / len(SEEDS))
        assert abs(share - p) <= 4 * sigma, (member, share, p)


def test_the_pool_document_is_sorted_by_code_point_in_nfc() -> None:
    decomposed = "OBS-E\u0301"  # É as E + combining accent: NFC makes it one code point
    pool = [product.PoolMember("resident", "OBS-b"), product.PoolMember("expert", decomposed),
            product.PoolMember("expert", "OBS-B")]
    document = product.pool_document(pool)
    assert document == pool_bytes([{"category": m.category, "id": m.id} for m in pool])
    assert [m["id"] for m in json.loads(document)] == ["OBS-B", "OBS-b", "OBS-\u00c9"]
