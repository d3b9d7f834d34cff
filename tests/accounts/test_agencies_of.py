"""The staff's agencies read by one written-out statement (accounts.selectors.agencies_of), which every
staff page with an agency in its address asks through dossiers.policies.agency_worked_at."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.selectors import agencies_of
from dossiers import policies
from procedures.models import Agency
from tests.factories import AgencyFactory, AgencyMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk():
    member = UserFactory(clerk=True)
    AgencyMembershipFactory(
        user=member, agency=AgencyFactory(code="000.01.30.H43", name="UBND phường Hoa Lư")
    )
    AgencyMembershipFactory(user=member, agency=AgencyFactory(code="000.00.12.H43"), is_supervisor=True)
    AgencyMembershipFactory(agency=AgencyFactory(code="000.00.99.H43"))  # someone else's
    return member


def test_every_agency_of_theirs_is_read_whole_with_whether_they_supervise_there(clerk):
    with CaptureQueriesContext(connection) as queries:
        read = agencies_of(clerk)

    assert len(queries) == 1
    assert {(agency.code, supervises) for agency, supervises in read} == {
        ("000.01.30.H43", False),
        ("000.00.12.H43", True),
    }
    for agency, _supervises in read:
        assert agency.get_deferred_fields() == set()  # every column, as Agency.objects.get would read it
        fresh = Agency.objects.get(pk=agency.pk)
        assert [getattr(agency, f.attname) for f in Agency._meta.concrete_fields] == [
            getattr(fresh, f.attname) for f in Agency._meta.concrete_fields
        ]
    assert agencies_of(UserFactory()) == []


def test_the_agency_worked_at_is_theirs_and_their_memberships_are_kept_for_the_request(clerk):
    agency = policies.agency_worked_at(clerk, "000.01.30.H43")

    assert agency is not None and agency.name == "UBND phường Hoa Lư"
    with CaptureQueriesContext(connection) as queries:
        assert policies.is_supervisor(clerk, Agency.objects.get(code="000.00.12.H43"))
        assert not policies.is_supervisor(clerk, agency)
    assert len(queries) == 1  # the Agency.objects.get above: the memberships were kept
    assert policies.agency_worked_at(clerk, "000.00.99.H43") is None
    assert policies.agency_worked_at(clerk, "no such code") is None


def test_a_superuser_who_is_no_member_reaches_any_agency_by_its_code(clerk):
    admin = UserFactory(is_superuser=True, is_staff=True)

    assert policies.agency_worked_at(admin, "000.00.99.H43").code == "000.00.99.H43"
    assert policies.agency_worked_at(admin, "no such code") is None
