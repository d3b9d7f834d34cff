import pytest

from notifications.providers import sms_memory
from tests.factories import CitizenProfileFactory


@pytest.fixture
def citizen(db):
    """A citizen with a profile and a phone, who receives all three channels."""
    return CitizenProfileFactory(phone="0912345678", user__language="vi").user


@pytest.fixture
def sms_outbox():
    return sms_memory.outbox
