"""Two agencies, X and Y, each with dossiers, and API clients of either."""

import datetime

import pytest

from common import clock
from integrations import services
from integrations.models import Scope
from tests.factories import AgencyFactory, ProcedureVersionFactory, filed_dossier

ALL_SCOPES = list(Scope.values)


def dossier_at(agency, version=None):
    return filed_dossier(version=version or ProcedureVersionFactory(published=True, agencies=[agency]))


def api_client(agencies, scopes=None, rate=1000, name=None):
    """(client, headers) for a new client of these agencies with an API key."""
    client = services.create_client(
        name=name or f"client {clock.now().timestamp()} {id(agencies)} {len(str(scopes))}",
        contact="ops@example.vn",
        agency_codes=[agency.code for agency in agencies],
        scopes=ALL_SCOPES if scopes is None else scopes,
        rate_limit_per_minute=rate,
    )
    issued = services.issue_key(client=client)
    return client, {"HTTP_X_API_KEY": issued.secret}


@pytest.fixture
def agencies():
    return AgencyFactory(), AgencyFactory()


@pytest.fixture
def world(agencies):
    """Agency X with three dossiers (one version), Y with one; clients of X and of Y."""
    x, y = agencies
    version_x = ProcedureVersionFactory(published=True, agencies=[x])
    x_dossiers = [dossier_at(x, version_x) for _ in range(3)]
    y_dossier = dossier_at(y)
    client_x, headers_x = api_client([x], name="X")
    client_y, headers_y = api_client([y], name="Y")
    return {
        "x": x,
        "y": y,
        "x_dossiers": x_dossiers,
        "y_dossier": y_dossier,
        "headers_x": headers_x,
        "headers_y": headers_y,
        "client_x": client_x,
        "client_y": client_y,
    }


def later(minutes: int) -> datetime.datetime:
    return clock.now() + datetime.timedelta(minutes=minutes)


def fetch(client, url, data=None, **headers):
    """GET; a streamed file is read to its end, which closes it (the test client's wrapper; closing it again
    would close the test's database connection)."""
    response = client.get(url, data or {}, **headers)
    if getattr(response, "streaming", False):
        response.body = b"".join(response.streaming_content)
    return response
