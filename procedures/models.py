import re
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import (
    FileExtensionValidator,
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
)
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, FSMModelMixin, transition

from common.predicates import FieldIs

from .text import fold


class GovernmentLevel(models.TextChoices):
    PROVINCE = "province", pgettext_lazy("government level", "Province")
    DISTRICT = "district", _("District (before 1 July 2025)")
    COMMUNE = "commune", pgettext_lazy("government level", "Commune")


def written_address(
    street_address: str, commune: "AdministrativeUnit | None", province: "AdministrativeUnit | None"
) -> str:
    """An address as it is written in Vietnam: the street part, then the commune, then the province."""
    parts = [street_address, commune.name if commune else "", province.name if province else ""]
    return ", ".join(part for part in parts if part)


def followed(start, next_of):
    """Where `next_of` leads from `start` (an old unit or agency to the one that replaced it): the last one
    before it gives None, or before it comes back to one already passed (a loop an administrator made)."""
    current, seen = start, set()
    while current.pk not in seen:
        seen.add(current.pk)
        following = next_of(current)
        if following is None:
            break
        current = following
    return current


class AdministrativeUnit(models.Model):
    """A province, commune or (legacy) district; old units point at the unit that replaced them in 2025."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=120)
    level = models.CharField(_("level"), max_length=10, choices=GovernmentLevel.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    is_legacy = models.BooleanField(_("no longer exists"), default=False)
    successor = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="predecessors",
        verbose_name=_("merged into"),
    )

    class Meta:
        ordering = ["level", "name"]
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")

    def __str__(self):
        return self.name

    def current(self) -> "AdministrativeUnit":
        """The unit that exists today: follows the 2025 merges from an old code."""
        return followed(self, lambda unit: unit.successor)


agency_code_validator = RegexValidator(
    r"^[0-9A-Z]{2,3}(\.[0-9A-Z]{2,3}){3}$",
    _("Use the national agency e-identifier (QCVN 102:2016), e.g. 000.00.15.H29."),
)


class Agency(models.Model):
    """An office that receives or decides dossiers, in the province's tree of agencies."""

    class Kind(models.TextChoices):
        PROVINCE = "province", _("Provincial People's Committee")
        DEPARTMENT = "department", _("Provincial department")
        DISTRICT = "district", _("District People's Committee (before 1 July 2025)")
        COMMUNE = "commune", _("Commune People's Committee")

    code = models.CharField(_("agency code"), max_length=20, unique=True, validators=[agency_code_validator])
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    administrative_unit = models.ForeignKey(
        AdministrativeUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agencies",
        verbose_name=_("administrative unit"),
    )
    is_legacy = models.BooleanField(_("no longer exists"), default=False)
    successor = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="predecessors",
        verbose_name=_("work taken over by"),
        help_text=_("For an agency that no longer exists: the one that answers for its dossiers now."),
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.successor_id is not None and not self.is_legacy:
            raise ValidationError(
                {"successor": _("Only an agency that no longer exists has its work taken over.")}
            )
        if self.successor_id is not None and self.successor_id == self.pk:
            raise ValidationError({"successor": _("An agency cannot take over its own work.")})

    def current(self) -> "Agency":
        """The agency that answers for this one's dossiers today: itself while it exists; for one abolished
        (the districts in July 2025), the agency that took over its work, or failing one, the nearest one
        above it that still exists."""
        return followed(
            self, lambda agency: (agency.successor or agency.parent) if agency.is_legacy else None
        )

    @property
    def government_level(self) -> str:
        levels: dict[str, str] = {
            self.Kind.PROVINCE: GovernmentLevel.PROVINCE,
            self.Kind.DEPARTMENT: GovernmentLevel.PROVINCE,
            self.Kind.DISTRICT: GovernmentLevel.DISTRICT,
            self.Kind.COMMUNE: GovernmentLevel.COMMUNE,
        }
        return levels[self.kind]


