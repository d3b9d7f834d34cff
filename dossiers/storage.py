"""Where a stored file's content lives: the default storage, or — once its dossier was archived — the archive
storage (STORAGES["archive"]). The file's name says which: an archived file is named `archive/<name in the
archive storage>`, so every `stored.file.open()` (downloads, the API, e-results) finds it without knowing
about archiving. New files are always saved to the default storage."""

from __future__ import annotations

from typing import Any

from django.core.files.storage import Storage, storages
from django.utils.deconstruct import deconstructible

ARCHIVE_PREFIX = "archive/"


def is_archived_name(name: str) -> bool:
    return name.startswith(ARCHIVE_PREFIX)


def archived_name(inner: str) -> str:
    """The FileField name of a file saved as `inner` in the archive storage."""
    return ARCHIVE_PREFIX + inner


def archive_storage() -> Storage:
    return storages["archive"]


@deconstructible(path="dossiers.storage.StoredFileStorage")
class StoredFileStorage(Storage):
    """Routes each name to the storage holding it (read per call, so settings changes apply at once)."""

    def _route(self, name: str) -> tuple[Storage, str]:
        if is_archived_name(name):
            return storages["archive"], name.removeprefix(ARCHIVE_PREFIX)
        return storages["default"], name

    def _outer(self, name: str, inner: str) -> str:
        return archived_name(inner) if is_archived_name(name) else inner

    def _open(self, name: str, mode: str = "rb") -> Any:
        storage, inner = self._route(name)
        return storage.open(inner, mode)

    def _save(self, name: str, content: Any) -> str:
        storage, inner = self._route(name)
        return self._outer(name, storage.save(inner, content))

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        storage, inner = self._route(name)
        return self._outer(name, storage.get_available_name(inner, max_length=max_length))

    def delete(self, name: str) -> None:
        storage, inner = self._route(name)
        storage.delete(inner)

    def exists(self, name: str) -> bool:
        storage, inner = self._route(name)
        return storage.exists(inner)

    def size(self, name: str) -> int:
        storage, inner = self._route(name)
        return storage.size(inner)

    def url(self, name: str | None) -> str:
        storage, inner = self._route(name or "")
        return storage.url(inner)

    def path(self, name: str) -> str:
        storage, inner = self._route(name)
        return storage.path(inner)

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        storage, inner = self._route(path)
        return storage.listdir(inner)

    def get_modified_time(self, name: str) -> Any:
        storage, inner = self._route(name)
        return storage.get_modified_time(inner)


stored_file_storage = StoredFileStorage()
