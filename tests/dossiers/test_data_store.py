"""The citizen's data store (issue 16 parts 3 and 4): what a stored paper is, pre-attaching it to a later
filing by its document kind (counted), sharing one paper by a time-limited link, digitising at the desk, and
a signed e-result landing in the store."""

import datetime
import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from dossiers import services
from dossiers.models import State, StoredFile, StoredFileShare
from procedures.models import DocumentKind
from tests.dossiers.factories_core import Clock, vn
from tests.dossiers.factories_extra import citizen, draft, sign_in
from tests.factories import (
    ProcedureVersionFactory,
    RequiredDocumentFactory,
    UserFactory,
    pdf_bytes,
    pdf_upload,
    staff_member,
)

pytestmark = pytest.mark.django_db


def fetch(client, url):
    response = client.get(url)
    response.body = b"".join(response.streaming_content) if response.streaming else response.content
    return response


@pytest.fixture
def cccd():
    return DocumentKind.objects.get(code="CCCD")  # seeded by procedures/0008_seed_document_kinds


def version_asking_for(kind, **kwargs):
    """A published procedure whose first slot names `kind` and whose second names none."""
    version = ProcedureVersionFactory(published=True, documents=0, **kwargs)
    RequiredDocumentFactory(
        version=version, position=0, name="Căn cước công dân của người yêu cầu", kind=kind
    )
    RequiredDocumentFactory(version=version, position=1, name="Tờ khai theo mẫu")
    return version


_contents = itertools.count()


def paper_dossier(version, applicant=None):
    """A dossier brought to the desk on paper: registered with no scan yet (the clerk digitises next)."""
    agency = version.agencies.first()
    return services.register_at_desk(
        version=version,
        clerk=staff_member(agency),
        receiving_agency=agency,
        channel="desk",
        applicant=applicant,
        details={"applicant_name": "Nguyễn Văn A", "applicant_phone": "0912345678"},
    )


def stored_cccd(owner, kind, **fields):
    """A paper in `owner`'s store (each with its own content: the store shows identical contents once)."""
    content = pdf_bytes(f"cccd {next(_contents)}")
    stored = services.store_upload(
        owner=owner, uploaded=pdf_upload("cccd.pdf", content), by=owner, label="CCCD", kind=kind
    )
    StoredFile.objects.filter(pk=stored.pk).update(**fields)
    stored.refresh_from_db()
    return stored


# --- the catalogue of kinds ---------------------------------------------------------------------------------
def test_the_common_document_kinds_are_seeded():
    codes = set(DocumentKind.objects.values_list("code", flat=True))
    assert {"CCCD", "GKS", "HC", "GCNKH"} <= codes


def test_an_upload_into_a_slot_takes_the_kind_of_the_slot(cccd):
    version = version_asking_for(cccd)
    dossier = draft(version)
    slot = version.documents.get(position=0)
    added = services.attach_upload(
        dossier=dossier, required_document=slot, uploaded=pdf_upload(), by=dossier.applicant
    )
    assert added.stored_file.kind == cccd
    assert added.stored_file.source == StoredFile.Source.UPLOADED


def test_a_slot_takes_a_file_by_kind_code_before_the_names():
    from dossiers.document_kinds import slot_takes

    gks, cccd = DocumentKind.objects.get(code="GKS"), DocumentKind.objects.get(code="CCCD")
    slot = RequiredDocumentFactory(name="Giấy tờ tùy thân", kind=cccd)
    named_alike = StoredFile(label="Giấy tờ tùy thân", kind=gks)
    assert not slot_takes(named_alike, slot)  # both name a kind: the codes decide
    assert slot_takes(StoredFile(label="Ảnh chụp", kind=cccd), slot)
    assert slot_takes(StoredFile(label="Giấy tờ tùy thân"), slot)  # no kind on the file: the names


# --- what a stored paper is ---------------------------------------------------------------------------------
def test_the_owner_describes_an_uploaded_paper(cccd):
    person = citizen()
    stored = stored_cccd(person, None)
    services.describe_stored_file(
        stored_file=stored,
        by=person,
        kind=cccd,
        issuer=" Cục Cảnh sát QLHC về TTXH ",
        number="001090012345",
        valid_until=datetime.date(2035, 1, 1),
    )
    stored.refresh_from_db()
    assert (stored.kind, stored.issuer, stored.number, stored.valid_until) == (
        cccd,
        "Cục Cảnh sát QLHC về TTXH",
        "001090012345",
        datetime.date(2035, 1, 1),
    )


