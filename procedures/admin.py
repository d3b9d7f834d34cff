from django.contrib import admin

from .models import AdministrativeUnit, Agency, Field, Procedure, ProcedureFee, ProcedureVersion, RequiredDocument


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "level", "parent", "is_legacy", "successor"]
    list_filter = ["level", "is_legacy"]
    search_fields = ["name", "code"]
    raw_id_fields = ["parent", "successor"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "parent", "is_legacy"]
    list_filter = ["kind", "is_legacy"]
    search_fields = ["name", "code"]
    raw_id_fields = ["parent", "administrative_unit"]


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "position"]
    search_fields = ["name"]


class ProcedureFeeInline(admin.TabularInline):
    model = ProcedureFee
    extra = 0


class RequiredDocumentInline(admin.TabularInline):
    model = RequiredDocument
    extra = 0


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(admin.ModelAdmin):
    list_display = ["name", "procedure", "version_number", "status", "service_level", "field"]
    list_filter = ["status", "service_level", "field"]
    search_fields = ["name", "procedure__national_code"]
    inlines = [ProcedureFeeInline, RequiredDocumentInline]
    filter_horizontal = ["agencies"]


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    search_fields = ["national_code"]
