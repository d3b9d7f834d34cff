"""Who sees which dossier (Dossier.objects.visible_to), the public lookup by code, and the staff queue:
its tab counts agree with its lists."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from dossiers import selectors, services
from dossiers.models import Dossier, State
from dossiers.selectors import QueueView
from tests.dossiers.factories_core import case_in, office
from tests.factories import (
    AgencyFactory,
    CitizenProfileFactory,
    ProcedureVersionFactory,
    UserFactory,
    staff_member,
)

pytestmark = pytest.mark.django_db


def visible(user) -> set[int]:
    return set(Dossier.objects.visible_to(user).values_list("pk", flat=True))


# --- visible_to -----------------------------------------------------------------------------------------
def test_the_applicant_sees_their_dossiers_and_another_citizen_sees_none():
    case = case_in(State.SUBMITTED)
    draft = case_in(State.DRAFT)
    assert visible(case.applicant) == {case.dossier.pk}
    assert visible(draft.applicant) == {draft.dossier.pk}  # their own draft, of course
    assert visible(CitizenProfileFactory().user) == set()


def test_the_person_who_filed_for_the_applicant_sees_the_dossier():
    case = case_in(State.SUBMITTED)
    authorised = CitizenProfileFactory().user
    Dossier.objects.filter(pk=case.dossier.pk).update(filed_by=authorised)
    assert visible(authorised) == {case.dossier.pk}


def test_a_clerk_who_registered_a_dossier_at_the_desk_sees_it():
    desk = office()
    version = ProcedureVersionFactory(published=True, agencies=[desk.agency])
    dossier = services.register_at_desk(
        version=version,
        clerk=desk.clerk,
        receiving_agency=desk.agency,
        channel="desk",
        details={"applicant_name": "Lê Văn C", "applicant_phone": "0987654321"},
    )
    assert dossier.applicant is None and dossier.filed_by == desk.clerk
    assert visible(desk.clerk) == {dossier.pk}


def test_staff_see_the_dossiers_of_their_agencies_but_never_drafts():
    case = case_in(State.SUBMITTED)
    draft = case_in(State.DRAFT, version=case.dossier.procedure_version, desk=case.desk)
    assert draft.dossier.receiving_agency == case.desk.agency
    assert visible(case.desk.clerk) == {case.dossier.pk}
    assert visible(case.desk.officer) == {case.dossier.pk}
    assert visible(staff_member(AgencyFactory())) == set()  # a clerk of another agency
    assert visible(case.handler.officer) == set()  # not handed over yet


def test_the_handling_agency_sees_the_dossier_once_it_is_transferred():
    case = case_in(State.RECEIVED)
    assert case.dossier.pk not in visible(case.handler.officer)
    services.transfer(dossier=case.dossier, by=case.desk.clerk, to_agency=case.handler.agency)
    assert visible(case.handler.officer) == {case.dossier.pk}
    assert visible(case.handler.clerk) == {case.dossier.pk}
    assert visible(case.desk.clerk) == {case.dossier.pk}  # the receiving desk still returns the result


def test_anonymous_and_inactive_users_see_nothing():
    case = case_in(State.SUBMITTED)
    assert visible(AnonymousUser()) == set()
    case.applicant.is_active = False
    case.applicant.save()
    assert visible(case.applicant) == set()


def test_staff_without_an_agency_see_nothing():
    case_in(State.SUBMITTED)
    assert visible(UserFactory(catalogue_admin=True)) == set()
    assert visible(UserFactory(officer=True)) == set()


def test_a_superuser_sees_everything_drafts_included():
    submitted, draft = case_in(State.SUBMITTED), case_in(State.DRAFT)
    superuser = UserFactory(is_superuser=True, is_staff=True)
    assert visible(superuser) == {submitted.dossier.pk, draft.dossier.pk}


def test_dossier_for_applies_the_same_rule():
    case = case_in(State.SUBMITTED)
    assert selectors.dossier_for(case.applicant, case.dossier.pk) == case.dossier
    assert selectors.dossier_for(CitizenProfileFactory().user, case.dossier.pk) is None
    assert selectors.dossier_for(AnonymousUser(), case.dossier.pk) is None


# --- public lookup --------------------------------------------------------------------------------------
@pytest.fixture
def filed():
    case = case_in(State.SUBMITTED)
    profile = case.applicant.profile
    assert (
        case.dossier.applicant_phone == profile.phone
        and case.dossier.applicant_id_number == profile.personal_id
    )
    return case.dossier


def test_public_lookup_by_code_and_the_last_four_digits_of_the_phone_or_id(filed):
    assert selectors.public_lookup(filed.code, filed.applicant_phone[-4:]) == filed
    assert selectors.public_lookup(filed.code, filed.applicant_id_number[-4:]) == filed
    assert selectors.public_lookup(f"  {filed.code.lower()} ", f" {filed.applicant_phone[-4:]} ") == filed


def test_public_lookup_with_wrong_digits_says_nothing(filed):
    wrong = next(
        f"{n:04d}"
        for n in range(10_000)
        if f"{n:04d}" not in {filed.applicant_phone[-4:], filed.applicant_id_number[-4:]}
    )
    assert selectors.public_lookup(filed.code, wrong) is None
    assert selectors.public_lookup(filed.code, filed.applicant_phone[-3:]) is None
    assert selectors.public_lookup(filed.code, filed.applicant_phone[-5:]) is None
    assert selectors.public_lookup(filed.code, "") is None
    assert selectors.public_lookup(filed.code, "abcd") is None


def test_public_lookup_of_an_unknown_code_is_none(filed):
    assert selectors.public_lookup(filed.code + "9", filed.applicant_phone[-4:]) is None
    assert selectors.public_lookup("", filed.applicant_phone[-4:]) is None


def test_public_lookup_never_finds_a_draft():
    case = case_in(State.DRAFT)
    Dossier.objects.filter(pk=case.dossier.pk).update(code="000.00.99.H99-260105-0001")
    assert selectors.public_lookup("000.00.99.H99-260105-0001", case.dossier.applicant_phone[-4:]) is None


# --- the staff queue ------------------------------------------------------------------------------------
def _move_due_date(case, days: int):
    Dossier.objects.filter(pk=case.dossier.pk).update(
        due_date=timezone.localdate() + datetime.timedelta(days=days)
    )


@pytest.fixture
def queue():
    """Dossiers of one receiving agency (A) in every tab; some handed over to agency B."""
    version = ProcedureVersionFactory(published=True)
    desk, handler = office(version.agencies.get()), office()

    def make(state, **kwargs):
        return case_in(state, version=version, desk=desk, handler=handler, **kwargs)

    d = {
        "new": make(State.SUBMITTED),
        "supplement": make(State.SUPPLEMENT_REQUESTED),
        "received": make(State.RECEIVED),
        "due_today": make(State.RECEIVED),
        "late": make(State.RECEIVED),
        "assigned": make(State.IN_PROGRESS),
        "proposed": make(State.IN_PROGRESS),
        "stopped_with_proposal": make(State.IN_PROGRESS),
        "approved": make(State.APPROVED),
        "returned": make(State.RETURNED),
        "draft": make(State.DRAFT),
    }
    _move_due_date(d["due_today"], 0)
    _move_due_date(d["late"], -3)
    services.assign(dossier=d["received"].dossier, by=desk.clerk, assignee=desk.clerk)
    services.assign(dossier=d["assigned"].dossier, by=handler.officer, assignee=handler.officer)
    item = version.documents.first()
    for key in ("proposed", "stopped_with_proposal"):
        services.request_supplement(
            dossier=d[key].dossier, by=handler.officer, items=[item], details="", reason="Cần bản gốc"
        )
    # A proposal still waiting when processing stopped can never be approved any more.
    services.stop(dossier=d["stopped_with_proposal"].dossier, by=handler.officer, reason="Người nộp rút")
    case_in(State.SUBMITTED)  # another agency's dossier
    pks = {key: case.dossier.pk for key, case in d.items()}
    return desk, handler, pks


def _expected(pks, mapping):
    return {view: {pks[key] for key in keys} for view, keys in mapping.items()}


def test_the_receiving_desks_queue_tab_by_tab(queue):
    desk, _handler, pks = queue
    expected = _expected(
        pks,
        {
            QueueView.NEW: ["new"],
            QueueView.MINE: ["received"],
            QueueView.DUE_SOON: ["due_today"],
            QueueView.OVERDUE: ["late"],
            QueueView.SUPPLEMENT: ["supplement", "proposed"],
            QueueView.IN_PROGRESS: ["received", "due_today", "late", "assigned", "proposed", "approved"],
            QueueView.ALL: [
                "new",
                "supplement",
                "received",
                "due_today",
                "late",
                "assigned",
                "proposed",
                "stopped_with_proposal",
                "approved",
                "returned",
            ],
        },
    )
    counts = selectors.queue_counts(desk.clerk, desk.agency)
    for view in QueueView.CHOICES:
        listed = list(selectors.agency_queue(desk.clerk, desk.agency, view).values_list("pk", flat=True))
        assert len(listed) == len(set(listed)), view  # no duplicates from the supplement-request join
        assert set(listed) == expected[view], view
        assert counts.get(view, len(listed)) == len(listed), view
    assert QueueView.ALL not in counts  # the whole history is listed, never counted


def test_the_handling_agencys_queue_tab_by_tab(queue):
    _desk, handler, pks = queue
    expected = _expected(
        pks,
        {
            QueueView.NEW: [],
            QueueView.MINE: ["assigned"],
            QueueView.DUE_SOON: [],
            QueueView.OVERDUE: [],
            QueueView.SUPPLEMENT: ["proposed"],
            QueueView.IN_PROGRESS: ["assigned", "proposed", "approved"],
            QueueView.ALL: ["assigned", "proposed", "stopped_with_proposal", "approved", "returned"],
        },
    )
    counts = selectors.queue_counts(handler.officer, handler.agency)
    for view in QueueView.CHOICES:
        listed = set(
            selectors.agency_queue(handler.officer, handler.agency, view).values_list("pk", flat=True)
        )
        assert listed == expected[view], view
        assert counts.get(view, len(listed)) == len(listed), view
    assert QueueView.ALL not in counts  # the whole history is listed, never counted


def test_a_queue_of_someone_elses_agency_is_empty(queue):
    desk, _handler, _pks = queue
    outsider = staff_member(AgencyFactory())
    assert set(selectors.queue_counts(outsider, desk.agency).values()) == {0}
    assert not selectors.agency_queue(outsider, desk.agency, QueueView.ALL).exists()


def test_the_queue_and_its_counts_take_a_fixed_number_of_queries(queue, django_assert_max_num_queries):
    desk, _handler, _pks = queue
    with django_assert_max_num_queries(3):  # the clerk's agencies, the calendar exceptions, the aggregate
        selectors.queue_counts(desk.clerk, desk.agency)
    with django_assert_max_num_queries(1):  # agencies and calendar known: the list with its relations
        rows = list(selectors.agency_queue(desk.clerk, desk.agency, QueueView.ALL))
        touched = [
            (row.procedure_version.procedure, row.assignee, row.receiving_agency, row.handling_agency)
            for row in rows
        ]
    assert len(touched) == 10
