"""The catalogue back office: agencies and fields, and procedure versions with their review workflow
(draft → in review → published → archived), each button calling one service in services.py."""

from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_fsm import TransitionNotAllowed, can_proceed
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX

from common.admin import LabelledInlineFormSet, ReadOnlyMixin
from common.exports import TextCSV, TextXLSX

from . import selectors, services
from .models import (
    AdministrativeUnit,
    Agency,
    DocumentKind,
    Field,
    GovernmentLevel,
    Procedure,
    ProcedureFee,
    ProcedureVersion,
    RequiredDocument,
    VersionStatus,
    national_code_validator,
)
from .resources import ProcedureVersionResource, row_error_lines


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "level", "parent", "is_legacy", "successor"]
    list_filter = ["level", "is_legacy"]
    search_fields = ["name", "code"]
    raw_id_fields = ["parent", "successor"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "parent", "is_legacy", "successor"]
    list_filter = ["kind", "is_legacy"]
    search_fields = ["name", "code"]
    raw_id_fields = ["parent", "administrative_unit", "successor"]


@admin.register(DocumentKind)
class DocumentKindAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name", "other_names"]


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "position"]
    search_fields = ["name", "code"]


CONTENT_FIELDSETS = [
    (_("Who decides"), {"fields": ["agencies", "levels"]}),
    (
        _("Online service and fees"),
        {
            "fields": [
                "service_level",
                "partial_reason",
                "partial_reason_note",
                "required_loa",
                "fee_payment_stage",
            ]
        },
    ),
    (
        _("Processing"),
        {"fields": ["processing_days", "processing_time_note", "applicant_requirements", "legal_basis"]},
    ),
    (
        _("Result"),
        {"fields": ["result_name", "result_type", "return_at_desk", "return_by_post", "return_electronic"]},
    ),
]


