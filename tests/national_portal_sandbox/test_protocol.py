"""The sandbox national portal's side of the contract: login and sessions, each error code, steps stored
once and in arrival order, down, and the share of failing calls."""

import datetime

import pytest
from django.utils import timezone

from national_portal_sandbox.models import (
    NationalDossier,
    NationalStep,
    ReceivedCall,
    SandboxSession,
    SandboxSettings,
)
from national_portal_sandbox.protocol import SandboxUnavailable, handle

pytestmark = pytest.mark.django_db

UNIT = "000.00.15.H29"
CODE = "000.00.15.H29-261205-0001"


def dossier_fields(code=CODE, **changes):
    fields = {
        "MaHoSo": code,
        "MaTTHC": "1.001234",
        "TenTTHC": "Cấp bản sao trích lục hộ tịch",
        "ChuHoSo": "Nguyễn Thị Lan",
        "LoaiDoiTuong": "1",
        "NgayTiepNhan": "20261205090000",
        "NgayHenTra": "20261210000000",
        "TrangThaiHoSo": "2",
        "NgayTra": "",
        "HinhThuc": "0",
        "TaiLieuNop": [{"TepDinhKemId": "1", "TenTepDinhKem": "don.pdf", "DuongDanTaiTepTin": ""}],
        "DanhSachLePhi": [{"TenPhiLePhi": "Lệ phí", "MaPhiLePhi": "1", "Gia": 8000, "LoaiPhiLePhi": "fee"}],
    }
    return {**fields, **changes}


def step_fields(code=CODE, **changes):
    fields = {
        "MaHoSo": code,
        "NguoiXuLy": "Trần Văn Minh",
        "ChucDanh": "Cán bộ một cửa",
        "ThoiDiemXuLy": "20261205090000",
        "PhongBanXuLy": "Bộ phận một cửa",
        "NoiDungXuLy": "Tiếp nhận hồ sơ",
        "TrangThai": "2",
        "NgayBatDau": "20261205080000",
        "NgayKetThucTheoQuyDinh": "20261210000000",
    }
    return {**fields, **changes}


def login() -> str:
    status, answer = handle("login", {"username": "", "password": ""})
    assert (status, answer["error_code"]) == (200, "0")
    return answer["session"]


def call(session, service, **fields):
    return handle("service", {"session": session, "madonvi": UNIT, "service": service, **fields})


def create(session, **changes):
    return call(session, "DongBoHoSoMC", isUpdating="false", data=[dossier_fields(**changes)])


def test_login_with_the_configured_credentials_opens_a_session_and_others_are_refused(settings):
    settings.NATIONAL_PORTAL = {**settings.NATIONAL_PORTAL, "USERNAME": "tinh", "PASSWORD": "mat-khau"}
    status, answer = handle("login", {"username": "tinh", "password": "mat-khau"})
    assert status == 200 and answer["error_code"] == "0" and answer["session"]
    status, refused = handle("login", {"username": "tinh", "password": "sai"})
    assert status == 200 and refused["error_code"] != "0" and "session" not in refused
    assert SandboxSession.objects.count() == 1
    assert ReceivedCall.objects.filter(endpoint="login").first().request["password"] == "***"


def test_an_unknown_or_expired_session_answers_minus_one_and_a_new_login_works():
    session = login()
    assert call("not-a-session", "TraCuuHoSo", data={"MaHoSo": CODE})[1]["error_code"] == "-1"
    assert call(session, "TraCuuHoSo", data={"MaHoSo": CODE})[1]["error_code"] == "00"
    SandboxSession.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert call(session, "TraCuuHoSo", data={"MaHoSo": CODE})[1]["error_code"] == "-1"
    assert call(login(), "TraCuuHoSo", data={"MaHoSo": CODE})[1]["error_code"] == "00"


def test_sessions_live_for_the_configured_lifetime():
    sandbox = SandboxSettings.load()
    sandbox.session_ttl_seconds = 60
    sandbox.save()
    before = timezone.now()
    login()
    expires_at = SandboxSession.objects.get().expires_at
    minute = datetime.timedelta(seconds=60)
    assert before + minute <= expires_at <= timezone.now() + minute


