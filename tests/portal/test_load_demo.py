"""`manage.py load_demo`: a realistic catalogue published through the services, demo accounts, idempotence."""

import shutil
import subprocess
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import AgencyMembership, CitizenProfile, Role, User
from dossiers import selectors
from dossiers.models import Apology, Dossier, DossierDocument, State, SupplementRequest
from portal.demo import accounts as demo_accounts
from portal.demo import catalogue, synthetic
from portal.demo import dossiers as demo_dossiers
from portal.demo import postal as demo_postal
from procedures.models import (
    AdministrativeUnit,
    Agency,
    CatalogueWord,
    Field,
    Procedure,
    ProcedureFee,
    ProcedureVersion,
    RequiredDocument,
    ServiceLevel,
    VersionStatus,
)
from procedures.selectors import CatalogueFilters, published_procedures
from tests.procedures.factories_extra import close_file

pytestmark = [pytest.mark.django_db, pytest.mark.demo_content]

DEMO_CODES = [row["national_code"] for row in catalogue.procedure_rows()]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def load_demo(*args) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models = [
        AdministrativeUnit,
        Agency,
        Field,
        Procedure,
        ProcedureVersion,
        ProcedureFee,
        RequiredDocument,
        User,
        EmailAddress,
        Authenticator,
        AgencyMembership,
        CitizenProfile,
    ]
    return {model.__name__: model.objects.count() for model in models}


def test_demo_catalogue_data_is_well_formed():
    rows = catalogue.procedure_rows()
    codes = [row["national_code"] for row in rows]
    assert len(codes) == len(set(codes)) >= 45
    for row in rows:
        assert 2 <= len(row["documents"].split(";")) <= 6, row["national_code"]
        if row["service_level"] == ServiceLevel.PARTIAL:
            assert row["partial_reason"] in {"in_person", "originals", "on_site", "other"}, row[
                "national_code"
            ]
            assert row["partial_reason_note"], row["national_code"]
    revised = [row["national_code"] for row in catalogue.procedure_rows(catalogue.REVISIONS_FILE)]
    assert revised and set(revised) <= set(codes)


def test_load_demo_publishes_a_realistic_catalogue_through_the_services():
    output = load_demo()

    published = ProcedureVersion.objects.published().filter(procedure__national_code__in=DEMO_CODES)
    assert published.count() == len(DEMO_CODES) >= 40
    assert published.values("field").distinct().count() >= 8
    for version in published.prefetch_related("agencies", "documents"):
        version.full_clean()
        # Four eyes: one admin submitted it, another published it.
        assert version.submitted_by.email == demo_accounts.CATALOGUE_ADMIN_EMAIL
        assert version.reviewed_by.email == demo_accounts.CATALOGUE_REVIEWER_EMAIL
        assert version.agencies.exists()
        assert version.documents.exists()
    full = published.filter(service_level=ServiceLevel.FULL_PROCESS).count()
    assert 0.5 <= full / published.count() <= 0.9
    assert published.filter(name__contains="Cấp đổi giấy phép lái xe").exists()
    assert "Published catalogue entries" in output
    # Issue 16: the common slots name their document kind, so the data store's papers are offered.
    cccd_slots = RequiredDocument.objects.filter(
        version__in=published, name__startswith="Thẻ Căn cước hoặc Căn cước công dân"
    )
    assert cccd_slots.exists() and set(cccd_slots.values_list("kind__code", flat=True)) == {"CCCD"}


def test_demo_agencies_and_units_follow_the_national_formats_and_the_2025_merges():
    load_demo()

    for agency in Agency.objects.all():
        agency.full_clean()
    assert Agency.objects.filter(kind=Agency.Kind.DISTRICT, is_legacy=True).exists()
    old_ward = AdministrativeUnit.objects.get(code="14335")
    assert old_ward.is_legacy
    assert old_ward.current().name == "Phường Hoa Lư"
    assert AdministrativeUnit.objects.get(code="35").current().name == "Tỉnh Ninh Bình"
    assert AdministrativeUnit.objects.filter(level="commune", is_legacy=False).count() == 12


