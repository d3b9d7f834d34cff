import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_messages():
    """Service messages are matched in English (the msgids); pages set their language per request."""
    with translation.override("en"):
        yield
