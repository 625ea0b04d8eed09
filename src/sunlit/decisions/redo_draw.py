"""Redo an observer draw (旁听人员抽取) of 阳光权力运行平台 from its published document, with nothing but Python 3.

    python3 redo_draw.py draw.json                                 # saved from /api/v1/meetings/ID/draw
    python3 redo_draw.py https://HOST/api/v1/meetings/ID/draw

It recomputes the pool's SHA-256, the seed (SHA-256 of the checkpoint's text lines followed by the external
value) and the draw (per category in code-point order, the k members with the least SHA-256(seed + id)),
and says whether each matches what was published. That the pool was logged before the seed existed is
proved by /log/proof/POOL_LEAF_INDEX (check it with `sunlit verify` or the offline verifier).
"""

import hashlib
import json
import sys
import unicodedata
import urllib.request


def nfc(text):
    return unicodedata.normalize("NFC", text)


def redo(doc):
    pool = sorted(({"category": nfc(m["category"]), "id": nfc(m["id"])} for m in doc["pool"]), key=lambda m: m["id"])
    document = json.dumps(pool, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    note = doc["checkpoint"]
    body = note[: note.index("\n\n") + 1]  # origin, size, root: the lines before the signatures
    seed = hashlib.sha256(body.encode("utf-8") + nfc(doc["external"]).strip().encode("utf-8")).digest()
    drawn = []
    for category in sorted(doc["quotas"]):
        k = doc["quotas"][category]
        ids = [m["id"] for m in pool if m["category"] == category]
        drawn += sorted(ids, key=lambda i: (hashlib.sha256(seed + i.encode("utf-8")).digest(), i))[:k]
    return hashlib.sha256(document).hexdigest(), seed.hex(), drawn


def main(source):
    if source.startswith(("http://", "https://")):
        with urllib.request.urlopen(source) as response:  # noqa: S310 (the user names the address)
            doc = json.load(response)
    else:
        with open(source, encoding="utf-8") as f:
            doc = json.load(f)
    if not doc.get("seed"):
        print("尚未抽取（种子尚未生成）")
        return 1
    pool_sha256, seed, drawn = redo(doc)
    checks = [("pool_sha256", pool_sha256, doc["pool_sha256"]), ("seed", seed, doc["seed"]),
              ("drawn", drawn, doc["drawn"])]
    for name, mine, published in checks:
        print(f"{name}: {'一致' if mine == published else '不一致'} {mine}")
    print(f"pool leaf: /log/proof/{doc['pool_leaf_index']}  checkpoint size: {doc['checkpoint'].splitlines()[1]}")
    return 0 if all(mine == published for _, mine, published in checks) else 1


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
