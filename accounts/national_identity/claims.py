"""The claims mapping: what the national identity service says about a person, read into the portal's terms.

The claim names come from settings.NATIONAL_IDENTITY["claims"] (NATIONAL_IDENTITY_CLAIM_* in the
environment), so a province whose service spells them differently changes configuration, not code.
"""

import datetime
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts.models import AccountType

PERSONAL_ID = re.compile(r"^\d{12}$")
TAX_CODE = re.compile(r"^\d{10}(-\d{3})?$")


class IdentityClaimsError(ValueError):
    """The service's answer lacks what the portal keys an account on: the sign-in is refused."""


@dataclass(frozen=True)
class Identity:
    account_type: int
    personal_id: str
    tax_code: str
    full_name: str
    organisation_name: str
    date_of_birth: datetime.date | None
    gender: str
    phone: str
    email: str
    address: str
    loa: int

    @property
    def key(self) -> str:
        """What the account is keyed on: an enterprise's or organisation's tax code, else the personal ID."""
        if self.account_type == AccountType.CITIZEN:
            return f"{AccountType.CITIZEN}:{self.personal_id}"
        return f"{self.account_type}:{self.tax_code}"


def _text(claims: dict, field: str) -> str:
    value = claims.get(settings.NATIONAL_IDENTITY["claims"][field])
    return "" if value is None else str(value).strip()


def _date(value: str) -> datetime.date | None:
    try:
        return datetime.datetime.strptime(value, settings.NATIONAL_IDENTITY["date_format"]).date()
    except ValueError:
        return None


def loa_of(claims: dict) -> int:
    """The level of assurance: the loAs (or IAL) claim, else the ID token's acr; unknown values count as 1."""
    values = settings.NATIONAL_IDENTITY["loa_values"]
    for raw in (_text(claims, "loa"), _text(claims, "ial"), str(claims.get("acr") or "")):
        # loAs may be a list ("['LoA1','LoA2']") or one value: the highest one named counts.
        found = [values[token] for token in re.findall(r"[\w-]+", raw) if token in values]
        if found:
            return max(found)
    return 1


def identity_from_claims(claims: dict) -> Identity:
    """Userinfo merged over the ID token's claims, read into an Identity; refused without its key."""
    try:
        account_type = int(_text(claims, "account_type") or AccountType.CITIZEN)
    except ValueError:
        account_type = 0
    if account_type not in AccountType.values:
        raise IdentityClaimsError(_("The national identity service sent an unknown account type."))
    personal_id = _text(claims, "personal_id")
    tax_code = _text(claims, "tax_code") or _text(claims, "enterprise_code")
    if account_type == AccountType.CITIZEN and not PERSONAL_ID.match(personal_id):
        raise IdentityClaimsError(_("The national identity service sent no valid personal ID number."))
    if account_type != AccountType.CITIZEN and not TAX_CODE.match(tax_code):
        raise IdentityClaimsError(_("The national identity service sent no valid tax code."))
    full_name = _text(claims, "full_name")
    organisation_name = _text(claims, "organisation_name")
    if not (full_name or organisation_name):
        raise IdentityClaimsError(_("The national identity service sent no name."))
    return Identity(
        account_type=account_type,
        personal_id=personal_id if PERSONAL_ID.match(personal_id) else "",
        tax_code=tax_code if account_type != AccountType.CITIZEN else "",
        full_name=(full_name or organisation_name)[:150],
        organisation_name=organisation_name[:255] if account_type != AccountType.CITIZEN else "",
        date_of_birth=_date(_text(claims, "date_of_birth")),
        gender=_text(claims, "gender")[:10],
        phone=_text(claims, "phone")[:15],
        email=_text(claims, "email"),
        address=_text(claims, "address")[:255],
        loa=loa_of(claims),
    )


def claims_of(extra_data: dict) -> dict:
    """allauth keeps {"userinfo": …, "id_token": …}; userinfo wins where both say something."""
    return {**(extra_data.get("id_token") or {}), **(extra_data.get("userinfo") or {})}
