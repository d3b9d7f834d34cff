"""Helpers of the postal tests: a province after the 2025 reform, a dossier whose result goes by post
walked to "approved" through the services, a fake postal operator speaking the documented HTTP API, and
signed notices."""

import datetime
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.conf import settings

from accounts.models import User
from dossiers import services as dossier_services
from dossiers.models import Dossier, ReturnChannel
from postal.carriers import http
from procedures.models import AdministrativeUnit, FeePaymentStage, GovernmentLevel
from tests.dossiers.staff_support import Office, office
from tests.factories import (
    PURPOSE,
    AgencyFactory,
    CitizenProfileFactory,
    ProcedureFeeFactory,
    ProcedureVersionFactory,
    pdf_upload,
)


@dataclass
class Units:
    province: AdministrativeUnit
    hoa_lu: AdministrativeUnit
    nam_dinh: AdministrativeUnit
    van_giang: AdministrativeUnit  # merged into Phường Hoa Lư in 2025
    old_province: AdministrativeUnit  # Tỉnh Nam Định, merged into Ninh Bình


def units() -> Units:
    def unit(code, name, level, **kwargs):
        return AdministrativeUnit.objects.update_or_create(
            code=code, defaults={"name": name, "level": level, **kwargs}
        )[0]

    province = unit("37", "Tỉnh Ninh Bình", GovernmentLevel.PROVINCE)
    old_province = unit("36", "Tỉnh Nam Định", GovernmentLevel.PROVINCE, is_legacy=True, successor=province)
    hoa_lu = unit("14320", "Phường Hoa Lư", GovernmentLevel.COMMUNE, parent=province)
    nam_dinh = unit("13453", "Phường Nam Định", GovernmentLevel.COMMUNE, parent=province)
    district = unit("369", "Thành phố Hoa Lư", GovernmentLevel.DISTRICT, parent=province, is_legacy=True)
    van_giang = unit(
        "14323",
        "Phường Vân Giang",
        GovernmentLevel.COMMUNE,
        parent=district,
        is_legacy=True,
        successor=hoa_lu,
    )
    return Units(province, hoa_lu, nam_dinh, van_giang, old_province)


@dataclass
class PostCase:
    dossier: Dossier
    applicant: User
    desk: Office
    handler: Office
    units: Units
    extra: dict = field(default_factory=dict)

    def reload(self) -> Dossier:
        self.dossier = Dossier.objects.get(pk=self.dossier.pk)
        return self.dossier


def approved_by_post(
    *,
    fee: int = 0,
    delivery_address: str | None = None,
    phone="0915234678",
    desk: Office | None = None,
    handler: Office | None = None,
) -> PostCase:
    """A dossier filed online at UBND phường Hoa Lư with the result by post, decided by Sở Tư pháp and
    approved (the next step, "result ready", creates the delivery order). `fee`: a charge due before the
    result is returned (collected on delivery)."""
    u = units()
    desk = desk or office(
        AgencyFactory(
            name="UBND phường Hoa Lư",
            administrative_unit=u.hoa_lu,
            address="Số 1 đường Tràng An, phường Hoa Lư",
            phone="0229 3871 234",
        )
    )
    handler = handler or office(
        AgencyFactory(name="Sở Tư pháp tỉnh Ninh Bình", administrative_unit=u.province)
    )
    version = ProcedureVersionFactory(
        published=True,
        agencies=[desk.agency, handler.agency],
        fee_payment_stage=FeePaymentStage.BEFORE_RETURN,
        result_name="Trích lục khai sinh",
    )
    if fee:
        ProcedureFeeFactory(version=version, amount=fee)
    profile = CitizenProfileFactory(
        full_name="Nguyễn Thị Lan",
        user__full_name="Nguyễn Thị Lan",
        phone=phone,
        personal_id="",
        province=u.province,
        commune=u.hoa_lu,
        street_address="Số 15 đường Trần Hưng Đạo, tổ dân phố 3",
    )
    applicant = profile.user
    dossier = dossier_services.start_draft(
        version=version, applicant=applicant, receiving_agency=desk.agency, form_data=PURPOSE
    )
    dossier = dossier_services.update_draft(
        dossier=dossier,
        by=applicant,
        applicant_phone=phone,
        applicant_address=profile.address,
        return_channel=ReturnChannel.POST,
        delivery_address=profile.address if delivery_address is None else delivery_address,
    )
    for required in version.documents.all():
        dossier_services.attach_upload(
            dossier=dossier, required_document=required, uploaded=pdf_upload(), by=applicant
        )
    dossier = dossier_services.submit(dossier=dossier, by=applicant)
    dossier = dossier_services.receive(dossier=dossier, clerk=desk.clerk)
    dossier = dossier_services.transfer(dossier=dossier, by=desk.clerk, to_agency=handler.agency)
    dossier = dossier_services.approve(
        dossier=dossier, officer=handler.officer, result_file=pdf_upload("trich-luc.pdf")
    )
    return PostCase(dossier=dossier, applicant=applicant, desk=desk, handler=handler, units=u)


