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


def test_the_dashboard_links_the_privacy_pages_to_the_staff_who_may_open_them(client):
    """The register, the correction requests and the access-log export are reached from "Your work", and
    only by those with the permission."""
    links = [
        reverse("privacy:register"),
        reverse("privacy:corrections"),
        reverse("staff:access_export"),
    ]
    clerk = UserFactory(clerk=True)
    sign_in(client, clerk)
    html = client.get(reverse("dashboard")).content.decode()
    assert not any(f'href="{link}"' in html for link in links)
    officer = UserFactory(officer=True)
    for codename in ("view_register", "handle_correctionrequest"):
        officer.user_permissions.add(Permission.objects.get(codename=codename))
    sign_in(client, officer)
    html = client.get(reverse("dashboard")).content.decode()
    assert f'href="{links[0]}"' in html and f'href="{links[1]}"' in html
    assert f'href="{links[2]}"' not in html
