"""The two statements every citizen page sends written out (dossiers/models.py LIVE_AUTHORISATIONS_HELD_SQL,
dossiers/selectors.py my_dossiers_fingerprint) answer what the ORM answers from the definitions they stand
for: Authorisation.objects.live().held_by(helper) and an aggregate over Dossier.objects.owned_by(user). A
change to either definition that the SQL does not follow fails here."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common import clock
from dossiers import selectors
from dossiers.models import Authorisation, Dossier, State, _live_authorisations_held
from tests.dossiers.factories_extra import citizen, draft
from tests.factories import ProcedureVersionFactory

pytestmark = pytest.mark.django_db


def authorise(owner, helper, *, status="active", expires_in=timedelta(days=30), scope="all", **target):
    return Authorisation.objects.create(
        citizen=owner,
        helper=helper,
        relation=Authorisation.Relation.choices[0][0],
        scope=scope,
        status=status,
        expires_at=clock.now() + expires_in,
        **target,
    )


def through_orm(user) -> set[tuple]:
    return set(
        Authorisation.objects.live()
        .held_by(user)
        .values_list("scope", "citizen_id", "procedure_id", "dossier_id")
    )


def test_the_live_authorisations_read_is_the_querysets_for_every_status_and_expiry():
    owner, helper, stranger = citizen(), citizen(), citizen()
    version = ProcedureVersionFactory(published=True)
    one = draft(version, owner)
    in_force = [
        authorise(owner, helper),
        authorise(owner, helper, scope="procedure", procedure=version.procedure),
        authorise(owner, helper, scope="dossier", dossier=one),
    ]
    for status in ("pending", "declined", "revoked", "expired"):
        authorise(owner, helper, status=status)
    authorise(owner, helper, expires_in=timedelta(seconds=-1))  # past its time, not yet marked expired
    authorise(owner, stranger)  # someone else's

    read = _live_authorisations_held(helper, "default")

    assert set(read) == through_orm(helper)
    assert len(read) == len(in_force)
    assert _live_authorisations_held(owner, "default") == []


@pytest.fixture
def lists():
    """A citizen's list: their own dossiers (one waiting past its answer deadline), one they filed for
    someone with no authorisation (the desk's, or before ủy quyền), one they filed under an authorisation
    since revoked (not theirs to see), and a stranger's."""
    version = ProcedureVersionFactory(published=True)
    me, other = citizen(), citizen()
    mine = [draft(version, me) for _ in range(3)]
    Dossier.objects.filter(pk=mine[0].pk).update(
        state=State.SUBMITTED, intake_deadline=clock.now() - timedelta(hours=1)
    )
    Dossier.objects.filter(pk=mine[1].pk).update(
        state=State.SUBMITTED, intake_deadline=clock.now() + timedelta(hours=1)
    )
    filed_for_other = draft(version, other)
    Dossier.objects.filter(pk=filed_for_other.pk).update(filed_by=me)
    under_authorisation = draft(version, other)
    revoked = authorise(other, me, status="revoked")
    Dossier.objects.filter(pk=under_authorisation.pk).update(filed_by=me, authorisation=revoked)
    draft(version, citizen())
    return me, other, version, [*mine, filed_for_other]


def test_the_fingerprint_is_the_aggregate_over_owned_by(lists):
    me, _other, _version, seen = lists

    with CaptureQueriesContext(connection) as queries:
        fingerprint = selectors.my_dossiers_fingerprint(me)

    assert len(queries) == 1
    assert fingerprint == selectors.my_dossiers_fingerprint_through_orm(me, clock.now())
    assert fingerprint.dossiers == 4
    assert fingerprint.ids == sum(dossier.pk for dossier in seen)
    assert fingerprint.answers_late == 1
    assert (
        fingerprint.changed
        == Dossier.objects.filter(pk__in=[d.pk for d in seen]).latest("updated_at").updated_at
    )


def test_a_helper_with_an_authorisation_in_force_is_counted_by_the_orm(lists):
    me, other, version, seen = lists
    covered = draft(version, other)
    authorise(other, me, scope="dossier", dossier=covered)

    fingerprint = selectors.my_dossiers_fingerprint(me)

    assert fingerprint == selectors.my_dossiers_fingerprint_through_orm(me, clock.now())
    assert fingerprint.dossiers == 5
    assert fingerprint.ids == sum(dossier.pk for dossier in [*seen, covered])


def test_the_fingerprint_changes_with_what_the_list_shows(lists):
    me, *_ = lists
    before = selectors.my_dossiers_fingerprint(me)
    newest = Dossier.objects.owned_by(me).latest("pk")
    newest.save()  # any change a service saves moves updated_at

    assert selectors.my_dossiers_fingerprint(me) != before


def test_nobody_signed_in_and_a_closed_account_have_an_empty_list(lists):
    from django.contrib.auth.models import AnonymousUser

    me, *_ = lists
    me.is_active = False

    assert selectors.my_dossiers_fingerprint(AnonymousUser()) == selectors.DossiersFingerprint(0, 0, None, 0)
    assert selectors.my_dossiers_fingerprint(me) == selectors.DossiersFingerprint(0, 0, None, 0)
