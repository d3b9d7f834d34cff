"""The national side of the national public-service portal contract (/tmp contract, README "national portal"):
`handle(path, body)` answers a login or a service call the way the national portal does, for the embedded
default's in-process transport and for the HTTP views alike.

Names (services, fields, error codes) come from settings.NATIONAL_PORTAL when present, else the contract's
defaults. Input is validated strictly: known scalar fields must be strings (dates `yyyyMMddHHmmss` or "");
the list fields must be lists of objects. Of the calls the sandbox is told to fail (failure_rate, exactly
that share, deterministic: call n fails when floor(n·rate) grows), odd failures answer HTTP 200 with the
transient code ("99") and even ones HTTP 503 with the same body.
"""

import hashlib
import math
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from .models import NationalDossier, NationalStep, ReceivedCall, SandboxSession, SandboxSettings


class SandboxUnavailable(ConnectionError):
    """The sandbox was told to be down: the caller sees a connection error, as with a portal that is off."""


DEFAULT_SERVICES = {
    "lookup": "TraCuuHoSo",
    "sync_dossier": "DongBoHoSoMC",
    "sync_step": "CapNhatTienDoHoSoMC",
}
DEFAULT_ERROR_CODES = {
    "login_ok": "0",
    "login_refused": "1",
    "ok": "00",
    "session_expired": ["-1"],
    "transient": ["99"],
    "invalid_data": "01",
    "already_exists": "02",
    "not_found": "03",
}
DOSSIER_DATE_FIELDS = ("NgayTiepNhan", "NgayHenTra", "NgayTra", "NgayKetThucXuLy")
DOSSIER_TEXT_FIELDS = (
    "MaHoSo",
    "MaTTHC",
    "TenTTHC",
    "MaLinhVuc",
    "TenLinhVuc",
    "ChuHoSo",
    "LoaiDoiTuong",
    "Email",
    "SoDienThoai",
    "TrichYeuHoSo",
    "TrangThaiHoSo",
    "HinhThuc",
    "DonViXuLy",
    *DOSSIER_DATE_FIELDS,
)
DOSSIER_REQUIRED_FIELDS = ("MaHoSo", "MaTTHC", "TrangThaiHoSo")
DOSSIER_LIST_FIELDS = ("TaiLieuNop", "DanhSachLePhi", "DanhSachHoSoBoSung", "DanhSachGiayToKetQua")
STEP_DATE_FIELDS = ("ThoiDiemXuLy", "NgayBatDau", "NgayKetThucTheoQuyDinh")
STEP_TEXT_FIELDS = (
    "MaHoSo",
    "NguoiXuLy",
    "ChucDanh",
    "PhongBanXuLy",
    "NoiDungXuLy",
    "TrangThai",
    *STEP_DATE_FIELDS,
)
STEP_REQUIRED_FIELDS = ("MaHoSo", "ThoiDiemXuLy", "TrangThai", "NoiDungXuLy")
DATE_FORMAT = "%Y%m%d%H%M%S"
MAX_CODE_LENGTH = 64


class _Refusal(Exception):
    def __init__(self, code_name: str, message: str):
        super().__init__(message)
        self.code_name = code_name
        self.message = message


def _config() -> dict:
    return getattr(settings, "NATIONAL_PORTAL", None) or {}


def field_name(name: str) -> str:
    """The configured national name of a contract field (FIELDS maps contract name → national name)."""
    return (_config().get("FIELDS") or {}).get(name, name)


def service_name(role: str) -> str:
    return (_config().get("SERVICES") or {}).get(role, DEFAULT_SERVICES[role])


def error_code(name: str) -> str:
    code = (_config().get("ERROR_CODES") or {}).get(name, DEFAULT_ERROR_CODES[name])
    return str(code[0] if isinstance(code, list | tuple) else code)


