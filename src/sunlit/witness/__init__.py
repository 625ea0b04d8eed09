"""见证: witnessing, c2sp.org/tlog-witness v1.0.0 both ways (docs/tlog.md, Witnessing).

* Sunlit as a witness for other logs (a neighbouring county's): ``POST /add-checkpoint`` verifies the
  checkpoint against the keys configured for its origin and a consistency proof from the size it last
  cosigned, advances its state atomically and answers with a cosignature/v1 (:mod:`.services`);
* Sunlit's own log asks the witnesses configured for it to cosign each new checkpoint and appends their
  cosignatures to the published checkpoint (:func:`.services.collect_cosignatures`);
* `sunlit witness URL` watches any tlog-tiles log and reports a fork or a rollback (:mod:`.monitor`).
"""
