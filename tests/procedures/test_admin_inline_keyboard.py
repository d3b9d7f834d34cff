import pytest
from django.urls import reverse

from tests.factories import ProcedureVersionFactory
from tests.procedures.factories_extra import catalogue_admin, sign_in_to_admin

pytestmark = pytest.mark.django_db


def test_a_wide_inline_table_can_be_scrolled_by_keyboard(client):
    """axe-core's scrollable-region-focusable (WCAG 2.1.1): the fees and documents tables scroll sideways
    inside their group, which must take the focus (static/js/admin_keyboard_scroll.js gives it)."""
    version = ProcedureVersionFactory()
    sign_in_to_admin(client, catalogue_admin())
    page = client.get(reverse("admin:procedures_procedureversion_change", args=[version.pk]))
    assert page.status_code == 200
    assert "js/admin_keyboard_scroll.js" in page.content.decode()
