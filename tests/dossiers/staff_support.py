"""Helpers of the back-office tests (test_staff_*.py, test_slips.py, test_register.py): the people of two
agencies, dossiers walked to a state through the services, a signed-in staff client, a frozen clock."""

from dataclasses import dataclass

from django.urls import reverse

from accounts.middleware import SESSION_MFA_OK
from dossiers import services
from dossiers.models import Dossier, FeeSettlement, State
from procedures.models import Agency
from tests.dossiers.factories_core import VN, Clock, Office, vn  # noqa: F401 (re-exported)
from tests.factories import (
    PURPOSE,
    AgencyFactory,
    CitizenProfileFactory,
    ProcedureFeeFactory,
    ProcedureVersionFactory,
    pdf_upload,
    staff_member,
)


def office(agency: Agency | None = None, **agency_fields) -> Office:
    agency = agency or AgencyFactory(**agency_fields)
    return Office(
        agency=agency,
        clerk=staff_member(agency, full_name=f"Cán bộ một cửa {agency.pk}"),
        officer=staff_member(agency, role="officer", full_name=f"Chuyên viên {agency.pk}"),
        supervisor=staff_member(
            agency, role="officer", is_supervisor=True, full_name=f"Trưởng phòng {agency.pk}"
        ),
    )


@dataclass
class World:
    """A one-stop shop (`desk`) that receives, and a department (`handler`) that decides."""

    desk: Office
    handler: Office

    def version(self, **kwargs):
        kwargs.setdefault("agencies", [self.desk.agency, self.handler.agency])
        version = ProcedureVersionFactory(published=True, **kwargs)
        ProcedureFeeFactory(version=version, amount=50_000)
        return version


def world() -> World:
    return World(
        desk=office(name="UBND phường Hoa Lư"),
        handler=office(name="Sở Tư pháp tỉnh Ninh Bình"),
    )


def file_online(w: World, version=None, applicant=None, name="Nguyễn Thị Lan", paid=True) -> Dossier:
    """Filed online; the World's procedures charge a fee due at filing, which `paid` settles (as the
    payments app would once the gateway confirmed) so the one-stop shop can receive the dossier."""
    version = version or w.version()
    applicant = applicant or CitizenProfileFactory(full_name=name, user__full_name=name).user
    dossier = services.start_draft(
        version=version, applicant=applicant, receiving_agency=w.desk.agency, form_data=PURPOSE
    )
    dossier = services.update_draft(
        dossier=dossier,
        by=applicant,
        applicant_address="Số 12 phố Lê Lợi, phường Hoa Lư, tỉnh Ninh Bình",
        form_data={"purpose": "Cấp bản sao trích lục khai sinh, 02 bản"},
    )
    for required in version.documents.all():
        services.attach_upload(
            dossier=dossier, required_document=required, uploaded=pdf_upload(), by=applicant
        )
    dossier = services.submit(dossier=dossier, by=applicant)
    if paid and dossier.fee_total:
        services.settle_fees(
            dossier=dossier,
            settlement=FeeSettlement.PAID_ONLINE,
            reference=f"TEST{dossier.pk:08d}",
            amount=dossier.fee_total,
            by=applicant,
        )
        dossier = reload(dossier)
    return dossier


def reload(dossier: Dossier) -> Dossier:
    return Dossier.objects.get(pk=dossier.pk)


def dossier_in(w: World, state: str, **kwargs) -> Dossier:
    """A dossier walked to `state` through the services (intake supplement for SUPPLEMENT_REQUESTED)."""
    dossier = file_online(w, **kwargs)
    desk, handler = w.desk, w.handler
    if state == State.SUBMITTED:
        return dossier
    if state == State.SUPPLEMENT_REQUESTED:
        services.request_supplement(
            dossier=dossier,
            by=desk.clerk,
            items=list(dossier.procedure_version.documents.all()[:1]),
            details="Bản sao chưa chứng thực",
            reason="Giấy tờ chưa hợp lệ",
            contact="Chị Hoa, 0229 3871 234",
        )
        return reload(dossier)
    if state == State.REFUSED:
        return services.refuse(dossier=dossier, clerk=desk.clerk, reason="Không thuộc thẩm quyền")
    dossier = services.receive(dossier=dossier, clerk=desk.clerk)
    if state == State.RECEIVED:
        return dossier
    dossier = services.transfer(
        dossier=dossier,
        by=desk.clerk,
        to_agency=handler.agency,
        assignee=handler.officer,
        note="Chuyển xử lý",
    )
    if state == State.IN_PROGRESS:
        return dossier
    if state == State.DENIED:
        return services.deny(dossier=dossier, officer=handler.officer, reason="Không đủ điều kiện")
    if state == State.STOPPED:
        return services.stop(dossier=dossier, by=handler.officer, reason="Người nộp đề nghị dừng")
    dossier = services.approve(
        dossier=dossier, officer=handler.officer, result_file=pdf_upload("ket-qua.pdf")
    )
    if state == State.APPROVED:
        return dossier
    dossier = services.mark_result_ready(dossier=dossier, by=handler.officer)
    if state == State.RESULT_READY:
        return dossier
    return services.mark_returned(dossier=dossier, by=desk.clerk)


def sign_in(client, user, language="en"):
    """A staff member past the two-factor step, reading the English UI."""
    client.force_login(user)
    session = client.session
    session[SESSION_MFA_OK] = True
    session.save()
    client.cookies["portal_language"] = language
    return client


def act(client, dossier, action, **data):
    """Post one of the staff actions on the dossier page, as of the version the page showed."""
    data.setdefault("expected_version", dossier.lock_version)
    return client.post(reverse("staff:act", args=[dossier.pk, action]), data)


def page(client, dossier) -> str:
    """The staff dossier page's HTML (it must answer 200)."""
    response = client.get(reverse("staff:detail", args=[dossier.pk]))
    assert response.status_code == 200
    return response.content.decode()