def make_result_ready(case: PostCase) -> Dossier:
    case.dossier = dossier_services.mark_result_ready(dossier=case.dossier, by=case.handler.officer)
    return case.dossier


def signed(body: bytes, secret: str | None = None, now: float | None = None) -> dict:
    """The headers of a tracking notice signed as API.md says, as Django's test client passes them."""
    headers = http.signed_headers(secret if secret is not None else settings.POSTAL_WEBHOOK_SECRET, body, now)
    return {
        "HTTP_X_POSTAL_TIMESTAMP": headers[http.TIMESTAMP_HEADER],
        "HTTP_X_POSTAL_SIGNATURE": headers[http.SIGNATURE_HEADER],
    }


def notice(*events: dict) -> bytes:
    return json.dumps({"events": list(events)}, ensure_ascii=False).encode()


def event(order, status: str, at: datetime.datetime, event_id: str, **extra) -> dict:
    return {
        "id": event_id,
        "tracking_number": order.tracking_number or "",
        "client_order_code": str(order.key),
        "status": status,
        "time": at.isoformat(),
        "location": extra.pop("location", "Bưu cục phát Phường Hoa Lư"),
        "description": extra.pop("description", ""),
        **extra,
    }


# --- a fake postal operator -----------------------------------------------------------------------------
class FakePostOffice:
    """The documented API, in memory: one parcel per client order code; `failures` is a list of what the
    next create calls answer instead ((status, body) or an exception to raise), consumed in order."""

    def __init__(self, failures=()):
        self.failures = list(failures)
        self.parcels: dict[str, dict] = {}
        self.requests: list[dict] = []

    def __call__(self, method, url, headers, body, timeout):
        self.requests.append(
            {"method": method, "url": url, "headers": dict(headers), "body": body, "timeout": timeout}
        )
        path = url.split("/v1", 1)[-1]
        if method == "POST" and path == "/orders":
            if self.failures:
                failure = self.failures.pop(0)
                if isinstance(failure, BaseException):
                    raise failure
                return failure
            payload = json.loads(body)
            code = payload["client_order_code"]
            if code in self.parcels:
                return 200, json.dumps(self.parcels[code]["answer"]).encode()
            tracking = f"EB{len(self.parcels) + 10000001:08d}5VN"
            answer = {
                "order_id": f"BC{len(self.parcels) + 1}",
                "tracking_number": tracking,
                "status": "created",
                "fee": {"postage": 23_000, "cod_fee": 0, "total": 23_000},
            }
            self.parcels[code] = {"answer": answer, "payload": payload, "events": []}
            return 201, json.dumps(answer).encode()
        for parcel in self.parcels.values():
            tracking = parcel["answer"]["tracking_number"]
            if path == f"/orders/{tracking}/events":
                return 200, json.dumps({"tracking_number": tracking, "events": parcel["events"]}).encode()
            if path == f"/orders/{tracking}/cancel":
                return 200, b'{"status": "cancelled"}'
        return 404, b'{"error": {"code": "NOT_FOUND", "message": "no such parcel"}}'

    @property
    def creates(self) -> list[dict]:
        return [r for r in self.requests if r["method"] == "POST" and r["url"].endswith("/orders")]


def http_carrier_factory(post_office: FakePostOffice):
    def factory():
        return http.HttpCarrier(
            base_url="https://partner.buudien.example/bcci/v1",
            api_key="test-key",
            partner_code="DVC-NB",
            webhook_secret=settings.POSTAL_WEBHOOK_SECRET,
            timeout=2,
            transport=post_office,
        )

    return factory


class LocalPostOfficeServer:
    """The fake operator behind a real HTTP server on 127.0.0.1 (a free port), for the urllib transport."""

    def __init__(self, post_office: FakePostOffice):
        office = post_office

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                url = f"http://{self.headers['Host']}{self.path}"
                try:
                    status, content = office(self.command, url, dict(self.headers), body, 0)
                except TimeoutError:
                    status, content = 504, b'{"error": {"code": "GATEWAY_TIMEOUT"}}'
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            do_GET = do_POST = _answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/bcci/v1"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
