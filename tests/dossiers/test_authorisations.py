"""Acting on behalf (ủy quyền): the life cycle of an authorisation (grant; request and approve in the portal
or with an SMS code; revoke; expiry), its scope, what the helper sees, and a dossier filed by a helper:
both subjects recorded, both told, both named on the audit rows."""

import datetime
import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from common import clock
from dossiers import audit, consent, policies, services
from dossiers.models import Authorisation, Dossier, DossierEvent
from dossiers.services import authorisations as uq
from notifications.models import Notification
from notifications.providers import sms_memory
from tests.dossiers.factories_extra import citizen, complete_draft, sign_in
from tests.factories import PURPOSE, ProcedureVersionFactory, pdf_upload

pytestmark = pytest.mark.django_db

SESSION = "a-session-key-of-the-citizen"


def later(monkeypatch, **delta) -> None:
    moment = clock.now() + timedelta(**delta)
    monkeypatch.setattr(clock, "now", lambda: moment)


def in_days(days: int) -> datetime.date:
    return clock.localdate() + timedelta(days=days)


def grant(citizen_, helper, scope="all", **target) -> Authorisation:
    return uq.grant(
        citizen=citizen_,
        helper_named=helper.email,
        scope=scope,
        expires_on=in_days(30),
        consent_version=consent.CURRENT_VERSION,
        session_key=SESSION,
        **target,
    )


@pytest.fixture
def people():
    elder = citizen(
        full_name="Trần Thị Bà", user__full_name="Trần Thị Bà", phone="0911222333", user__language="vi"
    )
    helper = citizen(full_name="Trần Văn Con", user__full_name="Trần Văn Con")
    return elder, helper


@pytest.fixture
def version():
    return ProcedureVersionFactory(published=True, name="Cấp bản sao trích lục hộ tịch")


def filed(version, applicant, by=None) -> Dossier:
    """A dossier of `applicant`, drafted and filed by `by` (the applicant when None)."""
    dossier = complete_draft(version=version, applicant=applicant)
    return services.submit(dossier=dossier, by=by or applicant)


def visible(user) -> set[int]:
    return set(Dossier.objects.visible_to(user).values_list("pk", flat=True))


# --- the life cycle ---------------------------------------------------------------------------------------
def test_a_grant_is_in_force_at_once_and_keeps_the_consent_as_shown(people):
    elder, helper = people
    authorisation = grant(elder, helper)
    assert authorisation.is_live() and authorisation.status == Authorisation.Status.ACTIVE
    assert authorisation.consent_version == consent.CURRENT_VERSION
    assert authorisation.consent_text == consent.current_text() and "revoke" in authorisation.consent_text
    assert authorisation.consented_at is not None
    assert authorisation.consent_method == "portal"
    assert authorisation.consent_sign_in == uq.sign_in_fingerprint(SESSION) != SESSION
    assert authorisation.expires_at.date() >= in_days(30)


def test_a_helper_is_named_by_email_or_id_number_never_oneself(people):
    elder, helper = people
    by_id = uq.grant(
        citizen=elder,
        helper_named=helper.profile.personal_id,
        scope="all",
        expires_on=in_days(5),
        consent_version=consent.CURRENT_VERSION,
        session_key=SESSION,
    )
    assert by_id.helper == helper
    with pytest.raises(ValidationError):
        grant(elder, elder)
    with pytest.raises(ValidationError):
        uq.grant(
            citizen=elder,
            helper_named="nobody@example.vn",
            scope="all",
            expires_on=in_days(5),
            consent_version=consent.CURRENT_VERSION,
            session_key=SESSION,
        )


def test_an_old_consent_version_or_a_past_or_too_far_date_is_refused(people):
    elder, helper = people
    with pytest.raises(ValidationError, match="consent text has changed"):
        uq.grant(
            citizen=elder,
            helper_named=helper.email,
            scope="all",
            expires_on=in_days(5),
            consent_version="UQ-OLD",
            session_key=SESSION,
        )
    for days in (-1, 400):
        with pytest.raises(ValidationError):
            uq.grant(
                citizen=elder,
                helper_named=helper.email,
                scope="all",
                expires_on=in_days(days),
                consent_version=consent.CURRENT_VERSION,
                session_key=SESSION,
            )
    assert not Authorisation.objects.exists()


