"""The log's tables. The queue is a work list; everything else is append-only.

* :class:`LeafQueue` — leaves waiting for an index, written by the transaction that makes the event or
  publishes the record (so a rolled-back transaction leaves nothing behind);
* :class:`LogLeaf` — the entries, by index (0, 1, 2, … with no gap);
* :class:`LogHash` — every perfect-subtree hash (level 0 = leaf hashes), from which roots, proofs and
  tiles are read;
* :class:`LogDocument` — documents whose entry holds only their digest (events, non-public or large
  records);
* :class:`Checkpoint` — every signed checkpoint, with room for witnesses' cosignature lines;
* :class:`LogState` — one row: the log's size and origin, locked by the sequencer.

Rows of the append-only tables refuse ``save()`` of an existing row, ``delete()``, and queryset
``update()``/``delete()``; database triggers refuse UPDATE and DELETE as well (see :mod:`.triggers`).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models

from sunlit.core import clock
from sunlit.core.models import AppendOnlyError


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError(f"{self.model._meta.verbose_name}只能追加，不能修改")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{self.model._meta.verbose_name}只能追加，不能删除")

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        raise AppendOnlyError(f"{self.model._meta.verbose_name}只能追加，不能修改")


class AppendOnly(models.Model):
    objects: ClassVar[Any] = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{self._meta.verbose_name}只能追加，不能修改")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError(f"{self._meta.verbose_name}只能追加，不能删除")


class LeafQueue(models.Model):
    """A leaf waiting for the sequencer. Rows leave the queue in the transaction that appends them.

    ``document`` is the side document of a digest entry (see :mod:`.leaf`); it moves to
    :class:`LogDocument` with the leaf.
    """

    kind = models.CharField("类型", max_length=64)
    ref = models.BigIntegerField("对象编号", null=True, blank=True)
    data = models.BinaryField("条目")
    document = models.BinaryField("文档", null=True, blank=True)
    document_public = models.BooleanField("文档可公开", default=False)
    created_at = models.DateTimeField("入队时间", default=clock.now)

    class Meta:
        verbose_name = verbose_name_plural = "待入日志"

    def __str__(self) -> str:
        return f"{self.kind}#{self.ref}"


class LogLeaf(AppendOnly):
    """One log entry. ``index`` is its position in the tree; ``kind``/``ref`` find it again."""

    index = models.BigIntegerField("序号", primary_key=True)
    kind = models.CharField("类型", max_length=64)
    ref = models.BigIntegerField("对象编号", null=True, blank=True)
    data = models.BinaryField("条目")
    enqueued_at = models.DateTimeField("入队时间")
    sequenced_at = models.DateTimeField("入日志时间")

    class Meta:
        verbose_name = verbose_name_plural = "日志条目"
        indexes = [models.Index(fields=["kind", "ref"], name="record_leaf_kind_ref")]

    def __str__(self) -> str:
        return f"#{self.index} {self.kind}"


class LogHash(AppendOnly):
    """The hash of the perfect subtree over leaves ``[index · 2^level, (index + 1) · 2^level)``."""

    pk = models.CompositePrimaryKey("level", "index")
    level = models.PositiveSmallIntegerField("层")
    index = models.BigIntegerField("序号")
    hash = models.BinaryField("哈希", max_length=32)

    class Meta:
        verbose_name = verbose_name_plural = "日志哈希"

    def __str__(self) -> str:
        return f"({self.level}, {self.index})"


class LogDocument(AppendOnly):
    """The document of leaf ``index`` when its entry holds only the document's SHA-256 (see :mod:`.leaf`).

    Sealed documents (events, non-public records) are for auditors only; public ones may be served.
    """

    index = models.BigIntegerField("日志序号", primary_key=True)
    data = models.BinaryField("文档")
    public = models.BooleanField("可公开", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "日志文档"

    def __str__(self) -> str:
        return f"#{self.index}"


class Checkpoint(AppendOnly):
    """A signed checkpoint (c2sp.org/tlog-checkpoint). All are kept.

    ``note`` is the note as the log signed it; witnesses' cosignature lines are appended to
    ``cosignatures`` (append-only: the database refuses any other change).
    """

    size = models.BigIntegerField("树大小", unique=True)
    root = models.BinaryField("根哈希", max_length=32)
    note = models.TextField("签名检查点")
    cosignatures = models.TextField("见证签名", blank=True, default="")
    created_at = models.DateTimeField("时间", default=clock.now)

    class Meta:
        verbose_name = verbose_name_plural = "检查点"

    def __str__(self) -> str:
        return f"{self.size} {bytes(self.root).hex()[:16]}"

    @property
    def signed_note(self) -> str:
        """The note with every signature: the log's, then the cosignatures in the order they came."""
        return self.note + self.cosignatures


class LogState(models.Model):
    """The one row that says how big the log is; the sequencer locks it to assign indices."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    size = models.BigIntegerField("树大小", default=0)
    origin = models.CharField("日志标识", max_length=255, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "日志状态"
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="record_logstate_singleton")]

    def __str__(self) -> str:
        return f"{self.origin} {self.size}"