# --- forms -------------------------------------------------------------------------------------------------
class ProcedureVersionForm(forms.ModelForm):
    """`levels` is stored comma-separated ("province,commune") and edited as checkboxes."""

    levels = forms.MultipleChoiceField(
        label=capfirst(ProcedureVersion._meta.get_field("levels").verbose_name),
        choices=GovernmentLevel.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,  # the model's clean() says what is missing, once
    )

    class Meta:
        model = ProcedureVersion
        fields = [
            "name",
            "field",
            "change_note",
            *(name for _title, options in CONTENT_FIELDSETS for name in options["fields"]),
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["levels"] = self.instance.level_list

    def clean_levels(self):
        return ",".join(self.cleaned_data["levels"])


class ProcedureVersionAddForm(ProcedureVersionForm):
    national_code = forms.CharField(
        label=capfirst(Procedure._meta.get_field("national_code").verbose_name),
        max_length=10,
        validators=[national_code_validator],
        help_text=_(
            "The code of an existing procedure adds a new version to it; a new code creates the procedure. "
            "To change a published entry, open it and use “Create new version” instead: it copies the entry."
        ),
    )

    def clean_national_code(self):
        code = self.cleaned_data["national_code"]
        open_version = selectors.open_version_of(code)
        if open_version is not None:
            raise ValidationError(
                _(
                    "Procedure %(code)s already has version %(number)s in draft or in review: "
                    "finish that version before starting another."
                ),
                params={"code": code, "number": open_version.version_number},
            )
        return code


class SendBackForm(forms.Form):
    note = forms.CharField(
        label=_("What must change"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text=_("The editor sees this note on the draft."),
    )


# --- inlines -----------------------------------------------------------------------------------------------
class DraftOnlyInline(admin.TabularInline):
    """Fees and documents are part of the version: editable with it, and only while it is a draft."""

    class Media:
        # The table scrolls sideways inside its group: the script lets the keyboard reach it (WCAG 2.1.1).
        js = ["js/admin_keyboard_scroll.js"]

    extra = 0
    formset = LabelledInlineFormSet

    def _editable(self, request, obj) -> bool:
        return services.can_edit_catalogue(request.user) and (obj is None or obj.is_editable)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("procedures.view_procedureversion") or self._editable(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(request, obj)


class ProcedureFeeForm(forms.ModelForm):
    """A fee row; "charged from unit" matters only for a line counted by a form answer: left empty, 1."""

    class Meta:
        model = ProcedureFee
        fields = [
            "position",
            "kind",
            "description",
            "amount",
            "online_discount_percent",
            "quantity_field",
            "quantity_label",
            "charged_from",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "charged_from" in self.fields:
            self.fields["charged_from"].required = False

    def clean_charged_from(self):
        return self.cleaned_data.get("charged_from") or 1


class ProcedureFeeInline(DraftOnlyInline):
    model = ProcedureFee
    form = ProcedureFeeForm
    fields = ProcedureFeeForm.Meta.fields


class RequiredDocumentInline(DraftOnlyInline):
    model = RequiredDocument
    fields = [
        "position",
        "name",
        "kind",
        "copy_kind",
        "count",
        "is_required",
        "reusable",
        "form_template",
        "note",
    ]


# --- workflow ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class WorkflowButton:
    name: str
    label: str
    url: str
    asks_for_note: bool = False


WORKFLOW_URLS = {
    "submit": "submit/",
    "send_back": "send-back/",
    "publish": "publish/",
    "archive": "archive/",
    "new_version": "new-version/",
}

ALWAYS_READONLY = [
    "procedure",
    "version_number",
    "status",
    "review_note",
    "created_by",
    "created_at",
    "submitted_by",
    "submitted_at",
    "reviewed_by",
    "published_at",
    "archived_at",
    "updated_at",
]


def _workflow_view(service, success_message):
    """An admin view (POST only) running one catalogue workflow service on the version, as the user."""

    @method_decorator(require_POST)
    def view(self, request, object_id):
        return self._run(
            request,
            object_id,
            lambda version: service(version=version, by=request.user),
            str(success_message),
        )

    return view


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(ImportExportModelAdmin):
    form = ProcedureVersionForm
    list_display = [
        "name",
        "national_code",
        "version_number",
        "status",
        "service_level",
        "field",
        "updated_at",
    ]
    list_display_links = ["name"]
    list_filter = ["status", "service_level", "required_loa", "field", "result_type"]
    list_select_related = ["procedure", "field"]
    search_fields = ["name", "procedure__national_code"]
    inlines = [ProcedureFeeInline, RequiredDocumentInline]
    filter_horizontal = ["agencies"]
    resource_classes = [ProcedureVersionResource]
    import_formats = [CSV, XLSX]
    export_formats = [TextCSV, TextXLSX]  # formula-like text (a name starting with "=") stays text
    to_encoding = "utf-8-sig"  # Excel opens a UTF-8 CSV with Vietnamese text correctly only with the BOM

    @admin.display(description=_("national code"), ordering="procedure__national_code")
    def national_code(self, version):
        return version.procedure.national_code

    def get_export_queryset(self, request):
        """The export takes the change list's filters from the address; a filter the list does not know
        (`?foo=1`, `?id=x`) is a 400 here, as the list itself refuses it, instead of a 500."""
        try:
            return super().get_export_queryset(request)
        except IncorrectLookupParameters as error:
            raise BadRequest(str(error)) from error

    # --- editing: a draft only ------------------------------------------------------------------------
    @admin.display(description=_("levels of government"))
    def levels_display(self, version):
        return ", ".join(str(label) for label in version.get_levels_display())

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["national_code", "name", "field", "change_note"]}), *CONTENT_FIELDSETS]
        content = CONTENT_FIELDSETS
        if not obj.is_editable:
            content = [
                (title, {"fields": ["levels_display" if f == "levels" else f for f in options["fields"]]})
                for title, options in CONTENT_FIELDSETS
            ]
        return [
            (None, {"fields": ["procedure", "version_number", "status", "name", "field"]}),
            *content,
            (
                _("Review"),
                {
                    "fields": [
                        "change_note",
                        "review_note",
                        ("created_by", "created_at"),
                        ("submitted_by", "submitted_at"),
                        ("reviewed_by", "published_at"),
                        "archived_at",
                    ]
                },
            ),
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not obj.is_editable:
            return flatten_fieldsets(self.get_fieldsets(request, obj))
        return ALWAYS_READONLY

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ProcedureVersionAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or obj.is_editable)

    def has_delete_permission(self, request, obj=None):
        # Only a draft may be deleted: dossiers point at published and archived versions.
        return super().has_delete_permission(request, obj) and (obj is None or obj.is_editable)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # would not check each version's status
        return actions

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:
            services.add_draft(version=obj, national_code=form.cleaned_data["national_code"], by=request.user)

    # --- change page: workflow buttons and version history ------------------------------------------------
    def workflow_buttons(self, request, version) -> list[WorkflowButton]:
        """The transitions this user may make now; the services check the same rules again."""
        user = request.user
        may_edit, may_publish = services.can_edit_catalogue(user), services.can_publish_catalogue(user)
        wanted = [
            ("submit", _("Submit for review"), may_edit and can_proceed(version.submit_for_review)),
            ("send_back", _("Send back to draft"), may_publish and can_proceed(version.send_back)),
            (
                "publish",
                _("Publish"),
                may_publish
                and can_proceed(version.publish)
                and not services.four_eyes_forbid_publishing(user, version),
            ),
            ("archive", _("Archive"), may_publish and can_proceed(version.archive)),
            (
                "new_version",
                _("Create new version"),
                may_edit
                and version.status in (VersionStatus.PUBLISHED, VersionStatus.ARCHIVED)
                and selectors.open_version_of(version.procedure.national_code) is None,
            ),
        ]
        return [
            WorkflowButton(name, label, self._workflow_url(name, version), asks_for_note=name == "send_back")
            for name, label, allowed in wanted
            if allowed
        ]

    def _workflow_url(self, name, version):
        info = self.opts.app_label, self.opts.model_name
        return reverse(
            f"admin:{info[0]}_{info[1]}_{name}", args=[version.pk], current_app=self.admin_site.name
        )

    def _change_url(self, version):
        info = self.opts.app_label, self.opts.model_name
        return reverse(
            f"admin:{info[0]}_{info[1]}_change", args=[version.pk], current_app=self.admin_site.name
        )

    def version_history(self, version) -> list[dict]:
        history = []
        for other in version.procedure.versions.order_by("-version_number"):
            public_url = None
            if other.status in (VersionStatus.PUBLISHED, VersionStatus.ARCHIVED):
                public_url = reverse(
                    "procedures:version", args=[version.procedure.national_code, other.version_number]
                )
            history.append(
                {
                    "version": other,
                    "is_current_page": other.pk == version.pk,
                    "admin_url": self._change_url(other),
                    "public_url": public_url,
                }
            )
        return history

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            open_version = selectors.open_version_of(obj.procedure.national_code)
            context.update(
                {
                    "workflow_buttons": self.workflow_buttons(request, obj),
                    "four_eyes_note": (
                        services.four_eyes_message()
                        if services.can_publish_catalogue(request.user)
                        and can_proceed(obj.publish)
                        and services.four_eyes_forbid_publishing(request.user, obj)
                        else ""
                    ),
                    "version_history": self.version_history(obj),
                    "open_version": open_version if open_version and open_version.pk != obj.pk else None,
                    "open_version_url": self._change_url(open_version) if open_version else None,
                }
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        views = {
            "submit": self.submit_view,
            "send_back": self.send_back_view,
            "publish": self.publish_view,
            "archive": self.archive_view,
            "new_version": self.new_version_view,
        }
        workflow_urls = [
            path(
                f"<path:object_id>/{WORKFLOW_URLS[name]}",
                self.admin_site.admin_view(view),
                name=f"{info[0]}_{info[1]}_{name}",
            )
            for name, view in views.items()
        ]
        return workflow_urls + super().get_urls()

    def _run(self, request, object_id, service, success_message):
        """Call one workflow service; its refusal becomes an error message and nothing changes."""
        version = self.get_object(request, unquote(object_id))
        if version is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_permission(request, version):
            raise PermissionDenied
        try:
            result = service(version)
        except PermissionDenied as error:
            messages.error(request, str(error) or gettext("You may not do this."))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        except TransitionNotAllowed:
            messages.error(
                request,
                gettext("This version is now “%(status)s”: the action no longer applies. Reload the page.")
                % {"status": version.get_status_display()},
            )
        else:
            messages.success(request, success_message)
            return HttpResponseRedirect(self._change_url(result))
        return HttpResponseRedirect(self._change_url(version))

    submit_view = _workflow_view(services.submit_for_review, _("The draft was submitted for review."))
    publish_view = _workflow_view(
        services.publish,
        _("The version is published: citizens see it now. A version published before it is archived."),
    )
    archive_view = _workflow_view(
        services.archive, _("The version is archived: it is no longer in the public catalogue.")
    )
    new_version_view = _workflow_view(
        services.create_new_version,
        _("A new draft was created from this version. Edit it, then submit it for review."),
    )

    def send_back_view(self, request, object_id):
        """A reviewer returns an entry to its editor with a note on what must change."""
        version = self.get_object(request, unquote(object_id))
        if version is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_permission(request, version):
            raise PermissionDenied
        form = SendBackForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            note = form.cleaned_data["note"]
            return self._run(
                request,
                object_id,
                lambda version: services.send_back_to_draft(version=version, by=request.user, note=note),
                gettext("The version was sent back to draft with your note."),
            )
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Send back to draft"),
            "opts": self.opts,
            "original": version,
            "form": form,
            "change_url": self._change_url(version),
        }
        return TemplateResponse(request, "admin/procedures/procedureversion/send_back.html", context)

    # --- import and export --------------------------------------------------------------------------------
    def has_import_permission(self, request):
        return services.can_edit_catalogue(request.user) and self.has_add_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def import_action(self, request, **kwargs):
        """The preview lists every bad row in plain words above the table (which only shows counts)."""
        response = super().import_action(request, **kwargs)
        result = (getattr(response, "context_data", None) or {}).get("result")
        if result is not None and (result.has_errors() or result.has_validation_errors()):
            messages.error(request, gettext("Nothing can be imported until these rows are corrected:"))
            for line in row_error_lines(result):
                messages.error(request, line)
        return response

    def get_import_data_kwargs(self, **kwargs):
        # One bad row and nothing is imported, even if the data changed between preview and confirm.
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs.setdefault("rollback_on_validation_errors", True)
        return kwargs

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            messages.error(request, gettext("Nothing was imported:"))
            for line in row_error_lines(result):
                messages.error(request, line)
            info = self.opts.app_label, self.opts.model_name
            return redirect(f"admin:{info[0]}_{info[1]}_import")
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        messages.success(
            request,
            ngettext(
                "%(count)s draft version was imported. Review it, then publish it.",
                "%(count)s draft versions were imported. Review them, then publish them.",
                result.totals["new"],
            )
            % {"count": result.totals["new"]},
        )


# --- procedures --------------------------------------------------------------------------------------------
class ProcedureVersionInline(ReadOnlyMixin, admin.TabularInline):
    model = ProcedureVersion
    fields = ["version_number", "name", "status", "created_at", "published_at", "archived_at"]
    readonly_fields = fields
    ordering = ["-version_number"]
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    """A procedure is a national code and its retention period; its content is in its versions, listed here
    read-only. Only the retention period is edited here."""

    list_display = ["national_code", "latest_name", "version_count", "retention_years", "created_at"]
    search_fields = ["national_code", "versions__name"]
    fields = ["national_code", "retention_years", "created_at"]
    readonly_fields = ["national_code", "created_at"]
    inlines = [ProcedureVersionInline]

    def get_queryset(self, request):
        latest = ProcedureVersion.objects.filter(procedure=OuterRef("pk")).order_by("-version_number")
        return (
            super()
            .get_queryset(request)
            .annotate(latest_name=Subquery(latest.values("name")[:1]), version_count=Count("versions"))
        )

    @admin.display(description=_("name"))
    def latest_name(self, procedure):
        return procedure.latest_name

    @admin.display(description=_("versions"), ordering="version_count")
    def version_count(self, procedure):
        return procedure.version_count

    def has_add_permission(self, request):
        return False  # a procedure is created with its first version (procedure versions → add)

    def has_delete_permission(self, request, obj=None):
        return False