def request(helper, elder, **kwargs) -> Authorisation:
    return uq.request_authorisation(
        helper=helper, citizen_named=elder.email, scope="all", expires_on=in_days(30), **kwargs
    )


def test_a_request_waits_tells_the_citizen_and_approved_in_the_portal_is_in_force(people):
    elder, helper = people
    authorisation = request(helper, elder)
    assert authorisation.status == Authorisation.Status.PENDING and not authorisation.is_live()
    notice = Notification.objects.get(recipient=elder, event="authorisation_requested", channel="portal")
    assert "Trần Văn Con" in notice.subject
    with pytest.raises(PermissionDenied):  # the helper cannot approve their own request
        uq.approve(
            citizen=helper,
            authorisation=authorisation,
            consent_version=consent.CURRENT_VERSION,
            session_key="",
        )
    approved = uq.approve(
        citizen=elder,
        authorisation=authorisation,
        consent_version=consent.CURRENT_VERSION,
        session_key=SESSION,
    )
    assert approved.is_live() and approved.consent_sign_in == uq.sign_in_fingerprint(SESSION)


def test_a_declined_request_gives_nothing(people, version):
    elder, helper = people
    dossier = filed(version, elder)
    authorisation = uq.decline(citizen=elder, authorisation=request(helper, elder))
    assert authorisation.status == Authorisation.Status.DECLINED
    assert dossier.pk not in visible(helper)


@pytest.fixture
def send_code(django_capture_on_commit_callbacks):
    def send(helper, authorisation) -> str:
        sms_memory.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            uq.send_approval_code(helper=helper, authorisation=authorisation)
        (sms,) = sms_memory.outbox
        return re.search(r"\b(\d{6})\b", sms["text"]).group(1)

    return send


def test_a_request_approved_with_the_code_sent_to_the_citizens_phone(people, send_code):
    elder, helper = people
    authorisation = request(helper, elder)
    code = send_code(helper, authorisation)
    assert sms_memory.outbox[0]["to"].endswith("911222333")  # the citizen's verified phone
    stored = Authorisation.objects.get(pk=authorisation.pk)
    assert stored.code_hash and code not in stored.code_hash
    assert code not in Notification.objects.get(event="authorisation_code").context.values()
    approved = uq.approve_with_code(
        helper=helper, authorisation=authorisation, code=code, consent_version=consent.CURRENT_VERSION
    )
    assert approved.is_live()
    assert (approved.consent_method, approved.consent_phone) == ("sms", "0911222333")
    assert approved.consent_version == consent.CURRENT_VERSION and approved.consent_text


def test_wrong_codes_are_counted_and_the_fifth_voids_the_code(people, send_code):
    elder, helper = people
    authorisation = request(helper, elder)
    code = send_code(helper, authorisation)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for left in (4, 3, 2, 1):
        with pytest.raises(ValidationError, match=f"{left} tr"):
            uq.approve_with_code(
                helper=helper,
                authorisation=authorisation,
                code=wrong,
                consent_version=consent.CURRENT_VERSION,
            )
    with pytest.raises(ValidationError, match="Too many wrong codes"):
        uq.approve_with_code(
            helper=helper, authorisation=authorisation, code=wrong, consent_version=consent.CURRENT_VERSION
        )
    with pytest.raises(ValidationError, match="Too many wrong codes"):  # even the right one, now
        uq.approve_with_code(
            helper=helper, authorisation=authorisation, code=code, consent_version=consent.CURRENT_VERSION
        )
    assert not Authorisation.objects.get(pk=authorisation.pk).is_live()


