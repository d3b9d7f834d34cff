import pytest

from dossiers import services as dossier_services
from feedback import services
from feedback.models import PhoneConfirmation
from tests.dossiers.factories_extra import approved, citizen
from tests.factories import AgencyFactory, pdf_upload, staff_member  # noqa: F401


def returned_dossier(dossier=None):
    """A dossier filed online, received, approved, its result ready and handed over at the desk."""
    dossier = approved(dossier)
    officer = staff_member(dossier.handling_agency or dossier.receiving_agency, role="officer")
    dossier = dossier_services.mark_result_ready(dossier=dossier, by=officer)
    clerk = staff_member(dossier.receiving_agency)
    return dossier_services.mark_returned(dossier=dossier, by=clerk)


def confirmed_phone(phone="0912345678") -> PhoneConfirmation:
    """A phone confirmed through the real code flow (the code read back from the SMS outbox row)."""
    from notifications.models import Notification

    services.send_phone_code(phone=phone)
    sms = Notification.objects.filter(event="feedback_code", address=phone).latest("pk")
    code = "".join(ch for ch in sms.body if ch.isdigit())[:6]
    return services.confirm_phone_code(phone=phone, code=code)


@pytest.fixture
def agency_x():
    return AgencyFactory(name="Sở Tư pháp")


@pytest.fixture
def agency_y():
    return AgencyFactory(name="Sở Xây dựng")


@pytest.fixture
def officer_x(agency_x):
    return staff_member(agency_x, role="officer", full_name="Cán bộ X")


@pytest.fixture
def sender():
    return citizen(user__full_name="Nguyễn Thị Lan", full_name="Nguyễn Thị Lan")


def send(sender, agency, **overrides):
    values = {
        "subject": services.Subject(agency=agency),
        "title": "Thủ tục chậm",
        "content": "Tôi nộp hồ sơ đã lâu mà chưa có kết quả.",
        "consent_to_publish": True,
        "sender": sender,
    }
    values.update(overrides)
    return services.send_feedback(**values)