def test_create_then_lookup_returns_the_dossier_with_its_steps():
    session = login()
    assert call(session, "TraCuuHoSo", data={"MaHoSo": CODE})[1]["result"] == []
    assert create(session)[1]["error_code"] == "00"
    assert call(session, "CapNhatTienDoHoSoMC", data=[step_fields()])[1]["error_code"] == "00"
    [record] = call(session, "TraCuuHoSo", data={"MaHoSo": CODE})[1]["result"]
    assert record["MaHoSo"] == CODE and record["TrangThaiHoSo"] == "2"
    assert [step["NoiDungXuLy"] for step in record["DanhSachTienDo"]] == ["Tiếp nhận hồ sơ"]
    assert NationalDossier.objects.get().unit_code == UNIT


def test_creating_an_existing_dossier_answers_02_and_changes_nothing():
    session = login()
    create(session)
    status, answer = create(session, TrangThaiHoSo="4")
    assert (status, answer["error_code"]) == (200, "02")
    assert NationalDossier.objects.get().status_code == "2"


def test_an_update_replaces_the_record_and_counts_and_an_unknown_one_answers_03():
    session = login()
    unknown = call(session, "DongBoHoSoMC", isUpdating="true", data=[dossier_fields()])
    assert unknown[1]["error_code"] == "03" and not NationalDossier.objects.exists()
    create(session)
    updated = call(session, "DongBoHoSoMC", isUpdating="true", data=[dossier_fields(TrangThaiHoSo="4")])
    assert updated[1]["error_code"] == "00"
    dossier = NationalDossier.objects.get()
    assert (dossier.status_code, dossier.update_count, dossier.fields["TrangThaiHoSo"]) == ("4", 1, "4")


def test_a_step_of_an_unknown_dossier_answers_03():
    session = login()
    assert call(session, "CapNhatTienDoHoSoMC", data=[step_fields()])[1]["error_code"] == "03"
    assert not NationalStep.objects.exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"MaHoSo": ""},
        {"MaHoSo": None},
        {"MaHoSo": "x" * 65},
        {"MaTTHC": ""},
        {"TrangThaiHoSo": "hai"},
        {"NgayHenTra": "2026-12-10"},
        {"NgayTiepNhan": "20261340000000"},
        {"ChuHoSo": 42},
        {"LoaiDoiTuong": "3"},
        {"TaiLieuNop": "don.pdf"},
        {"DanhSachLePhi": ["8000"]},
    ],
)
def test_invalid_dossier_data_answers_01_and_stores_nothing(changes):
    session = login()
    assert create(session, **changes)[1]["error_code"] == "01"
    assert not NationalDossier.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"isUpdating": "maybe", "data": [dossier_fields()]},
        {"isUpdating": "false", "data": []},
        {"isUpdating": "false", "data": dossier_fields()},
        {"isUpdating": "false"},
    ],
)
def test_an_invalid_sync_envelope_answers_01(fields):
    assert call(login(), "DongBoHoSoMC", **fields)[1]["error_code"] == "01"


@pytest.mark.parametrize(
    "step",
    [
        step_fields(ThoiDiemXuLy=""),
        step_fields(ThoiDiemXuLy="hôm nay"),
        step_fields(NoiDungXuLy=""),
        step_fields(TrangThai=""),
        step_fields(NguoiXuLy=["a"]),
    ],
)
def test_an_invalid_step_answers_01(step):
    session = login()
    create(session)
    assert call(session, "CapNhatTienDoHoSoMC", data=[step])[1]["error_code"] == "01"
    assert not NationalStep.objects.exists()


def test_a_missing_unit_code_or_an_unknown_service_answers_01():
    session = login()
    no_unit = handle("service", {"session": session, "service": "TraCuuHoSo", "data": {"MaHoSo": CODE}})
    assert no_unit[1]["error_code"] == "01"
    assert call(session, "XoaHoSo", data={"MaHoSo": CODE})[1]["error_code"] == "01"
    assert call(session, "TraCuuHoSo", data={})[1]["error_code"] == "01"


def test_the_same_step_sent_twice_is_stored_once_and_answered_00_both_times():
    session = login()
    create(session)
    first = call(session, "CapNhatTienDoHoSoMC", data=[step_fields()])
    again = call(session, "CapNhatTienDoHoSoMC", data=[step_fields(NguoiXuLy="Người khác")])
    assert first[1]["error_code"] == again[1]["error_code"] == "00"
    assert NationalStep.objects.count() == 1
    other_text = call(session, "CapNhatTienDoHoSoMC", data=[step_fields(NoiDungXuLy="Chuyển xử lý")])
    assert other_text[1]["error_code"] == "00" and NationalStep.objects.count() == 2