def test_an_expired_code_is_refused(people, send_code, monkeypatch):
    elder, helper = people
    authorisation = request(helper, elder)
    code = send_code(helper, authorisation)
    later(monkeypatch, minutes=11)
    with pytest.raises(ValidationError, match="expired"):
        uq.approve_with_code(
            helper=helper, authorisation=authorisation, code=code, consent_version=consent.CURRENT_VERSION
        )
    assert Authorisation.objects.get(pk=authorisation.pk).status == Authorisation.Status.PENDING


def test_no_code_for_someone_elses_request_or_a_citizen_without_a_verified_phone(people):
    elder, helper = people
    authorisation = request(helper, elder)
    with pytest.raises(PermissionDenied):
        uq.send_approval_code(helper=citizen(), authorisation=authorisation)
    elder.profile.phone_verified = ""
    elder.profile.save()
    with pytest.raises(ValidationError, match="no verified phone"):
        uq.send_approval_code(helper=helper, authorisation=Authorisation.objects.get(pk=authorisation.pk))


# --- what the helper sees ---------------------------------------------------------------------------------
def test_scope_all_covers_every_dossier_of_the_citizen_and_no_one_elses(people, version):
    elder, helper = people
    mine, other_procedure = filed(version, elder), filed(ProcedureVersionFactory(published=True), elder)
    stranger = filed(version, citizen())
    grant(elder, helper)
    assert visible(helper) == {mine.pk, other_procedure.pk}
    assert stranger.pk not in visible(helper)


def test_scope_one_procedure_covers_only_its_dossiers(people, version):
    elder, helper = people
    mine, other_procedure = filed(version, elder), filed(ProcedureVersionFactory(published=True), elder)
    grant(elder, helper, scope="procedure", procedure=version.procedure)
    assert visible(helper) == {mine.pk}
    assert policies.is_owner(helper, mine) and not policies.is_owner(helper, other_procedure)


def test_scope_one_dossier_covers_only_it_and_starts_no_new_one(people, version):
    elder, helper = people
    first, second = filed(version, elder), filed(version, elder)
    authorisation = grant(elder, helper, scope="dossier", dossier=first)
    assert visible(helper) == {first.pk}
    with pytest.raises(PermissionDenied):
        uq.start_on_behalf(helper=helper, authorisation=authorisation, version=version)
    assert second.pk not in visible(helper)


def test_a_dossier_scope_names_one_of_the_citizens_own_dossiers(people, version):
    elder, helper = people
    with pytest.raises(ValidationError):
        grant(elder, helper, scope="dossier", dossier=filed(version, citizen()))


def test_the_helper_sees_nothing_after_revocation(people, version):
    elder, helper = people
    authorisation = grant(elder, helper)
    dossier = uq.start_on_behalf(helper=helper, authorisation=authorisation, version=version)
    assert dossier.pk in visible(helper)
    uq.revoke(by=elder, authorisation=authorisation)
    assert visible(helper) == set()  # not even the dossier they started themselves
    assert not policies.is_owner(helper, dossier)
    with pytest.raises(PermissionDenied):
        services.update_draft(dossier=dossier, by=helper, form_data=PURPOSE)
    with pytest.raises(PermissionDenied):  # revoked once: not again
        uq.revoke(by=elder, authorisation=authorisation)


def test_the_helper_sees_nothing_after_expiry_even_before_the_task_marks_it(people, version, monkeypatch):
    elder, helper = people
    dossier = filed(version, elder)
    authorisation = uq.grant(
        citizen=elder,
        helper_named=helper.email,
        scope="all",
        expires_on=in_days(0),
        consent_version=consent.CURRENT_VERSION,
        session_key=SESSION,
    )
    assert dossier.pk in visible(helper)
    later(monkeypatch, days=1)
    assert visible(helper) == set()
    assert Authorisation.objects.get(pk=authorisation.pk).status == Authorisation.Status.ACTIVE
    assert uq.expire_due() == 1
    assert Authorisation.objects.get(pk=authorisation.pk).status == Authorisation.Status.EXPIRED


