"""Every signed-in request reads its session row and its user by one SQL statement each (accounts/sessions.py,
accounts/backends.py), with Django's rules: an expired or unknown session is nobody, a deactivated account
is signed out, a signed-in user is the whole row."""

import datetime

import psycopg
import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.db.models.query import QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.backends import LockoutAwareAuthenticationBackend
from accounts.models import Role
from accounts.sessions import SessionStore
from tests.factories import CitizenProfileFactory

from .factories_extra import verified_user

pytestmark = pytest.mark.django_db


def test_a_saved_session_is_read_back_whole():
    store = SessionStore()
    store["answer"] = {"đáp án": [1, 2]}
    store.save()

    read = SessionStore(store.session_key)

    assert read["answer"] == {"đáp án": [1, 2]}
    assert read.session_key == store.session_key


def test_an_expired_session_is_empty_and_forgets_its_key():
    store = SessionStore()
    store["x"] = 1
    store.save()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )

    read = SessionStore(store.session_key)

    assert read.load() == {}
    assert read.session_key is None  # a new one is made if anything is saved: the old key is not revived


def test_an_unknown_or_malformed_key_is_an_empty_session():
    assert SessionStore("x" * 32).load() == {}
    assert SessionStore("'; DROP TABLE django_session; --").load() == {}
    assert Session.objects.model._meta.db_table == "django_session"


def test_the_signed_in_user_is_read_without_building_an_orm_query(client, monkeypatch):
    """The session and the user of a signed-in page come from one statement each, not QuerySet.get()."""
    user = verified_user()
    client.force_login(user)

    get = QuerySet.get

    def refuse(queryset, *args, **kwargs):
        if queryset.model in (Session, type(user)):
            raise AssertionError(f"{queryset.model.__name__} read through QuerySet.get()")
        return get(queryset, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "get", refuse)
    response = client.get(reverse("dashboard"))

    assert response.status_code == 200
    assert response.wsgi_request.user == user
    assert response.wsgi_request.user.email == user.email


def test_the_user_read_is_the_whole_row_and_a_deactivated_account_is_nobody():
    user = verified_user()
    backend = LockoutAwareAuthenticationBackend()

    read = backend.get_user(user.pk)

    assert read == user
    assert (read.email, read.role, read.date_joined, read.is_active) == (
        user.email,
        user.role,
        user.date_joined,
        True,
    )
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert backend.get_user(user.pk) is None
    assert backend.get_user(user.pk + 10_000) is None
    assert backend.get_user("not a number") is None


def test_the_user_read_brings_the_citizen_profile_in_the_same_statement(django_assert_num_queries):
    """The notices, the wizard's prefill and the dashboard read the profile: no statement of their own."""
    citizen = verified_user()
    profile = CitizenProfileFactory(user=citizen, full_name="Nguyễn Văn Thử")
    clerk = verified_user(role=Role.CLERK)
    backend = LockoutAwareAuthenticationBackend()

    with django_assert_num_queries(1):
        read = backend.get_user(citizen.pk)
        assert (read.profile.pk, read.profile.address, read.profile.user is read) == (
            profile.pk,
            profile.address,
            True,
        )
    with django_assert_num_queries(1):
        read = backend.get_user(clerk.pk)
        assert getattr(read, "profile", None) is None


def test_a_deactivated_account_is_signed_out_on_its_next_request(client):
    user = verified_user()
    client.force_login(user)
    user.is_active = False
    user.save(update_fields=["is_active"])

    response = client.get(reverse("dashboard"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_column_added_while_the_portal_runs_does_not_break_the_session_and_user_reads():
    """PostgreSQL prepares the session and user reads on a connection after a few requests; a migration adding
    a column must not change their result, which PostgreSQL refuses for a prepared statement ("cached plan
    must not change result type"): the reads name their columns."""
    user = verified_user()
    store = SessionStore()
    store["who"] = user.pk
    store.save()
    backend = LockoutAwareAuthenticationBackend()
    for _request in range(10):  # past psycopg's prepare_threshold on this connection
        assert backend.get_user(user.pk) == user
        assert SessionStore(store.session_key).load() == {"who": user.pk}
    # On another connection, as `migrate` runs (psycopg forgets its prepared statements on a connection that
    # runs DDL itself).
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as migration:
        migration.execute("ALTER TABLE accounts_user ADD COLUMN added_by_a_migration integer")
        migration.execute("ALTER TABLE django_session ADD COLUMN added_by_a_migration integer")
        try:
            assert backend.get_user(user.pk) == user
            assert SessionStore(store.session_key).load() == {"who": user.pk}
        finally:
            migration.execute("ALTER TABLE accounts_user DROP COLUMN added_by_a_migration")
            migration.execute("ALTER TABLE django_session DROP COLUMN added_by_a_migration")
