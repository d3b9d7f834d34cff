"""A fee line that follows an answer of the application form: the criminal-record certificate's "from the 3rd
copy on, per copy" is charged only when 3 copies or more are asked for (procedures.ProcedureFee's
quantity_field / charged_from, computed by dossiers.fee_lines)."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from dossiers import services
from dossiers.models import State
from payments.selectors import fee_lines as payment_fee_lines
from portal.demo import catalogue
from procedures.models import ProcedureFee
from procedures.resources import ProcedureVersionResource
from tests.dossiers.factories_extra import citizen, complete_draft, sign_in
from tests.factories import ProcedureFeeFactory, ProcedureVersionFactory

pytestmark = pytest.mark.django_db

BASE_FEE = 200_000
PER_COPY = 5_000


def criminal_record_version():
    version = ProcedureVersionFactory(published=True, documents=1)
    ProcedureFeeFactory(
        version=version,
        kind=ProcedureFee.Kind.FEE,
        description="Phí cung cấp thông tin lý lịch tư pháp",
        amount=BASE_FEE,
        position=0,
    )
    ProcedureFeeFactory(
        version=version,
        kind=ProcedureFee.Kind.FEE,
        description="Phí cấp thêm Phiếu lý lịch tư pháp (từ Phiếu thứ 3 trở đi, mỗi Phiếu)",
        amount=PER_COPY,
        position=1,
        quantity_field="copies",
        quantity_label="Số Phiếu lý lịch tư pháp đề nghị cấp",
        charged_from=3,
    )
    return version


def file_asking_for(copies: int):
    person = citizen()
    dossier = complete_draft(version=criminal_record_version(), applicant=person)
    services.update_draft(
        dossier=dossier, by=person, form_data={"purpose": "Cấp Phiếu lý lịch tư pháp số 1", "copies": copies}
    )
    return services.submit(dossier=dossier, by=person)


@pytest.mark.parametrize("copies", [1, 2])
def test_no_third_copy_fee_when_one_or_two_copies_are_asked(copies):
    dossier = file_asking_for(copies)
    assert dossier.fee_total == BASE_FEE
    assert [line.description for line in payment_fee_lines(dossier)] == [
        "Phí cung cấp thông tin lý lịch tư pháp"
    ]


@pytest.mark.parametrize(("copies", "extra"), [(3, 1), (4, 2), (7, 5)])
def test_the_third_copy_fee_is_added_once_per_copy_from_the_third(copies, extra):
    dossier = file_asking_for(copies)
    assert dossier.fee_total == BASE_FEE + extra * PER_COPY
    lines = payment_fee_lines(dossier)
    assert lines[-1].description.endswith(f"× {extra}") and lines[-1].due == extra * PER_COPY


def test_the_request_step_asks_the_number_of_copies_and_refuses_a_wrong_one(client):
    person = citizen()
    dossier = services.start_draft(version=criminal_record_version(), applicant=person)
    sign_in(client, person)
    url = reverse("dossiers:wizard", args=[dossier.pk, "details"])
    page = client.get(url).content.decode()
    assert "Số Phiếu lý lịch tư pháp đề nghị cấp" in page and 'name="copies"' in page
    response = client.post(url, {"purpose": "Cấp Phiếu số 1", "copies": "0"})
    assert response.status_code == 400 and "Enter a number from 1 to 99." in response.content.decode()
    client.post(url, {"purpose": "Cấp Phiếu số 1", "copies": "3"})
    dossier.refresh_from_db()
    assert dossier.form_data["copies"] == 3


def test_the_review_shows_only_the_lines_charged_and_the_total(client):
    person = citizen()
    dossier = complete_draft(version=criminal_record_version(), applicant=person)
    services.update_draft(dossier=dossier, by=person, form_data={"purpose": "Cấp Phiếu", "copies": 2})
    sign_in(client, person)
    page = client.get(reverse("dossiers:wizard", args=[dossier.pk, "review"])).content.decode()
    assert "Phí cung cấp thông tin lý lịch tư pháp" in page
    assert "từ Phiếu thứ 3 trở đi" not in page
    services.update_draft(dossier=dossier, by=person, form_data={"purpose": "Cấp Phiếu", "copies": 4})
    page = client.get(reverse("dossiers:wizard", args=[dossier.pk, "review"])).content.decode()
    assert "từ Phiếu thứ 3 trở đi, mỗi Phiếu) × 2" in page and "210,000 VND" in page


def test_a_dossier_without_the_number_of_copies_is_not_filed():
    person = citizen()
    dossier = complete_draft(version=criminal_record_version(), applicant=person)
    problems = services.problems_before_submit(dossier)
    assert problems == ["Answer “Số Phiếu lý lịch tư pháp đề nghị cấp” (step “Your request”)."]
    with pytest.raises(services.base.ValidationError):
        services.submit(dossier=dossier, by=person)
    dossier.refresh_from_db()
    assert dossier.state == State.DRAFT


def test_a_fee_counted_by_an_answer_travels_in_the_catalogue_spreadsheet():
    version = criminal_record_version()
    cell = ProcedureVersionResource().dehydrate_fees(version)
    assert cell.endswith("|5000|0|copies|Số Phiếu lý lịch tư pháp đề nghị cấp|3")


def test_the_demo_criminal_record_procedure_charges_the_third_copy_only_when_asked():
    rows = catalogue.procedure_rows() + catalogue.procedure_rows(catalogue.REVISIONS_FILE)
    cells = [row["fees"] for row in rows if row["national_code"] == "2.000488"]
    assert len(cells) == 2
    for cell in cells:
        read = SimpleNamespace()
        ProcedureVersionResource()._read_fees(read, cell, 1)  # what load_demo's import does with the cell
        third_copy = read.import_fees[-1]
        assert third_copy.description.startswith("Phí cấp thêm Phiếu lý lịch tư pháp")
        assert (third_copy.quantity_field, third_copy.charged_from) == ("copies", 3)
        assert [third_copy.units_charged(copies) for copies in (1, 2, 3, 5)] == [0, 0, 1, 3]


def test_the_staff_page_shows_the_number_of_copies_under_its_question_not_its_key(client):
    from tests.dossiers.staff_support import sign_in as staff_sign_in
    from tests.factories import staff_member

    dossier = file_asking_for(4)
    staff_sign_in(client, staff_member(dossier.receiving_agency))
    page = client.get(reverse("staff:detail", args=[dossier.pk])).content.decode()
    assert "<dt>Số Phiếu lý lịch tư pháp đề nghị cấp</dt><dd>4</dd>" in page
    assert "<dt>copies</dt>" not in page
