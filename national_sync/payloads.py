"""What is sent to the national portal, built from the dossier and its audit event when the item is sent
(so a fixed mapping applies to rows that failed on it). Field names are the contract's (API.md); the adapter
renames them to the province's configured names. Dates are yyyyMMddHHmmss in Asia/Ho_Chi_Minh."""

import datetime
from zoneinfo import ZoneInfo

from django.db.models import Q

from dossiers.models import Dossier, DossierDocument, DossierEvent, ReturnChannel, State

from .adapters.base import PermanentError
from .models import NO_MAPPING, StatusMapping

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
STEP_TEXT_LENGTH = 2000


def national_time(moment: datetime.datetime | None) -> str:
    if moment is None:
        return ""
    return moment.astimezone(VIETNAM).strftime("%Y%m%d%H%M%S")


def national_date(day: datetime.date | None) -> str:
    return f"{day:%Y%m%d}000000" if day is not None else ""


class NoMapping(PermanentError):
    def __init__(self, kind: str, value: str):
        super().__init__(f"no mapping for {kind} {value!r}", code=NO_MAPPING)


def mapping(kind: str, value: str) -> StatusMapping:
    row = StatusMapping.objects.filter(kind=kind, value=value).first()
    if row is None or (kind == StatusMapping.Kind.STATE and not row.national_code):
        raise NoMapping(kind, value)
    return row


def state_code(state: str) -> str:
    return mapping(StatusMapping.Kind.STATE, state).national_code


def _state_after(event: DossierEvent) -> str:
    return event.to_state or event.from_state


def _applicant_type(dossier: Dossier) -> str:
    profile = getattr(dossier.applicant, "profile", None) if dossier.applicant_id else None
    return "2" if getattr(profile, "is_enterprise", False) else "1"


def _documents_by_kind(dossier: Dossier) -> dict[str, list[DossierDocument]]:
    """The application's documents and the results, in one query."""
    kinds = (DossierDocument.Kind.APPLICATION, DossierDocument.Kind.RESULT)
    documents: dict[str, list[DossierDocument]] = {kind: [] for kind in kinds}
    for document in dossier.documents.filter(kind__in=kinds).select_related("stored_file").order_by("pk"):
        documents[document.kind].append(document)
    return documents


def dossier_record(dossier: Dossier, event: DossierEvent) -> dict:
    """The dossier's record as it stood after `event` (its status is the event's state, mapped)."""
    version = dossier.procedure_version
    at = event.at
    done = dossier.decided_at if dossier.decided_at and dossier.decided_at <= at else None
    returned = dossier.returned_at if dossier.returned_at and dossier.returned_at <= at else None
    agency = dossier.handling_agency or dossier.receiving_agency
    documents = _documents_by_kind(dossier)
    return {
        "MaHoSo": dossier.code or "",
        "MaTTHC": version.procedure.national_code,
        "TenTTHC": version.name,
        "MaLinhVuc": version.field.code,
        "TenLinhVuc": version.field.name,
        "ChuHoSo": dossier.applicant_name,
        "LoaiDoiTuong": _applicant_type(dossier),
        "Email": dossier.applicant_email,
        "SoDienThoai": dossier.applicant_phone,
        "TrichYeuHoSo": f"{version.name} — {dossier.applicant_name}"[:500],
        "NgayTiepNhan": national_time(dossier.received_at or dossier.submitted_at),
        "NgayHenTra": national_date(dossier.due_date),
        "TrangThaiHoSo": state_code(_state_after(event)),
        "NgayTra": national_time(returned),
        "HinhThuc": "1" if dossier.return_channel == ReturnChannel.POST else "0",
        "NgayKetThucXuLy": national_time(done),
        "DonViXuLy": agency.name,
        "TaiLieuNop": [
            {
                "TepDinhKemId": str(document.pk),
                "TenTepDinhKem": document.stored_file.original_name,
                "DuongDanTaiTepTin": "",
            }
            for document in documents[DossierDocument.Kind.APPLICATION]
        ],
        "DanhSachLePhi": [
            {
                "TenPhiLePhi": fee.description,
                "MaPhiLePhi": str(fee.pk),
                "HinhThucThu": dossier.fees_settlement,
                "Gia": fee.amount,
                "LoaiPhiLePhi": fee.kind,
            }
            for fee in version.fees.all().order_by("position", "pk")
        ],
        "DanhSachHoSoBoSung": [
            {
                "HoSoBoSungId": str(request.pk),
                "NguoiYeuCauBoSung": request.requested_by.full_name or request.requested_by.email,
                "NoiDungBoSung": " ".join(part for part in (request.reason, request.details) if part),
                "NgayBoSung": national_time(request.sent_at),
                "NgayHenTraTruoc": "",
                "NgayHenTraMoi": "",
            }
            for request in dossier.supplement_requests.filter(sent_at__isnull=False, sent_at__lte=at)
            .select_related("requested_by")
            .order_by("pk")
        ],
        "DanhSachGiayToKetQua": [
            {
                "TenGiayTo": document.stored_file.label or version.result_name,
                "MaThanhPhanHoSo": "",
                "GiayToId": str(document.pk),
                "DuongDanTepTinKetQua": "",
            }
            for document in documents[DossierDocument.Kind.RESULT]
        ],
    }


def _step_began(event: DossierEvent) -> datetime.datetime | None:
    """When this step began: the previous event of the dossier, or the submission."""
    previous = (
        DossierEvent.objects.filter(dossier_id=event.dossier_id)
        .filter(Q(at__lt=event.at) | Q(at=event.at, pk__lt=event.pk))
        .order_by("-at", "-pk")
        .values_list("at", flat=True)
        .first()
    )
    return previous or event.at


def step_record(dossier: Dossier, event: DossierEvent, action: StatusMapping) -> dict:
    """One processing step: who did what, when, and the status after it (the action's own code when its
    mapping has one, else the state's)."""
    code = action.national_code or state_code(_state_after(event))
    agency = event.agency or event.to_agency or dossier.handling_agency or dossier.receiving_agency
    text = action.national_label + (f": {event.note}" if event.note else "")
    return {
        "MaHoSo": dossier.code or "",
        "NguoiXuLy": event.actor_name or agency.name,
        "ChucDanh": _role_label(event.actor_role),
        "ThoiDiemXuLy": national_time(event.at),
        "PhongBanXuLy": agency.name,
        "NoiDungXuLy": text[:STEP_TEXT_LENGTH],
        "TrangThai": code,
        "NgayBatDau": national_time(_step_began(event)),
        "NgayKetThucTheoQuyDinh": national_date(dossier.due_date)
        if _state_after(event) != State.SUBMITTED
        else "",
    }


def _role_label(role: str) -> str:
    from accounts.models import Role

    return str(Role(role).label) if role in Role.values else ""
