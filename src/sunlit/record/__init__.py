"""全程记录: the database side of Sunlit's transparency log (docs/tlog.md).

Services enqueue leaves in their own transaction (:mod:`.services`); one sequencer gives them indices
and stores every perfect-subtree hash (:mod:`.sequencer`); checkpoints are signed notes; proofs, tiles
and entry bundles are read from the stored hashes (:mod:`.selectors`), never by rehashing the log;
`sunlit audit-log` recomputes everything (:mod:`.audit`). The hashing and formats are
:mod:`sunlit.core.tlog`.
"""
