import re

import pytest
from django.urls import reverse

from tests.factories import ProcedureVersionFactory, RequiredDocumentFactory
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


def test_every_control_of_the_documents_table_has_a_name_the_document_kind_select_included(client):
    """axe's select-name: the kind is a foreign key, so its select sits in the admin's related-field wrapper,
    which renders the inner widget with its own attributes."""
    version = ProcedureVersionFactory()
    RequiredDocumentFactory(version=version)
    sign_in_to_admin(client, catalogue_admin())
    html = client.get(reverse("admin:procedures_procedureversion_change", args=[version.pk])).content.decode()
    select = re.search(r'<select[^>]*id="id_documents-0-kind"[^>]*>', html)
    assert select is not None and 'aria-label="' in select.group(0), select
