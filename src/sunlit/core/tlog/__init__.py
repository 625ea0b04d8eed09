"""A transparency log core speaking the C2SP formats, in plain Python (no Django, no database).

* :mod:`.merkle` — RFC 6962 hashing, inclusion and consistency proofs (RFC 9162 verification), and an
  in-memory hash store laid out like tiles;
* :mod:`.note` — c2sp.org/signed-note (Ed25519);
* :mod:`.checkpoint` — c2sp.org/tlog-checkpoint and c2sp.org/tlog-cosignature (cosignature/v1);
* :mod:`.tiles` — c2sp.org/tlog-tiles paths, tile contents and entry bundles;
* :mod:`.proof` — c2sp.org/tlog-proof and Sunlit's JSON proof bundles;
* :mod:`.verify` — offline verification of a proof file (``sunlit verify``).

See docs/tlog.md.
"""

from sunlit.core.tlog import checkpoint as _checkpoint  # noqa: E402,F401  (registers key type 0x04)
