"""The catalogue as a spreadsheet (CSV or XLSX): one row per procedure version.

Import creates drafts only, through services.add_draft. Agencies, fees and documents travel in one cell each:
    agencies   000.00.15.H29;000.00.16.H29
    fees       kind|description|amount|online discount %[|form answer|question|charged from unit]
               e.g. charge|Lệ phí cấp|50000|50; fee|Phí thẩm định|100000
               a line that follows a form answer (per copy from the 3rd on):
               fee|Phí cấp thêm Phiếu|5000|0|copies|Số Phiếu đề nghị cấp|3
    documents  name|copy kind|count|required|reusable|note|form template
               e.g. Tờ khai|original|1|required|reusable; Căn cước|copy
               the form template is the stored name of a file uploaded before in the admin, as the export
               writes it: Tờ khai|original|1|required|not_reusable||procedures/forms/to-khai.pdf
A "|", ";" or "\\" inside a text is written with a backslash before it.
A row whose national code the catalogue already has becomes that procedure's next version; the optional
change_note column says what that version changes, like the "what changed" box of the admin form.
The optional required_loa column is the sign-in a citizen needs to file online: 0 any account, 1 VNeID
level 1, 2 VNeID level 2 ("LoA2" is read too); left out or empty, CATALOGUE_DEFAULT_REQUIRED_LOA.
"""

import re
from decimal import Decimal, InvalidOperation
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets

from common.exports import unescape_cell

from . import selectors, services
from .models import (
    FORM_TEMPLATE_TYPES,
    Agency,
    AssuranceLevel,
    FeePaymentStage,
    Field,
    ProcedureFee,
    ProcedureVersion,
    RequiredDocument,
    default_required_loa,
    national_code_validator,
)

COLUMNS = [
    "national_code",
    "name",
    "field",
    "agencies",
    "levels",
    "service_level",
    "partial_reason",
    "partial_reason_note",
    "processing_days",
    "processing_time_note",
    "fee_payment_stage",
    "required_loa",
    "applicant_requirements",
    "legal_basis",
    "result_name",
    "result_type",
    "return_at_desk",
    "return_by_post",
    "return_electronic",
    "fees",
    "documents",
    "change_note",
]
EXPORT_ONLY_COLUMNS = ["version", "status"]  # informative; ignored by the import
OPTIONAL_COLUMNS = [
    "partial_reason",
    "partial_reason_note",
    "processing_time_note",
    "fee_payment_stage",
    "required_loa",
    "applicant_requirements",
    "fees",
    "change_note",
]
REQUIRED_COLUMNS = [column for column in COLUMNS if column not in OPTIONAL_COLUMNS]

REQUIRED, OPTIONAL = "required", "optional"
REUSABLE, NOT_REUSABLE = "reusable", "not_reusable"
_GROUPED_NUMBER = re.compile(r"^\d{1,3}([., ]\d{3})+$")


# --- cell encoding --------------------------------------------------------------------------------------
def escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace(";", "\\;")


def split_cell(cell: str) -> list[list[str]]:
    """'a|b; c|d' → [['a', 'b'], ['c', 'd']], honouring backslash escapes; blank items are dropped."""
    items, parts, current, chars = [], [], [], iter(cell)
    for char in chars:
        if char == "\\":
            current.append(next(chars, "\\"))
        elif char == "|":
            parts.append("".join(current).strip())
            current = []
        elif char == ";":
            parts.append("".join(current).strip())
            items.append(parts)
            parts, current = [], []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    items.append(parts)
    return [item for item in items if any(item)]


