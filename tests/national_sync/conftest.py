import pytest

from tests.national_sync.support import ensure_default_mappings


@pytest.fixture(autouse=True)
def _default_mappings(request):
    """Every test starts from the seeded mapping (a transactional test run before it flushed the table)."""
    if request.node.get_closest_marker("django_db"):
        request.getfixturevalue("_django_db_helper")  # database access first, as the marker gives it
        ensure_default_mappings()