def test_every_demo_account_has_its_role_a_verified_email_and_staff_use_totp():
    output = load_demo()

    for row in demo_accounts.ACCOUNTS:
        user = User.objects.get(email=row["email"])
        assert user.role == row["role"]
        assert user.check_password(demo_accounts.DEMO_PASSWORD)
        assert EmailAddress.objects.filter(
            user=user, email=row["email"], verified=True, primary=True
        ).exists()
        authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if row["role"] == Role.CITIZEN:
            assert authenticator is None
            assert user.profile.commune.name
            assert len(user.profile.personal_id) == 12
            assert user.profile.phone_is_verified  # their SMS notices go out (issue 12, item 16a)
            continue
        secret = demo_accounts.TOTP_SECRETS[row["email"]]
        assert secret in output
        code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
        assert TOTP(authenticator).validate_code(code)
    admin = User.objects.get(email="admin@demo.vn")
    assert admin.is_superuser and admin.is_staff
    assert admin.has_perm("procedures.publish_procedureversion")
    officer = User.objects.get(email="officer@demo.vn")
    assert officer.memberships.get().is_supervisor
    assert officer.memberships.get().agency.name == "Sở Tư pháp"
    clerk = User.objects.get(email="clerk@demo.vn")
    assert clerk.memberships.count() == 2
    assert demo_accounts.DEMO_PASSWORD in output


def test_running_load_demo_twice_changes_nothing():
    load_demo()
    before = counts()
    words = CatalogueWord.objects.count()

    output = load_demo()

    assert counts() == before
    assert CatalogueWord.objects.count() == words
    assert f"0 created, {len(DEMO_CODES)} already present" in output


def test_revised_procedures_keep_the_archived_first_version():
    load_demo()

    for revision in catalogue.procedure_rows(catalogue.REVISIONS_FILE):
        versions = ProcedureVersion.objects.filter(procedure__national_code=revision["national_code"])
        assert sorted(versions.values_list("version_number", "status")) == [
            (1, VersionStatus.ARCHIVED),
            (2, VersionStatus.PUBLISHED),
        ]
        v2 = versions.get(version_number=2)
        assert v2.change_note == revision["change_note"]
        assert v2.name == revision["name"]
        assert v2.processing_days == int(revision["processing_days"])
    licence_record = ProcedureVersion.objects.get(procedure__national_code="2.000488", version_number=2)
    assert licence_record.fees.get(amount=200_000).online_discount_percent == 50


def test_synthetic_procedures_are_published_searchable_and_added_once():
    output = load_demo("--procedures", "50")
    published = ProcedureVersion.objects.published().count()
    again = load_demo("--procedures", "50")

    synthetic_versions = ProcedureVersion.objects.published().filter(
        procedure__national_code__startswith=synthetic.CODE_PREFIX
    )
    assert synthetic_versions.count() == 50
    assert published == ProcedureVersion.objects.published().count() == len(DEMO_CODES) + 50
    assert "Synthetic procedures: 50 created" in output
    assert "Synthetic procedures: 0 created" in again
    sample = synthetic_versions.prefetch_related("agencies").first()
    sample.full_clean()
    assert sample.agencies.exists() and sample.documents.exists()
    found = published_procedures(CatalogueFilters(query=sample.name))
    assert sample in found


def test_load_demo_refuses_to_run_in_production(settings):
    settings.PRODUCTION = True

    with pytest.raises(CommandError, match="production"):
        load_demo()

    assert not User.objects.filter(email=demo_accounts.CATALOGUE_ADMIN_EMAIL).exists()


def test_load_demo_files_dossiers_in_every_state_through_the_services_once():
    output = load_demo()
    again = load_demo()

    dossiers = Dossier.objects.all()
    assert {dossier.state for dossier in dossiers} == set(State.values)
    # Every step went through a service, which writes the audit row; only a draft has none yet.
    for dossier in dossiers.exclude(state=State.DRAFT):
        assert dossier.events.exists(), dossier.state
        assert dossier.code.startswith(catalogue.UBND_PHUONG_HOA_LU)
    assert dossiers.filter(applicant__email="citizen@demo.vn").exists()
    assert dossiers.filter(applicant__email="citizen2@demo.vn").exists()
    stories = len(demo_dossiers.STORIES) + len(demo_postal.STORIES)  # 16, and 3 results by post
    assert f"Demo dossiers: {stories} created" in output
    assert "Demo dossiers: already present" in again
    assert dossiers.count() == stories


