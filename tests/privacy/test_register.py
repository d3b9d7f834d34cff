"""The processing register: the data-kinds table with row counts, for staff with the permission; XLSX."""

import io

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from privacy.data_kinds import DATA_KINDS
from tests.dossiers.factories_extra import citizen, sign_in, superuser
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_register_lists_every_data_kind_with_its_count(client, django_assert_max_num_queries):
    citizen()
    sign_in(client, superuser())
    with django_assert_max_num_queries(len(DATA_KINDS) + 12):
        page = client.get(reverse("privacy:register"))
    html = page.content.decode()
    assert page.status_code == 200
    for kind in DATA_KINDS:
        assert kind.model in html


def test_register_exports_as_xlsx(client):
    from openpyxl import load_workbook

    sign_in(client, superuser())
    response = client.get(reverse("privacy:register_xlsx"))
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    sheet = load_workbook(io.BytesIO(response.content)).active
    models = {row[1] for row in sheet.iter_rows(min_row=5, values_only=True)}
    assert models == {kind.model for kind in DATA_KINDS}


def test_register_needs_the_permission(client):
    sign_in(client, UserFactory(clerk=True))
    assert client.get(reverse("privacy:register")).status_code == 403
    assert client.get(reverse("privacy:register_xlsx")).status_code == 403
    officer = UserFactory(officer=True)
    officer.user_permissions.add(Permission.objects.get(codename="view_register"))
    sign_in(client, officer)
    assert client.get(reverse("privacy:register")).status_code == 200
    sign_in(client, citizen())
    assert client.get(reverse("privacy:register")).status_code == 403
