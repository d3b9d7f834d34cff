"""Account deletion applies the data-kinds table: afterwards the citizen's name, email, phone and ID number
are found only in the rows of models the table keeps (administrative, accounting and audit law)."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from accounts.models import CitizenProfile, User
from dossiers.models import Authorisation, Dossier, StoredFile, StoredFileShare
from notifications.models import Notification
from privacy import services
from privacy.data_kinds import DATA_KINDS, OnDeletion
from privacy.models import Consent, CorrectionRequest
from tests.dossiers.factories_extra import sign_in

from .support import EMAIL, NAME, PERSONAL_ID, PHONE, citizen_with_everything

pytestmark = pytest.mark.django_db

TEXT_TYPES = (models.CharField, models.TextField, models.JSONField, models.FileField)
# A kept dossier carries the applicant as filed (Decree 61/2018): these fields, and the audit rows' names.
EXPECTED_KEPT = {
    "dossiers.Dossier": {"applicant_name", "applicant_id_number", "applicant_phone", "applicant_email"},
    "dossiers.DossierEvent": {"actor_name"},
    "dossiers.StoredFile": set(),
    "feedback.Feedback": {"sender_name", "sender_phone", "sender_email", "content"},
    "dossiers.Authorisation": {"consent_phone"},
}


def _found(needles) -> dict[str, set[str]]:
    """{model label: fields} where any needle appears in a text field, over every model of the table."""
    found: dict[str, set[str]] = {}
    for kind in DATA_KINDS:
        model = apps.get_model(kind.model)
        for field in model._meta.concrete_fields:
            if not isinstance(field, TEXT_TYPES):
                continue
            for row in model._default_manager.values_list(field.attname, flat=True).iterator():
                text = str(row or "")
                if any(needle.lower() in text.lower() for needle in needles):
                    found.setdefault(kind.model, set()).add(field.name)
    return found


def test_deleted_account_leaves_personal_data_only_in_kept_records(django_capture_on_commit_callbacks):
    person = citizen_with_everything()
    needles = (NAME, EMAIL, PHONE, PERSONAL_ID)
    before = _found(needles)
    assert {"accounts.User", "accounts.CitizenProfile", "notifications.Notification"} <= set(before)

    with django_capture_on_commit_callbacks(execute=True):
        services.delete_account(user=person.user, password="correct-horse-42")

    after = _found(needles)
    kept = {kind.model for kind in DATA_KINDS if kind.on_deletion == OnDeletion.KEEP}
    assert set(after) <= kept, {label: fields for label, fields in after.items() if label not in kept}
    for label, fields in after.items():
        assert fields <= EXPECTED_KEPT.get(label, set()) | set(
            next(k.personal_fields for k in DATA_KINDS if k.model == label)
        ), (label, fields)
    assert after["dossiers.Dossier"] >= {"applicant_name", "applicant_id_number"}


def test_deletion_keeps_the_dossier_and_removes_what_may_go(django_capture_on_commit_callbacks):
    person = citizen_with_everything()
    loose_name = person.loose_file.file.name
    storage = person.loose_file.file.storage
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_account(user=person.user, password="correct-horse-42")

    user = User.objects.get(pk=person.user.pk)
    assert not user.is_active and not user.has_usable_password() and user.email.endswith("@deleted.invalid")
    assert not CitizenProfile.objects.filter(user=user).exists()
    assert Dossier.objects.filter(pk=person.dossier.pk, applicant=user, applicant_name=NAME).exists()
    assert not StoredFile.objects.filter(pk=person.loose_file.pk).exists()
    assert not storage.exists(loose_name)
    assert StoredFile.objects.filter(owner=user).exists()  # the dossier's documents stay
    assert not StoredFileShare.objects.filter(stored_file__owner=user).exists()
    assert not Authorisation.objects.filter(citizen=user, status=Authorisation.Status.ACTIVE).exists()
    assert set(Notification.objects.filter(recipient=user).values_list("body", flat=True)) == {""}
    assert Consent.objects.filter(user=user, purpose=Consent.Purpose.NOTICE).exists()  # proof of consent
    assert CorrectionRequest.objects.get(user=user).status == CorrectionRequest.Status.REFUSED


def test_drafts_are_deleted_with_the_account():
    person = citizen_with_everything()
    from dossiers import services as dossier_services
    from tests.factories import PURPOSE

    draft = dossier_services.start_draft(
        version=person.dossier.procedure_version,
        applicant=person.user,
        receiving_agency=person.world.desk.agency,
        form_data=PURPOSE,
    )
    services.delete_account(user=person.user, password="correct-horse-42")
    assert not Dossier.objects.filter(pk=draft.pk).exists()


def test_deletion_needs_the_right_password_and_changes_nothing_without_it():
    person = citizen_with_everything()
    with pytest.raises(ValidationError):
        services.delete_account(user=person.user, password="wrong")
    assert User.objects.get(pk=person.user.pk).is_active
    assert CitizenProfile.objects.filter(user=person.user).exists()


def test_an_account_without_a_password_confirms_with_the_phrase():
    person = citizen_with_everything()
    person.user.set_unusable_password()
    person.user.save()
    with pytest.raises(ValidationError):
        services.delete_account(user=person.user, phrase="xoa")
    services.delete_account(user=person.user, phrase=" xoa tai khoan ")
    assert not User.objects.get(pk=person.user.pk).is_active


def test_deleting_from_the_page_signs_out_and_the_account_cannot_sign_in_again(client):
    person = citizen_with_everything()
    sign_in(client, person.user)
    wrong = client.post(reverse("privacy:delete_account"), {"password": "nope"})
    assert wrong.status_code == 400 and "_auth_user_id" in client.session
    done = client.post(reverse("privacy:delete_account"), {"password": "correct-horse-42"})
    assert done.status_code == 200 and "_auth_user_id" not in client.session
    assert not client.login(email=EMAIL, password="correct-horse-42")


def test_staff_cannot_use_the_citizen_deletion(client):
    person = citizen_with_everything()
    clerk = person.world.desk.clerk
    with pytest.raises(Exception):  # noqa: B017 (PermissionDenied)
        services.delete_account(user=clerk, password="correct-horse-42")
    sign_in(client, clerk)
    assert client.post(reverse("privacy:delete_account"), {"password": "correct-horse-42"}).status_code == 403


def test_deletion_ends_the_accounts_sessions_on_its_other_devices_and_its_sign_in_history():
    """The portal's session store is a subclass of Django's database store: its rows are deleted too (they
    were left before, the check asked for Django's own engine by name)."""
    from allauth.account.models import EmailAddress
    from allauth.usersessions.models import UserSession
    from django.contrib.sessions.models import Session
    from django.test import Client

    from accounts.models import SignIn

    person = citizen_with_everything()
    EmailAddress.objects.get_or_create(
        user=person.user, email=EMAIL, defaults={"verified": True, "primary": True}
    )
    other_device = Client()
    other_device.post(reverse("account_login"), {"login": EMAIL, "password": "correct-horse-42"})
    key = other_device.session.session_key
    assert Session.objects.filter(session_key=key).exists()
    assert SignIn.objects.filter(user=person.user).exists() and UserSession.objects.filter(user=person.user)

    services.delete_account(user=person.user, password="correct-horse-42")

    assert not Session.objects.filter(session_key=key).exists()
    assert not SignIn.objects.filter(user=person.user).exists()
    assert not UserSession.objects.filter(user=person.user).exists()
