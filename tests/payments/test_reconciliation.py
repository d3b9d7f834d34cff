"""Daily reconciliation: one day and one gateway, the portal's payments and refunds against the gateway's
settlement file, every mismatch listed, XLSX export; finance staff only."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from dossiers import services as dossier_services
from payments import reconciliation, sandbox_bank, settlement, tasks
from payments.models import PaymentAttempt, ReconciliationRun, SettlementFile
from tests.dossiers.staff_support import sign_in
from tests.factories import CitizenProfileFactory, UserFactory
from tests.payments.support import VN, bank_answer, clerk_of, filed, pay, reload, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance():
    return UserFactory(finance=True, full_name="Vũ Thị Hằng")


def today():
    return timezone.localdate()


def csv_upload(text: str, name="vnpay-settlement.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8-sig"), content_type="text/csv")


def file_for(day, rows) -> str:
    """A settlement file as the gateway writes it; rows: (kind label, txn_ref, amount, status)."""
    lines = ["STT,Mã GD VNPAY,Mã GD merchant,Loại GD,Số tiền,Ngân hàng,Thời gian GD,Trạng thái"]
    for number, (kind, ref, amount, status) in enumerate(rows, start=1):
        lines.append(
            f'{number},1422{number:04d},{ref},{kind},"{amount}",NCB,{day:%d/%m/%Y} 10:0{number}:00,{status}'
        )
    return "\r\n".join(lines) + "\r\n"


def test_a_matching_day_has_no_mismatch(finance):
    attempts = [pay(filed()) for _ in range(2)]
    content = file_for(today(), [("Thanh toán", a.txn_ref, "50.000", "Thành công") for a in attempts])

    run = reconciliation.import_settlement_file(
        gateway="sandbox", day=today(), uploaded=csv_upload(content), by=finance
    )

    assert (run.portal_count, run.portal_total, run.gateway_count, run.gateway_total) == (
        2,
        100_000,
        2,
        100_000,
    )
    assert run.mismatch_count == 0 and run.settlement_file.imported_by == finance


def test_every_kind_of_mismatch_is_listed(finance, django_capture_on_commit_callbacks):
    only_ours = pay(filed())
    wrong_amount = pay(filed())
    failed_there = pay(filed())
    refunded = filed()
    refunded_attempt = pay(refunded)
    with django_capture_on_commit_callbacks(execute=True):
        dossier_services.refuse(dossier=reload(refunded), clerk=clerk_of(refunded), reason="Ngoài thẩm quyền")
    content = file_for(
        today(),
        [
            ("Thanh toán", wrong_amount.txn_ref, "5.000", "Thành công"),
            ("Thanh toán", failed_there.txn_ref, "50.000", "Không thành công"),
            ("Thanh toán", refunded_attempt.txn_ref, "50.000", "Thành công"),
            ("Hoàn trả", refunded_attempt.txn_ref, "50.000", "Thành công"),
            ("Thanh toán", "260101UNKNOWN001", "20.000", "Thành công"),
        ],
    )

    run = reconciliation.import_settlement_file(
        gateway="sandbox", day=today(), uploaded=csv_upload(content), by=finance
    )

    problems = {(m["problem"], m["txn_ref"]) for m in run.mismatches}
    assert problems == {
        ("missing_at_gateway", only_ours.txn_ref),
        ("amount_differs", wrong_amount.txn_ref),
        ("failed_at_gateway", failed_there.txn_ref),
        ("missing_in_portal", "260101UNKNOWN001"),
    }
    assert (run.portal_refund_count, run.portal_refund_total) == (1, 50_000)
    assert (run.gateway_refund_count, run.gateway_refund_total) == (1, 50_000)


def test_a_file_that_cannot_be_read_is_refused_whole_with_the_reasons(finance):
    bad = file_for(
        today(), [("Thanh toán", "REF1", "12,5", "Thành công"), ("Chuyển khoản", "REF2", "1", "Thành công")]
    )
    with pytest.raises(ValidationError) as caught:
        reconciliation.import_settlement_file(
            gateway="sandbox", day=today(), uploaded=csv_upload(bad), by=finance
        )
    assert "Line 2" in caught.value.messages[0] and "Line 3" in caught.value.messages[1]
    with pytest.raises(ValidationError, match="Columns missing"):
        reconciliation.import_settlement_file(
            gateway="sandbox", day=today(), uploaded=csv_upload("a,b\n1,2\n"), by=finance
        )
    other_day = file_for(
        today() - datetime.timedelta(days=3), [("Thanh toán", "REF1", "1.000", "Thành công")]
    )
    with pytest.raises(ValidationError, match="not the day chosen"):
        reconciliation.import_settlement_file(
            gateway="sandbox", day=today(), uploaded=csv_upload(other_day), by=finance
        )
    assert not SettlementFile.objects.exists() and not ReconciliationRun.objects.exists()


def test_a_semicolon_separated_file_with_bom_is_read():
    content = file_for(today(), [("Thanh toán", "REF1", "1.000.000", "Thành công")]).replace(",", ";")
    lines = settlement.parse(content.replace('"1.000.000"', "1.000.000").encode("utf-8-sig"))
    assert lines[0].amount == 1_000_000 and lines[0].at.tzinfo == VN


def test_the_daily_task_reconciles_yesterday_with_the_sandbox_banks_file(monkeypatch):
    attempt = pay(filed())
    yesterday_noon = timezone.now() - datetime.timedelta(days=1)
    PaymentAttempt.objects.filter(pk=attempt.pk).update(
        paid_at=yesterday_noon, gateway_pay_date=yesterday_noon.astimezone(VN).strftime("%Y%m%d%H%M%S")
    )
    sandbox_bank.SandboxTransaction.objects.filter(txn_ref=attempt.txn_ref).update(at=yesterday_noon)
    stranger = start(filed())
    bank_answer(stranger)  # paid at the bank, notification lost: the bank's file knows, the portal does not
    sandbox_bank.SandboxTransaction.objects.filter(txn_ref=stranger.txn_ref).update(at=yesterday_noon)

    [run_id] = tasks.reconcile_previous_day.delay().get()

    run = ReconciliationRun.objects.get(pk=run_id)
    assert run.day == today() - datetime.timedelta(days=1) and run.settlement_file.file_name.startswith(
        "sandbox-"
    )
    assert (run.portal_count, run.gateway_count) == (1, 2)
    assert [(m["problem"], m["txn_ref"]) for m in run.mismatches] == [("missing_in_portal", stranger.txn_ref)]


def test_only_finance_staff_reconcile(client, finance):
    url = reverse("payments:reconciliation")
    for person in [CitizenProfileFactory().user, clerk_of(filed())]:
        sign_in(client, person)
        assert client.get(url).status_code == 403
        assert client.post(reverse("payments:reconciliation_import"), {}).status_code == 403
        assert client.get(reverse("payments:reconciliation_xlsx")).status_code == 403
    with pytest.raises(Exception, match="finance"):
        reconciliation.import_settlement_file(
            gateway="sandbox", day=today(), uploaded=csv_upload("x"), by=clerk_of(filed())
        )


def test_the_finance_page_imports_lists_mismatches_and_exports_xlsx(client, finance):
    from openpyxl import load_workbook

    attempt = pay(filed())
    sign_in(client, finance)
    day = today().isoformat()
    page = client.get(reverse("payments:reconciliation"), {"day": day, "gateway": "sandbox"}).content.decode()
    assert "No settlement file" in page and "Reconciliation" in page

    bad = client.post(
        reverse("payments:reconciliation_import"),
        {"day": day, "gateway": "sandbox", "file": csv_upload("STT;x\n1;2\n")},
    )
    assert bad.status_code == 400 and "Columns missing" in bad.content.decode()

    content = file_for(today(), [("Thanh toán", "260101UNKNOWN001", "20.000", "Thành công")])
    done = client.post(
        reverse("payments:reconciliation_import"),
        {"day": day, "gateway": "sandbox", "file": csv_upload(content)},
    )
    assert done.status_code == 302
    page = client.get(done.url).content.decode()
    assert "2 mismatches" in page and attempt.txn_ref in page and "260101UNKNOWN001" in page

    export = client.get(reverse("payments:reconciliation_xlsx"), {"day": day, "gateway": "sandbox"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(export.content)).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None]
    assert attempt.txn_ref in values and "260101UNKNOWN001" in values
    assert "Có trên cổng DVC, không có trong tệp" in values


def test_the_sandbox_bank_publishes_its_settlement_file_to_finance(client, finance):
    attempt = pay(filed())
    sign_in(client, finance)
    response = client.get(reverse("sandbox_bank:settlement", args=[today().isoformat()]))
    assert response.status_code == 200
    [line] = settlement.parse(response.content)
    assert (line.txn_ref, line.amount, line.kind, line.succeeded) == (
        attempt.txn_ref,
        50_000,
        "payment",
        True,
    )


def test_the_export_writes_a_formula_like_reference_from_the_file_as_text(client, finance):
    """A settlement file is outside data: a formula in a reference must reach Excel as text."""
    from openpyxl import load_workbook

    hostile = "=cmd|' /C calc'!A0"  # the classic DDE payload
    content = file_for(today(), [("Thanh toán", hostile, "20.000", "Thành công")])
    reconciliation.import_settlement_file(
        gateway="sandbox", day=today(), uploaded=csv_upload(content), by=finance
    )
    sign_in(client, finance)

    export = client.get(
        reverse("payments:reconciliation_xlsx"), {"day": today().isoformat(), "gateway": "sandbox"}
    )

    sheet = load_workbook(io.BytesIO(export.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value == hostile]
    assert cells and {cell.data_type for cell in cells} == {"s"}


def test_the_settlement_file_writes_formula_like_text_with_an_apostrophe_and_reads_it_back():
    line = settlement.Line(
        kind="payment",
        txn_ref="-2+3",
        transaction_no="@SUM(1)",
        amount=50_000,
        bank_code="NCB",
        at=datetime.datetime(2026, 3, 16, 9, 15, tzinfo=VN),
        succeeded=True,
    )

    text = settlement.write([line])

    assert ",'@SUM(1),'-2+3," in text.splitlines()[1]
    assert settlement.parse(text.encode()) == [line]