class Field(models.Model):
    """A catalogue category (lĩnh vực): civil status, transport, land…"""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("field")
        verbose_name_plural = _("fields")

    def __str__(self):
        return self.name


national_code_validator = RegexValidator(r"^\d\.\d{6}$", _("Use the national code format, e.g. 1.001234."))


class Procedure(models.Model):
    """The stable identity of an administrative procedure; its content lives in versions."""

    national_code = models.CharField(
        _("national code"), max_length=10, unique=True, validators=[national_code_validator]
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Read by dossiers.services.retention (archiving closed dossiers) and the privacy notice.
    retention_years = models.PositiveSmallIntegerField(
        _("retention period (years)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_(
            "How many years this procedure's dossiers are kept in full after they close; then they are "
            "archived: the register keeps their code and outcome, personal data is removed and the files "
            "move to the archive storage. Empty: the portal's default (DOSSIER_RETENTION_YEARS_DEFAULT). "
            "Take the period from the province's archive rules (e.g. the retention tables under the Law "
            "on Archives 2024 and Circular 10/2022/TT-BNV)."
        ),
    )

    class Meta:
        ordering = ["national_code"]
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")

    def __str__(self):
        return self.national_code

    @property
    def retention_years_in_force(self) -> int:
        """This procedure's retention period, or the portal's default when the catalogue leaves it empty."""
        return self.retention_years or settings.DOSSIER_RETENTION_YEARS_DEFAULT


class ServiceLevel(models.TextChoices):
    FULL_PROCESS = "full", _("Full-process online service")
    PARTIAL = "partial", _("Partial online service")


class PartialReason(models.TextChoices):
    IN_PERSON = "in_person", _("The applicant must appear in person")
    ORIGINALS = "originals", _("Original documents must be shown")
    ON_SITE = "on_site", _("The agency must inspect on site")
    OTHER = "other", _("Other reason set by law")


class ResultType(models.TextChoices):
    LICENCE = "licence", _("Licence / permit")
    CERTIFICATE = "certificate", _("Certificate")
    DECISION = "decision", _("Decision")
    CONFIRMATION = "confirmation", _("Written confirmation")
    REGISTRATION = "registration", _("Registration / record entry")
    OTHER = "other", _("Other")


class FeePaymentStage(models.TextChoices):
    AT_FILING = "at_filing", _("When filing, before the dossier is received")
    BEFORE_RETURN = "before_return", _("Before the result is returned")


class AssuranceLevel(models.IntegerChoices):
    """The level of assurance (LoA) of a sign-in (Decree 69/2024 on electronic identification): level 1 is a
    VNeID account registered online, level 2 one whose holder's identity was verified in person."""

    NONE = 0, _("None: a portal account is enough")
    LOA1 = 1, _("VNeID level 1")
    LOA2 = 2, _("VNeID level 2 (identity verified in person)")


def default_required_loa() -> int:
    """A new entry's level of assurance until the editor sets it (CATALOGUE_DEFAULT_REQUIRED_LOA)."""
    return int(settings.CATALOGUE_DEFAULT_REQUIRED_LOA)


class VersionStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("catalogue version state", "Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class ProcedureVersionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=VersionStatus.PUBLISHED)

    def with_public_relations(self):
        return self.select_related("procedure", "field").prefetch_related("agencies")


class ProcedureVersion(FSMModelMixin, models.Model):
    """One version of a procedure's catalogue entry. Published versions are frozen: a dossier keeps the
    version it was filed under, so a change is always a new version (Decree 63/2010 on publishing)."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="versions"
    )
    version_number = models.PositiveIntegerField(_("version"), default=1)
    status = FSMField(_("status"), default=VersionStatus.DRAFT, choices=VersionStatus.choices, protected=True)

    name = models.CharField(_("name"), max_length=500)
    field = models.ForeignKey(
        Field, on_delete=models.PROTECT, related_name="versions", verbose_name=_("field")
    )
    agencies = models.ManyToManyField(
        Agency, related_name="procedure_versions", verbose_name=_("deciding agencies")
    )
    levels = models.CharField(
        _("levels of government"), max_length=40, help_text=_("Comma-separated: province, district, commune.")
    )
    service_level = models.CharField(_("online service"), max_length=10, choices=ServiceLevel.choices)
    partial_reason = models.CharField(
        _("why not full-process"), max_length=12, choices=PartialReason.choices, blank=True
    )
    partial_reason_note = models.CharField(_("details"), max_length=300, blank=True)
    processing_days = models.PositiveSmallIntegerField(
        _("processing time (working days)"), validators=[MinValueValidator(0), MaxValueValidator(365)]
    )
    processing_time_note = models.CharField(_("processing time note"), max_length=300, blank=True)
    fee_payment_stage = models.CharField(
        _("fees are paid"), max_length=15, choices=FeePaymentStage.choices, default=FeePaymentStage.AT_FILING
    )
    required_loa = models.PositiveSmallIntegerField(
        _("sign-in needed to file online"),
        choices=AssuranceLevel.choices,
        default=default_required_loa,
        help_text=_(
            "The level of assurance of the citizen's sign-in. Filing at the desk is not affected: the clerk "
            "checks the ID card in person."
        ),
    )
    applicant_requirements = models.TextField(_("conditions for the applicant"), blank=True)
    legal_basis = models.TextField(_("legal basis"))
    result_name = models.CharField(_("result"), max_length=300)
    result_type = models.CharField(_("result type"), max_length=15, choices=ResultType.choices)
    return_at_desk = models.BooleanField(_("result returned at the desk"), default=True)
    return_by_post = models.BooleanField(_("result returned by public post"), default=True)
    return_electronic = models.BooleanField(_("result returned electronically"), default=False)

    search_text = models.TextField(editable=False, default="")
    sort_name = models.CharField(editable=False, max_length=500, default="", db_index=True)
    change_note = models.CharField(_("what changed"), max_length=300, blank=True)
    review_note = models.CharField(_("review note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted for review"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    objects = ProcedureVersionQuerySet.as_manager()

    class Meta:
        ordering = ["procedure__national_code", "-version_number"]
        verbose_name = _("procedure version")
        verbose_name_plural = _("procedure versions")
        permissions = [("publish_procedureversion", "Can review and publish catalogue entries")]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "version_number"], name="unique_procedure_version"),
            models.UniqueConstraint(
                fields=["procedure"], condition=Q(status="published"), name="one_published_version"
            ),
        ]
        indexes = [models.Index(fields=["status", "field"])]

    def __str__(self):
        return f"{self.code_and_name()} (v{self.version_number})"

    def code_and_name(self) -> str:
        """How a procedure is named where it is chosen from a list or by typing: its code, then its name."""
        return f"{self.procedure.national_code} — {self.name}"

    # --- content rules --------------------------------------------------------------------------------
    @property
    def level_list(self) -> list[str]:
        return [level for level in self.levels.split(",") if level]

    def get_levels_display(self) -> list[str]:
        labels = dict(GovernmentLevel.choices)
        return [str(labels.get(level, level)) for level in self.level_list]

    @property
    def is_full_process(self) -> bool:
        return self.service_level == ServiceLevel.FULL_PROCESS

    is_editable = FieldIs("status", VersionStatus.DRAFT)
    # In force: listed in the catalogue and open for filing.
    is_published = FieldIs("status", VersionStatus.PUBLISHED)
    # No longer in force, kept for the dossiers filed under it.
    is_archived = FieldIs("status", VersionStatus.ARCHIVED)

    @property
    def return_channels(self) -> list[str]:
        channels = []
        if self.return_at_desk:
            channels.append("desk")
        if self.return_by_post:
            channels.append("post")
        if self.return_electronic:
            channels.append("electronic")
        return channels

    def clean_fields(self, exclude=None):
        # The status is a protected FSM field: only transitions change it, so validation must not assign it.
        super().clean_fields(exclude={*(exclude or ()), "status"})

    def clean(self):
        errors = {}
        unknown = set(self.level_list) - set(GovernmentLevel.values)
        if not self.level_list or unknown:
            errors["levels"] = _("Choose at least one level: province, district or commune.")
        if self.service_level == ServiceLevel.PARTIAL and not self.partial_reason:
            errors["partial_reason"] = _("A partial online service must say why it cannot be full-process.")
        if self.service_level == ServiceLevel.FULL_PROCESS:
            if self.partial_reason:
                errors["partial_reason"] = _("A full-process service has no reason to be partial.")
            if not (self.return_electronic or self.return_by_post):
                errors["return_electronic"] = _(
                    "A full-process service returns the result electronically or by public post "
                    "(Decree 42/2022, art. 11)."
                )
        if not (self.return_at_desk or self.return_by_post or self.return_electronic):
            errors["return_at_desk"] = _("Choose at least one way to return the result.")
        if errors:
            raise ValidationError(errors)

    def build_search_text(self) -> str:
        """Folded words padded with spaces, so a typed word can be matched at a word start (' lai')."""
        words = fold(" ".join([self.procedure.national_code, self.name, self.field.name, self.result_name]))
        return f" {words} "

    def save(self, *args, **kwargs):
        self.levels = ",".join(level.strip() for level in self.levels.split(",") if level.strip())
        self.search_text = self.build_search_text()
        # Folded, so both databases sort alike whatever their collation ('Cấp đổi' before 'Cấp giấy').
        self.sort_name = fold(self.name)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text", "sort_name", "levels"}
        super().save(*args, **kwargs)

    # --- workflow (draft → in review → published → archived) ----------------------------------------------
    @transition(field=status, source=VersionStatus.DRAFT, target=VersionStatus.IN_REVIEW)
    def submit_for_review(self):
        pass

    @transition(field=status, source=VersionStatus.IN_REVIEW, target=VersionStatus.DRAFT)
    def send_back(self):
        pass

    @transition(field=status, source=VersionStatus.IN_REVIEW, target=VersionStatus.PUBLISHED)
    def publish(self):
        pass

    @transition(field=status, source=VersionStatus.PUBLISHED, target=VersionStatus.ARCHIVED)
    def archive(self):
        pass


class ProcedureFee(models.Model):
    """A fee (phí) or charge (lệ phí) of a procedure, in whole đồng, with the online-filing discount."""

    class Kind(models.TextChoices):
        FEE = "fee", pgettext_lazy("fee kind", "Fee")
        CHARGE = "charge", pgettext_lazy("fee kind", "Charge")

    version = models.ForeignKey(
        ProcedureVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="fees"
    )
    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices)
    description = models.CharField(_("description"), max_length=300)
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    online_discount_percent = models.PositiveSmallIntegerField(
        _("online-filing discount (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # A line that follows a form answer, e.g. "from the 3rd copy on, per copy": the application form asks
    # `quantity_label` and the line is charged once per unit from unit `charged_from` on (none below it).
    quantity_field = models.SlugField(
        _("counted by the form answer"),
        max_length=40,
        blank=True,
        help_text=_(
            "Empty: charged once per dossier. Otherwise the name of the form answer that counts units, "
            "e.g. copies: the line is charged for each unit from the unit below on."
        ),
    )
    quantity_label = models.CharField(
        _("question asked on the form"),
        max_length=200,
        blank=True,
        help_text=_("e.g. “Số Phiếu lý lịch tư pháp đề nghị cấp”."),
    )
    charged_from = models.PositiveSmallIntegerField(
        _("charged from unit"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_(
            "e.g. 3: the 1st and 2nd copies are not charged by this line, each copy from the 3rd is."
        ),
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("fee or charge")
        verbose_name_plural = _("fees and charges")

    def __str__(self):
        return f"{self.description}: {self.amount:,} đ"

    def clean(self):
        if self.quantity_field and not self.quantity_label.strip():
            raise ValidationError({"quantity_label": _("Write the question the form asks for this answer.")})

    @property
    def online_amount(self) -> int:
        """What an online filer pays: integer đồng, discount rounded in the citizen's favour."""
        return self.amount * (100 - self.online_discount_percent) // 100

    @property
    def is_counted(self) -> bool:
        """Charged per unit of a form answer (e.g. per copy) rather than once per dossier."""
        return bool(self.quantity_field)

    def units_charged(self, answer: int) -> int:
        """How many times the line is charged when the form answer is `answer` (e.g. 4 copies from the
        3rd on: 2). A line not counted by an answer is charged once."""
        if not self.quantity_field:
            return 1
        return max(0, answer - self.charged_from + 1)


# The file types a form template may have, and the content type each is served with.
FORM_TEMPLATE_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
}
FORM_TEMPLATE_MAX_BYTES = 5 * 1024 * 1024
_UNSAFE_IN_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def validate_form_template_size(file) -> None:
    if file.size > FORM_TEMPLATE_MAX_BYTES:
        raise ValidationError(_("A form template may be at most 5 MB."))


class DocumentKind(models.Model):
    """A kind of paper the catalogue names with one code ("CCCD" Căn cước công dân, "GKS" Giấy khai sinh):
    a slot that names a kind takes, from the citizen's data store, any document of that kind."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    other_names = models.TextField(
        _("other names"),
        blank=True,
        help_text=_(
            "Other names of the same paper, one per line (used to find the kind of a slot by its name)."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("document kind")
        verbose_name_plural = _("document kinds")

    def __str__(self):
        return f"{self.code} — {self.name}"

    @property
    def names(self) -> list[str]:
        return [self.name, *(line.strip() for line in self.other_names.splitlines() if line.strip())]


class RequiredDocument(models.Model):
    """A slot in the dossier (thành phần hồ sơ) that the applicant fills with one or more files."""

    class CopyKind(models.TextChoices):
        ORIGINAL = "original", pgettext_lazy("document kind", "Original")
        CERTIFIED_COPY = "certified_copy", _("Certified copy")
        COPY = "copy", pgettext_lazy("document kind", "Copy")
        ORIGINAL_OR_COPY = "original_or_copy", _("Original or certified copy")

    version = models.ForeignKey(
        ProcedureVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="documents"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=500)
    copy_kind = models.CharField(_("original or copy"), max_length=20, choices=CopyKind.choices)
    count = models.PositiveSmallIntegerField(
        _("number of copies"), default=1, validators=[MinValueValidator(1)]
    )
    is_required = models.BooleanField(_("required"), default=True)
    reusable = models.BooleanField(
        _("can be taken from an earlier record"),
        default=False,
        help_text=_("The citizen may reuse a document from their data store instead of uploading it again."),
    )
    form_template = models.FileField(
        _("form template"),
        upload_to="procedures/forms/",
        blank=True,
        validators=[
            FileExtensionValidator(allowed_extensions=list(FORM_TEMPLATE_TYPES)),
            validate_form_template_size,
        ],
        help_text=_("The blank form the applicant fills in (PDF, DOC, DOCX or ODT, at most 5 MB)."),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    kind = models.ForeignKey(
        DocumentKind,
        verbose_name=_("document kind"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "The kind of paper this slot asks for: a document of this kind in the citizen's data store "
            "is offered for it."
        ),
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")

    def __str__(self):
        return self.name

    @property
    def form_template_extension(self) -> str:
        """'pdf', 'docx'…: the type of the form template, '' when there is none."""
        return Path(self.form_template.name).suffix.lstrip(".").lower() if self.form_template else ""

    @property
    def form_template_download_name(self) -> str:
        """What the citizen's browser saves the form as: the document's own name, not a storage path."""
        stem = _UNSAFE_IN_FILENAME.sub("-", self.name).strip(" .-")[:120] or "mau"
        return f"{stem}.{self.form_template_extension}"


class CatalogueWord(models.Model):
    """A folded word that appears in published entries: the vocabulary for typo-tolerant search."""

    word = models.CharField(max_length=60, unique=True)

    def __str__(self):
        return self.word