def test_the_helpers_pages_of_the_dossier_close_after_revocation(client, people, version):
    elder, helper = people
    authorisation = grant(elder, helper)
    dossier = filed(version, elder)
    sign_in(client, helper)
    assert client.get(reverse("dossiers:detail", args=[dossier.pk])).status_code == 200
    uq.revoke(by=elder, authorisation=authorisation)
    assert client.get(reverse("dossiers:detail", args=[dossier.pk])).status_code == 404
    assert dossier.code not in client.get(reverse("dossiers:mine")).content.decode()


# --- a dossier filed by a helper ----------------------------------------------------------------------------
def filed_by_helper(elder, helper, version) -> Dossier:
    authorisation = grant(elder, helper)
    dossier = uq.start_on_behalf(helper=helper, authorisation=authorisation, version=version)
    dossier = services.update_draft(dossier=dossier, by=helper, form_data={"purpose": "Cấp 02 bản sao"})
    for required in version.documents.all():
        services.attach_upload(dossier=dossier, required_document=required, uploaded=pdf_upload(), by=helper)
    return services.submit(dossier=dossier, by=helper)


def test_a_dossier_started_for_the_citizen_records_both_subjects(people, version):
    elder, helper = people
    dossier = filed_by_helper(elder, helper, version)
    assert (dossier.applicant, dossier.filed_by) == (elder, helper)
    assert dossier.authorisation.helper == helper
    assert dossier.applicant_name == "Trần Thị Bà"  # prefilled from the citizen's profile, not the helper's
    assert dossier.documents.first().stored_file.owner == elder  # into the citizen's data store


def test_the_audit_row_names_the_helper_and_the_citizen_and_stays_chained(people, version):
    elder, helper = people
    dossier = filed_by_helper(elder, helper, version)
    event = DossierEvent.objects.get(dossier=dossier, action="submit")
    assert (event.actor, event.actor_name) == (helper, "Trần Văn Con")
    assert (event.on_behalf_of, event.on_behalf_of_name) == (elder, "Trần Thị Bà")
    assert audit.first_broken_link(dossier.events.order_by("pk")) is None
    assert audit.link(event, "") != audit.link(
        DossierEvent(**{**{f: getattr(event, f) for f in audit.CHAINED_FIELDS}, "on_behalf_of_name": ""}), ""
    )  # the subject is part of the link: changing it breaks the chain
    own = filed(version, elder)
    assert DossierEvent.objects.get(dossier=own, action="submit").on_behalf_of is None


def test_notices_go_to_both_subjects_each_by_their_own_choices(people, version):
    elder, helper = people
    helper.profile.notify_by_sms = False
    helper.profile.save()
    dossier = filed_by_helper(elder, helper, version)
    rows = Notification.objects.filter(dossier_id=dossier.pk, event="dossier_submitted")
    assert {row.channel for row in rows.filter(recipient=elder)} == {"portal", "email", "sms"}
    assert {row.channel for row in rows.filter(recipient=helper)} == {"portal", "email"}


def test_no_notice_to_the_helper_after_revocation(people, version):
    elder, helper = people
    dossier = filed_by_helper(elder, helper, version)
    uq.revoke(by=elder, authorisation=dossier.authorisation)
    services.receive(dossier=dossier, clerk=_clerk_of(dossier))
    rows = Notification.objects.filter(dossier_id=dossier.pk, event="dossier_received")
    assert set(rows.values_list("recipient", flat=True)) == {elder.pk}


def _clerk_of(dossier):
    from tests.factories import staff_member

    return staff_member(dossier.receiving_agency)


def test_my_dossiers_shows_the_citizen_what_was_filed_in_their_name_and_by_whom(client, people, version):
    elder, helper = people
    dossier = filed_by_helper(elder, helper, version)
    sign_in(client, elder)
    page = client.get(reverse("dossiers:mine")).content.decode()
    assert dossier.code in page and "Filed by (authorised)" in page and "Trần Văn Con" in page
    sign_in(client, helper)
    page = client.get(reverse("dossiers:mine")).content.decode()
    assert dossier.code in page and "In the name of" in page and "Trần Thị Bà" in page