def as_text(value) -> str:
    """A cell as text; the apostrophe the admin's CSV export puts before "=", "-"… is taken off."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(unescape_cell(value)).strip()


def parse_whole_number(value, what: str) -> int:
    """A whole number of 0 or more; spreadsheets may give 5, 5.0, '5', '50.000' or '50,000'."""
    text = as_text(value)
    if _GROUPED_NUMBER.match(text):
        text = re.sub(r"[., ]", "", text)
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or number != number.to_integral_value() or number < 0:
        raise ValueError(
            _("%(what)s must be a whole number, 0 or more (got “%(value)s”).")
            % {
                "what": what,
                "value": text,
            }
        )
    return int(number)


def stored_form_template(name: str) -> bool:
    """A form template named by an import must be a file already uploaded to the catalogue's form folder
    (as an export names it), of an allowed type: an import never points a document at any other file."""
    field = RequiredDocument._meta.get_field("form_template")
    upload_to = str(field.upload_to)
    path = PurePosixPath(name)
    if (
        path.is_absolute()
        or ".." in path.parts
        or not name.startswith(upload_to)
        or path.suffix.lstrip(".").lower() not in FORM_TEMPLATE_TYPES
    ):
        return False
    return field.storage.exists(name)


# --- widgets ----------------------------------------------------------------------------------------------
class TextWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return as_text(value)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class WholeNumberWidget(widgets.Widget):
    def __init__(self, what: str):
        super().__init__()
        self.what = what

    def clean(self, value, row=None, **kwargs):
        if as_text(value) == "":
            raise ValueError(_("%(what)s is missing.") % {"what": self.what})
        return parse_whole_number(value, self.what)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value


class YesNoWidget(widgets.Widget):
    """1/0, true/false, yes/no, có/không; a blank or anything else is an error rather than a silent 'no'."""

    YES = {"1", "true", "yes", "y", "x", "có", "co"}
    NO = {"0", "false", "no", "n", "không", "khong"}

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = as_text(value).lower()
        if text in self.YES:
            return True
        if text in self.NO:
            return False
        raise ValueError(_("Write 1 for yes or 0 for no (got “%(value)s”).") % {"value": as_text(value)})

    def render(self, value, obj=None, **kwargs):
        return 1 if value else 0


class LevelsWidget(widgets.Widget):
    """'province, commune' → 'province,commune'; the model checks the names."""

    def clean(self, value, row=None, **kwargs):
        return ",".join(part.strip().lower() for part in re.split(r"[,;]", as_text(value)) if part.strip())

    def render(self, value, obj=None, **kwargs):
        return value or ""


class AssuranceWidget(widgets.Widget):
    """0, 1 or 2 (also "LoA1", "LoA2"); an empty cell is None, which the column turns into the default."""

    def clean(self, value, row=None, **kwargs):
        text = as_text(value).lower().removeprefix("loa")
        if text == "":
            return None
        if text not in {str(level) for level in AssuranceLevel.values}:
            raise ValueError(
                _("Write 0 (any account), 1 (VNeID level 1) or 2 (VNeID level 2) (got “%(value)s”).")
                % {"value": as_text(value)}
            )
        return int(text)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value


class FieldCodeWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        code = as_text(value)
        if not code:
            raise ValueError(_("The field code is missing."))
        field = Field.objects.filter(code=code).first()
        if field is None:
            raise ValueError(_("No field has the code “%(code)s”.") % {"code": code})
        return field

    def render(self, value, obj=None, **kwargs):
        return value.code if value else ""


class CatalogueDiff(resources.Diff):
    """The import preview shows each saved draft as it would be exported (codes, fees, documents)."""

    def __init__(self, resource, instance, new):
        super().__init__(resource, instance, new)
        self.left = self._values(resource, instance)

    def compare_with(self, resource, instance):
        self.right = self._values(resource, instance)

    @staticmethod
    def _values(resource, instance):
        columns = resource.get_import_fields()
        if instance is None or instance.pk is None:
            return ["" for _column in columns]
        return [resource.export_field(column, instance) for column in columns]


# --- resource ---------------------------------------------------------------------------------------------
def _column(name: str, widget=None, **options) -> fields.Field:
    """A column that is the version's attribute of the same name (text unless another widget is given)."""
    return fields.Field(attribute=name, column_name=name, widget=widget or TextWidget(), **options)


