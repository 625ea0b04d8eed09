"""申请材料: what an applicant's uploaded file must be, checked in this one place before anything is written.

A file is accepted by what it is, read from its first bytes (and, for OFD, from the zip's table of
contents), never by its name alone: a PDF, a JPEG or PNG image, or an OFD document (GB/T 33190, the
national e-document format: a zip with OFD.xml at its root). Its extension must say the same thing, so
that whoever opens it later is not misled. Each file has a size limit, and a case a total and a count;
an empty file, and the same file twice, are refused. Every refusal names the file and the limit, in
Chinese, on the field "materials". Plain Python: no database, no Django.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Any

from sunlit.core.errors import DomainError

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_TOTAL_BYTES = 50 * 1024 * 1024
MAX_FILES = 20
MAX_NAME_LENGTH = 100
FIELD = "materials"
_CHUNK = 64 * 1024
_OFD_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?OFD[\s>/]")


@dataclass(frozen=True)
class Kind:
    """A type of file accepted as a material: its key (stored), its name in the UI, the content type it is
    served with, and the extensions its name may end with."""

    key: str
    label: str
    content_type: str
    extensions: tuple[str, ...]


PDF = Kind("pdf", "PDF 文档", "application/pdf", (".pdf",))
JPEG = Kind("jpeg", "JPEG 图片", "image/jpeg", (".jpg", ".jpeg"))
PNG = Kind("png", "PNG 图片", "image/png", (".png",))
OFD = Kind("ofd", "OFD 版式文档", "application/ofd", (".ofd",))
KINDS: dict[str, Kind] = {k.key: k for k in (PDF, JPEG, PNG, OFD)}
BY_EXTENSION: dict[str, Kind] = {ext: k for k in KINDS.values() for ext in k.extensions}
ACCEPT = ",".join(BY_EXTENSION)
"""The file input's accept attribute: .pdf,.jpg,.jpeg,.png,.ofd."""
NAMED = "PDF、JPG、PNG、OFD"


@dataclass(frozen=True)
class Checked:
    """A file that passed every check: its cleaned name, what it is, its size and digest, and the file itself
    (rewound), ready to be stored."""

    name: str
    kind: Kind
    size: int
    sha256: str
    file: Any


def megabytes(size: int) -> str:
    """A size as the UI says it: 10 MB, 12.3 MB, 0.5 MB."""
    value = size / (1024 * 1024)
    return f"{value:.0f} MB" if value == int(value) else f"{value:.1f} MB"


def hint() -> str:
    """What the upload field tells the applicant before they choose."""
    return (f"可上传{NAMED}文件，每个不超过{megabytes(MAX_FILE_BYTES)}，合计不超过{megabytes(MAX_TOTAL_BYTES)}，"
            f"最多{MAX_FILES}个。")


def clean_name(raw: str) -> str:
    """The name a file is shown and downloaded by: its last path part, without control or direction
    characters (which can make "exe.pdf" read as "pdf.exe"), without characters a file system refuses,
    with single spaces, at most MAX_NAME_LENGTH characters, its extension kept. Never a path on disk."""
    name = unicodedata.normalize("NFC", str(raw or ""))
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(" " if ch.isspace() else ch for ch in name if ch.isspace() or unicodedata.category(ch)[0] != "C")
    name = re.sub(r'[<>:"|?*]', "_", name)
    name = " ".join(name.split()).rstrip(" .")
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext) > 10:
        stem, ext = name, ""
    stem = stem.strip(" .") or "材料"
    suffix = f".{ext}" if ext else ""
    return stem[:MAX_NAME_LENGTH - len(suffix)].rstrip(" .") + suffix


def extension(name: str) -> str:
    """The lower-cased extension of a (cleaned) name, with its dot; empty when there is none."""
    _, dot, ext = name.rpartition(".")
    return f".{ext.lower()}" if dot else ""


