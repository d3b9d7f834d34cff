"""The "my data" archive: data.json with every section and files/ with the citizen's files; nobody else's
data, no secrets, staff-only steps left out; rate-limited; only for the signed-in citizen."""

import io
import json
import zipfile

import pytest
from django.urls import reverse

from dossiers.models import DossierEvent
from dossiers.selectors import INTERNAL_ACTIONS
from privacy.export import EXPORTED
from privacy.models import DataExport
from tests.dossiers.factories_extra import sign_in
from tests.dossiers.staff_support import file_online

from .support import NAME, PERSONAL_ID, citizen_with_everything

pytestmark = pytest.mark.django_db


def _archive(response) -> zipfile.ZipFile:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "private, no-store"
    # Read to the end: the test client then closes the temporary file.
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_my_data_archive_holds_every_section_and_the_files(client):
    person = citizen_with_everything()
    other = file_online(person.world, name="Người Khác Hẳn")
    sign_in(client, person.user)

    archive = _archive(client.post(reverse("privacy:download")))
    data = json.loads(archive.read("data.json"))

    top_sections = {section.split("[")[0].split(".")[0] for section in EXPORTED.values()}
    assert top_sections <= set(data), top_sections - set(data)
    assert data["profile"]["personal_id"] == PERSONAL_ID and data["account"]["full_name"] == NAME
    assert [d["id"] for d in data["dossiers"]] == [person.dossier.pk]
    assert other.applicant_name not in archive.read("data.json").decode()
    dossier = data["dossiers"][0]
    assert dossier["events"] and dossier["documents"]
    assert data["payments"] and data["notifications"] and data["feedback"] and data["authorisations"]
    assert data["document_accesses"][0]["actor_name"] == person.world.desk.clerk.full_name
    assert data["consents"][0]["purpose"] == "notice"
    assert data["correction_requests"] and data["national_identity_links"]
    assert data["sign_ins"]["last_sign_in"]
    paths = [f["archive_path"] for f in data["stored_files"]]
    assert len(paths) == len(data["stored_files"]) >= 2 and all(paths)
    for path in paths:
        assert archive.read(path).startswith(b"%PDF")
    assert DataExport.objects.filter(user=person.user).count() == 1


def test_the_archive_holds_no_secrets_and_no_staff_only_steps(client):
    person = citizen_with_everything()
    from dossiers import services as dossier_services

    dossier_services.receive(dossier=person.dossier, clerk=person.world.desk.clerk)
    dossier_services.transfer(
        dossier=person.dossier,
        by=person.world.desk.clerk,
        to_agency=person.world.handler.agency,
        assignee=person.world.handler.officer,
        note="Chuyển xử lý",
    )
    dossier_services.assign(
        dossier=person.dossier, by=person.world.handler.supervisor, assignee=person.world.handler.supervisor
    )
    assert DossierEvent.objects.filter(dossier=person.dossier, action__in=INTERNAL_ACTIONS).exists()
    sign_in(client, person.user)
    text = _archive(client.post(reverse("privacy:download"))).read("data.json").decode()
    for secret in ('"password":', '"code_hash":', '"token":', '"chain_hash":', '"client_ip_hash":'):
        assert secret not in text
    actions = {e["action"] for e in json.loads(text)["dossiers"][0]["events"]}
    assert not actions & {"assign", "propose_supplement", "reject_supplement"}


def test_downloads_are_limited_to_three_an_hour(client, settings):
    settings.PRIVACY_EXPORTS_PER_HOUR = 3
    person = citizen_with_everything()
    sign_in(client, person.user)
    for _ in range(3):
        response = client.post(reverse("privacy:download"))
        assert response.status_code == 200
        b"".join(response.streaming_content)
    refused = client.post(reverse("privacy:download"), follow=True)
    assert refused.status_code == 200 and "try again later" in refused.content.decode()
    assert DataExport.objects.filter(user=person.user).count() == 3


def test_files_beyond_the_size_budget_are_listed_but_left_out(client, settings):
    settings.PRIVACY_EXPORT_MAX_FILE_BYTES = 10
    person = citizen_with_everything()
    sign_in(client, person.user)
    archive = _archive(client.post(reverse("privacy:download")))
    data = json.loads(archive.read("data.json"))
    assert data["files_left_out"] == len(data["stored_files"]) and not [
        n for n in archive.namelist() if n.startswith("files/")
    ]


def test_my_data_pages_are_for_signed_in_citizens_only(client):
    person = citizen_with_everything()
    assert client.get(reverse("privacy:my_data")).status_code == 302
    assert client.post(reverse("privacy:download")).status_code == 302
    sign_in(client, person.world.desk.clerk)
    assert client.get(reverse("privacy:my_data")).status_code == 403
    assert client.post(reverse("privacy:download")).status_code == 403
    assert client.get(reverse("privacy:download")).status_code in (403, 405)


def test_my_data_page_shows_the_sections(client, django_assert_max_num_queries):
    person = citizen_with_everything()
    sign_in(client, person.user)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("privacy:my_data"))
    html = page.content.decode()
    assert page.status_code == 200
    for text in ("Download my data (ZIP)", "Optional notices", "Ask for a correction", "Delete my account"):
        assert text in html
