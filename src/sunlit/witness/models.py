"""What the witness remembers, and whom Sunlit's own log asks for cosignatures.

* :class:`WitnessedLog` — a log this Sunlit witnesses: its origin, the verifier key(s) trusted for it
  and the latest checkpoint cosigned (or, by `sunlit witness`, verified) for it. Size and root only
  ever move forward, in one transaction (:func:`sunlit.witness.services.advance`).
* :class:`WitnessConfig` — a witness that cosigns Sunlit's own checkpoints: its cosigner verifier key
  (type 0x04), its add-checkpoint URL, and the size it last cosigned (the ``old`` size sent next).
"""

from __future__ import annotations

import base64
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from sunlit.core import clock
from sunlit.core.tlog.checkpoint import CosignatureV1Verifier
from sunlit.core.tlog.merkle import EMPTY_ROOT
from sunlit.core.tlog.note import NoteError, Verifier, parse_verifier_key


def parse_log_keys(text: str) -> list[Verifier]:
    """The verifiers of a key list: one verifier key per line (blank lines ignored)."""
    keys = [line.strip() for line in text.splitlines() if line.strip()]
    if not keys:
        raise NoteError("no verifier key")
    return [parse_verifier_key(k) for k in keys]


def parse_witness_key(vkey: str) -> CosignatureV1Verifier:
    """A witness's cosigner verifier key: ``name+keyid+base64(0x04 || Ed25519 public key)``."""
    verifier = parse_verifier_key(vkey.strip())
    if not isinstance(verifier, CosignatureV1Verifier):
        raise NoteError("a witness key must be a cosignature/v1 key (type 0x04)")
    return verifier


class WitnessedLog(models.Model):
    """A log this Sunlit acts as a witness for (c2sp.org/tlog-witness), by its origin line."""

    origin = models.CharField("日志标识", max_length=255, unique=True)
    keys = models.TextField("日志公钥", help_text="受信任的日志验证公钥（name+keyid+base64），每行一个")
    size = models.BigIntegerField("已见证树大小", default=0)
    root = models.BinaryField("已见证根哈希", max_length=32, null=True, blank=True)
    checkpoint = models.TextField("最近见证的检查点", blank=True, default="")
    created_at = models.DateTimeField("添加时间", default=clock.now)
    updated_at = models.DateTimeField("更新时间", default=clock.now)

    class Meta:
        verbose_name = verbose_name_plural = "见证的日志"

    def __str__(self) -> str:
        return f"{self.origin} @ {self.size}"

    def clean(self) -> None:
        try:
            parse_log_keys(self.keys)
        except NoteError as exc:
            raise ValidationError({"keys": str(exc)}) from exc
        if not self.origin or any(c.isspace() for c in self.origin):
            raise ValidationError({"origin": "日志标识必须是一行、不含空白"})

    def verifiers(self) -> list[Verifier]:
        return parse_log_keys(self.keys)

    @property
    def root_hash(self) -> bytes:
        """The root of the kept tree (the empty tree's before any checkpoint)."""
        return bytes(self.root) if self.root is not None else EMPTY_ROOT

    @property
    def root_b64(self) -> str:
        return base64.b64encode(self.root_hash).decode()


class WitnessConfig(models.Model):
    """A witness asked to cosign each of Sunlit's own checkpoints."""

    name = models.CharField("见证人名称", max_length=255, editable=False)
    vkey = models.CharField("见证人公钥", max_length=500, unique=True,
                            help_text="cosignature/v1 验证公钥（类型 0x04）：name+keyid+base64")
    url = models.URLField("提交地址", max_length=500,
                          help_text="见证人的 add-checkpoint 地址（或其提交前缀）")
    active = models.BooleanField("启用", default=True)
    cosigned_size = models.BigIntegerField("已签树大小", default=0,
                                           help_text="该见证人最近为本日志签署的树大小（下次提交的 old）")
    last_ok_at = models.DateTimeField("最近成功", null=True, blank=True)
    last_error = models.TextField("最近错误", blank=True, default="")
    last_error_at = models.DateTimeField("最近错误时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "本日志的见证人"

    def __str__(self) -> str:
        return self.name or self.vkey

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name = parse_witness_key(self.vkey).name
        super().save(*args, **kwargs)

    def clean(self) -> None:
        try:
            self.name = parse_witness_key(self.vkey).name
        except NoteError as exc:
            raise ValidationError({"vkey": str(exc)}) from exc

    def verifier(self) -> CosignatureV1Verifier:
        return parse_witness_key(self.vkey)

    @property
    def submission_url(self) -> str:
        """The add-checkpoint URL: ``url`` itself, or ``url`` + ``/add-checkpoint`` when it is a prefix."""
        url = self.url.strip()
        if url.rstrip("/").endswith("/add-checkpoint"):
            return url
        return url.rstrip("/") + "/add-checkpoint"
