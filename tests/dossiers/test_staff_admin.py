import pytest
from django.urls import reverse

from dossiers.models import State
from tests.dossiers.staff_support import dossier_in, sign_in, world
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_catalogue_admins_edit_rule_sets_and_the_calendar_but_see_no_dossier(client):
    sign_in(client, UserFactory(catalogue_admin=True))

    assert client.get(reverse("admin:dossiers_ruleset_change", args=[1])).status_code == 200
    response = client.post(
        reverse("admin:dossiers_calendarexception_add"),
        {"date": "2026-04-25", "is_working_day": "on", "note": "Làm bù"},
    )
    assert response.status_code == 302
    assert client.get(reverse("admin:dossiers_dossier_changelist")).status_code == 403


def test_superusers_see_a_dossier_read_only_with_its_events(client):
    dossier = dossier_in(world(), State.RECEIVED)
    sign_in(client, UserFactory(is_superuser=True, is_staff=True))

    response = client.get(reverse("admin:dossiers_dossier_change", args=[dossier.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert dossier.code in html and "receive" in html
    assert 'name="_save"' not in html
    assert client.get(reverse("admin:dossiers_dossier_add")).status_code == 403
