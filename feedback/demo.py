"""Demo feedback and ratings for `load_demo`, made through the same services as the pages: three answers
published on /phan-anh-kien-nghi/, one waiting for the agency (past its answer date), one answered and
closed, one held for moderation; and a rating of the dossier delivered by post. Runs once (skipped when any
feedback exists)."""

import datetime

from accounts.models import User
from common import clock
from dossiers.models import Dossier, State
from procedures.models import Agency, ProcedureVersion

from . import services
from .models import Feedback, SatisfactionRating

PUBLISHED = [
    (
        "Thời gian chờ tại Bộ phận một cửa",
        "Sáng thứ Hai tôi chờ hơn một giờ để nộp hồ sơ chứng thực. Xin bố trí thêm quầy vào đầu tuần. "
        "Liên hệ tôi qua số 0912 345 678.",
        "Trung tâm đã bố trí thêm một quầy chứng thực vào sáng thứ Hai và thứ Ba từ tuần này. "
        "Người dân có thể đặt lịch trước trên Cổng để không phải chờ.",
    ),
    (
        "Hướng dẫn lệ phí cấp bản sao trích lục",
        "Trên Cổng không ghi rõ lệ phí khi nộp trực tuyến có được giảm không.",
        "Theo quy định của Tỉnh, lệ phí nộp trực tuyến được giảm 50%. "
        "Trang thủ tục đã được cập nhật mức phí.",
    ),
    (
        "Kết quả điện tử không mở được",
        "Tôi tải kết quả về điện thoại nhưng không mở được tệp PDF.",
        "Tệp kết quả có chữ ký số; xin dùng ứng dụng đọc PDF hỗ trợ chữ ký số hoặc mở trên máy tính. "
        "Nếu vẫn không được, xin gọi tổng đài 1800 1096.",
    ),
]


def load_feedback() -> int:
    from portal.demo import catalogue
    from portal.demo.dossiers import CITIZEN2_EMAIL, CITIZEN_EMAIL, OFFICER_EMAIL

    if Feedback.objects.exists():
        return 0
    citizen = User.objects.get(email=CITIZEN_EMAIL)
    citizen2 = User.objects.get(email=CITIZEN2_EMAIL)
    officer = User.objects.get(email=OFFICER_EMAIL)
    justice = Agency.objects.get(code=catalogue.SO_TU_PHAP)
    version = ProcedureVersion.objects.published().filter(agencies=justice).order_by("name").first()
    now = clock.now()
    created = 0
    for days_ago, (title, content, answer) in zip((20, 15, 8), PUBLISHED, strict=True):
        with clock.running_at(now - datetime.timedelta(days=days_ago)):
            item = services.send_feedback(
                subject=services.Subject(agency=justice, procedure_version=version),
                title=title,
                content=content,
                consent_to_publish=True,
                sender=citizen if days_ago != 15 else citizen2,
            )
        with clock.running_at(now - datetime.timedelta(days=days_ago - 3)):
            item = services.answer_feedback(feedback=item, by=officer, answer=answer)
            services.publish_feedback(feedback=item, by=officer, **services.publication_draft(item))
        created += 1
    with clock.running_at(now - datetime.timedelta(days=18)):
        services.send_feedback(
            subject=services.Subject(agency=justice),
            title="Chưa nhận được phản hồi về hồ sơ",
            content="Tôi gửi câu hỏi về hồ sơ giám hộ đã lâu nhưng chưa thấy trả lời.",
            consent_to_publish=False,
            sender=citizen2,
        )
        closed = services.send_feedback(
            subject=services.Subject(agency=justice),
            title="Đề nghị sửa thông tin cá nhân",
            content="Tên tôi bị ghi sai dấu trên giấy hẹn.",
            consent_to_publish=False,
            sender=citizen,
        )
    services.close_feedback(
        feedback=services.answer_feedback(
            feedback=closed, by=officer, answer="Đã sửa và gửi lại giấy hẹn qua Cổng cho Ông/Bà."
        ),
        by=officer,
        reason="Thông tin cá nhân, không công khai.",
    )
    services.send_feedback(
        subject=services.Subject(agency=justice),
        title="Thái độ cán bộ",
        content="Cán bộ trả lời như đồ ngu, tôi rất bức xúc.",
        consent_to_publish=True,
        sender=citizen2,
    )
    created += 3
    delivered = (
        Dossier.objects.filter(applicant=citizen, state=State.RETURNED)
        .exclude(satisfaction_rating__isnull=False)
        .order_by("pk")
        .first()
    )
    if delivered is not None and not SatisfactionRating.objects.filter(dossier=delivered).exists():
        services.rate_dossier(
            dossier=delivered,
            by=citizen,
            attitude=5,
            timeliness=4,
            clarity=4,
            comment="Nhận kết quả tại nhà rất tiện.",
        )
    return created
