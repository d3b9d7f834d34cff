"""Demo dossiers for `manage.py load_demo`: at least one in every state of the lifecycle, filed by the two
demo citizens (and one brought to the desk by a person without an account), so the citizen pages and the
clerk's and the officer's queues have something to show.

Every step goes through `dossiers.services`, exactly as the portal's pages call them; no state or date is
written directly. To give the dossiers a believable history (filed last week, received the next morning,
overdue since Monday) each step runs on a demo clock: while it runs, `clock.now()` reads a moment
some working days ago, so due dates, intake deadlines and the control slip's early/on time/late all come out
of the services' own rules. Steps marked `TODAY` run on the real clock.

Where the receiving agency is concerned: no demo procedure lists the provincial Service Centre, so every
dossier is received by UBND phường Hoa Lư (where the demo clerk works). Decisions are taken by Sở Tư pháp
(where the demo officer is the supervisor), so the dossiers that reach a decision are Justice procedures
(civil status, attestation) transferred there.
"""

import datetime
import unicodedata
from contextlib import nullcontext
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from common import clock
from dossiers import services, working_days
from dossiers.models import Channel, Dossier, DossierDocument, ReturnChannel
from procedures.models import Agency, ProcedureVersion

from . import catalogue

CITIZEN_EMAIL = "citizen@demo.vn"
CITIZEN2_EMAIL = "citizen2@demo.vn"
CLERK_EMAIL = "clerk@demo.vn"
OFFICER_EMAIL = "officer@demo.vn"

TODAY = 0  # working days ago: run the step on the real clock
HEAD_OF_JUSTICE = "Đinh Văn Hưng, Giám đốc Sở Tư pháp"

# The person who comes to the desk without an account (illustrative data).
WALK_IN = {
    "applicant_name": "Hoàng Văn Bình",
    "applicant_id_number": "037072009184",
    "applicant_phone": "0386452917",
    "applicant_address": "Thôn Đông, phường Hoa Lư, tỉnh Ninh Bình",
}


# --- small valid PDFs -------------------------------------------------------------------------------------
def _ascii(text: str) -> str:
    """The page uses a standard PDF font, which has no Vietnamese letters: show the text unaccented."""
    text = text.replace("Đ", "D").replace("đ", "d")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _pdf_string(text: str) -> str:
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def pdf_bytes(title: str, lines: tuple[str, ...] = ()) -> bytes:
    """A one-page PDF that any viewer opens: the title (in Vietnamese, UTF-16) in the document properties,
    the title and `lines` unaccented on the page."""
    text = ["BT /F1 15 Tf 56 780 Td", f"{_pdf_string(_ascii(title)[:80])} Tj", "/F1 10 Tf"]
    for line in (*lines, "Du lieu demo - khong co gia tri phap ly."):
        text += ["0 -22 Td", f"{_pdf_string(_ascii(line)[:100])} Tj"]
    stream = "\n".join([*text, "ET"]).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Title <FEFF" + title.encode("utf-16-be").hex().upper().encode() + b"> /Producer (load_demo) >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def pdf_upload(title: str, *lines: str) -> SimpleUploadedFile:
    name = (slugify(_ascii(title))[:60] or "giay-to") + ".pdf"
    return SimpleUploadedFile(name, pdf_bytes(title, lines), content_type="application/pdf")


# --- the demo clock -------------------------------------------------------------------------------------
class Calendar:
    """Moments counted in working days back from today, on the agencies' working calendar."""

    def __init__(self):
        self.today = clock.localdate()
        self.days = [self.today]
        calendar = working_days.WorkingCalendar(self.today - datetime.timedelta(days=90), self.today)
        day = self.today
        while len(self.days) < 40:
            day -= datetime.timedelta(days=1)
            if calendar.is_working_day(day):
                self.days.append(day)

    def at(self, days_ago: int, hhmm: str = "", minutes_later: int = 0):
        """The clock at `hhmm` local time, `days_ago` working days back (TODAY: the real clock)."""
        if days_ago == TODAY:
            return nullcontext()
        moment = datetime.datetime.combine(
            self.days[days_ago], datetime.time.fromisoformat(hhmm), tzinfo=timezone.get_current_timezone()
        )
        return clock.running_at(moment + datetime.timedelta(minutes=minutes_later))


