"""Vietnamese is the default language: the dossier pages, their labels and the slips' names read in
Vietnamese, with the domain's words (Bộ phận Một cửa, tiếp nhận, bổ sung, trả kết quả…)."""

import pytest
from django.urls import reverse
from django.utils import translation

from dossiers import slips
from dossiers.models import (
    Channel,
    DossierDocument,
    ReturnChannel,
    State,
    SupplementRequest,
    Timeliness,
)
from dossiers.views import citizen, staff
from procedures.models import VersionStatus
from tests.dossiers.staff_support import dossier_in, sign_in, world

pytestmark = pytest.mark.django_db

LABELS = {
    "states": dict(State.choices),
    "channels": dict(Channel.choices),
    "return channels": dict(ReturnChannel.choices),
    "document kinds": dict(DossierDocument.Kind.choices),
    "supplement stages": dict(SupplementRequest.Stage.choices),
    "supplement statuses": dict(SupplementRequest.Status.choices),
    "timeliness": dict(Timeliness.choices),
    "staff actions": staff.ACTION_LABELS,
    "timeline steps": staff.EVENT_LABELS,
    "slips": slips.SLIP_LABELS,
    "queue tabs": dict(staff.QUEUE_TABS),
    "queue sorts": dict(staff.QUEUE_SORTS),
    "wizard steps": dict(citizen.STEPS),
    "return channels (staff)": staff.RETURN_CHANNEL_LABELS,
}


@pytest.mark.parametrize("group", LABELS)
def test_every_label_of_a_dossier_has_a_vietnamese_translation(group):
    labels = LABELS[group]
    with translation.override("en"):
        english = {key: str(label) for key, label in labels.items()}
    with translation.override("vi"):
        vietnamese = {key: str(label) for key, label in labels.items()}
    untranslated = {key: text for key, text in vietnamese.items() if text == english[key]}
    assert not untranslated


def test_a_dossier_draft_is_not_a_catalogue_draft():
    with translation.override("vi"):
        assert str(State.DRAFT.label) == "Chưa nộp"
        assert str(VersionStatus.DRAFT.label) == "Dự thảo"  # a draft catalogue entry keeps its word


def test_the_citizen_reads_a_returned_dossier_in_vietnamese(client):
    dossier = dossier_in(world(), State.RETURNED)
    client.force_login(dossier.applicant)  # no language chosen: the default
    page = client.get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()
    assert "Trạng thái: Đã trả kết quả" in page
    assert "Kết quả đã được trả." in page  # the timeline
    assert "Quá trình giải quyết" in page and "Giấy tờ đã gửi" in page
    for english in ["What happened so far", "Documents you sent", "Result returned", "Download"]:
        assert english not in page, english


def test_a_slip_link_names_its_legal_title_once(client):
    dossier = dossier_in(world(), State.RECEIVED)
    client.force_login(dossier.applicant)
    page = client.get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()
    assert "Giấy tiếp nhận hồ sơ và hẹn trả kết quả</a>" in page
    assert "(Mẫu số 01)" in page
    assert "Mẫu số 01 — Giấy tiếp nhận" not in page

    client.cookies["portal_language"] = "en"  # in English the plain label, then the legal title
    page = client.get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()
    assert "Receipt and appointment slip</a>" in page
    assert "(Mẫu số 01 — Giấy tiếp nhận hồ sơ và hẹn trả kết quả)" in page


def test_the_queue_sorts_by_dossier_code_not_procedure_code(client):
    w = world()
    dossier_in(w, State.SUBMITTED)
    sign_in(client, w.desk.clerk, language="vi")
    page = client.get(reverse("staff:queue", args=[w.desk.agency.code])).content.decode()
    assert 'order=code">Mã hồ sơ</a>' in page
    assert "Mã thủ tục" not in page


def test_staff_read_an_electronic_return_as_into_the_applicants_account(client):
    w = world()
    dossier = dossier_in(w, State.SUBMITTED)
    assert dossier.return_channel == ReturnChannel.ELECTRONIC
    sign_in(client, w.desk.clerk, language="en")
    page = client.get(reverse("staff:detail", args=[dossier.pk])).content.decode()
    assert "Electronically, into the applicant&#x27;s account" in page
    assert "into my account" not in page
    sign_in(client, w.desk.clerk, language="vi")
    page = client.get(reverse("staff:detail", args=[dossier.pk])).content.decode()
    assert "Trực tuyến, vào tài khoản của người nộp" in page
    assert "Giấy tờ đã nộp" in page  # the heading of the filed documents, not a date's label
