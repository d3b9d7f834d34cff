"""Use cases of the national identity sign-in: an account made from the claims, the identity fields
refreshed at every sign-in, and a local account linked only by a person who proved both."""

import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import AccountType, CitizenProfile, Role, User
from common import clock

from .claims import Identity

PLACEHOLDER_EMAIL_DOMAIN = "dinhdanh.invalid"


def placeholder_email(identity: Identity) -> str:
    """The account's login email, which no one can receive mail at: the account is keyed on the ID number
    (or tax code) through its social account, and is reached only through the national identity service."""
    digest = hashlib.sha256(identity.key.encode()).hexdigest()[:24]
    return f"vneid-{digest}@{PLACEHOLDER_EMAIL_DOMAIN}"


def profile_for(identity: Identity) -> CitizenProfile | None:
    """The profile already holding this identity's key (personal ID, or tax code for an enterprise)."""
    if identity.account_type == AccountType.CITIZEN:
        found = CitizenProfile.objects.filter(personal_id=identity.personal_id)
    else:
        found = CitizenProfile.objects.filter(tax_code=identity.tax_code)
    return found.select_related("user").first()


def _apply(profile: CitizenProfile, identity: Identity, *, new: bool) -> None:
    profile.account_type = identity.account_type
    profile.full_name = identity.full_name
    profile.personal_id = identity.personal_id
    profile.tax_code = identity.tax_code
    profile.organisation_name = identity.organisation_name
    profile.gender = identity.gender
    if identity.date_of_birth:
        profile.date_of_birth = identity.date_of_birth
    # Contact details are the citizen's to change: taken from the service only where the profile has none.
    if new or not profile.phone:
        profile.phone = identity.phone if len(identity.phone) >= 10 else profile.phone
    if new or not profile.street_address:
        profile.street_address = identity.address or profile.street_address
    profile.identity_verified_at = clock.now()


def refuse_staff(user: User) -> None:
    if user.is_staff_role or user.is_staff:
        raise ValidationError(
            _("Staff accounts sign in with their email, password and authenticator code, not through VNeID.")
        )


@transaction.atomic
def create_account(*, identity: Identity, save_login) -> User:
    """First sign-in: a citizen (or enterprise) account made from the claims. `save_login(user)` saves the
    social account that keys it (allauth's). Refused when another account already holds the key: that
    person links it from their profile page while signed in (link_identity)."""
    if profile_for(identity) is not None:
        raise ValidationError(
            _(
                "An account with this ID number already exists on the portal. Please sign in with its email "
                "and password, then link VNeID on the “Personal details” page."
            )
        )
    user = User(email=placeholder_email(identity), full_name=identity.full_name, role=Role.CITIZEN)
    user.set_unusable_password()
    save_login(user)
    profile = CitizenProfile(user=user, notify_by_email=False)
    _apply(profile, identity, new=True)
    profile.save()
    return user


@transaction.atomic
def refresh_identity(*, user: User, identity: Identity) -> CitizenProfile:
    """Every sign-in through the service rewrites the identity fields from its claims (they are read-only
    on the profile page)."""
    refuse_staff(user)
    profile = CitizenProfile.objects.select_for_update().filter(user=user).first()
    new = profile is None
    if new:
        profile = CitizenProfile(user=user)
    other = profile_for(identity)
    if other is not None and other.user_id != user.pk:
        raise ValidationError(_("This ID number belongs to another account on the portal."))
    _apply(profile, identity, new=new)
    profile.save()
    if user.full_name != profile.full_name:
        user.full_name = profile.full_name
        user.save(update_fields=["full_name"])
    return profile


@transaction.atomic
def link_identity(*, user: User, identity: Identity) -> CitizenProfile:
    """A citizen signed in to their local account proves the national identity too (allauth's connect
    process, in one flow): the profile then carries the service's identity. Only when the profile's ID number
    is empty or already the same: never another person's."""
    refuse_staff(user)
    profile = CitizenProfile.objects.filter(user=user).first()
    if profile is not None:
        own_key = profile.tax_code if identity.account_type != AccountType.CITIZEN else profile.personal_id
        their_key = (
            identity.tax_code if identity.account_type != AccountType.CITIZEN else identity.personal_id
        )
        if own_key and own_key != their_key:
            raise ValidationError(
                _(
                    "The ID number in your profile is not the one VNeID confirmed: "
                    "the accounts were not linked."
                )
            )
    return refresh_identity(user=user, identity=identity)