def test_demo_dossiers_keep_the_clerk_and_the_officer_busy():
    load_demo()
    clerk = User.objects.get(email="clerk@demo.vn")
    officer = User.objects.get(email="officer@demo.vn")
    hoa_lu = Agency.objects.get(code=catalogue.UBND_PHUONG_HOA_LU)
    justice = Agency.objects.get(code=catalogue.SO_TU_PHAP)

    for view in ["new", "due_soon", "overdue", "supplement", "in_progress"]:
        assert selectors.agency_queue(clerk, hoa_lu, view).exists(), view
    for view in ["mine", "due_soon", "overdue", "supplement"]:
        assert selectors.agency_queue(officer, justice, view).exists(), view
    waiting = Dossier.objects.filter(state=State.SUBMITTED)
    assert waiting.filter(intake_deadline__lt=timezone.now()).count() == 1
    walk_in = Dossier.objects.get(applicant__isnull=True)
    assert walk_in.filed_by == clerk and walk_in.channel == "desk"
    assert SupplementRequest.objects.filter(
        stage=SupplementRequest.Stage.PROCESSING,
        approved_by=officer,
        dossier__state=State.SUPPLEMENT_REQUESTED,
    ).exists()
    assert SupplementRequest.objects.filter(stage=SupplementRequest.Stage.INTAKE, status="answered").exists()
    assert Apology.objects.get().new_due_date > Apology.objects.get().original_due_date
    for dossier in Dossier.objects.filter(state__in=[State.APPROVED, State.RESULT_READY, State.RETURNED]):
        result = dossier.documents.get(kind=DossierDocument.Kind.RESULT).stored_file.file
        with result.open("rb"):
            assert result.read(5) == b"%PDF-"


def test_the_demo_declarations_come_with_their_blank_form(client):
    load_demo()

    declarations = RequiredDocument.objects.filter(
        version__status=VersionStatus.PUBLISHED, name__startswith="Tờ khai"
    ).exclude(name__startswith="Tờ khai điện tử")
    assert declarations.count() >= 10
    assert not declarations.filter(form_template="").exists()
    birth = declarations.get(version__procedure__national_code="1.001193")
    page = client.get(reverse("procedures:detail", args=["1.001193"])).content.decode()
    assert reverse("procedures:form_template", args=[birth.pk]) in page
    response = client.get(reverse("procedures:form_template", args=[birth.pk]))
    content = b"".join(response.streaming_content)
    close_file(response)
    assert response["Content-Type"] == "application/pdf" and content.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("the form's text is read with poppler-utils (pdftotext)")
    text = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout
    assert "TỜ KHAI ĐĂNG KÝ KHAI SINH" in text.decode()
    assert "Người được khai sinh" in text.decode()


def test_every_agency_that_receives_demo_dossiers_has_a_clerk_in_the_printed_table():
    """Sở Tư pháp receives the criminal-record certificate itself: its queue must have a clerk to open it."""
    output = load_demo()

    receiving = Agency.objects.filter(procedure_versions__isnull=False, is_legacy=False).distinct()
    assert receiving.filter(code=catalogue.SO_TU_PHAP).exists()
    for agency in receiving:
        clerks = User.objects.filter(role=Role.CLERK, is_active=True, memberships__agency=agency)
        assert clerks.exists(), agency.name
        assert any(clerk.email in output for clerk in clerks), agency.name
    justice_clerk = User.objects.get(email="clerk.tuphap@demo.vn")
    assert demo_accounts.TOTP_SECRETS[justice_clerk.email] in output


def test_every_agency_that_decides_demo_dossiers_has_an_officer_in_the_printed_table():
    """A ward decides its own procedures once its desk hands the dossier on: without an officer there, a demo
    dossier would stop in a state nobody can approve."""
    output = load_demo()

    deciding = Agency.objects.filter(procedure_versions__isnull=False, is_legacy=False).distinct()
    assert deciding.filter(code=catalogue.UBND_PHUONG_HOA_LU).exists()
    for agency in deciding:
        officers = User.objects.filter(role=Role.OFFICER, is_active=True, memberships__agency=agency)
        assert officers.exists(), agency.name
        assert any(officer.email in output for officer in officers), agency.name
        assert all(demo_accounts.TOTP_SECRETS[officer.email] in output for officer in officers), agency.name
