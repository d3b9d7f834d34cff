"""The level of assurance a procedure needs to be filed online (issue 13, item 4): a catalogue field,
versioned like the rest, defaulted from CATALOGUE_DEFAULT_REQUIRED_LOA, carried by the import/export, the API
and the procedure page."""

import pytest
import tablib
from django.contrib.admin.sites import site
from django.urls import reverse
from django.utils import translation

from procedures import services
from procedures.models import AssuranceLevel, Procedure, ProcedureVersion
from procedures.resources import ProcedureVersionResource, row_error_lines
from tests.factories import ProcedureVersionFactory
from tests.procedures.factories_extra import (
    COLUMNS,
    catalogue_admin,
    good_row,
    reference_data,
    sign_in_to_admin,
)
from tests.procedures.test_workflow import change_form_data

pytestmark = pytest.mark.django_db


def refresh(version):
    return ProcedureVersion.objects.get(pk=version.pk)


def import_rows(rows, columns):
    dataset = tablib.Dataset(headers=columns)
    for row in rows:
        dataset.append([row[column] for column in columns])
    return ProcedureVersionResource().import_data(
        dataset, use_transactions=True, rollback_on_validation_errors=True
    )


# --- the field and its default ----------------------------------------------------------------------------
def test_a_new_entry_needs_no_particular_sign_in_unless_configured(settings):
    assert ProcedureVersionFactory().required_loa == AssuranceLevel.NONE
    settings.CATALOGUE_DEFAULT_REQUIRED_LOA = 2
    assert ProcedureVersionFactory().required_loa == AssuranceLevel.LOA2


# --- versioned like the rest -----------------------------------------------------------------------------
def test_a_new_version_copies_the_requirement_and_may_change_it_while_the_published_one_keeps_its_own(client):
    v1 = ProcedureVersionFactory(published=True, required_loa=AssuranceLevel.LOA1)
    editor = catalogue_admin()
    v2 = services.create_new_version(version=v1, by=editor)
    assert v2.required_loa == AssuranceLevel.LOA1

    sign_in_to_admin(client, editor)
    url = reverse("admin:procedures_procedureversion_change", args=[v2.pk])
    response = client.post(url, change_form_data(v2, required_loa=AssuranceLevel.LOA2))

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert refresh(v2).required_loa == AssuranceLevel.LOA2
    assert refresh(v1).required_loa == AssuranceLevel.LOA1


def test_a_published_versions_requirement_is_frozen(client, rf):
    published = ProcedureVersionFactory(published=True, required_loa=AssuranceLevel.LOA1)
    admin_user = catalogue_admin()
    request = rf.get("/")
    request.user = admin_user
    assert "required_loa" in site._registry[ProcedureVersion].get_readonly_fields(request, published)

    sign_in_to_admin(client, admin_user)
    url = reverse("admin:procedures_procedureversion_change", args=[published.pk])
    response = client.post(url, change_form_data(published, required_loa=AssuranceLevel.NONE))

    assert response.status_code == 403
    assert refresh(published).required_loa == AssuranceLevel.LOA1


def test_a_draft_offers_the_requirement_in_the_admin_form(client):
    draft = ProcedureVersionFactory()
    sign_in_to_admin(client, catalogue_admin())

    html = client.get(reverse("admin:procedures_procedureversion_change", args=[draft.pk])).content.decode()

    assert 'name="required_loa"' in html


# --- import and export -----------------------------------------------------------------------------------
def test_export_then_import_keeps_the_requirement():
    ref = reference_data()
    for code, level in [("1.000101", AssuranceLevel.NONE), ("1.000102", AssuranceLevel.LOA2)]:
        ProcedureVersionFactory(
            published=True, procedure__national_code=code, field=ref["field"], required_loa=level
        )
    exported = ProcedureVersionResource().export(ProcedureVersion.objects.published())
    assert "required_loa" in exported.headers

    for fmt in ("csv", "xlsx"):
        data = exported.export(fmt)
        ProcedureVersion.objects.all().delete()
        Procedure.objects.all().delete()
        result = ProcedureVersionResource().import_data(
            tablib.import_set(data, format=fmt), rollback_on_validation_errors=True
        )
        assert row_error_lines(result) == [], fmt
        levels = dict(ProcedureVersion.objects.values_list("procedure__national_code", "required_loa"))
        assert levels == {"1.000101": 0, "1.000102": 2}, fmt


@pytest.mark.parametrize(("cell", "level"), [("2", 2), ("LoA1", 1), ("loa2", 2), ("0", 0)])
def test_the_import_reads_the_requirement(cell, level):
    reference_data()
    result = import_rows([good_row(required_loa=cell)], [*COLUMNS, "required_loa"])
    assert row_error_lines(result) == []
    assert ProcedureVersion.objects.get().required_loa == level


def test_an_empty_or_missing_requirement_takes_the_configured_default(settings):
    reference_data()
    settings.CATALOGUE_DEFAULT_REQUIRED_LOA = 1
    result = import_rows(
        [good_row(required_loa=""), good_row(national_code="1.000002", required_loa="")],
        [*COLUMNS, "required_loa"],
    )
    assert row_error_lines(result) == []
    assert import_rows([good_row(national_code="1.000003")], COLUMNS).has_errors() is False
    assert set(ProcedureVersion.objects.values_list("required_loa", flat=True)) == {1}


def test_an_unknown_requirement_is_reported_with_its_row_and_nothing_is_imported():
    reference_data()
    with translation.override("en"):
        result = import_rows([good_row(required_loa="3")], [*COLUMNS, "required_loa"])
        lines = row_error_lines(result)
    assert lines == [
        "Row 1 (required_loa): Write 0 (any account), 1 (VNeID level 1) or 2 (VNeID level 2) (got “3”)."
    ]
    assert not ProcedureVersion.objects.exists()


# --- where citizens and programs read it -------------------------------------------------------------------
def test_the_api_gives_the_requirement(client):
    version = ProcedureVersionFactory(published=True, required_loa=AssuranceLevel.LOA2)
    body = client.get(f"/api/procedures/{version.procedure.national_code}/").json()
    assert body["required_loa"] == 2


def test_the_procedure_page_says_which_sign_in_is_needed_in_vietnamese(client):
    needs_vneid = ProcedureVersionFactory(published=True, required_loa=AssuranceLevel.LOA2)
    anyone = ProcedureVersionFactory(published=True)

    html = client.get(
        reverse("procedures:detail", args=[needs_vneid.procedure.national_code])
    ).content.decode()
    plain = client.get(reverse("procedures:detail", args=[anyone.procedure.national_code])).content.decode()

    assert "VNeID mức độ 2" in html and "Bộ phận Một cửa" in html
    assert "VNeID mức độ 2" not in plain
