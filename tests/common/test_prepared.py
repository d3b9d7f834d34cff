"""common.prepared: a read compiled once per process sends what the ORM would send for the same function and
arguments, and gives the same instances; a function it cannot stand for is refused when it compiles."""

import datetime
import zoneinfo

import pytest
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import appointments.selectors
import notifications.selectors
from appointments.models import Appointment
from common import clock
from common.prepared import PreparedRead
from dossiers import selectors
from dossiers.models import Dossier, DossierEvent, State
from notifications.models import Notification
from procedures.models import Agency
from tests.factories import AgencyFactory, CitizenProfileFactory, UserFactory, filed_dossier, staff_member

pytestmark = pytest.mark.django_db

ARGUMENTS = {
    int: st.integers(min_value=1, max_value=2**31 - 1),
    str: st.text(max_size=40),
    datetime.datetime: st.datetimes(
        min_value=datetime.datetime(2000, 1, 1),
        max_value=datetime.datetime(2100, 1, 1),
        timezones=st.sampled_from([datetime.UTC, zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")]),
    ),
}


def test_the_portal_registers_its_reads():
    names = {read.name for read in PreparedRead.registered}
    assert {
        "a dossier as a member of staff sees it",
        "a dossier's events, oldest first",
        "a dossier's documents, with their files, who attested them and what each answers",
        "the newest 30 notifications about a dossier",
        "a dossier's booked appointments",
        "a dossier's events, as sentences need them",
        "a dossier's supplement requests, with who asked, who approved and their items",
        "a procedure version's fees",
        "a procedure version's required documents",
        "an agency's appointment schedule",
        "the dossier a public lookup of a code may show, with the code's lock",
    } <= names


@pytest.mark.parametrize("read", PreparedRead.registered, ids=lambda read: read.name)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_read_sends_what_the_orm_compiles_for_the_same_arguments(read, data):
    args = tuple(data.draw(ARGUMENTS[kind]) for kind in read.kinds)
    expected_sql, expected_params = read.build(*args).query.get_compiler(using="default").as_sql()
    sql, params = read.sql_and_params(*args)
    assert sql == expected_sql
    assert list(params) == list(expected_params)
    assert [type(p) for p in params] == [type(p) for p in expected_params]


def row(instance, *related: str) -> dict:
    """An instance's loaded values, and those of the related instances named (select_related)."""
    values = {key: value for key, value in vars(instance).items() if not key.startswith("_")}
    for path in related:
        target = instance
        for name in path.split("__"):
            target = getattr(target, name)
            if target is None:
                break
        values[path] = None if target is None else row(target)
    return values


@pytest.fixture
def worked_dossier():
    """A dossier received by a clerk, so it has events, documents, notifications and an appointment."""
    from dossiers import services

    dossier = filed_dossier()
    clerk = staff_member(dossier.receiving_agency)
    services.receive(dossier=dossier, clerk=clerk)
    Notification.objects.create(
        recipient=dossier.applicant,
        event="dossier_received",
        channel="portal",
        body="x",
        dossier_id=dossier.pk,
    )
    starts = clock.now() + datetime.timedelta(days=3)
    Appointment.objects.create(
        dossier=dossier,
        agency=dossier.receiving_agency,
        purpose=Appointment._meta.get_field("purpose").choices[0][0],
        starts_at=starts,
        ends_at=starts + datetime.timedelta(minutes=15),
        counter=1,
        booked_by=clerk,
    )
    return Dossier.objects.get(pk=dossier.pk), clerk


def test_the_staff_page_reads_give_what_the_orm_gives(worked_dossier):
    dossier, clerk = worked_dossier
    pairs = [
        (
            selectors.timeline(dossier),
            list(dossier.events.select_related("agency", "from_agency", "to_agency").order_by("at", "pk")),
            ("agency", "from_agency", "to_agency"),
        ),
        (
            selectors.documents(dossier),
            list(dossier.documents.select_related("stored_file__attested_by", "required_document")),
            ("stored_file", "stored_file__attested_by", "required_document"),
        ),
        (
            notifications.selectors.latest_for_dossier(dossier.pk),
            list(notifications.selectors.for_dossier(dossier.pk)[:30]),
            ("recipient",),
        ),
        (
            appointments.selectors.active_appointments(dossier),
            list(Appointment.objects.filter(dossier=dossier, status="booked").select_related("agency")),
            ("agency",),
        ),
    ]
    for prepared, orm, related in pairs:
        assert prepared, "the fixture gives each read rows"
        assert [row(o, *related) for o in prepared] == [row(o, *related) for o in orm]
    seen = selectors.dossier_for(clerk, dossier.pk)
    relations = selectors.DOSSIER_PAGE_RELATED
    expected = (
        Dossier.objects.select_related(*relations)
        .annotate(new_to_viewer=selectors.new_to_viewer(clerk.pk))
        .get(pk=dossier.pk)
    )
    assert row(seen, *relations) == row(expected, *relations)


def test_rows_read_for_a_dossier_hold_it_without_asking_again(worked_dossier, django_assert_num_queries):
    dossier, _clerk = worked_dossier
    with django_assert_num_queries(1):
        events = selectors.timeline(dossier)
        assert all(event.dossier is dossier for event in events)


def test_the_staff_read_keeps_the_visibility_rule():
    dossier = filed_dossier()
    own = staff_member(dossier.receiving_agency)
    other = staff_member(AgencyFactory())
    assert selectors.dossier_for(own, dossier.pk) == dossier
    assert selectors.dossier_for(other, dossier.pk) is None
    assert selectors.dossier_for(own, dossier.pk + 1000) is None
    Dossier.objects.filter(pk=dossier.pk).update(state=State.DRAFT)
    assert selectors.dossier_for(own, dossier.pk) is None, "staff do not see drafts"
    Dossier.objects.filter(pk=dossier.pk).update(filed_by=own)
    assert selectors.dossier_for(own, dossier.pk) == dossier, "but see what they filed themselves"
    superuser = UserFactory(is_superuser=True, role="clerk")
    assert selectors.dossier_for(superuser, dossier.pk) == dossier


def test_a_membership_counts_at_once():
    dossier = filed_dossier()
    clerk = staff_member(AgencyFactory())
    assert selectors.dossier_for(clerk, dossier.pk) is None
    clerk.memberships.create(agency=dossier.receiving_agency)
    assert selectors.dossier_for(clerk, dossier.pk) == dossier


@pytest.mark.parametrize("args", [(None,), (True,), ("7",), (7, 8), ()])
def test_arguments_that_would_change_the_query_are_refused(args):
    with pytest.raises(TypeError):
        selectors.TIMELINE_READ(*args)


@pytest.mark.parametrize(
    "build, refused",
    [
        (lambda code: Agency.objects.filter(name__icontains=code), True),  # sent inside a LIKE pattern
        (lambda code: Agency.objects.all(), True),  # not sent at all
        (lambda code: Agency.objects.filter(code=code).values("pk"), True),  # not model instances
        (lambda code: Agency.objects.filter(code=code), False),  # sent as it is
    ],
    ids=["changed", "ignored", "values", "sent"],
)
def test_a_function_it_cannot_stand_for_is_refused_when_it_compiles(build, refused):
    agency = AgencyFactory()
    read = PreparedRead("a test read", build, (str,))
    try:
        if refused:
            with pytest.raises(TypeError):
                read(agency.code)
        else:
            assert read(agency.code) == [agency]
    finally:
        PreparedRead.registered.remove(read)


def test_one_refuses_several_rows():
    AgencyFactory(phone="0912345678"), AgencyFactory(phone="0912345678")
    read = PreparedRead("agencies by phone", lambda phone: Agency.objects.filter(phone=phone), (str,))
    try:
        with pytest.raises(Agency.MultipleObjectsReturned):
            read.one("0912345678")
        assert read.one("0900000000") is None
    finally:
        PreparedRead.registered.remove(read)


def test_prefetch_lookups_are_followed(worked_dossier, django_assert_num_queries):
    dossier, _clerk = worked_dossier
    read = PreparedRead(
        "a dossier with its events",
        lambda pk: Dossier.objects.filter(pk=pk).prefetch_related("events"),
        (int,),
    )
    events = DossierEvent.objects.filter(dossier=dossier).count()
    try:
        with django_assert_num_queries(2):
            (found,) = read(dossier.pk)
            assert len(found.events.all()) == events > 0
    finally:
        PreparedRead.registered.remove(read)


def test_it_compiles_once(worked_dossier):
    dossier, _clerk = worked_dossier
    selectors.timeline(dossier)
    with CaptureQueriesContext(connection) as sent:
        compiled_before = dict(selectors.TIMELINE_READ._compiled)
        selectors.timeline(dossier)
    assert selectors.TIMELINE_READ._compiled == compiled_before
    assert len(sent.captured_queries) == 1


def test_supplement_requests_are_left_where_the_policy_reads_them(worked_dossier, django_assert_num_queries):
    from dossiers import policies
    from dossiers.models import SupplementRequest

    dossier, clerk = worked_dossier
    SupplementRequest.objects.create(
        dossier=dossier, stage="processing", status="proposed", reason="Thiếu bản sao", requested_by=clerk
    )
    dossier = Dossier.objects.get(pk=dossier.pk)
    with django_assert_num_queries(2):  # the requests, then their items
        (loaded,) = selectors.load_supplement_requests(dossier)
    with django_assert_num_queries(0):
        assert list(dossier.supplement_requests.all()) == [loaded]
        assert policies._has_proposed_supplement(dossier)
        assert loaded.dossier is dossier


@pytest.mark.parametrize("related", [(), ("receiving_agency",), ("receiving_agency", "applicant")])
def test_the_locking_read_sends_what_the_orm_compiles(related):
    from dossiers.services import base

    read = base.LOCK_READS[related]
    expected = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("procedure_version", *related)
        .filter(pk=42)
        .order_by()
    )
    with transaction.atomic():
        sql, params = expected.query.get_compiler(using="default").as_sql()
        assert read.sql_and_params(42) == (sql, list(params))
    assert base.LOCK_READS[related] is read, "one read per set of related rows"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_locking_read_is_refused_outside_a_transaction():
    from dossiers.services import base

    dossier = filed_dossier()
    with pytest.raises(TransactionManagementError):
        base.LOCK_READS[()](dossier.pk)
    with transaction.atomic():
        assert base.lock(dossier.pk) == dossier
    with transaction.atomic(), pytest.raises(Dossier.DoesNotExist):
        base.lock(dossier.pk + 1000)


def test_filing_reads_the_version_through_prepared_reads(worked_dossier):
    from procedures import selectors as catalogue

    dossier, _clerk = worked_dossier
    version = dossier.procedure_version
    assert [row(f) for f in catalogue.fees_of(version)] == [row(f) for f in version.fees.all()]
    required = catalogue.required_documents_of(version)
    assert required and [row(d) for d in required] == [row(d) for d in version.documents.all()]
    assert all(d.version is version for d in required)


def test_a_function_that_reads_the_clock_is_refused():
    read = PreparedRead(
        "dossiers filed before now",
        lambda code: Dossier.objects.filter(code=code, submitted_at__lt=datetime.datetime.now(datetime.UTC)),
        (str,),
    )
    try:
        with pytest.raises(TypeError, match="depends on more"):
            read("000.00.00.H00-250101-0001")
    finally:
        PreparedRead.registered.remove(read)


def test_a_function_that_branches_on_its_argument_is_refused():
    read = PreparedRead(
        "agencies, odd ids only by code",
        lambda pk: Agency.objects.filter(pk=pk) if pk % 2 else Agency.objects.filter(pk=pk, code="x"),
        (int,),
    )
    try:
        with pytest.raises(TypeError, match="depends on more"):
            read(7)
    finally:
        PreparedRead.registered.remove(read)


def test_a_locking_read_goes_where_the_orm_writes(monkeypatch):
    from dossiers.services import base

    class Router:
        def db_for_read(self, model, **hints):
            return "replica"

        def db_for_write(self, model, **hints):
            return "default"

    monkeypatch.setattr("common.prepared.router", Router())
    assert base.LOCK_READS[()]._alias() == "default"
    assert selectors.TIMELINE_READ._alias() == "replica"


@pytest.mark.parametrize("pk", [2**63, 10**30, -(2**63) - 1])
def test_an_id_beyond_any_column_finds_nothing_as_the_orm_finds_nothing(pk):
    """An address typed by hand (/staff/dossiers/<id>/) reaches the read with any integer: the ORM answers
    those beyond a bigint without asking the database, and so does the prepared read."""
    dossier = filed_dossier()
    clerk = staff_member(dossier.receiving_agency)
    assert selectors.dossier_for(clerk, pk) is None


def test_a_citizen_finds_their_own_dossier_and_no_one_else_s(django_assert_num_queries):
    from django.http import Http404

    from dossiers.models import Authorisation

    dossier = filed_dossier()
    owner, stranger, helper = dossier.applicant, CitizenProfileFactory().user, CitizenProfileFactory().user
    selectors.own_dossier(owner, dossier.pk)  # compiled (once per process)
    with django_assert_num_queries(2):  # the authorisations held (none), then the dossier
        assert selectors.own_dossier(owner, dossier.pk) == dossier
    for outsider in (stranger, helper):
        with pytest.raises(Http404):
            selectors.own_dossier(outsider, dossier.pk)
    authorisation = Authorisation.objects.create(
        citizen=owner,
        helper=helper,
        relation=Authorisation.Relation.choices[0][0],
        scope=Authorisation.Scope.ALL,
        status=Authorisation.Status.ACTIVE,
        expires_at=clock.now() + datetime.timedelta(days=30),
    )
    assert selectors.own_dossier(helper, dossier.pk) == dossier, "a live authorisation covers it"
    authorisation.status = Authorisation.Status.REVOKED
    authorisation.save()
    with pytest.raises(Http404):
        selectors.own_dossier(helper, dossier.pk)
    with pytest.raises(Http404):
        selectors.own_dossier(owner, 2**63)


@pytest.mark.parametrize("related", [(), ("procedure_version", "receiving_agency")])
def test_the_own_dossier_read_is_owned_by_for_a_citizen_helping_nobody(related):
    read = selectors.OWN_DOSSIER_READS[related]
    citizen = CitizenProfileFactory().user
    expected = Dossier.objects.owned_by(citizen).select_related(*related).filter(pk=42).order_by()
    sql, params = expected.query.get_compiler(using="default").as_sql()
    assert read.sql_and_params(citizen.pk, 42) == (sql, list(params))