@pytest.mark.parametrize("source", [StoredFile.Source.RESULT, StoredFile.Source.DIGITISED])
def test_results_and_digitised_copies_are_the_agencys_word(cccd, source):
    person = citizen()
    stored = stored_cccd(person, cccd, source=source, number="KQ-1")
    with pytest.raises(ValidationError):
        services.describe_stored_file(stored_file=stored, by=person, kind=None, number="changed")
    stored.refresh_from_db()
    assert stored.number == "KQ-1"


def test_no_one_else_describes_a_paper(cccd):
    stored = stored_cccd(citizen(), None)
    with pytest.raises(PermissionDenied):
        services.describe_stored_file(stored_file=stored, by=citizen(), kind=cccd)


def test_the_data_store_page_edits_and_shows_what_a_paper_is(client, cccd):
    person = citizen()
    stored = stored_cccd(person, None)
    sign_in(client, person, language="vi")
    response = client.post(
        reverse("dossiers:describe_file", args=[stored.pk]),
        {"kind": cccd.pk, "issuer": "Công an tỉnh", "number": "0123", "valid_until": "2030-05-01"},
    )
    assert response.status_code == 302
    page = client.get(reverse("dossiers:data_store")).content.decode()
    assert "Căn cước công dân" in page and "Công an tỉnh" in page and "01/05/2030" in page


def test_a_bad_date_on_the_data_store_page_is_a_message_not_an_error(client):
    person = citizen()
    stored = stored_cccd(person, None)
    sign_in(client, person)
    response = client.post(
        reverse("dossiers:describe_file", args=[stored.pk]), {"valid_until": "31/02/2030"}, follow=True
    )
    assert response.status_code == 200
    assert "Enter a valid date." in response.content.decode()


def test_the_data_store_page_reads_a_fixed_number_of_queries(client, django_assert_max_num_queries, cccd):
    person = citizen()
    for _n in range(6):
        stored = stored_cccd(person, cccd)
        services.share_stored_file(stored_file=stored, by=person, days=7)
    sign_in(client, person)
    client.get(reverse("dossiers:data_store"))  # warm the session and the caches
    with django_assert_max_num_queries(12):
        assert client.get(reverse("dossiers:data_store")).status_code == 200


# --- pre-attach and reuse -----------------------------------------------------------------------------------
def test_the_documents_step_pre_attaches_the_newest_valid_paper_of_the_slots_kind(client, cccd, monkeypatch):
    Clock(monkeypatch, vn(2026, 6, 1))
    person = citizen()
    stored_cccd(person, cccd, valid_until=datetime.date(2026, 5, 31))  # expired yesterday: never offered
    newest = stored_cccd(person, cccd, number="NEW")
    dossier = draft(version_asking_for(cccd), person)
    sign_in(client, person)
    page = client.get(reverse("dossiers:wizard", args=[dossier.pk, "documents"]))
    offered = page.context["offered"]
    assert [slot.offer for slot in offered] == [newest]
    assert 'name="action" value="use_offers"' in page.content.decode()


def test_one_click_attaches_the_offered_papers_and_counts_each_reuse(client, cccd):
    person = citizen()
    stored = stored_cccd(person, cccd)
    dossier = draft(version_asking_for(cccd), person)
    slot = dossier.procedure_version.documents.get(position=0)
    sign_in(client, person)
    response = client.post(
        reverse("dossiers:wizard", args=[dossier.pk, "documents"]),
        {"action": "use_offers", "pick": f"{slot.pk}:{stored.pk}"},
    )
    assert response.status_code == 302
    document = dossier.documents.get()
    assert (document.required_document, document.stored_file, document.reused) == (slot, stored, True)
    stored.refresh_from_db()
    assert stored.reuse_count == 1
    # A second click (the page sent twice) attaches and counts nothing more.
    client.post(
        reverse("dossiers:wizard", args=[dossier.pk, "documents"]),
        {"action": "use_offers", "pick": f"{slot.pk}:{stored.pk}"},
    )
    stored.refresh_from_db()
    assert dossier.documents.count() == 1 and stored.reuse_count == 1