def parse_national_date(value: str):
    """`yyyyMMddHHmmss` in Asia/Ho_Chi_Minh → aware datetime, or None for ""."""
    if not value:
        return None
    naive = datetime.strptime(value, DATE_FORMAT)
    return timezone.make_aware(naive, timezone.get_fixed_timezone(7 * 60))


def handle(path: str, body: dict) -> tuple[int, dict]:
    """Answer one call of the contract: path "login" or "service"; returns (HTTP status, JSON answer).
    Raises SandboxUnavailable while the sandbox is down. Every answered call is logged (ReceivedCall)."""
    sandbox = SandboxSettings.load()
    if sandbox.down:
        raise SandboxUnavailable("The sandbox national portal is down")
    if path not in ("login", "service"):
        return _logged(path, body, 404, _answer("invalid_data", "Không có địa chỉ này"))
    if not isinstance(body, dict) or not _storable(body):
        answer = _answer("invalid_data", "Nội dung yêu cầu không phải đối tượng JSON hợp lệ")
        return _logged(path, {}, 400, answer)
    failure = _counted_failure()
    if failure is not None:
        return _logged(path, body, *failure)
    if path == "login":
        return _logged(path, body, 200, _login(body, sandbox))
    return _logged(path, body, 200, _service(body))


def _storable(value, depth: int = 0) -> bool:
    """JSON-native, valid UTF-8 (no lone surrogates) and without NUL characters: PostgreSQL refuses both."""
    if depth > 32:
        return False
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return "\x00" not in value
    if isinstance(value, dict):
        return all(_storable(key, depth + 1) and _storable(item, depth + 1) for key, item in value.items())
    if isinstance(value, list):
        return all(_storable(item, depth + 1) for item in value)
    if isinstance(value, float):
        return math.isfinite(value)  # jsonb has no NaN or Infinity
    return value is None or isinstance(value, bool | int)


def _answer(code_name: str, message: str, **extra) -> dict:
    return {"error_code": error_code(code_name), "message": message, **extra}


def _counted_failure():
    """Count the call; (status, answer) when it is one of the configured share that fail, else None."""
    with transaction.atomic():
        sandbox = SandboxSettings.objects.select_for_update().get(pk=SandboxSettings.SINGLETON_PK)
        sandbox.calls_counted += 1
        sandbox.save(update_fields=["calls_counted"])
        rate = min(max(sandbox.failure_rate, 0.0), 1.0)
        number = sandbox.calls_counted
    failures_before = math.floor((number - 1) * rate + 1e-9)
    failures_now = math.floor(number * rate + 1e-9)
    if failures_now == failures_before:
        return None
    answer = _answer("transient", "Hệ thống đang bận, vui lòng thử lại sau")
    return (200 if failures_now % 2 else 503), answer


def _login(body: dict, sandbox: SandboxSettings) -> dict:
    username, password = body.get("username"), body.get("password")
    accepted = (
        isinstance(username, str)
        and isinstance(password, str)
        and secrets.compare_digest(username.encode(), sandbox.username.encode())
        and secrets.compare_digest(password.encode(), sandbox.password.encode())
    )
    if not accepted:
        return _answer("login_refused", "Sai tên đăng nhập hoặc mật khẩu")
    session = SandboxSession.objects.create(
        token=secrets.token_urlsafe(32),
        expires_at=timezone.now() + timedelta(seconds=sandbox.session_ttl_seconds),
    )
    return _answer("login_ok", "Đăng nhập thành công", session=session.token)