# --- the steps ------------------------------------------------------------------------------------------
@dataclass
class Demo:
    citizen: User
    citizen2: User
    clerk: User
    officer: User
    hoa_lu: Agency
    justice: Agency
    calendar: Calendar

    def version(self, code: str) -> ProcedureVersion:
        return ProcedureVersion.objects.published().get(procedure__national_code=code)

    def reload(self, dossier: Dossier) -> Dossier:
        return Dossier.objects.select_related("procedure_version").get(pk=dossier.pk)

    def draft(self, applicant: User, code: str, day: int, hhmm: str, **changes) -> Dossier:
        """Start a draft at UBND phường Hoa Lư and attach every required document."""
        with self.calendar.at(day, hhmm):
            version = self.version(code)
            dossier = services.start_draft(
                version=version,
                applicant=applicant,
                receiving_agency=self.hoa_lu,
                form_data={"purpose": f"Đề nghị giải quyết thủ tục: {version.name}"},
            )
            if changes:
                dossier = services.update_draft(dossier=dossier, by=applicant, **changes)
            for required in dossier.procedure_version.documents.filter(is_required=True):
                services.attach_upload(
                    dossier=dossier,
                    required_document=required,
                    uploaded=pdf_upload(required.name, dossier.applicant_name),
                    by=applicant,
                )
        return dossier

    def file(self, applicant: User, code: str, day: int, hhmm: str, **changes) -> Dossier:
        dossier = self.draft(applicant, code, day, hhmm, **changes)
        with self.calendar.at(day, hhmm, minutes_later=12):
            return services.submit(dossier=dossier, by=applicant)

    def receive(self, dossier: Dossier, day: int, hhmm: str) -> Dossier:
        """The clerk receives it; partial-service procedures first have their originals checked. Fees due
        at filing were paid before (online by the applicant, at the desk for a walk-in)."""
        from .payments import pay_before_receipt

        with self.calendar.at(day, hhmm, minutes_later=-40):
            dossier = pay_before_receipt(self, dossier)
        with self.calendar.at(day, hhmm):
            if dossier.needs_originals_check:
                dossier = services.check_originals(
                    dossier=dossier, clerk=self.clerk, note="Đã đối chiếu bản chính, người nộp có mặt."
                )
            return services.receive(dossier=dossier, clerk=self.clerk)

    def to_justice(self, dossier: Dossier, day: int, hhmm: str) -> Dossier:
        with self.calendar.at(day, hhmm):
            return services.transfer(
                dossier=dossier,
                by=self.clerk,
                to_agency=self.justice,
                assignee=self.officer,
                note="Chuyển Sở Tư pháp giải quyết.",
            )

    def at_justice(self, applicant: User, code: str, filed: int, received: int, **changes) -> Dossier:
        """Filed, received the next working morning and transferred to Sở Tư pháp the same morning."""
        dossier = self.file(applicant, code, filed, "14:05", **changes)
        dossier = self.receive(dossier, received, "08:20")
        return self.to_justice(dossier, received, "09:10")

    def approve(self, dossier: Dossier, day: int, hhmm: str) -> Dossier:
        version = dossier.procedure_version
        with self.calendar.at(day, hhmm):
            return services.approve(
                dossier=dossier,
                officer=self.officer,
                result_file=pdf_upload(version.result_name, dossier.applicant_name, dossier.code),
                note="Hồ sơ đủ điều kiện, đã ký số kết quả.",
            )

    def request_supplement(self, dossier: Dossier, by: User, day: int, hhmm: str, **content) -> Dossier:
        with self.calendar.at(day, hhmm):
            services.request_supplement(dossier=dossier, by=by, **content)
        return self.reload(dossier)


# --- one function per dossier: its story, oldest step first ------------------------------------------------
def draft_birth_registration(d: Demo) -> Dossier:
    """Nguyễn Thị Lan has started the linked birth registration for her baby; the result comes by post."""
    return d.draft(
        d.citizen,
        "1.008966",
        TODAY,
        "",
        return_channel=ReturnChannel.POST,
        delivery_address=d.citizen.profile.address,
    )


def submitted_today(d: Demo) -> Dossier:
    return d.file(d.citizen2, "2.000635", TODAY, "")


def submitted_intake_deadline_passed(d: Demo) -> Dossier:
    """Filed three working days ago at 16:05, its fee paid online a few minutes later, and never answered:
    the 8 working hours (counted from the payment) ran out."""
    from .payments import pay_before_receipt

    dossier = d.file(d.citizen, "2.000575", 3, "15:53")
    with d.calendar.at(3, "16:05", minutes_later=6):
        return pay_before_receipt(d, dossier)


