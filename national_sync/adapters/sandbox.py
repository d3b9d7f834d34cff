"""The embedded default: the same protocol code as `http`, with a transport that hands the JSON body to
national_portal_sandbox's handler in process (no server needed). A sandbox told to be down raises
SandboxUnavailable, which reaches the sync as a connection error: transient, like a real outage."""

import json
from typing import Any

from .http import HttpNationalPortal


def in_process_transport(path: str, body: dict, timeout: float) -> tuple[int, Any]:
    from national_portal_sandbox import protocol

    # Through JSON and back, as over the wire: the handler never shares objects with the caller.
    wire = json.loads(json.dumps(body, ensure_ascii=False))
    try:
        return protocol.handle(path, wire)
    except protocol.SandboxUnavailable as error:
        raise ConnectionError(f"national portal sandbox unavailable: {error}") from error


class SandboxNationalPortal(HttpNationalPortal):
    name = "sandbox"

    def __init__(self, *, config: dict | None = None):
        super().__init__(config=config, transport=in_process_transport)