def test_steps_keep_the_order_they_arrived_in_not_their_times():
    session = login()
    create(session)
    arrivals = [("20261205110000", "Thứ nhất"), ("20261205090000", "Thứ hai"), ("20261205100000", "Ba")]
    for time, text in arrivals:
        call(session, "CapNhatTienDoHoSoMC", data=[step_fields(ThoiDiemXuLy=time, NoiDungXuLy=text)])
    [record] = call(session, "TraCuuHoSo", data={"MaHoSo": CODE})[1]["result"]
    assert [step["NoiDungXuLy"] for step in record["DanhSachTienDo"]] == ["Thứ nhất", "Thứ hai", "Ba"]
    sequence = NationalStep.objects.order_by("received_seq").values_list("received_seq", "content")
    assert list(sequence) == [(1, "Thứ nhất"), (2, "Thứ hai"), (3, "Ba")]


def test_down_raises_sandbox_unavailable_for_every_call():
    session = login()
    SandboxSettings.objects.update(down=True)
    with pytest.raises(SandboxUnavailable):
        handle("login", {"username": "", "password": ""})
    with pytest.raises(ConnectionError):
        create(session)
    assert not NationalDossier.objects.exists()


def test_exactly_the_configured_share_of_calls_fails_as_busy_and_nothing_is_stored_by_them():
    session = login()
    SandboxSettings.objects.update(failure_rate=0.5)
    answers = [create(session, MaHoSo=f"{UNIT}-261205-{n:04d}") for n in range(10)]
    busy = [(status, answer["error_code"]) for status, answer in answers if answer["error_code"] == "99"]
    assert len(busy) == 5
    assert {status for status, _code in busy} == {200, 503}  # both shapes of "busy" are exercised
    assert NationalDossier.objects.count() == 5
    assert ReceivedCall.objects.filter(error_code="99").count() == 5


def test_no_call_fails_at_share_zero_and_every_call_at_share_one():
    session = login()
    assert all(create(session, MaHoSo=f"A-{n}")[1]["error_code"] == "00" for n in range(5))
    SandboxSettings.objects.update(failure_rate=1.0)
    assert all(create(session, MaHoSo=f"B-{n}")[1]["error_code"] == "99" for n in range(5))


def test_every_call_is_logged_with_its_service_unit_code_and_answer():
    session = login()
    create(session)
    logged = ReceivedCall.objects.filter(endpoint="service").get()
    assert (logged.service, logged.unit_code, logged.dossier_code, logged.error_code) == (
        "DongBoHoSoMC",
        UNIT,
        CODE,
        "00",
    )
    assert logged.request["data"][0]["MaHoSo"] == CODE and logged.answer["error_code"] == "00"


def test_configured_field_and_service_names_are_the_ones_accepted(settings):
    settings.NATIONAL_PORTAL = {
        **settings.NATIONAL_PORTAL,
        "FIELDS": {"MaHoSo": "SoHoSo"},
        "SERVICES": {**settings.NATIONAL_PORTAL["SERVICES"], "sync_dossier": "DongBoHoSo"},
    }
    session = login()
    fields = dossier_fields()
    renamed = {("SoHoSo" if name == "MaHoSo" else name): value for name, value in fields.items()}
    assert call(session, "DongBoHoSoMC", isUpdating="false", data=[renamed])[1]["error_code"] == "01"
    assert call(session, "DongBoHoSo", isUpdating="false", data=[fields])[1]["error_code"] == "01"
    assert call(session, "DongBoHoSo", isUpdating="false", data=[renamed])[1]["error_code"] == "00"
    assert NationalDossier.objects.get().code == CODE


@pytest.mark.parametrize("bad", ["nul\x00", "\ud800", float("nan")])
def test_values_the_database_cannot_store_answer_01_not_an_error(bad):
    session = login()
    status, answer = create(session, ChuHoSo=bad)
    assert (status, answer["error_code"]) == (400, "01")
    assert not NationalDossier.objects.exists()