def supplement_at_intake(d: Demo) -> Dossier:
    dossier = d.file(d.citizen2, "1.009994", 2, "10:08")
    drawings = dossier.procedure_version.documents.get(name__startswith="02 bộ bản vẽ")
    return d.request_supplement(
        dossier,
        d.clerk,
        1,
        "08:15",
        items=[drawings],
        details="Bản vẽ mặt bằng móng và bản vẽ đấu nối hạ tầng kỹ thuật còn thiếu chữ ký "
        "của người thiết kế.",
        reason="Bản vẽ thiết kế nộp kèm chưa đủ thành phần theo khoản 1 Điều 46 Nghị định 175/2024/NĐ-CP.",
        contact="Bộ phận Một cửa UBND phường Hoa Lư, điện thoại 0229 3871 234",
    )


def supplement_during_processing(d: Demo) -> Dossier:
    """The officer, a supervisor of Sở Tư pháp, asks during processing: his own request is approved at once
    (`approved_by` is set), and the processing clock stops."""
    dossier = d.at_justice(d.citizen, "1.004873", filed=4, received=3)
    return d.request_supplement(
        dossier,
        d.officer,
        2,
        "10:30",
        items=[],
        details="Bản sao Trích lục ghi chú ly hôn (bản án ly hôn năm 2012 của Tòa án nhân dân "
        "tỉnh Nam Định).",
        reason="Tờ khai ghi đã ly hôn nhưng Cơ sở dữ liệu hộ tịch điện tử chưa có thông tin ghi chú ly hôn.",
        contact="Lê Quang Huy, Phòng Hành chính tư pháp, Sở Tư pháp, điện thoại 0229 3873 127",
    )


def refused(d: Demo) -> Dossier:
    """Paid online when filing, then refused: the portal refunds the fee by itself."""
    from .payments import pay

    dossier = d.file(d.citizen2, "2.000181", 10, "09:40")
    with d.calendar.at(10, "09:40", minutes_later=20):
        dossier = pay(d, dossier)
    with d.calendar.at(9, "08:20"):
        return services.refuse(
            dossier=dossier,
            clerk=d.clerk,
            reason="Địa điểm kinh doanh ghi trong đơn ở phường Bỉm Sơn, tỉnh Thanh Hóa, không thuộc "
            "thẩm quyền của UBND phường Hoa Lư. Đề nghị ông nộp hồ sơ tại UBND cấp xã nơi đặt địa điểm "
            "kinh doanh.",
        )


def registered_at_desk(d: Demo) -> Dossier:
    """A walk-in without an account: the clerk registers the dossier, checks the papers, receives it."""
    dossier = services.register_at_desk(
        version=d.version("2.000884"),
        clerk=d.clerk,
        receiving_agency=d.hoa_lu,
        channel=Channel.DESK,
        details={**WALK_IN, "return_channel": ReturnChannel.DESK},
    )
    return d.receive(dossier, TODAY, "")


def in_progress_due_soon(d: Demo) -> Dossier:
    return d.at_justice(d.citizen2, "2.000913", filed=2, received=1)


def in_progress_overdue(d: Demo) -> Dossier:
    return d.at_justice(d.citizen, "1.004859", filed=8, received=7)


def in_progress_with_apology(d: Demo) -> Dossier:
    """Due today: the officer issues the apology and a new date before the day is over."""
    dossier = d.at_justice(d.citizen2, "1.004837", filed=4, received=3)
    services.issue_apology(
        dossier=dossier,
        by=d.officer,
        new_due_date=working_days.add_working_days(dossier.due_date, 5),
        reason="Cần xác minh nơi cư trú của người được giám hộ tại UBND xã Kim Sơn.",
        signed_by=HEAD_OF_JUSTICE,
    )
    return d.reload(dossier)


def approved(d: Demo) -> Dossier:
    dossier = d.at_justice(d.citizen, "2.000913", filed=2, received=1)
    return d.approve(dossier, 1, "15:20")


def denied(d: Demo) -> Dossier:
    dossier = d.at_justice(d.citizen2, "2.001035", filed=6, received=5)
    with d.calendar.at(4, "10:45"):
        return services.deny(
            dossier=dossier,
            officer=d.officer,
            reason="Xe ô tô là đối tượng của hợp đồng đang bị cơ quan thi hành án dân sự kê biên "
            "(Quyết định số 112/QĐ-THADS); không chứng thực hợp đồng chuyển nhượng tài sản đang bị "
            "kê biên.",
        )


def result_ready(d: Demo) -> Dossier:
    """Decided early; the result waits at the desk for the applicant to collect it."""
    dossier = d.at_justice(d.citizen2, "1.004859", filed=3, received=2, return_channel=ReturnChannel.DESK)
    dossier = d.approve(dossier, 1, "14:00")
    with d.calendar.at(1, "16:10"):
        return services.mark_result_ready(dossier=dossier, by=d.officer)


