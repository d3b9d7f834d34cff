"""The dossier audit trail is tamper-evident and outlives the people and dossiers it names: each event is
chained to the previous one of its dossier by a SHA-256 hash, `manage.py verify_audit` names the first
broken link, the actor's name and role stay on the row, and nothing it refers to can be deleted."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import ProtectedError
from django.urls import reverse

from accounts.models import User
from dossiers import audit, services
from dossiers.models import Dossier, DossierEvent
from dossiers.services.base import changing
from tests.dossiers.factories_extra import citizen, draft, sign_in, superuser
from tests.factories import filed_dossier, staff_member

pytestmark = pytest.mark.django_db


def received_dossier():
    dossier = filed_dossier()
    clerk = staff_member(dossier.receiving_agency, full_name="Phạm Thu Hà")
    dossier = services.receive(dossier=dossier, clerk=clerk)
    return dossier, clerk


def verify(*codes):
    """verify_audit's exit (None when it passed), what it printed, what it complained about."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_audit", *codes, stdout=out, stderr=err)
    except CommandError as failed:
        return failed, out.getvalue(), err.getvalue()
    return None, out.getvalue(), err.getvalue()


def rewrite_in_sql(sql, params):
    """What someone with database access (and the append-only trigger switched off) could do."""
    postgresql = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgresql:
            # The test's rows are not committed: their deferred key checks must run before ALTER TABLE.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE dossiers_dossierevent DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if postgresql:
            cursor.execute("ALTER TABLE dossiers_dossierevent ENABLE TRIGGER USER")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


# --- the chain ---------------------------------------------------------------------------------------------
def test_each_event_is_chained_to_the_previous_one_of_its_dossier():
    dossier, clerk = received_dossier()
    other = filed_dossier()
    events = list(DossierEvent.objects.filter(dossier=dossier).order_by("pk"))
    assert [event.action for event in events] == ["submit", "receive"]

    assert events[0].chain_hash == audit.link(events[0], "")
    assert events[1].chain_hash == audit.link(events[1], events[0].chain_hash)
    assert len(events[1].chain_hash) == 64 and events[0].chain_hash != events[1].chain_hash
    # Each dossier has its own chain: the other dossier's first event starts from nothing.
    first_of_other = other.events.get()
    assert first_of_other.chain_hash == audit.link(first_of_other, "")
    assert events[1].actor_name == "Phạm Thu Hà" and events[1].actor_role == clerk.role


def test_the_hash_covers_every_field_of_the_event():
    dossier, _clerk = received_dossier()
    event = dossier.events.order_by("pk").last()
    for name, value in {
        "note": "x",
        "actor_name": "Someone else",
        "to_state": "refused",
        "data": {"a": 1},
    }.items():
        original = getattr(event, name)
        setattr(event, name, value)
        assert audit.link(event, "") != audit.link(DossierEvent.objects.get(pk=event.pk), ""), name
        setattr(event, name, original)


def test_verify_audit_passes_on_an_untouched_trail():
    received_dossier()
    failed, out, err = verify()
    assert failed is None and "intact" in out and not err


def test_verify_audit_finds_an_event_rewritten_in_sql():
    dossier, _clerk = received_dossier()
    first, _second = dossier.events.order_by("pk")
    rewrite_in_sql("UPDATE dossiers_dossierevent SET note = %s WHERE id = %s", ["nhận lúc 7 giờ", first.pk])

    failed, _out, err = verify()

    assert failed is not None and failed.returncode == 1
    assert f"Dossier {dossier.code}: event {first.pk} breaks the chain" in err
    assert f"found {first.chain_hash}" in err
    expected = audit.link(DossierEvent.objects.get(pk=first.pk), "")
    assert f"expected {expected}" in err and expected != first.chain_hash


def test_verify_audit_finds_an_event_deleted_in_sql():
    dossier, _clerk = received_dossier()
    first, second = dossier.events.order_by("pk")
    rewrite_in_sql("DELETE FROM dossiers_dossierevent WHERE id = %s", [first.pk])

    failed, _out, err = verify(dossier.code)

    assert failed is not None
    assert f"Dossier {dossier.code}: event {second.pk} breaks the chain" in err


