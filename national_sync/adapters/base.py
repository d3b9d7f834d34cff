"""What the portal needs from the national public-service portal, whatever carries the calls: look a dossier
up by its code, create or update its record, append a processing step. `http` speaks the protocol over
HTTPS; `sandbox` speaks the same protocol to the embedded national_portal_sandbox in process (API.md)."""

from abc import ABC, abstractmethod


class NationalPortalError(Exception):
    """The national portal did not do what was asked; `code` is its error_code when it answered one."""

    def __init__(self, message: str, *, code: str = ""):
        super().__init__(message)
        self.code = code


class TransientError(NationalPortalError):
    """Worth trying again later: a timeout, a connection error, HTTP 5xx or 429, "busy" (99), a refused
    login (credentials a province can fix without losing anything)."""


class PermanentError(NationalPortalError):
    """Trying again changes nothing until someone fixes the data or the mapping: HTTP 4xx, invalid data
    (01), already exists (02), not found (03), no mapping for a state or action."""


class NationalPortal(ABC):
    @abstractmethod
    def lookup(self, *, unit_code: str, dossier_code: str) -> list[dict]:
        """TraCuuHoSo: the records the national portal holds for this code ([] when unknown)."""

    def exists(self, *, unit_code: str, dossier_code: str) -> bool:
        return bool(self.lookup(unit_code=unit_code, dossier_code=dossier_code))

    @abstractmethod
    def sync_dossier(self, *, unit_code: str, record: dict, updating: bool) -> None:
        """DongBoHoSoMC: create (updating False) or update (True) one dossier's record."""

    @abstractmethod
    def add_step(self, *, unit_code: str, step: dict) -> None:
        """CapNhatTienDoHoSoMC: append one processing step (the same step twice is stored once)."""
