import pytest
from django.urls import reverse

from tests.dossiers.factories_extra import citizen, complete_draft, jpeg_upload, sign_in, superuser
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


def who(name, dossier):
    return {
        "owner": lambda: dossier.applicant,
        "other citizen": citizen,
        "clerk of the receiving agency": lambda: staff_member(dossier.receiving_agency),
        "officer of the receiving agency": lambda: staff_member(dossier.receiving_agency, role="officer"),
        "clerk of another agency": lambda: staff_member(AgencyFactory()),
        "superuser": superuser,
    }[name]()


@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("owner", 200),
        ("other citizen", 404),
        ("clerk of the receiving agency", 200),
        ("officer of the receiving agency", 200),
        ("clerk of another agency", 404),
        ("superuser", 200),
    ],
)
def test_a_dossier_document_is_served_only_to_who_may_see_the_dossier(client, dossier, person, status):
    document = dossier.documents.first()
    sign_in(client, who(person, dossier))
    response = fetch(client, reverse("dossiers:document", args=[document.pk]))
    assert response.status_code == status
    if status == 200:
        assert response.body.startswith(b"%PDF")
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("inline")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "private" in response["Cache-Control"]


def test_anonymous_visitors_are_sent_to_sign_in(client, dossier):
    document = dossier.documents.first()
    for url in [
        reverse("dossiers:document", args=[document.pk]),
        reverse("dossiers:stored_file", args=[document.stored_file_id]),
        reverse("dossiers:data_store"),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("account_login")), url


def test_the_handling_agency_sees_the_documents_after_a_transfer(client, dossier):
    from dossiers import services

    clerk = staff_member(dossier.receiving_agency)
    handler = AgencyFactory()
    services.receive(dossier=dossier, clerk=clerk)
    services.transfer(dossier=dossier, by=clerk, to_agency=handler)
    sign_in(client, staff_member(handler, role="officer"))
    assert fetch(client, reverse("dossiers:document", args=[dossier.documents.first().pk])).status_code == 200


def test_staff_do_not_see_a_citizens_draft(client):
    unfinished = complete_draft()
    sign_in(client, staff_member(unfinished.receiving_agency))
    assert client.get(reverse("dossiers:document", args=[unfinished.documents.first().pk])).status_code == 404


def test_an_image_is_shown_inline_with_its_type(client):
    from dossiers import services

    person = citizen()
    stored = services.store_upload(owner=person, uploaded=jpeg_upload("the-cccd.jpg"), by=person)
    sign_in(client, person)
    response = fetch(client, reverse("dossiers:stored_file", args=[stored.pk]))
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == 'inline; filename="the-cccd.jpg"'


@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("owner", 200),
        ("other citizen", 404),
        ("clerk of the receiving agency", 404),
        ("superuser", 404),
    ],
)
def test_a_stored_file_is_served_only_to_its_owner(client, dossier, person, status):
    stored = dossier.documents.first().stored_file
    sign_in(client, who(person, dossier))
    assert fetch(client, reverse("dossiers:stored_file", args=[stored.pk])).status_code == status


def test_media_files_are_never_served_by_url(client, dossier):
    stored = dossier.documents.first().stored_file
    sign_in(client, dossier.applicant)
    assert client.get(f"/media/{stored.file.name}").status_code == 404
    assert stored.file.name.startswith(f"private/{dossier.applicant_id}/")