def test_another_persons_paper_cannot_be_picked(client, cccd):
    person, other = citizen(), citizen()
    theirs = stored_cccd(other, cccd)
    dossier = draft(version_asking_for(cccd), person)
    slot = dossier.procedure_version.documents.get(position=0)
    sign_in(client, person)
    client.post(
        reverse("dossiers:wizard", args=[dossier.pk, "documents"]),
        {"action": "use_offers", "pick": f"{slot.pk}:{theirs.pk}"},
    )
    assert not dossier.documents.exists()
    with pytest.raises(PermissionDenied):
        services.attach_from_store(dossier=dossier, picks=[(slot, theirs)], by=person)


def test_an_expired_paper_is_refused_and_nothing_is_attached(cccd, monkeypatch):
    Clock(monkeypatch, vn(2026, 6, 1))
    person = citizen()
    good = stored_cccd(person, cccd)
    expired = stored_cccd(person, cccd, valid_until=datetime.date(2026, 1, 1))
    version = version_asking_for(cccd)
    RequiredDocumentFactory(version=version, position=2, name="Bản sao CCCD người làm chứng", kind=cccd)
    dossier = draft(version, person)
    first, _form, witness = dossier.procedure_version.documents.all()
    with pytest.raises(ValidationError):
        services.attach_from_store(dossier=dossier, picks=[(first, good), (witness, expired)], by=person)
    with pytest.raises(ValidationError):
        services.reuse_stored_file(dossier=dossier, required_document=witness, stored_file=expired, by=person)
    assert not dossier.documents.exists()
    good.refresh_from_db()
    assert good.reuse_count == 0


def test_reusing_one_file_counts_it(cccd):
    person = citizen()
    stored = stored_cccd(person, cccd)
    dossier = draft(version_asking_for(cccd), person)
    services.reuse_stored_file(
        dossier=dossier,
        required_document=dossier.procedure_version.documents.first(),
        stored_file=stored,
        by=person,
    )
    stored.refresh_from_db()
    assert stored.reuse_count == 1


# --- share links --------------------------------------------------------------------------------------------
def test_a_live_link_downloads_that_one_file_for_anyone(client, cccd):
    person = citizen()
    stored = stored_cccd(person, cccd)
    share = services.share_stored_file(stored_file=stored, by=person, days=7)
    response = fetch(client, reverse("dossiers:shared_file", args=[share.token]))  # not signed in
    assert response.status_code == 200
    with stored.file.open("rb") as handle:
        assert response.body == handle.read()
    assert response["Cache-Control"].startswith("private")


def test_an_expired_link_says_so_with_410(client, cccd, monkeypatch):
    clock = Clock(monkeypatch, vn(2026, 6, 1))
    person = citizen()
    share = services.share_stored_file(stored_file=stored_cccd(person, cccd), by=person, days=1)
    clock.set(vn(2026, 6, 2, 9, 1))
    response = client.get(reverse("dossiers:shared_file", args=[share.token]))
    assert response.status_code == 410
    assert "hết hạn" in response.content.decode()


def test_a_revoked_link_says_so_with_410(client, cccd):
    person = citizen()
    share = services.share_stored_file(stored_file=stored_cccd(person, cccd), by=person, days=30)
    services.revoke_share(share=share, by=person)
    response = client.get(reverse("dossiers:shared_file", args=[share.token]))
    assert response.status_code == 410
    assert "ngừng chia sẻ" in response.content.decode()


@pytest.mark.parametrize("token", ["forged-token", "x" * 200, "a.b-c_d"])
def test_a_forged_link_is_404_with_a_page(client, token):
    response = client.get(f"/dossiers/chia-se/{token}/")
    assert response.status_code == 404
    assert "Đường dẫn này không dùng được" in response.content.decode()


def test_only_the_owner_shares_or_revokes(cccd):
    person, other = citizen(), citizen()
    stored = stored_cccd(person, cccd)
    with pytest.raises(PermissionDenied):
        services.share_stored_file(stored_file=stored, by=other, days=1)
    share = services.share_stored_file(stored_file=stored, by=person, days=1)
    with pytest.raises(PermissionDenied):
        services.revoke_share(share=share, by=other)
    share.refresh_from_db()
    assert share.revoked_at is None


@pytest.mark.parametrize("days", [0, 31, -1])
def test_a_link_lasts_one_to_thirty_days(cccd, days):
    person = citizen()
    with pytest.raises(ValidationError):
        services.share_stored_file(stored_file=stored_cccd(person, cccd), by=person, days=days)


