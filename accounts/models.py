from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from common import clock
from common.http import describe_browser
from procedures.models import AdministrativeUnit, Agency, written_address


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    CLERK = "clerk", _("One-stop-shop clerk")
    OFFICER = "officer", _("Agency officer")
    CATALOGUE_ADMIN = "catalogue_admin", _("Catalogue admin")
    FINANCE = "finance", _("Finance officer")


STAFF_ROLES = frozenset({Role.CLERK, Role.OFFICER, Role.CATALOGUE_ADMIN, Role.FINANCE})


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields: Any) -> "User":
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields: Any) -> "User":
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields: Any) -> "User":
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("role", Role.CATALOGUE_ADMIN)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in: a citizen or a member of staff. Email is the login."""

    # None removes an inherited field (Django's documented way); the stubs type the three as str fields.
    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CITIZEN)
    language = models.CharField(
        _("preferred language"), max_length=8, choices=[("vi", "Tiếng Việt"), ("en", "English")], default="vi"
    )
    failed_login_count = models.PositiveSmallIntegerField(
        _("failed sign-ins in a row"), default=0, editable=False
    )
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    # The stubs type AbstractUser.objects as auth's UserManager, whose create_user takes a username; this
    # one signs people up by email, so its methods differ on purpose.
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.full_name.split()[-1] if self.full_name else self.email

    @property
    def is_staff_role(self) -> bool:
        """Staff roles work on other people's data: they must use two-factor sign-in."""
        return self.role in STAFF_ROLES or self.is_superuser

    @property
    def is_citizen(self) -> bool:
        return self.role == Role.CITIZEN and not self.is_superuser

    def is_locked(self, now=None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or clock.now())


personal_id_validator = RegexValidator(
    r"^\d{12}$", _("The personal identification number has exactly 12 digits.")
)
phone_validator = RegexValidator(
    r"^(0|\+84)\d{9,10}$", _("Enter a Vietnamese phone number, e.g. 0912345678.")
)

DUPLICATE_PERSONAL_ID_MESSAGE = _(
    "This personal identification number is already registered to another account. "
    "If it is yours, please contact the help desk."
)


class AccountType(models.IntegerChoices):
    """Who an account speaks for, as the national identity service says (its LoaiTaiKhoan claim)."""

    CITIZEN = 1, _("Citizen")
    ENTERPRISE = 2, _("Enterprise")
    ORGANISATION = 3, _("Organisation")


tax_code_validator = RegexValidator(
    r"^\d{10}(-\d{3})?$", _("A tax code has 10 digits, or 10-3 for a branch.")
)