def returned(d: Demo) -> Dossier:
    """The whole way: a supplement at intake answered online, received, decided, returned electronically."""
    dossier = d.file(d.citizen2, "1.004873", 12, "09:12")
    form = dossier.procedure_version.documents.get(is_required=True)
    dossier = d.request_supplement(
        dossier,
        d.clerk,
        11,
        "08:40",
        items=[form],
        details="",
        reason="Tờ khai chưa ghi mục đích sử dụng Giấy xác nhận và chưa ký.",
    )
    with d.calendar.at(10, "19:30"):
        services.attach_upload(
            dossier=dossier,
            required_document=form,
            uploaded=pdf_upload(form.name, dossier.applicant_name, "Bản đã ký, bổ sung mục đích sử dụng"),
            by=d.citizen2,
            kind=DossierDocument.Kind.SUPPLEMENT,
        )
        dossier = services.answer_supplement(
            dossier=dossier, by=d.citizen2, note="Đã ký tờ khai; mục đích: để kết hôn."
        )
    dossier = d.receive(dossier, 9, "08:05")
    dossier = d.to_justice(dossier, 9, "08:30")
    dossier = d.approve(dossier, 7, "10:00")
    with d.calendar.at(7, "10:05"):
        dossier = services.mark_result_ready(dossier=dossier, by=d.officer)
    with d.calendar.at(7, "10:30"):
        return services.mark_returned(
            dossier=dossier, by=d.clerk, note="Kết quả điện tử đã gửi vào tài khoản của công dân."
        )


def stopped(d: Demo) -> Dossier:
    """The supplement asked during processing never came: processing is stopped with a notice."""
    dossier = d.at_justice(d.citizen, "1.000688", filed=16, received=15)
    dossier = d.request_supplement(
        dossier,
        d.officer,
        14,
        "09:30",
        items=[
            dossier.procedure_version.documents.get(name__startswith="Giấy tờ xác nhận tình trạng hôn nhân")
        ],
        details="",
        reason="Giấy xác nhận tình trạng hôn nhân của người nước ngoài chưa được hợp pháp hóa lãnh sự.",
        contact="Lê Quang Huy, Sở Tư pháp, điện thoại 0229 3873 127",
    )
    with d.calendar.at(1, "15:00"):
        return services.stop(
            dossier=dossier,
            by=d.officer,
            reason="Đã quá thời hạn bổ sung theo Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ mà người nộp "
            "chưa bổ sung giấy tờ hợp pháp hóa lãnh sự.",
        )


def withdrawn(d: Demo) -> Dossier:
    """Paid, then withdrawn before the one-stop shop answered: refunded by the portal."""
    from .payments import pay

    dossier = d.file(d.citizen, "2.000633", 2, "11:00")
    with d.calendar.at(2, "11:00", minutes_later=25):
        dossier = pay(d, dossier)
    with d.calendar.at(1, "14:00"):
        return services.withdraw(
            dossier=dossier, by=d.citizen, reason="Gia đình quyết định không kinh doanh rượu nữa."
        )


STORIES = [
    draft_birth_registration,
    submitted_today,
    submitted_intake_deadline_passed,
    supplement_at_intake,
    supplement_during_processing,
    refused,
    registered_at_desk,
    in_progress_due_soon,
    in_progress_overdue,
    in_progress_with_apology,
    approved,
    denied,
    result_ready,
    returned,
    stopped,
    withdrawn,
]


def load_dossiers() -> int | None:
    """Create the demo dossiers; None when the demo citizen already has some (the loader runs again)."""
    users = {user.email: user for user in User.objects.filter(email__in=[CITIZEN_EMAIL, CITIZEN2_EMAIL])}
    if Dossier.objects.owned_by(users[CITIZEN_EMAIL]).exists():
        return None
    demo = Demo(
        citizen=users[CITIZEN_EMAIL],
        citizen2=users[CITIZEN2_EMAIL],
        clerk=User.objects.get(email=CLERK_EMAIL),
        officer=User.objects.get(email=OFFICER_EMAIL),
        hoa_lu=Agency.objects.get(code=catalogue.UBND_PHUONG_HOA_LU),
        justice=Agency.objects.get(code=catalogue.SO_TU_PHAP),
        calendar=Calendar(),
    )
    from .postal import STORIES as POSTAL_STORIES  # results by post (postal app), after the others

    with transaction.atomic():
        for story in [*STORIES, *POSTAL_STORIES]:
            story(demo)
    return len(STORIES) + len(POSTAL_STORIES)