def detect(head: bytes, file: IO[bytes]) -> Kind | None:
    """What a file is by its content: the signature at its start; an OFD is a zip whose root holds OFD.xml
    with an OFD root element. None for anything else (an executable renamed .pdf, a Word file, text)."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04") and _is_ofd(file):
        return OFD
    return None


def _is_ofd(file: IO[bytes]) -> bool:
    """Reads the zip's table of contents and at most 4 KB of OFD.xml: nothing is unpacked."""
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            if "OFD.xml" not in archive.namelist():
                return False
            with archive.open("OFD.xml") as entry:
                start = entry.read(4096)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, RuntimeError,
            NotImplementedError):
        return False
    finally:
        file.seek(0)
    return bool(_OFD_ROOT.search(start))


def _measure(file: IO[bytes], limit: int) -> tuple[int, str, bytes]:
    """Size, SHA-256 and first bytes, reading at most `limit` + 1 bytes: a larger file is known to be too
    large without reading the rest."""
    file.seek(0)
    digest = hashlib.sha256()
    size, head = 0, b""
    while size <= limit:
        chunk = file.read(min(_CHUNK, limit + 1 - size))
        if not chunk:
            break
        if len(head) < 16:
            head += chunk[:16 - len(head)]
        digest.update(chunk)
        size += len(chunk)
    file.seek(0)
    return size, digest.hexdigest(), head


def _pair(upload: Any) -> tuple[str, IO[bytes]]:
    """(name, file) as given, or an uploaded file (Django's UploadedFile) carrying its own name."""
    if isinstance(upload, tuple):
        name, file = upload
        return str(name), file
    return str(getattr(upload, "name", "") or ""), upload


def check(uploads: Iterable[Any]) -> list[Checked]:
    """Every file checked, in order, or a DomainError naming the first that fails and the rule it breaks.
    Each upload is (name, binary file) or an uploaded file with a name; files must be seekable."""
    given: Sequence[Any] = list(uploads or ())
    if len(given) > MAX_FILES:
        raise DomainError(f"申请材料最多{MAX_FILES}个文件，本次选择了{len(given)}个，请合并或精简后重新上传",
                          field=FIELD)
    checked: list[Checked] = []
    seen: dict[str, str] = {}
    total = 0
    for upload in given:
        raw, file = _pair(upload)
        name = clean_name(raw)
        claimed = BY_EXTENSION.get(extension(name))
        if claimed is None:
            raise DomainError(f"「{name}」的格式不受支持：申请材料只接受{NAMED}文件", field=FIELD)
        size, sha256, head = _measure(file, MAX_FILE_BYTES)
        if size == 0:
            raise DomainError(f"「{name}」是空文件（0 字节），请重新选择", field=FIELD)
        if size > MAX_FILE_BYTES:
            raise DomainError(f"「{name}」超过单个文件{megabytes(MAX_FILE_BYTES)}的上限，请压缩或拆分后上传",
                              field=FIELD)
        found = detect(head, file)
        if found is None:
            raise DomainError(f"「{name}」的内容不是{NAMED}文件（按文件内容识别，不看扩展名），不能作为申请材料",
                              field=FIELD)
        if found is not claimed:
            raise DomainError(f"「{name}」的内容是{found.label}，与扩展名{extension(name)}不符，"
                              f"请改为{found.extensions[0]}后重新上传", field=FIELD)
        if sha256 in seen:
            raise DomainError(f"「{name}」与「{seen[sha256]}」内容相同，请勿重复上传", field=FIELD)
        total += size
        if total > MAX_TOTAL_BYTES:
            raise DomainError(f"申请材料合计超过{megabytes(MAX_TOTAL_BYTES)}的上限（加上「{name}」后为"
                              f"{megabytes(total)}），请压缩或精简后重新上传", field=FIELD)
        seen[sha256] = name
        checked.append(Checked(name, found, size, sha256, file))
    return checked
