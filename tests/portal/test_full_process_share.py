import pytest
from django.urls import reverse

from procedures.selectors import full_process_share_by_agency_and_level
from tests.factories import AgencyFactory, ProcedureVersionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    justice = AgencyFactory(name="Sở Tư pháp")
    commune = AgencyFactory(name="UBND xã An Bình", kind="commune")
    for _ in range(4):
        ProcedureVersionFactory(published=True, agencies=[justice], levels="province")
    ProcedureVersionFactory(published=True, agencies=[justice], levels="province", partial=True)
    ProcedureVersionFactory(published=True, agencies=[commune], levels="commune", partial=True)
    ProcedureVersionFactory(published=True, agencies=[commune], levels="commune")
    ProcedureVersionFactory(agencies=[commune], levels="commune", partial=True)  # a draft does not count
    return justice, commune


def test_share_is_computed_per_agency_and_level(catalogue):
    justice, commune = catalogue
    shares = {(s.agency, s.level): s for s in full_process_share_by_agency_and_level()}
    assert (shares[(justice, "province")].total, shares[(justice, "province")].full_process) == (5, 4)
    assert shares[(justice, "province")].percent == 80.0
    assert shares[(commune, "commune")].percent == 50.0


def staff_client(client, user):
    client.force_login(user)
    session = client.session
    session["_portal_mfa_ok"] = True
    session.save()
    return client


def test_catalogue_admin_sees_the_share_page_against_targets(client, catalogue):
    admin = UserFactory(catalogue_admin=True)
    page = staff_client(client, admin).get(reverse("full_process_share")).content.decode()
    assert "Sở Tư pháp" in page and "80,0%" in page
    assert "UBND xã An Bình" in page and "50,0%" in page
    assert "95%" in page


@pytest.mark.parametrize("role", ["citizen", "clerk", "officer"])
def test_others_cannot_see_the_share_page(client, catalogue, role):
    user = UserFactory(role=role)
    response = staff_client(client, user).get(reverse("full_process_share"))
    assert response.status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("full_process_share"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