# --- the pages ----------------------------------------------------------------------------------------------
def test_the_citizen_grants_and_revokes_on_the_authorisations_page(client, people):
    elder, helper = people
    sign_in(client, elder)
    page = client.get(reverse("dossiers:authorisations"))
    assert consent.current_text() in page.content.decode()
    response = client.post(
        reverse("dossiers:authorisations"),
        {
            "helper": helper.profile.personal_id,
            "relation": "digital_team",
            "scope": "all",
            "expires_on": in_days(10).isoformat(),
            "consent_version": consent.CURRENT_VERSION,
            "agree": "on",
        },
    )
    assert response.status_code == 302
    authorisation = Authorisation.objects.get()
    assert authorisation.consent_sign_in == uq.sign_in_fingerprint(client.session.session_key)
    client.post(reverse("dossiers:authorisation_act", args=[authorisation.pk, "revoke"]))
    assert Authorisation.objects.get().status == Authorisation.Status.REVOKED


def test_bad_input_on_the_grant_form_is_explained_and_kept(client, people):
    elder, _helper = people
    sign_in(client, elder)
    response = client.post(
        reverse("dossiers:authorisations"),
        {
            "helper": "khong-co@example.vn",
            "relation": "relative",
            "scope": "procedure",
            "national_code": "9.999999",
            "expires_on": "not a date",
            "consent_version": consent.CURRENT_VERSION,
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "No published procedure has this code." in page and "khong-co@example.vn" in page
    assert not Authorisation.objects.exists()


def test_the_helper_asks_and_files_for_the_citizen_from_their_page(client, people, version):
    elder, helper = people
    sign_in(client, helper)
    client.post(
        reverse("dossiers:acting_for"),
        {
            "citizen": elder.email,
            "relation": "relative",
            "scope": "all",
            "expires_on": in_days(10).isoformat(),
        },
    )
    authorisation = Authorisation.objects.get(status="pending")
    response = client.post(
        reverse("dossiers:start_on_behalf", args=[authorisation.pk]),
        {"national_code": version.procedure.national_code},
    )
    assert response.status_code == 302 and not Dossier.objects.exists()  # not approved yet
    uq.approve(
        citizen=elder,
        authorisation=authorisation,
        consent_version=consent.CURRENT_VERSION,
        session_key=SESSION,
    )
    response = client.post(
        reverse("dossiers:start_on_behalf", args=[authorisation.pk]),
        {"national_code": version.procedure.national_code},
    )
    dossier = Dossier.objects.get()
    assert response.url == reverse("dossiers:wizard", args=[dossier.pk, "applicant"])
    assert (dossier.applicant, dossier.filed_by) == (elder, helper)


def test_a_helper_files_a_procedure_that_needs_level_2_only_when_signed_in_at_level_2(people):
    from procedures.models import AssuranceLevel
    from tests.factories import ProcedureVersionFactory

    elder, helper = people
    authorisation = grant(elder, helper)
    strict = ProcedureVersionFactory(published=True, required_loa=AssuranceLevel.LOA2)
    with pytest.raises(services.AssuranceTooLow):
        uq.start_on_behalf(helper=helper, authorisation=authorisation, version=strict, assurance=1)
    dossier = uq.start_on_behalf(helper=helper, authorisation=authorisation, version=strict, assurance=2)
    assert dossier.applicant == elder and dossier.filed_by == helper


def test_a_citizens_own_dossiers_are_read_on_indexed_columns_without_a_correlated_subquery(people):
    """A correlated EXISTS inside the OR makes PostgreSQL scan every dossier for every "my dossiers" page."""
    elder, helper = people
    grant(elder, helper)
    for user in (elder, helper):
        sql = str(Dossier.objects.owned_by(user).query).upper()
        assert "EXISTS" not in sql and "SELECT" not in sql.split("WHERE", 1)[1]
