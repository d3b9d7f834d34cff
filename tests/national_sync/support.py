"""Helpers of the national sync tests: an in-memory national portal that records what it is sent, and a
scripted transport speaking the protocol for the HTTP adapter."""

from dataclasses import dataclass, field

from national_sync.adapters.base import NationalPortal, PermanentError, TransientError


@dataclass
class FakeNationalPortal(NationalPortal):
    """Keeps records and steps the way the contract says the national side does: create of a known code is
    "02", update or step of an unknown one "03", a step keyed by its content is stored once."""

    records: dict = field(default_factory=dict)
    steps: list = field(default_factory=list)
    calls: list = field(default_factory=list)
    down: bool = False
    refuse_with: str = ""

    def _call(self, name):
        self.calls.append(name)
        if self.down:
            raise TransientError(f"{name}: connection refused")
        if self.refuse_with:
            raise PermanentError(f"{name}: {self.refuse_with}", code=self.refuse_with)

    def lookup(self, *, unit_code, dossier_code):
        self._call("lookup")
        return [self.records[dossier_code]] if dossier_code in self.records else []

    def sync_dossier(self, *, unit_code, record, updating):
        self._call("update" if updating else "create")
        code = record["MaHoSo"]
        if not updating and code in self.records:
            raise PermanentError("02 exists", code="02")
        if updating and code not in self.records:
            raise PermanentError("03 not found", code="03")
        self.records[code] = {**record, "madonvi": unit_code}

    def add_step(self, *, unit_code, step):
        self._call("step")
        if step["MaHoSo"] not in self.records:
            raise PermanentError("03 not found", code="03")
        key = (step["MaHoSo"], step["ThoiDiemXuLy"], step["TrangThai"], step["NoiDungXuLy"])
        if key not in [s[0] for s in self.steps]:
            self.steps.append((key, step))


class ScriptedTransport:
    """Answers login and service calls from a list of (status, answer) per path; records every body."""

    def __init__(self, *, login=None, service=None):
        self.answers = {"login": list(login or []), "service": list(service or [])}
        self.bodies = []

    def __call__(self, path, body, timeout):
        self.bodies.append((path, body))
        answer = self.answers[path].pop(0)
        if isinstance(answer, BaseException):
            raise answer
        return answer


def ensure_default_mappings() -> None:
    """The seeded mapping rows again: a transactional test elsewhere flushes the tables, seeds included."""
    import importlib

    from django.apps import apps

    importlib.import_module("national_sync.migrations.0002_default_status_mappings").seed(apps, None)
