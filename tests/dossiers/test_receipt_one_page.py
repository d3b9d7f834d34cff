"""The receipt and appointment slip (Mẫu 01) prints on one A4 sheet for a typical dossier with several
documents: the signature block is not pushed alone onto a second page."""

import io

import pikepdf
import pytest

from dossiers import slips
from dossiers.models import State
from procedures.models import RequiredDocument
from tests.dossiers.staff_support import dossier_in, world
from tests.factories import RequiredDocumentFactory

pytestmark = pytest.mark.django_db

# Six papers with names as long as the catalogue's (the demo's longest procedures ask for six).
DOCUMENTS = [
    "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp theo mẫu số 03/2013/TT-LLTP",
    "Thẻ Căn cước hoặc Căn cước công dân của người yêu cầu cấp Phiếu lý lịch tư pháp",
    "Văn bản ủy quyền có chứng thực (khi ủy quyền cho người khác làm thủ tục yêu cầu cấp Phiếu số 1)",
    "Giấy tờ chứng minh nơi cư trú: xác nhận thông tin về cư trú hoặc giấy xác nhận cư trú",
    "Giấy khai sinh hoặc trích lục khai sinh của người được yêu cầu cấp Phiếu lý lịch tư pháp",
    "Văn bản đề nghị của cơ quan, tổ chức có thẩm quyền (khi phiếu dùng để làm thủ tục nhận con nuôi)",
]


def pages(pdf: bytes) -> int:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return len(document.pages)


def received_with(documents: list[str]):
    w = world()
    version = w.version()
    version.documents.all().delete()
    for position, name in enumerate(documents):
        RequiredDocumentFactory(
            version=version,
            position=position,
            name=name,
            copy_kind=RequiredDocument.CopyKind.ORIGINAL_OR_COPY,
        )
    return dossier_in(w, State.RECEIVED, version=version)


@pytest.mark.parametrize("count", [1, 3, 6])
def test_the_receipt_slip_is_one_a4_page_with_its_signatures(count):
    dossier = received_with(DOCUMENTS[:count])
    context = slips.slip_context(dossier, "receipt")
    assert len(context["documents"]) == count
    pdf = slips.render_pdf(context)
    assert pages(pdf) == 1
    with pikepdf.open(io.BytesIO(pdf)) as document:
        width, height = (float(v) for v in document.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (595, 842)  # A4 in points