class ProcedureVersionResource(resources.ModelResource):
    """One row = one procedure version. Every imported row becomes a draft that still needs review."""

    national_code = fields.Field(column_name="national_code", widget=TextWidget())
    name = _column("name")
    field = _column("field", FieldCodeWidget())
    agencies = fields.Field(column_name="agencies", widget=TextWidget())
    levels = _column("levels", LevelsWidget())
    service_level = _column("service_level")
    partial_reason = _column("partial_reason")
    partial_reason_note = _column("partial_reason_note")
    processing_days = _column("processing_days", WholeNumberWidget(_("The processing time in working days")))
    processing_time_note = _column("processing_time_note")
    fee_payment_stage = _column("fee_payment_stage", default=FeePaymentStage.AT_FILING)
    required_loa = _column("required_loa", AssuranceWidget(), default=default_required_loa)
    applicant_requirements = _column("applicant_requirements")
    legal_basis = _column("legal_basis")
    result_name = _column("result_name")
    result_type = _column("result_type")
    return_at_desk = _column("return_at_desk", YesNoWidget())
    return_by_post = _column("return_by_post", YesNoWidget())
    return_electronic = _column("return_electronic", YesNoWidget())
    fees = fields.Field(column_name="fees", widget=TextWidget())
    documents = fields.Field(column_name="documents", widget=TextWidget())
    change_note = fields.Field(attribute="change_note", column_name="change_note", widget=TextWidget())
    version = fields.Field(attribute="version_number", column_name="version", readonly=True)
    status = fields.Field(attribute="status", column_name="status", readonly=True)

    class Meta:
        model = ProcedureVersion
        name = _("Catalogue (one row per procedure version)")
        fields = COLUMNS + EXPORT_ONLY_COLUMNS
        import_order = COLUMNS
        export_order = COLUMNS + EXPORT_ONLY_COLUMNS
        force_init_instance = True  # every row is a new draft; nothing is ever updated in place
        use_transactions = True
        clean_model_instances = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.user = None
        self.codes_seen: dict[str, int] = {}

    def get_diff_class(self):
        return CatalogueDiff

    def get_import_fields(self):
        return [field for field in super().get_import_fields() if not field.readonly]

    # --- export ---------------------------------------------------------------------------------------
    def get_queryset(self):
        return self.prepare_export(ProcedureVersion.objects.all())

    @staticmethod
    def prepare_export(queryset):
        return queryset.select_related("procedure", "field").prefetch_related("agencies", "fees", "documents")

    def filter_export(self, queryset, **kwargs):
        return self.prepare_export(queryset)

    def dehydrate_national_code(self, version):
        return version.procedure.national_code

    def dehydrate_agencies(self, version):
        return ";".join(sorted(agency.code for agency in version.agencies.all()))

    def dehydrate_fees(self, version):
        cells = []
        for fee in version.fees.all():
            parts = [fee.kind, escape(fee.description), str(fee.amount), str(fee.online_discount_percent)]
            if fee.quantity_field:
                parts += [fee.quantity_field, escape(fee.quantity_label), str(fee.charged_from)]
            cells.append("|".join(parts))
        return "; ".join(cells)

    def dehydrate_documents(self, version):
        cells = []
        for document in version.documents.all():
            parts = [
                escape(document.name),
                document.copy_kind,
                str(document.count),
                REQUIRED if document.is_required else OPTIONAL,
                REUSABLE if document.reusable else NOT_REUSABLE,
            ]
            if document.note or document.form_template:
                parts.append(escape(document.note))
            if document.form_template:
                parts.append(escape(document.form_template.name))
            cells.append("|".join(parts))
        return "; ".join(cells)

    # --- import ---------------------------------------------------------------------------------------
    def before_import(self, dataset, **kwargs):
        self.user = kwargs.get("user")
        self.codes_seen = {}
        dataset.headers = [as_text(header).lower() for header in dataset.headers or []]
        missing = [column for column in REQUIRED_COLUMNS if column not in dataset.headers]
        if missing:
            raise ValueError(
                _("The file has no column named %(columns)s. The first row must hold the column names.")
                % {"columns": ", ".join(missing)}
            )

    def import_instance(self, instance, row, **kwargs):
        """Read the row into an unsaved draft; every problem of the row is reported together."""
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for column, read in [
            ("national_code", self._read_national_code),
            ("agencies", self._read_agencies),
            ("fees", self._read_fees),
            ("documents", self._read_documents),
        ]:
            try:
                read(instance, row.get(column), kwargs.get("row_number"))
            except ValidationError as error:
                errors[column] = error.messages
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # The procedure is found or created only when the row is saved (services.add_draft); the status
        # is a protected FSMField that full_clean must not re-assign.
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(exclude=[*errors, "procedure", "status"], validate_unique=False)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def do_instance_save(self, instance, is_create):
        services.add_draft(
            version=instance,
            national_code=instance.import_national_code,
            by=self.user,
            agencies=instance.import_agencies,
            fees=instance.import_fees,
            documents=instance.import_documents,
        )

    def save_m2m(self, instance, row, **kwargs):
        pass  # agencies are written by services.add_draft, in the same transaction as the version

    def _read_national_code(self, instance, value, row_number):
        code = as_text(value) if not isinstance(value, float) else f"{value:.6f}"
        if not code:
            raise ValidationError(_("The national code is missing."))
        national_code_validator(code)
        if code in self.codes_seen:
            raise ValidationError(
                _("Row %(row)s of this file already has this national code: one row per procedure.")
                % {"row": self.codes_seen[code]}
            )
        self.codes_seen[code] = row_number
        open_version = selectors.open_version_of(code)
        if open_version is not None:
            raise ValidationError(
                _(
                    "Procedure %(code)s already has version %(number)s in draft or in review: "
                    "finish or delete it before importing a new version."
                )
                % {"code": code, "number": open_version.version_number}
            )
        instance.import_national_code = code

    def _read_agencies(self, instance, value, row_number):
        codes = [code.strip() for code in as_text(value).split(";") if code.strip()]
        if not codes:
            raise ValidationError(_("Name at least one agency code, e.g. 000.00.15.H29."))
        agencies = {agency.code: agency for agency in Agency.objects.filter(code__in=codes)}
        unknown = [code for code in codes if code not in agencies]
        if unknown:
            raise ValidationError(
                _("No agency has the code %(codes)s.") % {"codes": ", ".join(f"“{c}”" for c in unknown)}
            )
        instance.import_agencies = [agencies[code] for code in dict.fromkeys(codes)]

    def _read_fees(self, instance, value, row_number):
        fees, problems = [], []
        kinds = ", ".join(ProcedureFee.Kind.values)
        for number, parts in enumerate(split_cell(as_text(value)), 1):
            if len(parts) not in (3, 4, 7):
                problems.append(
                    _("Fee %(n)s: write kind|description|amount|discount %%, e.g. charge|Lệ phí cấp|50000|0.")
                    % {"n": number}
                )
                continue
            kind, description, amount = parts[:3]
            if kind not in ProcedureFee.Kind.values:
                problems.append(
                    _("Fee %(n)s: the kind must be one of %(kinds)s (got “%(kind)s”).")
                    % {"n": number, "kinds": kinds, "kind": kind}
                )
                continue
            try:
                fee = ProcedureFee(
                    kind=kind,
                    description=description,
                    amount=parse_whole_number(amount, _("The amount")),
                    online_discount_percent=parse_whole_number(
                        parts[3] if len(parts) == 4 and parts[3] else 0, _("The online discount")
                    ),
                    position=number - 1,
                )
                if len(parts) == 7:
                    fee.quantity_field, fee.quantity_label = parts[4], parts[5]
                    fee.charged_from = parse_whole_number(parts[6] or 1, _("The first unit charged"))
                fee.full_clean(exclude=["version"])
            except ValueError as error:
                problems.append(_("Fee %(n)s: %(error)s") % {"n": number, "error": error})
                continue
            except ValidationError as error:
                problems.extend(_("Fee %(n)s: %(error)s") % {"n": number, "error": m} for m in error.messages)
                continue
            fees.append(fee)
        if problems:
            raise ValidationError(problems)
        instance.import_fees = fees

    def _read_documents(self, instance, value, row_number):
        documents, problems = [], []
        copy_kinds = ", ".join(RequiredDocument.CopyKind.values)
        items = split_cell(as_text(value))
        if not items:
            raise ValidationError(_("List at least one document the applicant must provide."))
        for number, parts in enumerate(items, 1):
            parts += [""] * (7 - len(parts))
            if len(parts) > 7 or not parts[0] or not parts[1]:
                problems.append(
                    _(
                        "Document %(n)s: write name|copy kind|count|required|reusable|note|form template, "
                        "e.g. Tờ khai|original|1|required|reusable."
                    )
                    % {"n": number}
                )
                continue
            name, copy_kind, count, required, reusable, note, form_template = parts
            if form_template and not stored_form_template(form_template):
                problems.append(
                    _(
                        "Document %(n)s: no form template is stored as “%(name)s”. Upload the form in the "
                        "admin first, or leave this part empty."
                    )
                    % {"n": number, "name": form_template}
                )
                continue
            if copy_kind not in RequiredDocument.CopyKind.values:
                problems.append(
                    _("Document %(n)s: the copy kind must be one of %(kinds)s (got “%(kind)s”).")
                    % {"n": number, "kinds": copy_kinds, "kind": copy_kind}
                )
                continue
            if required not in ("", REQUIRED, OPTIONAL) or reusable not in ("", REUSABLE, NOT_REUSABLE):
                problems.append(
                    _("Document %(n)s: write “required” or “optional”, then “reusable” or “not_reusable”.")
                    % {"n": number}
                )
                continue
            try:
                document = RequiredDocument(
                    name=name,
                    copy_kind=copy_kind,
                    count=parse_whole_number(count or 1, _("The number of copies")),
                    is_required=required != OPTIONAL,
                    reusable=reusable == REUSABLE,
                    note=note,
                    form_template=form_template,
                    position=number - 1,
                )
                document.full_clean(exclude=["version", "form_template"])
            except ValueError as error:
                problems.append(_("Document %(n)s: %(error)s") % {"n": number, "error": error})
                continue
            except ValidationError as error:
                problems.extend(
                    _("Document %(n)s: %(error)s") % {"n": number, "error": m} for m in error.messages
                )
                continue
            documents.append(document)
        if problems:
            raise ValidationError(problems)
        instance.import_documents = documents


def row_error_lines(result) -> list[str]:
    """Plain-words lines for every problem of an import result: 'Row 3 (field): No field has the code …'."""
    lines = [_("File: %(error)s") % {"error": error.error} for error in result.base_errors]
    for row in result.invalid_rows:
        for column, messages in row.field_specific_errors.items():
            lines.extend(
                _("Row %(row)s (%(column)s): %(message)s")
                % {"row": row.number, "column": column, "message": m}
                for m in messages
            )
        lines.extend(
            _("Row %(row)s: %(message)s") % {"row": row.number, "message": m}
            for m in row.non_field_specific_errors
        )
    for row in result.error_rows:
        lines.extend(
            _("Row %(row)s: %(message)s") % {"row": row.number, "message": error.error}
            for error in row.errors
        )
    return lines
