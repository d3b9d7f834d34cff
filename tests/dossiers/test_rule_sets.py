"""Rule sets are versioned data: a dossier is received under the rules in force on the day of receipt
(Decree 61/2018 + Circular 01/2018 until 30 June 2025, Decree 118/2025 + Circular 03/2025 from 1 July 2025)
and keeps them, with their forms, whatever happens later."""

import datetime

import pytest

from dossiers import services
from dossiers.models import RuleSet, State
from tests.dossiers.factories_core import Clock, attach_supplement, case_in, vn
from tests.factories import pdf_upload

pytestmark = pytest.mark.django_db

date = datetime.date


@pytest.mark.parametrize(
    ("day", "code"),
    [
        (date(2025, 6, 30), "nd61-2018"),
        (date(2025, 7, 1), "nd118-2025"),
        (date(2018, 6, 21), "nd61-2018"),
        (date(2030, 1, 1), "nd118-2025"),
        # Before the first rule set: the oldest one rather than nothing.
        (date(2015, 1, 1), "nd61-2018"),
    ],
)
def test_the_rule_set_in_force_on_a_day(day, code):
    assert RuleSet.in_force_on(day).code == code


def test_a_new_circular_is_a_new_row_not_new_code():
    RuleSet.objects.create(
        code="nd999-2027",
        name="Nghị định giả định",
        legal_basis="Thử nghiệm",
        valid_from=date(2027, 1, 1),
        forms={"control": {"number": "Mẫu số 09", "title": "PHIẾU KIỂM SOÁT"}},
    )
    assert RuleSet.in_force_on(date(2026, 12, 31)).code == "nd118-2025"
    assert RuleSet.in_force_on(date(2027, 1, 1)).form("control")["number"] == "Mẫu số 09"


def test_a_dossier_received_on_30_june_2025_keeps_the_decree_61_forms(monkeypatch):
    Clock(monkeypatch, vn(2025, 6, 30, 9, 0))
    case = case_in(State.RECEIVED)
    rule_set = case.dossier.rule_set
    assert rule_set.code == "nd61-2018"
    assert rule_set.form("control") == {
        "number": "Mẫu số 05",
        "title": "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
    }
    assert rule_set.form("register")["number"] == "Mẫu số 06"
    assert "stop" not in rule_set.forms  # no notice of stopping before Circular 03/2025
    assert rule_set.form("stop") == {"number": "", "title": "stop"}


def test_a_dossier_received_on_1_july_2025_gets_the_decree_118_forms(monkeypatch):
    Clock(monkeypatch, vn(2025, 7, 1, 9, 0))
    case = case_in(State.RECEIVED)
    rule_set = case.dossier.rule_set
    assert rule_set.code == "nd118-2025"
    assert rule_set.form("control")["number"] == "Mẫu số 06"
    assert rule_set.form("register")["number"] == "Mẫu số 07"
    assert rule_set.form("stop") == {"number": "Mẫu số 05", "title": "THÔNG BÁO DỪNG XỬ LÝ HỒ SƠ"}


def test_the_day_of_receipt_decides_not_the_day_of_filing(monkeypatch):
    clock = Clock(monkeypatch, vn(2025, 6, 30, 16, 30))
    case = case_in(State.SUBMITTED)
    clock.set(vn(2025, 7, 1, 8, 0))
    assert services.receive(dossier=case.dossier, clerk=case.desk.clerk).rule_set.code == "nd118-2025"


def test_the_day_of_receipt_is_the_day_in_vietnam(monkeypatch):
    clock = Clock(monkeypatch, vn(2025, 6, 30, 16, 0))
    case = case_in(State.SUBMITTED)
    # 23:30 UTC on 30 June is 06:30 on 1 July in Hà Nội.
    clock.set(datetime.datetime(2025, 6, 30, 23, 30, tzinfo=datetime.UTC))
    assert services.receive(dossier=case.dossier, clerk=case.desk.clerk).rule_set.code == "nd118-2025"


def test_the_rule_set_stays_after_receipt_whatever_happens_after_1_july(monkeypatch):
    clock = Clock(monkeypatch, vn(2025, 6, 30, 9, 0))
    case = case_in(State.RECEIVED)  # received Monday 30/6/2025, due Monday 7/7
    officer, supervisor = case.handler.officer, case.handler.supervisor

    seen = []

    def step(at, action):
        clock.set(at)
        action()
        seen.append(case.reload().rule_set.code)

    step(
        vn(2025, 7, 1, 9, 0),
        lambda: services.transfer(dossier=case.dossier, by=case.desk.clerk, to_agency=case.handler.agency),
    )
    item = case.dossier.procedure_version.documents.first()
    step(
        vn(2025, 7, 2, 9, 0),
        lambda: services.request_supplement(
            dossier=case.dossier, by=supervisor, items=[item], details="", reason="Thiếu"
        ),
    )
    clock.set(vn(2025, 7, 3, 9, 0))
    attach_supplement(case, item)
    step(vn(2025, 7, 3, 10, 0), lambda: services.answer_supplement(dossier=case.dossier, by=case.applicant))
    step(
        vn(2025, 7, 4, 9, 0),
        lambda: services.issue_apology(
            dossier=case.dossier,
            by=officer,
            new_due_date=date(2025, 7, 15),
            reason="Chậm",
            signed_by="Giám đốc",
        ),
    )
    step(
        vn(2025, 7, 8, 9, 0),
        lambda: services.approve(dossier=case.dossier, officer=officer, result_file=pdf_upload()),
    )
    step(vn(2025, 7, 9, 9, 0), lambda: services.mark_result_ready(dossier=case.dossier, by=officer))
    step(vn(2025, 7, 10, 9, 0), lambda: services.mark_returned(dossier=case.dossier, by=case.desk.clerk))

    assert case.dossier.state == State.RETURNED
    assert seen == ["nd61-2018"] * 7
    assert case.dossier.rule_set.form("control")["number"] == "Mẫu số 05"