def _service(body: dict) -> dict:
    token = body.get("session")
    if (
        not isinstance(token, str)
        or not SandboxSession.objects.filter(token=token, expires_at__gt=timezone.now()).exists()
    ):
        return _answer("session_expired", "Phiên làm việc không hợp lệ hoặc đã hết hạn")
    unit_code = body.get("madonvi")
    if not isinstance(unit_code, str) or not unit_code.strip() or len(unit_code) > MAX_CODE_LENGTH:
        return _answer("invalid_data", "Thiếu hoặc sai mã đơn vị (madonvi)")
    handlers = {
        service_name("lookup"): _lookup,
        service_name("sync_dossier"): _sync_dossier,
        service_name("sync_step"): _sync_steps,
    }
    handler = handlers.get(str(body.get("service", "")))
    if handler is None:
        return _answer("invalid_data", "Dịch vụ không được hỗ trợ")
    try:
        with transaction.atomic():
            return handler(body, unit_code)
    except _Refusal as refusal:
        return _answer(refusal.code_name, refusal.message)


def _lookup(body: dict, unit_code: str) -> dict:
    data = body.get("data")
    code = data.get(field_name("MaHoSo")) if isinstance(data, dict) else None
    _check_code(code)
    dossier = NationalDossier.objects.filter(code=code).first()
    if dossier is None:
        return _answer("ok", "Không tìm thấy hồ sơ", result=[])
    steps = [step.fields for step in dossier.steps.order_by("received_seq")]
    return _answer("ok", "Thành công", result=[{**dossier.fields, field_name("DanhSachTienDo"): steps}])


def _sync_dossier(body: dict, unit_code: str) -> dict:
    updating = {"true": True, "false": False, True: True, False: False}.get(body.get("isUpdating"))
    if updating is None:
        raise _Refusal("invalid_data", 'isUpdating phải là "true" hoặc "false"')
    dossiers = _list_of_objects(body.get("data"), "data")
    for dossier in dossiers:
        _check_dossier(dossier)
    for fields in dossiers:
        code = fields[field_name("MaHoSo")]
        key_columns = {
            "unit_code": unit_code,
            "procedure_code": fields[field_name("MaTTHC")],
            "status_code": fields[field_name("TrangThaiHoSo")],
            "due_at": fields.get(field_name("NgayHenTra"), ""),
            "fields": fields,
        }
        existing = NationalDossier.objects.select_for_update().filter(code=code).first()
        if updating:
            if existing is None:
                raise _Refusal("not_found", f"Không tìm thấy hồ sơ {code}")
            for name, value in key_columns.items():
                setattr(existing, name, value)
            existing.update_count += 1
            existing.save()
            continue
        if existing is not None:
            raise _Refusal("already_exists", f"Hồ sơ {code} đã tồn tại")
        try:
            with transaction.atomic():
                NationalDossier.objects.create(code=code, **key_columns)
        except IntegrityError:
            raise _Refusal("already_exists", f"Hồ sơ {code} đã tồn tại") from None
    return _answer("ok", "Đồng bộ hồ sơ thành công", result=len(dossiers))


def _sync_steps(body: dict, unit_code: str) -> dict:
    steps = _list_of_objects(body.get("data"), "data")
    for step in steps:
        _check_step(step)
    stored = 0
    for fields in steps:
        code = fields[field_name("MaHoSo")]
        dossier = NationalDossier.objects.select_for_update().filter(code=code).first()
        if dossier is None:
            raise _Refusal("not_found", f"Không tìm thấy hồ sơ {code}")
        acted_at = fields[field_name("ThoiDiemXuLy")]
        status_code = fields[field_name("TrangThai")]
        content = fields[field_name("NoiDungXuLy")]
        step_key = hashlib.sha256("\x1f".join((code, acted_at, status_code, content)).encode()).hexdigest()
        if dossier.steps.filter(step_key=step_key).exists():
            continue  # the same step sent again: stored once, answered "00"
        last_seq = dossier.steps.aggregate(last=Max("received_seq"))["last"] or 0
        NationalStep.objects.create(
            dossier=dossier,
            received_seq=last_seq + 1,
            step_key=step_key,
            acted_at=acted_at,
            status_code=status_code,
            content=content,
            fields=fields,
        )
        stored += 1
    return _answer("ok", "Cập nhật tiến độ thành công", result=stored)