def test_the_pages_share_and_revoke_only_the_owners_files(client, cccd):
    person, other = citizen(), citizen()
    stored = stored_cccd(person, cccd)
    sign_in(client, other)
    assert client.post(reverse("dossiers:share_file", args=[stored.pk]), {"days": "7"}).status_code == 404
    sign_in(client, person)
    client.post(reverse("dossiers:share_file", args=[stored.pk]), {"days": "7"})
    share = StoredFileShare.objects.get()
    page = client.get(reverse("dossiers:data_store")).content.decode()
    assert share.token in page
    sign_in(client, other)
    assert client.post(reverse("dossiers:revoke_share", args=[share.pk])).status_code == 404
    sign_in(client, person)
    client.post(reverse("dossiers:revoke_share", args=[share.pk]))
    share.refresh_from_db()
    assert share.revoked_at is not None


def test_a_share_form_with_a_bad_duration_is_a_message(client, cccd):
    person = citizen()
    stored = stored_cccd(person, cccd)
    sign_in(client, person)
    response = client.post(reverse("dossiers:share_file", args=[stored.pk]), {"days": "365"}, follow=True)
    assert response.status_code == 200 and not StoredFileShare.objects.exists()


# --- digitisation at the desk -------------------------------------------------------------------------------
def test_a_clerk_digitises_a_slot_and_the_copy_lands_in_the_applicants_store(cccd):
    person = citizen()
    dossier = paper_dossier(version_asking_for(cccd), person)
    clerk = staff_member(dossier.receiving_agency, full_name="Cán bộ một cửa")
    slot = dossier.procedure_version.documents.get(position=0)
    document = services.digitise_document(
        dossier=dossier, required_document=slot, uploaded=pdf_upload(), clerk=clerk, attested=True
    )
    stored = document.stored_file
    assert stored.owner == person and stored.source == StoredFile.Source.DIGITISED
    assert stored.attested_by == clerk and stored.attested_at is not None
    assert stored.kind == cccd and document.required_document == slot


def test_digitising_needs_the_attestation(cccd):
    dossier = paper_dossier(version_asking_for(cccd), citizen())
    clerk = staff_member(dossier.receiving_agency)
    with pytest.raises(ValidationError):
        services.digitise_document(
            dossier=dossier,
            required_document=dossier.procedure_version.documents.first(),
            uploaded=pdf_upload(),
            clerk=clerk,
            attested=False,
        )
    assert not StoredFile.objects.filter(source=StoredFile.Source.DIGITISED).exists()


def test_only_a_clerk_of_the_receiving_agency_digitises_while_intake_is_open(cccd):
    dossier = paper_dossier(version_asking_for(cccd), citizen())
    slot = dossier.procedure_version.documents.first()
    outsiders = [
        staff_member(ProcedureVersionFactory().agencies.first()),  # a clerk of another agency
        staff_member(dossier.receiving_agency, role="officer"),
        dossier.applicant,
    ]
    for person in outsiders:
        with pytest.raises(PermissionDenied):
            services.digitise_document(
                dossier=dossier, required_document=slot, uploaded=pdf_upload(), clerk=person, attested=True
            )
    clerk = staff_member(dossier.receiving_agency)
    received = services.receive(dossier=dossier, clerk=clerk)
    assert received.state == State.RECEIVED
    with pytest.raises(PermissionDenied):
        services.digitise_document(
            dossier=received, required_document=slot, uploaded=pdf_upload(), clerk=clerk, attested=True
        )