def test_verify_audit_finds_a_hash_recomputed_for_a_rewritten_event_but_not_for_the_next():
    dossier, _clerk = received_dossier()
    first, second = dossier.events.order_by("pk")
    first.note = "sửa lại"
    rewrite_in_sql(
        "UPDATE dossiers_dossierevent SET note = %s, chain_hash = %s WHERE id = %s",
        [first.note, audit.link(first, ""), first.pk],
    )
    failed, _out, err = verify()
    assert failed is not None and f"event {second.pk} breaks the chain" in err


def test_verify_audit_reports_only_the_altered_dossier():
    untouched = filed_dossier()
    dossier, _clerk = received_dossier()
    event = dossier.events.order_by("pk").last()
    rewrite_in_sql("UPDATE dossiers_dossierevent SET actor_name = %s WHERE id = %s", ["Người khác", event.pk])
    failed, _out, err = verify()
    assert failed is not None and dossier.code in err and untouched.code not in err
    assert verify(untouched.code)[0] is None


@pytest.mark.postgres
def test_postgresql_a_row_changed_with_the_trigger_ignored_is_found():
    dossier, _clerk = received_dossier()
    event = dossier.events.order_by("pk").first()
    # What a superuser at the database can do: triggers do not fire for a session acting as a replica.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        DossierEvent._base_manager.filter(pk=event.pk).update(note="đã sửa")
    assert DossierEvent.objects.get(pk=event.pk).note == "đã sửa"

    failed, _out, err = verify()
    assert failed is not None and f"Dossier {dossier.code}: event {event.pk} breaks the chain" in err


# --- people and dossiers ------------------------------------------------------------------------------------
def test_a_staff_member_who_acted_cannot_be_deleted_and_keeps_the_name_on_the_trail():
    dossier, clerk = received_dossier()
    with pytest.raises(ProtectedError), transaction.atomic():
        clerk.delete()
    event = dossier.events.get(action="receive")
    assert event.actor_id == clerk.pk and event.actor_name == "Phạm Thu Hà"
    # Renaming the account later does not rewrite history.
    User.objects.filter(pk=clerk.pk).update(full_name="Tên mới")
    assert DossierEvent.objects.get(pk=event.pk).actor_name == "Phạm Thu Hà"


def test_the_admin_answers_a_deletion_of_such_a_person_with_what_protects_them(client):
    _dossier, clerk = received_dossier()
    sign_in(client, superuser())
    url = reverse("admin:accounts_user_delete", args=[clerk.pk])
    page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200 and "Cannot delete user" in text and "Dossier event: " in text
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 200 and User.objects.filter(pk=clerk.pk).exists()


def test_a_filed_dossier_cannot_be_deleted_with_its_trail():
    dossier, _clerk = received_dossier()
    with pytest.raises(ProtectedError), transaction.atomic():
        Dossier.objects.get(pk=dossier.pk).delete()
    assert dossier.events.count() == 2


def test_a_draft_is_still_deleted_by_its_applicant_since_it_has_no_trail():
    person = citizen()
    dossier = draft(applicant=person)
    assert not dossier.events.exists()
    services.discard_draft(dossier=dossier, by=person)
    assert not Dossier.objects.filter(pk=dossier.pk).exists()


def test_a_draft_with_a_trail_is_refused_not_failed(client):
    """No use case records an event on a draft, but if one did the draft would be kept, not a 500."""
    person = citizen()
    dossier = draft(applicant=person)
    with changing(dossier) as change:
        change.record(DossierEvent.Action.ASSIGN, actor=None, dossier_unchanged=True)
    with pytest.raises(ValidationError):
        services.discard_draft(dossier=dossier, by=person)
    sign_in(client, person)
    response = client.post(reverse("dossiers:discard_draft", args=[dossier.pk]))
    assert response.status_code == 302 and Dossier.objects.filter(pk=dossier.pk).exists()
