"""An abolished agency (the districts, 1 July 2025) and the one that answers for its dossiers now."""

import pytest
from django.core.exceptions import ValidationError

from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def test_an_agency_that_exists_answers_for_itself():
    ward = AgencyFactory(kind="commune")
    assert ward.current() == ward


def test_an_abolished_agency_follows_its_successors_then_its_parents_to_one_that_exists():
    province = AgencyFactory(kind="province")
    ward = AgencyFactory(kind="commune", parent=province)
    old_ward = AgencyFactory(kind="commune", is_legacy=True, successor=ward)
    district = AgencyFactory(kind="district", parent=province, is_legacy=True, successor=old_ward)
    orphan = AgencyFactory(kind="district", parent=province, is_legacy=True)
    assert district.current() == ward
    assert orphan.current() == province


def test_a_loop_of_successors_ends_instead_of_spinning():
    first = AgencyFactory(kind="district", is_legacy=True)
    second = AgencyFactory(kind="district", is_legacy=True, successor=first)
    first.successor = second
    first.save()
    assert first.current() in (first, second)


def test_only_an_abolished_agency_has_its_work_taken_over():
    ward = AgencyFactory(kind="commune")
    other = AgencyFactory(kind="commune", successor=ward)
    with pytest.raises(ValidationError, match="no longer exists"):
        other.clean()
    abolished = AgencyFactory(kind="district", is_legacy=True)
    abolished.successor = abolished
    with pytest.raises(ValidationError, match="its own work"):
        abolished.clean()
