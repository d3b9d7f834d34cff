"""The protocol adapter: one shared session renewed once on expiry, errors sorted into transient and
permanent, names from the settings, dates in Vietnam's time, and the payloads built from the dossier."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from dossiers.models import State
from national_sync import payloads
from national_sync.adapters.base import PermanentError, TransientError
from national_sync.adapters.http import HttpNationalPortal
from national_sync.models import PortalSession, StatusMapping
from tests.dossiers.staff_support import dossier_in, world
from tests.national_sync.support import ScriptedTransport

pytestmark = pytest.mark.django_db

OK = (200, {"error_code": "00", "message": "ok", "result": []})
LOGIN = (200, {"error_code": "0", "message": "ok", "session": "S1"})


def portal(transport, **overrides):
    from django.conf import settings

    return HttpNationalPortal(config={**settings.NATIONAL_PORTAL, **overrides}, transport=transport)


def test_the_session_is_shared_and_renewed_once_when_it_expired():
    transport = ScriptedTransport(
        login=[LOGIN, (200, {"error_code": "0", "session": "S2"})],
        service=[OK, (200, {"error_code": "-1", "message": "expired"}), OK],
    )
    portal(transport).lookup(unit_code="U", dossier_code="A")
    assert PortalSession.objects.get().token == "S1"
    portal(transport).lookup(unit_code="U", dossier_code="B")  # a second adapter (another worker) reuses S1
    sessions = [body.get("session") for path, body in transport.bodies if path == "service"]
    assert sessions == ["S1", "S1", "S2"]
    assert [path for path, _body in transport.bodies].count("login") == 2
    assert PortalSession.objects.get().token == "S2"


def test_a_session_refused_again_after_login_is_transient():
    transport = ScriptedTransport(
        login=[LOGIN, LOGIN], service=[(200, {"error_code": "-1"}), (200, {"error_code": "-1"})]
    )
    with pytest.raises(TransientError):
        portal(transport).lookup(unit_code="U", dossier_code="A")


@pytest.mark.parametrize(
    "answer, error",
    [
        (TimeoutError("timed out"), TransientError),
        (ConnectionRefusedError("refused"), TransientError),
        ((503, None), TransientError),
        ((429, {"message": "slow down"}), TransientError),
        ((200, {"error_code": "99", "message": "busy"}), TransientError),
        ((200, "not an object"), TransientError),
        ((400, {"message": "bad"}), PermanentError),
        ((200, {"error_code": "01", "message": "invalid"}), PermanentError),
        ((200, {"error_code": "03", "message": "not found"}), PermanentError),
    ],
)
def test_errors_are_sorted_into_transient_and_permanent(answer, error):
    PortalSession.objects.create(token="S1")
    transport = ScriptedTransport(service=[answer])
    with pytest.raises(error):
        portal(transport).add_step(unit_code="U", step={"MaHoSo": "A"})


def test_a_refused_login_is_transient_for_the_province_to_fix():
    transport = ScriptedTransport(login=[(200, {"error_code": "1", "message": "sai mật khẩu"})])
    with pytest.raises(TransientError, match="login refused"):
        portal(transport).lookup(unit_code="U", dossier_code="A")


def test_service_and_field_names_come_from_the_settings():
    PortalSession.objects.create(token="S1")
    transport = ScriptedTransport(service=[OK])
    adapter = portal(
        transport,
        SERVICES={"lookup": "TraCuu", "sync_dossier": "DongBo", "sync_step": "TienDo"},
        FIELDS={"MaHoSo": "ma_ho_so", "TrangThaiHoSo": "trang_thai"},
    )
    adapter.sync_dossier(
        unit_code="000.00.15.H29", record={"MaHoSo": "A", "TrangThaiHoSo": "2"}, updating=True
    )
    _path, body = transport.bodies[0]
    assert body == {
        "session": "S1",
        "madonvi": "000.00.15.H29",
        "service": "DongBo",
        "isUpdating": "true",
        "data": [{"ma_ho_so": "A", "trang_thai": "2"}],
    }


def test_dates_are_in_vietnam_time():
    moment = datetime.datetime(2026, 12, 5, 7, 30, tzinfo=ZoneInfo("UTC"))
    assert payloads.national_time(moment) == "20261205143000"
    assert payloads.national_date(datetime.date(2026, 12, 5)) == "20261205000000"
    assert payloads.national_time(None) == ""


def test_the_record_and_step_payloads_are_built_from_the_dossier_and_event():
    w = world()
    dossier = dossier_in(w, State.IN_PROGRESS)
    transfer = dossier.events.get(action="transfer")
    record = payloads.dossier_record(dossier, transfer)
    version = dossier.procedure_version
    assert record["MaHoSo"] == dossier.code and record["MaTTHC"] == version.procedure.national_code
    assert record["TrangThaiHoSo"] == "4" and record["ChuHoSo"] == dossier.applicant_name
    assert record["NgayTiepNhan"] == payloads.national_time(dossier.received_at)
    assert record["NgayHenTra"] == payloads.national_date(dossier.due_date)
    assert record["LoaiDoiTuong"] == "1" and record["NgayTra"] == "" and record["HinhThuc"] == "0"
    assert record["TaiLieuNop"] and "DuongDanTaiTepTin" in record["TaiLieuNop"][0]
    assert record["DanhSachLePhi"][0]["Gia"] == 50_000
    action = StatusMapping.objects.get(kind="action", value="transfer")
    step = payloads.step_record(dossier, transfer, action)
    receive = dossier.events.get(action="receive")
    assert step["TrangThai"] == "4" and step["NoiDungXuLy"].startswith("Chuyển hồ sơ xử lý")
    assert step["ThoiDiemXuLy"] == payloads.national_time(transfer.at)
    assert step["NgayBatDau"] == payloads.national_time(receive.at)
    assert step["NguoiXuLy"] == transfer.actor_name


def test_an_unmapped_action_is_a_permanent_error_naming_it():
    StatusMapping.objects.filter(kind="action", value="receive").delete()
    with pytest.raises(PermanentError, match="no mapping for action 'receive'"):
        payloads.mapping("action", "receive")
