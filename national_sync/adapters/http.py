"""The national portal's protocol (API.md beside this file): a session from /login, then every call a POST
to /service with {session, madonvi, service, data…}; success is error_code "00".

Field names, service names and error codes come from settings.NATIONAL_PORTAL, so a province edits its
configuration, not this code. The session is kept in the database (PortalSession) and shared by every worker;
when the portal says it expired, the adapter logs in again ONCE and repeats the call. Errors are classified so
the sync retries only what may succeed later: timeouts, connection errors, HTTP 5xx and 429, "busy" codes and
a refused login are transient; other HTTP 4xx and the portal's other codes are permanent.
"""

import json
import logging
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

from django.conf import settings

from common import clock

from ..models import PortalSession
from .base import NationalPortal, PermanentError, TransientError

logger = logging.getLogger(__name__)

# (path "login" or "service", JSON body, timeout seconds) -> (HTTP status, the decoded JSON answer or None
# when it is not JSON). Raises OSError (TimeoutError, ConnectionError, URLError) when out of reach.
Transport = Callable[[str, dict, float], tuple[int, Any]]
SESSION_NAME = "default"


def urllib_transport(base_url: str) -> Transport:
    def post(path: str, body: dict, timeout: float) -> tuple[int, Any]:
        if not base_url:
            raise ConnectionError("NATIONAL_PORTAL_URL is not set")
        request = urllib.request.Request(
            f"{base_url.rstrip('/')}/{path}",
            data=json.dumps(body, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                status, content = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, content = error.code, error.read()
        try:
            return status, json.loads(content or b"null")
        except ValueError:
            return status, None

    return post


def renamed(value: Any, names: dict[str, str]) -> Any:
    """Our field names → the province's configured names, in nested dicts and lists."""
    if isinstance(value, dict):
        return {names.get(key, key): renamed(item, names) for key, item in value.items()}
    if isinstance(value, list):
        return [renamed(item, names) for item in value]
    return value


class HttpNationalPortal(NationalPortal):
    name = "http"

    def __init__(self, *, config: dict | None = None, transport: Transport | None = None):
        self.config = config if config is not None else settings.NATIONAL_PORTAL
        self.transport = transport or urllib_transport(self.config["BASE_URL"])
        codes = self.config["ERROR_CODES"]
        self.login_ok = str(codes["login_ok"])
        self.ok = str(codes["ok"])
        self.session_expired = {str(code) for code in codes["session_expired"]}
        self.transient_codes = {str(code) for code in codes["transient"]}

    # --- the wire ---------------------------------------------------------------------------------------
    def _post(self, path: str, body: dict, what: str) -> dict:
        timeout = float(self.config["TIMEOUT_SECONDS"])
        try:
            status, answer = self.transport(path, body, timeout)
        except TimeoutError as error:
            raise TransientError(f"{what}: timed out after {timeout:g} s") from error
        except OSError as error:  # connection refused/reset, DNS, the sandbox told to be down
            raise TransientError(f"{what}: {error}") from error
        if status >= 500 or status == 429:
            raise TransientError(f"{what}: HTTP {status}")
        if status >= 400:
            raise PermanentError(f"{what}: HTTP {status} {self._message(answer)}".strip())
        if not isinstance(answer, dict):
            raise TransientError(f"{what}: HTTP {status} with an answer that is not a JSON object")
        return answer

    @staticmethod
    def _message(answer: Any) -> str:
        return str(answer.get("message", ""))[:300] if isinstance(answer, dict) else ""

    # --- the session ------------------------------------------------------------------------------------
    def _login(self) -> str:
        body = {"username": self.config["USERNAME"], "password": self.config["PASSWORD"]}
        answer = self._post("login", body, "login")
        if str(answer.get("error_code")) != self.login_ok or not answer.get("session"):
            # Credentials a province fixes in its settings: nothing is lost meanwhile, so retried.
            raise TransientError(f"login refused: {answer.get('error_code')} {self._message(answer)}".strip())
        return str(answer["session"])

    def _session(self) -> str:
        token = PortalSession.objects.filter(name=SESSION_NAME).values_list("token", flat=True).first()
        return token or self._renew()

    def _renew(self) -> str:
        token = self._login()
        PortalSession.objects.update_or_create(
            name=SESSION_NAME, defaults={"token": token, "obtained_at": clock.now()}
        )
        logger.info("national portal: new session")
        return token

    # --- a service call ---------------------------------------------------------------------------------
    def call(self, service_key: str, unit_code: str, fields: dict) -> Any:
        """One service call with the shared session, renewed once if the portal says it expired. Returns
        the answer's `result`; raises TransientError / PermanentError (with the portal's code)."""
        service = self.config["SERVICES"][service_key]
        payload = renamed(fields, self.config["FIELDS"])
        answer = self._service(self._session(), service, unit_code, payload)
        if str(answer.get("error_code")) in self.session_expired:
            answer = self._service(self._renew(), service, unit_code, payload)
        code = str(answer.get("error_code"))
        if code == self.ok:
            return answer.get("result")
        text = f"{service}: {code} {self._message(answer)}".strip()
        if code in self.session_expired or code in self.transient_codes:
            raise TransientError(text, code=code)
        raise PermanentError(text, code=code)

    def _service(self, session: str, service: str, unit_code: str, payload: dict) -> dict:
        body = {"session": session, "madonvi": unit_code, "service": service, **payload}
        return self._post("service", body, service)

    # --- the services ------------------------------------------------------------------------------------
    def lookup(self, *, unit_code: str, dossier_code: str) -> list[dict]:
        result = self.call("lookup", unit_code, {"data": {"MaHoSo": dossier_code}})
        if result in (None, ""):
            return []
        if not isinstance(result, list):
            raise TransientError(f"lookup: unexpected result {result!r:.200}")
        return result

    def sync_dossier(self, *, unit_code: str, record: dict, updating: bool) -> None:
        fields = {"isUpdating": "true" if updating else "false", "data": [record]}
        self.call("sync_dossier", unit_code, fields)

    def add_step(self, *, unit_code: str, step: dict) -> None:
        self.call("sync_step", unit_code, {"data": [step]})
