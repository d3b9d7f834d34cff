"""Serving files out of private storage. Who may download which file, for every person and every kind of
document, is in test_access_matrix.py; here: the rest (a transfer, inline images, no public media URL)."""

import pytest
from django.urls import reverse

from tests.dossiers.factories_extra import citizen, jpeg_upload, sign_in
from tests.factories import AgencyFactory, filed_dossier, staff_member

pytestmark = pytest.mark.django_db


def fetch(client, url):
    """GET, reading a file response to its end (which closes the file)."""
    response = client.get(url)
    response.body = b"".join(response.streaming_content) if response.streaming else response.content
    return response


@pytest.fixture
def dossier():
    return filed_dossier()


def test_the_handling_agency_sees_the_documents_after_a_transfer(client, dossier):
    from dossiers import services

    clerk = staff_member(dossier.receiving_agency)
    handler = AgencyFactory()
    services.receive(dossier=dossier, clerk=clerk)
    services.transfer(dossier=dossier, by=clerk, to_agency=handler)
    sign_in(client, staff_member(handler, role="officer"))
    assert fetch(client, reverse("dossiers:document", args=[dossier.documents.first().pk])).status_code == 200


def test_an_image_is_shown_inline_with_its_type(client):
    from dossiers import services

    person = citizen()
    stored = services.store_upload(owner=person, uploaded=jpeg_upload("the-cccd.jpg"), by=person)
    sign_in(client, person)
    response = fetch(client, reverse("dossiers:stored_file", args=[stored.pk]))
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == 'inline; filename="the-cccd.jpg"'


def test_media_files_are_never_served_by_url(client, dossier):
    stored = dossier.documents.first().stored_file
    sign_in(client, dossier.applicant)
    assert client.get(f"/media/{stored.file.name}").status_code == 404
    assert stored.file.name.startswith(f"private/{dossier.applicant_id}/")
