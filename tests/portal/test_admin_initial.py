"""An admin add page prefilled from its query string (`?agency=…`) opens, whatever the value: the fuzzer
found `?agency=:` a 500 on the pages whose agency is an autocomplete."""

import pytest

from accounts.middleware import SESSION_MFA_OK
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db

ADD_PAGES = ["/admin/national_sync/unitcode/add/", "/admin/appointments/agencyschedule/add/"]


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    session = client.session
    session[SESSION_MFA_OK] = True  # signed in with the second factor
    session.save()
    return client


@pytest.mark.parametrize("path", ADD_PAGES)
@pytest.mark.parametrize("value", [":", "g", "1.5", "-", "9" * 40])
def test_a_malformed_prefill_opens_the_page_empty(admin_client, path, value):
    response = admin_client.get(path, {"agency": value})
    assert response.status_code == 200
    assert response.context["adminform"].form.initial.get("agency") is None


@pytest.mark.parametrize("path", ADD_PAGES)
def test_a_well_formed_prefill_is_kept(admin_client, path):
    agency = AgencyFactory()
    response = admin_client.get(path, {"agency": str(agency.pk)})
    assert response.status_code == 200
    assert str(response.context["adminform"].form.initial["agency"]) == str(agency.pk)
