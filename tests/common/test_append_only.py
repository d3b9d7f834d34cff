"""Audit rows are append-only: dossier events, gateway notifications, refund tries, notification delivery
attempts and parcel events. Through the models on every database; in PostgreSQL itself (a trigger) for
raw SQL and for code that gets around the models' guard. The admin only shows them."""

import pgtrigger
import pytest
from django.apps import apps
from django.contrib import admin
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

from common.audit import AppendOnlyError, AppendOnlyModel
from dossiers.models import DocumentAccess, DossierEvent
from feedback.models import FeedbackEvent
from notifications.models import DeliveryAttempt
from payments.models import IpnLog, RefundTry
from postal.models import DeliveryEvent
from tests.factories import UserFactory
from tests.payments.support import clerk_of, filed, pay, reload
from tests.postal.support import approved_by_post, make_result_ready

pytestmark = pytest.mark.django_db


def feedback_sent():
    from feedback import services as feedback_services
    from tests.factories import AgencyFactory, CitizenProfileFactory

    feedback_services.send_feedback(
        subject=feedback_services.Subject(agency=AgencyFactory()),
        title="Góp ý",
        content="Nội dung",
        consent_to_publish=False,
        sender=CitizenProfileFactory().user,
    )


def document_opened(dossier):
    """A clerk of the receiving agency opens the dossier's first document (every reference of the row set)."""
    from dossiers.services.access_log import record_access

    document = dossier.documents.select_related("stored_file").first()
    record_access(
        what=DocumentAccess.What.DOCUMENT,
        file_name=document.stored_file.original_name,
        route_name="dossiers:document",
        user=clerk_of(dossier),
        dossier=dossier,
        stored_file=document.stored_file,
    )


AUDIT_MODELS = [
    DossierEvent,
    IpnLog,
    RefundTry,
    DeliveryAttempt,
    DeliveryEvent,
    FeedbackEvent,
    DocumentAccess,
]
# A text column of each table, to try to rewrite.
TEXT_COLUMN = {
    DossierEvent: "note",
    IpnLog: "note",
    RefundTry: "message",
    DeliveryAttempt: "error",
    DeliveryEvent: "description",
    FeedbackEvent: "note",
    DocumentAccess: "file_name",
}


@pytest.fixture
def audit_rows(django_capture_on_commit_callbacks):
    """At least one row in every audit table, written by the portal's own services: a dossier paid online
    then refused (its refund sent, the applicant told), and a result going by post."""
    from dossiers import services as dossier_services

    dossier = filed()
    pay(dossier)
    with django_capture_on_commit_callbacks(execute=True):
        dossier_services.refuse(
            dossier=reload(dossier), clerk=clerk_of(dossier), reason="Không thuộc địa bàn"
        )
    make_result_ready(approved_by_post())
    feedback_sent()
    document_opened(dossier)
    for model in AUDIT_MODELS:
        assert model.objects.exists(), model
    return {model: model.objects.order_by("pk").first() for model in AUDIT_MODELS}


def test_every_audit_table_is_append_only_and_carries_the_trigger():
    declared = {m for m in apps.get_models() if issubclass(m, AppendOnlyModel)}
    assert declared == set(AUDIT_MODELS)
    for model in declared:
        triggers = {trigger.name for trigger in model._meta.triggers}
        assert "append_only" in triggers, model


@pytest.mark.parametrize("model", AUDIT_MODELS, ids=lambda m: m.__name__)
def test_the_models_refuse_to_change_or_delete_an_audit_row(audit_rows, model):
    row = audit_rows[model]
    setattr(row, TEXT_COLUMN[model], "rewritten")
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        model.objects.filter(pk=row.pk).update(**{TEXT_COLUMN[model]: "rewritten"})
    with pytest.raises(AppendOnlyError):
        model.objects.filter(pk=row.pk).delete()
    row.refresh_from_db()
    assert getattr(row, TEXT_COLUMN[model]) != "rewritten"


@pytest.mark.parametrize("model", AUDIT_MODELS, ids=lambda m: m.__name__)
def test_nothing_an_audit_row_refers_to_can_be_deleted_from_under_it(audit_rows, model):
    """PROTECT, not CASCADE or SET NULL: the parent (dossier, payment, refund, notification, order) stays."""
    from django.db.models import ProtectedError

    row = audit_rows[model]
    for field in model._meta.concrete_fields:
        if field.is_relation and getattr(row, field.attname) is not None:
            parent = getattr(row, field.name)
            with pytest.raises(ProtectedError) as refused, transaction.atomic():
                type(parent)._base_manager.filter(pk=parent.pk).delete()
            assert row in refused.value.protected_objects, field.name
            assert model.objects.filter(pk=row.pk).exists()


def test_the_admin_only_shows_audit_rows(audit_rows):
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_superuser=True, is_staff=True)
    shown = []
    for model_admin in admin.site._registry.values():
        inlines = [inline(model_admin.model, admin.site) for inline in model_admin.inlines]
        for view in [model_admin, *inlines]:
            if issubclass(view.model, AppendOnlyModel):
                shown.append(view.model)
                assert not view.has_add_permission(request)
                assert not view.has_change_permission(request, audit_rows[view.model])
                assert not view.has_delete_permission(request, audit_rows[view.model])
    assert set(shown) == set(AUDIT_MODELS)


# --- in PostgreSQL itself ----------------------------------------------------------------------------------
def _table(model):
    return connection.ops.quote_name(model._meta.db_table)


@pytest.mark.postgres
@pytest.mark.parametrize("model", AUDIT_MODELS, ids=lambda m: m.__name__)
def test_postgresql_refuses_update_and_delete_in_raw_sql(audit_rows, model):
    row = audit_rows[model]
    column = connection.ops.quote_name(TEXT_COLUMN[model])
    refused = pytest.raises(DatabaseError, match="Cannot update or delete")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {_table(model)} SET {column} = 'rewritten' WHERE id = %s", [row.pk])
    refused = pytest.raises(DatabaseError, match="Cannot update or delete")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_table(model)} WHERE id = %s", [row.pk])
    assert model.objects.filter(pk=row.pk).exists()


@pytest.mark.postgres
@pytest.mark.parametrize("model", AUDIT_MODELS, ids=lambda m: m.__name__)
def test_postgresql_refuses_update_and_delete_that_get_around_the_models(audit_rows, model):
    """`_base_manager` is Django's plain manager (what related-object deletion uses): the database says no."""
    row = audit_rows[model]
    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
        model._base_manager.filter(pk=row.pk).update(**{TEXT_COLUMN[model]: "rewritten"})
    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
        model._base_manager.filter(pk=row.pk).delete()
    row.refresh_from_db()
    assert getattr(row, TEXT_COLUMN[model]) != "rewritten"


@pytest.mark.postgres
def test_the_triggers_are_installed_by_the_migrations():
    installed = {model for model, trigger in pgtrigger.registered() if trigger.name == "append_only"}
    assert installed == set(AUDIT_MODELS)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname LIKE 'pgtrigger_append_only_%%' AND t.tgenabled = 'O'"
        )
        tables = {name for (name,) in cursor.fetchall()}
    assert tables == {model._meta.db_table for model in AUDIT_MODELS}
