"""Where applicants' materials (申请材料) lie: the data folder's materials/ (settings.SUNLIT_MATERIALS_DIR),
beside the database and the keys, never under static files, media or the repository. Files are 0600 in
0700 folders, named at random by the service that writes them; no address serves them directly (staff
download them through the console, which checks who asks)."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage


class MaterialStorage(FileSystemStorage):
    def __init__(self) -> None:
        super().__init__(file_permissions_mode=0o600, directory_permissions_mode=0o700)

    # Read from the settings each time, not once: a test (or a command) that points the data folder
    # elsewhere moves the materials with it.
    @property  # type: ignore[override]
    def base_location(self) -> str:
        folder = getattr(settings, "SUNLIT_MATERIALS_DIR", None)
        if not folder or not os.path.isabs(folder):
            raise ImproperlyConfigured("申请材料存放在数据目录中：请设置 SUNLIT_DATA_DIR")
        return str(folder)

    @property  # type: ignore[override]
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: Any) -> str:
        raise ValueError("申请材料不经网址直接提供，请从办件页面下载")


_storage = MaterialStorage()


def materials_storage() -> MaterialStorage:
    """The storage of CaseMaterial.file (a callable, so migrations name it rather than copy its folder)."""
    return _storage