def _list_of_objects(value, label: str) -> list:
    if not isinstance(value, list) or not value or not all(isinstance(item, dict) for item in value):
        raise _Refusal("invalid_data", f"{label} phải là danh sách đối tượng, không rỗng")
    return value


def _check_code(code):
    if not isinstance(code, str) or not code.strip() or len(code) > MAX_CODE_LENGTH:
        raise _Refusal("invalid_data", "Thiếu hoặc sai mã hồ sơ (MaHoSo)")


def _check_text_fields(fields: dict, text_names, date_names, required_names):
    for name in text_names:
        national = field_name(name)
        if national in fields and not isinstance(fields[national], str):
            raise _Refusal("invalid_data", f"{national} phải là chuỗi ký tự")
    for name in required_names:
        value = fields.get(field_name(name))
        if not isinstance(value, str) or not value.strip():
            raise _Refusal("invalid_data", f"Thiếu {field_name(name)}")
    for name in date_names:
        value = fields.get(field_name(name), "")
        try:
            parse_national_date(value)
        except ValueError:
            raise _Refusal("invalid_data", f"{field_name(name)} phải có dạng yyyyMMddHHmmss") from None


def _check_dossier(fields: dict):
    _check_code(fields.get(field_name("MaHoSo")))
    _check_text_fields(fields, DOSSIER_TEXT_FIELDS, DOSSIER_DATE_FIELDS, DOSSIER_REQUIRED_FIELDS)
    if len(fields[field_name("MaTTHC")]) > MAX_CODE_LENGTH:
        raise _Refusal("invalid_data", f"{field_name('MaTTHC')} quá dài")
    if not fields[field_name("TrangThaiHoSo")].isdigit() or len(fields[field_name("TrangThaiHoSo")]) > 8:
        raise _Refusal("invalid_data", f"{field_name('TrangThaiHoSo')} phải là mã số")
    if fields.get(field_name("LoaiDoiTuong"), "") not in ("", "1", "2"):
        raise _Refusal("invalid_data", f'{field_name("LoaiDoiTuong")} phải là "1" hoặc "2"')
    if fields.get(field_name("HinhThuc"), "") not in ("", "0", "1"):
        raise _Refusal("invalid_data", f'{field_name("HinhThuc")} phải là "0" hoặc "1"')
    for name in DOSSIER_LIST_FIELDS:
        value = fields.get(field_name(name), [])
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise _Refusal("invalid_data", f"{field_name(name)} phải là danh sách đối tượng")


def _check_step(fields: dict):
    _check_code(fields.get(field_name("MaHoSo")))
    _check_text_fields(fields, STEP_TEXT_FIELDS, STEP_DATE_FIELDS, STEP_REQUIRED_FIELDS)
    if not fields[field_name("TrangThai")].isdigit() or len(fields[field_name("TrangThai")]) > 8:
        raise _Refusal("invalid_data", f"{field_name('TrangThai')} phải là mã số")


def _masked(body: dict) -> dict:
    if not isinstance(body, dict):
        return {}
    return {**body, "password": "***"} if "password" in body else body


def _logged(path: str, body, http_status: int, answer: dict) -> tuple[int, dict]:
    body = body if isinstance(body, dict) else {}
    data = body.get("data")
    first = data[0] if isinstance(data, list) and data and isinstance(data[0], dict) else data
    dossier_code = first.get(field_name("MaHoSo")) if isinstance(first, dict) else ""
    service = body.get("service")
    unit_code = body.get("madonvi")
    ReceivedCall.objects.create(
        endpoint=str(path)[:16],
        service=service[:64] if isinstance(service, str) else "",
        unit_code=unit_code[:64] if isinstance(unit_code, str) else "",
        dossier_code=dossier_code[:64] if isinstance(dossier_code, str) else "",
        request=_masked(body),
        http_status=http_status,
        error_code=str(answer.get("error_code", "")),
        answer=answer,
    )
    return http_status, answer