def test_the_desk_page_digitises_a_slot(client, cccd):
    dossier = paper_dossier(version_asking_for(cccd), citizen())
    clerk = staff_member(dossier.receiving_agency)
    slot = dossier.procedure_version.documents.first()
    sign_in(client, clerk)
    page = client.get(reverse("staff:detail", args=[dossier.pk])).content.decode()
    assert "Digitise the papers" in page
    # One form for every slot, offering first the first one with no copy yet.
    assert page.count('class="digitise-form"') == 1
    assert f'<option value="{slot.pk}" selected>{slot.name}</option>' in page
    refused = client.post(
        reverse("staff:digitise", args=[dossier.pk]),
        {"required_document": slot.pk, "file": pdf_upload()},
    )
    assert refused.status_code == 400 and not dossier.documents.exists()
    response = client.post(
        reverse("staff:digitise", args=[dossier.pk]),
        {"required_document": slot.pk, "file": pdf_upload(), "attested": "on"},
    )
    assert response.status_code == 302
    assert dossier.documents.get().stored_file.attested_by == clerk
    # The attested copy shows in its own slot, and only there.
    html = client.get(reverse("staff:detail", args=[dossier.pk])).content.decode()
    slots = html.split('class="digitise-slot"')[1:]
    assert len(slots) == dossier.procedure_version.documents.count() >= 1
    shown = [slot for slot in slots if 'class="attested"' in slot.split("<form")[0]]
    assert len(shown) == 1 and f'id="digitise-{slot.pk}"' in shown[0] and clerk.get_full_name() in shown[0]
    # The slot digitised is marked in the form's list, which now offers the next one.
    second = dossier.procedure_version.documents.get(position=1)
    assert f'<option value="{slot.pk}">{slot.name} (digitised)</option>' in html
    assert f'<option value="{second.pk}" selected>{second.name}</option>' in html


def test_the_desk_page_refuses_a_slot_of_another_procedure(client, cccd):
    dossier = paper_dossier(version_asking_for(cccd), citizen())
    other_slot = RequiredDocumentFactory()
    sign_in(client, staff_member(dossier.receiving_agency))
    for value in (other_slot.pk, "abc", "9" * 30):
        response = client.post(
            reverse("staff:digitise", args=[dossier.pk]),
            {"required_document": value, "file": pdf_upload(), "attested": "on"},
        )
        assert response.status_code == 302
    assert not dossier.documents.exists()


def test_registering_at_the_desk_with_the_attestation_digitises_the_scans(cccd):
    version = version_asking_for(cccd)
    agency = version.agencies.first()
    clerk = staff_member(agency)
    person = citizen()
    slot = version.documents.get(position=0)
    dossier = services.register_at_desk(
        version=version,
        clerk=clerk,
        receiving_agency=agency,
        channel="desk",
        applicant=person,
        details={"applicant_name": "Nguyễn Văn A", "applicant_phone": "0912345678"},
        uploads=[(slot, pdf_upload())],
        attested=True,
    )
    stored = dossier.documents.get().stored_file
    assert (stored.owner, stored.source, stored.attested_by, stored.kind) == (
        person,
        StoredFile.Source.DIGITISED,
        clerk,
        cccd,
    )


def test_registering_without_the_attestation_keeps_plain_scans(cccd):
    version = version_asking_for(cccd)
    agency = version.agencies.first()
    dossier = services.register_at_desk(
        version=version,
        clerk=staff_member(agency),
        receiving_agency=agency,
        channel="desk",
        details={"applicant_name": "Nguyễn Văn A", "applicant_phone": "0912345678"},
        uploads=[(version.documents.first(), pdf_upload())],
    )
    stored = dossier.documents.get().stored_file
    assert stored.source == StoredFile.Source.UPLOADED and stored.attested_at is None


def test_a_digitised_copy_is_offered_in_the_next_filing(client, cccd):
    person = citizen()
    first = paper_dossier(version_asking_for(cccd), person)
    clerk = staff_member(first.receiving_agency)
    digitised = services.digitise_document(
        dossier=first,
        required_document=first.procedure_version.documents.first(),
        uploaded=pdf_upload(),
        clerk=clerk,
        attested=True,
    ).stored_file
    second = draft(version_asking_for(cccd), person)
    sign_in(client, person)
    page = client.get(reverse("dossiers:wizard", args=[second.pk, "documents"]))
    assert [slot.offer for slot in page.context["offered"]] == [digitised]


# --- results ------------------------------------------------------------------------------------------------
def test_a_result_prepared_for_the_store_carries_its_issuer_number_and_kind():
    person = UserFactory()
    stored = services.prepare_result_file(
        owner=person,
        content=pdf_bytes("kq"),
        name="ket-qua.pdf",
        label="Giấy khai sinh (bản điện tử có ký số)",
        issuer="UBND phường Hoa Lư",
        number="HS-1/KQ1",
        paper_name="Giấy khai sinh",
    )
    stored.save()
    assert (stored.source, stored.issuer, stored.number, stored.kind.code) == (
        StoredFile.Source.RESULT,
        "UBND phường Hoa Lư",
        "HS-1/KQ1",
        "GKS",
    )
    with stored.file.open("rb") as handle:
        assert handle.read() == pdf_bytes("kq")