class CitizenProfile(models.Model):
    """What a citizen tells the portal once, so that no form asks for it again. An account signed in through
    the national identity service is keyed on the personal ID (or, for an enterprise, the tax code); those
    identity fields then come from the service and are refreshed at every sign-in (identity_verified_at)."""

    user = models.OneToOneField(
        User, verbose_name=_("account"), on_delete=models.CASCADE, related_name="profile"
    )
    account_type = models.PositiveSmallIntegerField(
        _("account type"), choices=AccountType.choices, default=AccountType.CITIZEN
    )
    tax_code = models.CharField(_("tax code"), max_length=14, blank=True, validators=[tax_code_validator])
    organisation_name = models.CharField(_("enterprise or organisation name"), max_length=255, blank=True)
    gender = models.CharField(_("gender"), max_length=10, blank=True)
    identity_verified_at = models.DateTimeField(
        _("identity confirmed by the national identity service"), null=True, blank=True, editable=False
    )
    full_name = models.CharField(_("full name"), max_length=150)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    personal_id = models.CharField(
        _("personal identification number"),
        max_length=12,
        blank=True,
        validators=[personal_id_validator],
        help_text=_("12 digits, as on the chip-based citizen ID card."),
    )
    phone = models.CharField(_("phone"), max_length=15, blank=True, validators=[phone_validator])
    province = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("province / city"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": "province", "is_legacy": False},
    )
    commune = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("commune / ward"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": "commune", "is_legacy": False},
    )
    street_address = models.CharField(_("house number, street, hamlet"), max_length=255, blank=True)
    # How the portal tells the citizen about their dossiers; the in-portal notice is always on.
    notify_by_email = models.BooleanField(
        _("notify me by email"),
        default=True,
        help_text=_("A notice in your account on the portal is always there, whatever you choose."),
    )
    notify_by_sms = models.BooleanField(
        _("notify me by SMS"),
        default=True,
        help_text=_("Sent to the phone number above, once it is verified by a code."),
    )
    # Larger text, high contrast, one question per page and a longer idle limit (accounts.simple_mode).
    simple_mode = models.BooleanField(
        _("simple mode"),
        default=False,
        help_text=_("Larger text, stronger colours and one question on each page."),
    )
    # The number the citizen proved to hold with an SMS code (accounts.services.confirm_phone). SMS notices go
    # only to a verified number: a number changed since is unverified, by whatever path it was changed.
    phone_verified = models.CharField(_("verified phone"), max_length=15, blank=True, editable=False)
    phone_verified_at = models.DateTimeField(_("phone verified"), null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("citizen profile")
        verbose_name_plural = _("citizen profiles")
        constraints = [
            models.UniqueConstraint(
                fields=["personal_id"], condition=~models.Q(personal_id=""), name="unique_personal_id"
            ),
            models.UniqueConstraint(
                fields=["tax_code"], condition=~models.Q(tax_code=""), name="unique_tax_code"
            ),
        ]

    def __str__(self):
        return self.full_name

    def clean(self):
        """A birth date cannot lie ahead; a personal ID belongs to one person only (one profile each)."""
        errors = {}
        if self.date_of_birth and self.date_of_birth > clock.localdate():
            errors["date_of_birth"] = _("The date of birth cannot be in the future.")
        if (
            self.personal_id
            and CitizenProfile.objects.filter(personal_id=self.personal_id).exclude(pk=self.pk).exists()
        ):
            errors["personal_id"] = DUPLICATE_PERSONAL_ID_MESSAGE
        if errors:
            raise ValidationError(errors)

    @property
    def from_national_identity(self) -> bool:
        """Its identity fields come from the national identity service: the citizen cannot edit them."""
        return self.identity_verified_at is not None

    @property
    def is_enterprise(self) -> bool:
        return self.account_type in (AccountType.ENTERPRISE, AccountType.ORGANISATION)

    @property
    def address(self) -> str:
        return written_address(self.street_address, self.commune, self.province)

    @property
    def phone_is_verified(self) -> bool:
        """The phone in the profile is the one last confirmed by an SMS code."""
        return bool(self.phone) and self.phone == self.phone_verified


class PhoneVerification(models.Model):
    """One code sent by SMS to prove the citizen holds a phone number. Only a keyed hash of the code is kept;
    it expires, allows a few wrong tries, and new codes are rate-limited (accounts.services)."""

    user = models.ForeignKey(
        User, verbose_name=_("account"), on_delete=models.CASCADE, related_name="phone_verifications"
    )
    phone = models.CharField(_("phone"), max_length=15)
    code_hash = models.CharField(_("code (hashed)"), max_length=64)
    created_at = models.DateTimeField(_("sent"))
    expires_at = models.DateTimeField(_("expires"))
    attempts = models.PositiveSmallIntegerField(_("wrong tries"), default=0)
    verified_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("phone verification")
        verbose_name_plural = _("phone verifications")
        indexes = [models.Index(fields=["user", "-created_at"], name="phone_verification_latest")]

    def __str__(self):
        return f"{self.user} {self.phone} {self.created_at:%Y-%m-%d %H:%M}"


class AgencyMembership(models.Model):
    """A member of staff works for an agency; clerks and officers see only their agencies' dossiers."""

    user = models.ForeignKey(
        User, verbose_name=_("staff member"), on_delete=models.CASCADE, related_name="memberships"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="memberships"
    )
    is_supervisor = models.BooleanField(
        _("supervisor"), default=False, help_text=_("May approve a supplement request during processing.")
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("agency membership")
        verbose_name_plural = _("agency memberships")
        constraints = [models.UniqueConstraint(fields=["user", "agency"], name="unique_membership")]

    def __str__(self):
        return f"{self.user} @ {self.agency}"


class SignIn(models.Model):
    """One sign-in to an account, or one refused for a wrong password or code: its owner sees the list
    (accounts:security) and can spot one they did not make. Kept SIGN_IN_HISTORY_DAYS."""

    class Method(models.TextChoices):
        PASSWORD = "password", _("Password")
        SECOND_FACTOR = "second_factor", _("Password and authenticator code")
        NATIONAL_IDENTITY = "national_identity", _("National identity account (VNeID)")
        PASSWORD_RESET = "password_reset", _("Link to reset the password")

    user = models.ForeignKey(
        User, verbose_name=_("account"), on_delete=models.CASCADE, related_name="sign_ins"
    )
    at = models.DateTimeField(_("time"))
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    succeeded = models.BooleanField(_("succeeded"))
    ip = models.CharField(_("IP address"), max_length=45, blank=True)
    user_agent = models.CharField(_("browser"), max_length=200, blank=True)
    # SHA-256 of the browser's device cookie (accounts.services.DEVICE_COOKIE): a sign-in from a browser that
    # never signed in to this account before is told to its owner.
    device = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("sign-in")
        verbose_name_plural = _("sign-ins")
        indexes = [
            models.Index(fields=["user", "-at"], name="sign_in_latest"),
            # The scrape's refused sign-ins of the last hour; the nightly deletion of old ones.
            models.Index(fields=["at"], name="sign_in_at"),
        ]

    def __str__(self):
        return f"{self.user} {self.method} {self.at:%Y-%m-%d %H:%M} {'ok' if self.succeeded else 'refused'}"

    @property
    def browser(self) -> str:
        return describe_browser(self.user_agent)
