"""Issue 13, item 4: a procedure that needs a level of assurance (LoA) is filed online only by a sign-in at
that level; below it, starting and submitting are refused with a plain explanation of how to raise it.
The clerk registering a dossier at the desk is not gated (the ID card is checked in person)."""

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.identity import SESSION_KEY
from dossiers import services
from dossiers.models import Channel, Dossier, State
from procedures.models import AssuranceLevel
from tests.dossiers.factories_extra import citizen, sign_in
from tests.factories import PURPOSE, AgencyFactory, ProcedureVersionFactory, pdf_upload, staff_member

pytestmark = pytest.mark.django_db

LOA2_HOW = "bring your chip-based ID card to the police of your commune or ward"
LOA2_NEED = (
    "signed in with a level-2 electronic identity account (VNeID level 2: identity verified in person)"
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def loa2_version(**kwargs):
    return ProcedureVersionFactory(published=True, required_loa=AssuranceLevel.LOA2, **kwargs)


def signed_in_at(client, person, loa: int | None):
    """A citizen's session as the national sign-in leaves it (`identity_loa`); None: a password sign-in."""
    sign_in(client, person)
    if loa is not None:
        session = client.session
        session[SESSION_KEY] = loa
        session.save()
    return client


def complete_draft_at_loa2(version, applicant) -> Dossier:
    dossier = services.start_draft(version=version, applicant=applicant, form_data=PURPOSE, assurance=2)
    for required in version.documents.all():
        services.attach_upload(
            dossier=dossier, required_document=required, uploaded=pdf_upload(), by=applicant
        )
    return dossier


# --- the services -------------------------------------------------------------------------------------------
def test_starting_an_loa2_procedure_at_loa1_is_refused_with_how_to_raise_it():
    with pytest.raises(services.AssuranceTooLow) as refused:
        services.start_draft(version=loa2_version(), applicant=citizen(), assurance=1)

    message = " ".join(refused.value.messages)
    assert LOA2_NEED in message and "is at level 1" in message and LOA2_HOW in message
    assert "one-stop-shop desk" in message
    assert not Dossier.objects.exists()


def test_starting_an_loa2_procedure_at_loa2_makes_the_draft():
    dossier = services.start_draft(version=loa2_version(), applicant=citizen(), assurance=2)
    assert dossier.state == State.DRAFT


@pytest.mark.parametrize("required", [AssuranceLevel.LOA1, AssuranceLevel.LOA2])
def test_a_local_password_sign_in_may_not_start_a_procedure_that_needs_vneid(required):
    version = ProcedureVersionFactory(published=True, required_loa=required)
    with pytest.raises(services.AssuranceTooLow, match="portal password"):
        services.start_draft(version=version, applicant=citizen(), assurance=0)
    with pytest.raises(services.AssuranceTooLow):  # a caller that forgets the level counts as 0
        services.start_draft(version=version, applicant=citizen())


def test_a_procedure_without_a_requirement_is_started_with_a_local_sign_in():
    version = ProcedureVersionFactory(published=True, required_loa=AssuranceLevel.NONE)
    assert services.start_draft(version=version, applicant=citizen(), assurance=0).state == State.DRAFT


def test_submitting_an_loa2_dossier_at_loa1_is_refused_and_nothing_is_filed():
    person = citizen()
    dossier = complete_draft_at_loa2(loa2_version(), person)

    with pytest.raises(services.AssuranceTooLow, match="VNeID level 2"):
        services.submit(dossier=dossier, by=person, assurance=1)

    dossier.refresh_from_db()
    assert (dossier.state, dossier.code, dossier.events.count()) == (State.DRAFT, None, 0)
    assert services.submit(dossier=dossier, by=person, assurance=2).state == State.SUBMITTED


def test_the_clerk_registers_an_loa2_procedure_at_the_desk_without_a_sign_in_level():
    agency = AgencyFactory()
    version = loa2_version(agencies=[agency], documents=0)

    dossier = services.register_at_desk(
        version=version,
        clerk=staff_member(agency),
        receiving_agency=agency,
        channel=Channel.DESK,
        details={"applicant_name": "Trần Thị B", "applicant_phone": "0912345678"},
    )

    assert dossier.state == State.SUBMITTED and dossier.code


# --- the pages ----------------------------------------------------------------------------------------------
def test_the_start_page_shows_the_requirement_and_how_to_raise_it_before_the_citizen_begins(client):
    version = loa2_version()
    signed_in_at(client, citizen(), 1)

    page = client.get(reverse("dossiers:start", args=[version.procedure.national_code]))

    html = page.content.decode()
    assert page.status_code == 200
    assert "VNeID level 2 (identity verified in person)" in html
    assert LOA2_HOW in html
    assert "Start filing" not in html  # no button that could only be refused
    logout = f'action="{reverse("account_logout")}"'
    assert logout in html and "Sign out, then sign in through VNeID" in html


def test_the_start_page_says_an_loa2_sign_in_meets_the_requirement(client):
    version = loa2_version()
    signed_in_at(client, citizen(), 2)

    html = client.get(reverse("dossiers:start", args=[version.procedure.national_code])).content.decode()

    assert "Your sign-in meets it." in html and "Start filing" in html and LOA2_HOW not in html


def test_starting_at_loa1_is_refused_with_the_explanation_in_vietnamese(client):
    version = loa2_version()
    person = citizen()
    signed_in_at(client, person, 1)
    client.cookies["portal_language"] = "vi"
    agency = version.agencies.get()

    with translation.override("vi"):
        response = client.post(
            reverse("dossiers:start", args=[version.procedure.national_code]), {"receiving_agency": agency.pk}
        )

    html = response.content.decode()
    assert response.status_code == 403
    assert "mức độ 2" in html and "Công an cấp xã" in html and "Ông/Bà" in html
    assert not Dossier.objects.filter(applicant=person).exists()


@pytest.mark.parametrize(("required", "loa"), [(AssuranceLevel.LOA1, None), (AssuranceLevel.LOA2, 1)])
def test_starting_below_the_required_level_is_refused(client, required, loa):
    version = ProcedureVersionFactory(published=True, required_loa=required)
    person = citizen()
    signed_in_at(client, person, loa)

    response = client.post(
        reverse("dossiers:start", args=[version.procedure.national_code]),
        {"receiving_agency": version.agencies.get().pk},
    )

    assert response.status_code == 403
    assert "This procedure can be filed online only" in response.content.decode()
    assert not Dossier.objects.filter(applicant=person).exists()


def test_starting_at_loa2_opens_the_wizard(client):
    version = loa2_version()
    person = citizen()
    signed_in_at(client, person, 2)

    response = client.post(
        reverse("dossiers:start", args=[version.procedure.national_code]),
        {"receiving_agency": version.agencies.get().pk},
    )

    dossier = Dossier.objects.get(applicant=person)
    assert response.status_code == 302 and response.url == reverse(
        "dossiers:wizard", args=[dossier.pk, "applicant"]
    )


def test_submitting_at_loa1_is_refused_on_the_review_page_and_the_draft_is_kept(client):
    person = citizen()
    dossier = complete_draft_at_loa2(loa2_version(), person)
    signed_in_at(client, person, 1)  # e.g. signed in again, this time at level 1

    review = client.get(reverse("dossiers:wizard", args=[dossier.pk, "review"])).content.decode()
    assert LOA2_HOW in review
    assert reverse("dossiers:submit", args=[dossier.pk]) not in review
    response = client.post(reverse("dossiers:submit", args=[dossier.pk]))

    assert response.status_code == 403
    assert LOA2_NEED in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.state == State.DRAFT and not dossier.code


def test_submitting_at_loa2_files_the_dossier(client):
    person = citizen()
    dossier = complete_draft_at_loa2(loa2_version(), person)
    signed_in_at(client, person, 2)

    response = client.post(reverse("dossiers:submit", args=[dossier.pk]))

    assert response.status_code == 302 and response.url == reverse("dossiers:detail", args=[dossier.pk])
    dossier.refresh_from_db()
    assert dossier.state == State.SUBMITTED and dossier.code


def test_the_clerk_registers_an_loa2_procedure_from_the_desk_page(client):
    agency = AgencyFactory()
    version = loa2_version(agencies=[agency], documents=0)
    clerk = staff_member(agency)
    sign_in(client, clerk)

    response = client.post(
        reverse("staff:desk", args=[agency.code]) + f"?version={version.pk}",
        {
            "channel": Channel.DESK,
            "applicant_name": "Trần Thị B",
            "applicant_phone": "0912345678",
            "return_channel": "desk",
        },
    )

    assert response.status_code == 302, response.context["form"].errors
    dossier = Dossier.objects.get(procedure_version=version)
    assert dossier.state == State.SUBMITTED and dossier.filed_by == clerk
