"""What the portal reads from a request: the client's address when it is one."""

import pytest
from django.test import RequestFactory

from common.http import client_address


@pytest.mark.parametrize(
    ("remote", "expected"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8::1", "2001:db8::1"),
        ("", None),
        ("unix:/run/gunicorn.sock", None),
    ],
)
def test_the_client_address_is_an_ip_address_or_none(remote, expected):
    request = RequestFactory().get("/", REMOTE_ADDR=remote)
    assert client_address(request) == expected
