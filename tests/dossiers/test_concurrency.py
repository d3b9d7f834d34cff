"""Two people act on one dossier at once: the second one, working from a stale page, is told the dossier
changed and nothing of their action is applied; on PostgreSQL the row lock decides who wins."""

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError, connection, transaction

from dossiers import services, working_days
from dossiers.models import Dossier, DossierDocument, State, StoredFile, SupplementRequest
from tests.dossiers.factories_core import case_in, office, run_in_threads, snapshot
from tests.factories import ProcedureVersionFactory, pdf_upload, staff_member


# --- stale pages ----------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_second_clerk_on_a_stale_page_gets_dossier_changed_and_nothing_is_applied():
    case = case_in(State.SUBMITTED)
    first_clerk, second_clerk = case.desk.clerk, staff_member(case.desk.agency)
    seen_by_both = case.dossier.lock_version  # both pages were loaded at this version

    services.receive(dossier=case.dossier, clerk=first_clerk, expected_version=seen_by_both)
    before = snapshot(case.dossier)
    with pytest.raises(services.DossierChanged) as caught:
        services.refuse(
            dossier=case.dossier,
            clerk=second_clerk,
            reason="Không đủ điều kiện",
            expected_version=seen_by_both,
        )

    assert snapshot(case.dossier) == before
    dossier = case.reload()
    assert dossier.state == State.RECEIVED and dossier.closed_reason == ""
    assert list(dossier.events.values_list("action", flat=True)) == ["submit", "receive"]
    assert "changed by someone else" in str(caught.value)


def _stale_actions(case):
    """Each action of the staff with the version their page was loaded at, after someone else acted."""
    item = case.dossier.procedure_version.documents.first()
    handler = case.handler
    return {
        "request_supplement": lambda v: services.request_supplement(
            dossier=case.dossier,
            by=handler.supervisor,
            items=[item],
            details="",
            reason="Thiếu",
            expected_version=v,
        ),
        "transfer": lambda v: services.transfer(
            dossier=case.dossier, by=handler.officer, to_agency=case.desk.agency, expected_version=v
        ),
        "assign": lambda v: services.assign(
            dossier=case.dossier, by=handler.officer, assignee=handler.supervisor, expected_version=v
        ),
        "approve": lambda v: services.approve(
            dossier=case.dossier,
            officer=handler.officer,
            result_file=pdf_upload("ket-qua.pdf"),
            expected_version=v,
        ),
        "deny": lambda v: services.deny(
            dossier=case.dossier, officer=handler.officer, reason="Không đủ", expected_version=v
        ),
        "stop": lambda v: services.stop(
            dossier=case.dossier, by=handler.officer, reason="Dừng", expected_version=v
        ),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["request_supplement", "transfer", "assign", "approve", "deny", "stop"])
def test_every_staff_action_on_a_stale_page_is_refused_whole(action):
    case = case_in(State.IN_PROGRESS)
    stale = case.dossier.lock_version
    # Someone else acts first: the handling officer assigns the dossier to themselves.
    services.assign(dossier=case.dossier, by=case.handler.supervisor, assignee=case.handler.officer)
    before = snapshot(case.dossier)
    files_before = StoredFile.objects.count()

    with pytest.raises(services.DossierChanged):
        _stale_actions(case)[action](stale)

    assert snapshot(case.dossier) == before
    assert StoredFile.objects.count() == files_before  # approve did not store the result file
    assert not case.dossier.documents.filter(kind=DossierDocument.Kind.RESULT).exists()
    assert not SupplementRequest.objects.filter(dossier=case.dossier).exists()


