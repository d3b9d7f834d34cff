"""Dossiers walked to a given state through the services, the people who act on them, a frozen clock and
a snapshot to prove a refused action changed nothing."""

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accounts.models import User
from dossiers import services
from dossiers.models import Dossier, DossierDocument, State, SupplementRequest
from procedures.models import Agency
from tests.factories import (
    PURPOSE,
    AgencyFactory,
    CitizenProfileFactory,
    ProcedureVersionFactory,
    filed_dossier,
    pdf_upload,
    staff_member,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def vn(year, month, day, hour=9, minute=0) -> datetime.datetime:
    """An aware moment on the wall clock of Hà Nội."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=VN)


class Clock:
    """Freezes `django.utils.timezone.now` (the services read it through timezone.now/localdate)."""

    def __init__(self, monkeypatch, moment: datetime.datetime):
        self.moment = moment
        monkeypatch.setattr(timezone, "now", lambda: self.moment)

    def set(self, moment: datetime.datetime) -> None:
        self.moment = moment


@dataclass
class Office:
    """The people of one agency: a one-stop-shop clerk, an officer and a supervising officer."""

    agency: Agency
    clerk: User
    officer: User
    supervisor: User


def office(agency: Agency | None = None) -> Office:
    agency = agency or AgencyFactory()
    return Office(
        agency=agency,
        clerk=staff_member(agency),
        officer=staff_member(agency, role="officer"),
        supervisor=staff_member(agency, role="officer", is_supervisor=True),
    )


@dataclass
class Case:
    """A dossier and everyone around it: `desk` is the receiving agency, `handler` the agency it was
    transferred to (a different one, so permission mistakes between the two show)."""

    dossier: Dossier
    applicant: User
    desk: Office
    handler: Office
    extra: dict = field(default_factory=dict)

    def reload(self) -> Dossier:
        self.dossier = Dossier.objects.get(pk=self.dossier.pk)
        return self.dossier


def _request_at_intake(case: Case, items=None) -> SupplementRequest:
    items = list(case.dossier.procedure_version.documents.all()[:1]) if items is None else items
    return services.request_supplement(
        dossier=case.dossier, by=case.desk.clerk, items=items, details="", reason="Bản chụp bị mờ"
    )


def case_in(
    state: str,
    *,
    version=None,
    processing_supplement: bool = False,
    desk: Office | None = None,
    handler: Office | None = None,
) -> Case:
    """A dossier brought to `state` through the services only. SUPPLEMENT_REQUESTED is asked at intake
    unless processing_supplement=True (asked by the handling agency's supervisor). Pass `desk` (with the
    version's agency) and `handler` to put several dossiers in the same agencies."""
    applicant = CitizenProfileFactory().user
    if state == State.DRAFT:
        version = version or ProcedureVersionFactory(published=True)
        dossier = services.start_draft(version=version, applicant=applicant, form_data=PURPOSE)
    else:
        dossier = filed_dossier(version=version, applicant=applicant)
    desk = desk or office(dossier.receiving_agency)
    assert desk.agency == dossier.receiving_agency
    case = Case(dossier=dossier, applicant=applicant, desk=desk, handler=handler or office())
    if state in {State.DRAFT, State.SUBMITTED}:
        return case
    if state == State.SUPPLEMENT_REQUESTED and not processing_supplement:
        case.extra["request"] = _request_at_intake(case)
        case.reload()
        return case
    if state == State.REFUSED:
        case.dossier = services.refuse(
            dossier=dossier, clerk=case.desk.clerk, reason="Không thuộc thẩm quyền"
        )
        return case
    if state == State.WITHDRAWN:
        case.dossier = services.withdraw(dossier=dossier, by=applicant, reason="Không cần nữa")
        return case
    if dossier.needs_originals_check:
        dossier = services.check_originals(dossier=dossier, clerk=case.desk.clerk)
    case.dossier = services.receive(dossier=dossier, clerk=case.desk.clerk)
    if state == State.RECEIVED:
        return case
    case.dossier = services.transfer(dossier=case.dossier, by=case.desk.clerk, to_agency=case.handler.agency)
    if state == State.IN_PROGRESS:
        return case
    if state == State.SUPPLEMENT_REQUESTED:
        case.extra["request"] = services.request_supplement(
            dossier=case.dossier,
            by=case.handler.supervisor,
            items=list(case.dossier.procedure_version.documents.all()[:1]),
            details="",
            reason="Cần bản gốc có chứng thực",
        )
        case.reload()
        return case
    if state == State.DENIED:
        case.dossier = services.deny(
            dossier=case.dossier, officer=case.handler.officer, reason="Không đủ điều kiện"
        )
        return case
    if state == State.STOPPED:
        case.dossier = services.stop(
            dossier=case.dossier, by=case.handler.officer, reason="Người nộp đề nghị"
        )
        return case
    case.dossier = services.approve(
        dossier=case.dossier, officer=case.handler.officer, result_file=pdf_upload("ket-qua.pdf")
    )
    if state == State.APPROVED:
        return case
    case.dossier = services.mark_result_ready(dossier=case.dossier, by=case.handler.officer)
    if state == State.RESULT_READY:
        return case
    case.dossier = services.mark_returned(dossier=case.dossier, by=case.desk.clerk)
    assert state == State.RETURNED, state
    return case


def attach_supplement(case: Case, required_document) -> DossierDocument:
    return services.attach_upload(
        dossier=case.dossier,
        required_document=required_document,
        uploaded=pdf_upload("bo-sung.pdf"),
        by=case.applicant,
        kind=DossierDocument.Kind.SUPPLEMENT,
    )


def snapshot(dossier: Dossier) -> dict:
    """Everything a refused action must leave as it was, read fresh from the database."""
    fresh = Dossier.objects.get(pk=dossier.pk)
    return {
        "state": fresh.state,
        "lock_version": fresh.lock_version,
        "events": fresh.events.count(),
        "handling_agency": fresh.handling_agency_id,
        "assignee": fresh.assignee_id,
        "due_date": fresh.due_date,
        "intake_deadline": fresh.intake_deadline,
        "code": fresh.code,
        "closed_reason": fresh.closed_reason,
        "documents": sorted(fresh.documents.values_list("pk", flat=True)),
        "supplement_requests": sorted(fresh.supplement_requests.values_list("pk", "status")),
        "apologies": fresh.apologies.count(),
        "originals_checked_at": fresh.originals_checked_at,
    }


def run_in_threads(count: int, work) -> tuple[list, list[BaseException]]:
    """Call work(i) in `count` threads released together; each thread has its own database connection
    and gives it back at the end. Returns (results, errors)."""
    import threading

    from django.db import connection

    barrier = threading.Barrier(count)
    results, errors = [], []

    def target(index):
        try:
            barrier.wait(timeout=30)
            results.append(work(index))
        except BaseException as exc:  # reported to the test, which fails on it
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    return results, errors


def draft_ready_to_submit(version, applicant) -> Dossier:
    """A draft with every required document attached, not yet submitted."""
    dossier = services.start_draft(version=version, applicant=applicant, form_data=PURPOSE)
    for required in version.documents.all():
        services.attach_upload(
            dossier=dossier, required_document=required, uploaded=pdf_upload(), by=applicant
        )
    return dossier


def assert_refused(exception, call, dossier: Dossier, match: str | None = None):
    """Run an action that must be refused; prove the dossier is exactly as it was (state, lock_version,
    events, documents, requests…) and, for a ValidationError, that the message says `match`."""
    before = snapshot(dossier)
    with pytest.raises(exception) as caught:
        call()
    assert snapshot(dossier) == before
    if match is not None:
        assert match in " ".join(caught.value.messages)
    return caught.value