@pytest.mark.django_db
def test_a_supervisor_approving_a_proposal_on_a_stale_page_is_refused_whole():
    case = case_in(State.IN_PROGRESS)
    item = case.dossier.procedure_version.documents.first()
    request = services.request_supplement(
        dossier=case.dossier, by=case.handler.officer, items=[item], details="", reason="Cần bản gốc"
    )
    stale = case.reload().lock_version
    services.assign(dossier=case.dossier, by=case.handler.officer, assignee=case.handler.officer)
    before = snapshot(case.dossier)

    with pytest.raises(services.DossierChanged):
        services.approve_supplement_request(
            request=request, supervisor=case.handler.supervisor, expected_version=stale
        )

    assert snapshot(case.dossier) == before
    request.refresh_from_db()
    assert request.status == SupplementRequest.Status.PROPOSED and request.approved_by is None


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["approve", "deny", "stop", "apology", "result_ready", "approve_proposal"])
def test_a_stale_copy_does_not_let_the_previous_agency_act_after_the_hand_off(action):
    """Who may act is decided on the locked row, not on the copy the caller loaded before a transfer."""
    case = case_in(State.IN_PROGRESS)  # handled by agency B
    b = case.handler
    item = case.dossier.procedure_version.documents.first()
    proposal = services.request_supplement(
        dossier=case.dossier, by=b.officer, items=[item], details="", reason="Cần bản gốc"
    )
    stale = Dossier.objects.get(pk=case.dossier.pk)  # B's officer opened the page
    c = office()
    services.transfer(dossier=case.dossier, by=b.clerk, to_agency=c.agency)  # B hands it on to C
    if action == "result_ready":
        services.approve(dossier=case.dossier, officer=c.officer, result_file=pdf_upload("ket-qua.pdf"))
    calls = {
        "approve": lambda: services.approve(dossier=stale, officer=b.officer, result_file=pdf_upload()),
        "deny": lambda: services.deny(dossier=stale, officer=b.officer, reason="Không đủ"),
        "stop": lambda: services.stop(dossier=stale, by=b.officer, reason="Dừng"),
        "apology": lambda: services.issue_apology(
            dossier=stale,
            by=b.officer,
            new_due_date=working_days.add_working_days(stale.due_date, 2),
            reason="Chậm",
            signed_by="Giám đốc",
        ),
        "result_ready": lambda: services.mark_result_ready(dossier=stale, by=b.officer),
        "approve_proposal": lambda: services.approve_supplement_request(
            request=proposal, supervisor=b.supervisor
        ),
    }
    before = snapshot(case.dossier)

    with pytest.raises(PermissionDenied):
        calls[action]()

    assert snapshot(case.dossier) == before


@pytest.mark.django_db
def test_the_current_version_goes_through():
    case = case_in(State.SUBMITTED)
    dossier = services.receive(dossier=case.dossier, clerk=case.desk.clerk, expected_version=1)
    assert dossier.state == State.RECEIVED and dossier.lock_version == 2


# --- at the same moment (PostgreSQL) --------------------------------------------------------------------
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize(
    ("with_version", "loser_error"),
    [(True, services.DossierChanged), (False, ValidationError)],
    ids=["from-the-same-page", "without-a-version"],
)
def test_two_clerks_receiving_at_the_same_moment_one_wins(with_version, loser_error):
    case = case_in(State.SUBMITTED)
    clerks = [case.desk.clerk, staff_member(case.desk.agency)]
    version = case.dossier.lock_version if with_version else None

    def receive(index):
        dossier = Dossier.objects.get(pk=case.dossier.pk)
        return services.receive(dossier=dossier, clerk=clerks[index], expected_version=version)

    results, errors = run_in_threads(2, receive)

    assert len(results) == 1 and len(errors) == 1, errors
    assert isinstance(errors[0], loser_error), repr(errors[0])
    dossier = case.reload()
    assert dossier.state == State.RECEIVED and dossier.lock_version == 2
    assert dossier.events.filter(action="receive").count() == 1
    assert dossier.events.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_acting_on_one_dossier_does_not_hold_up_other_dossiers_of_the_same_procedure():
    """The row lock is the dossier's own: locking its procedure version too would queue every dossier of a
    popular procedure behind one another (and block the catalogue from publishing a new version)."""
    version = ProcedureVersionFactory(published=True)
    busy, other = case_in(State.SUBMITTED, version=version), case_in(State.SUBMITTED, version=version)
    locked, release = threading.Event(), threading.Event()
    outcome = {}

    def hold_busy_dossier():
        try:
            with transaction.atomic():
                services.lock(busy.dossier)
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_busy_dossier)
    holder.start()
    try:
        assert locked.wait(timeout=30)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '3s'")
        try:
            outcome["dossier"] = services.receive(dossier=other.dossier, clerk=other.desk.clerk)
        except OperationalError as exc:  # lock timeout: held up by the other dossier's transaction
            outcome["error"] = exc
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET lock_timeout")
    finally:
        release.set()
        holder.join(timeout=30)

    assert "error" not in outcome, outcome.get("error")
    assert outcome["dossier"].state == State.RECEIVED
