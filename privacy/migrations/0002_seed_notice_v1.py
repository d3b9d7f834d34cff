import datetime

from django.conf import settings
from django.db import migrations


TEXT = """1. Bên kiểm soát và xử lý dữ liệu
Cổng dịch vụ công của tỉnh (sau đây gọi là "Cổng") do cơ quan quản lý Cổng vận hành. Cổng xử lý dữ liệu cá nhân của Ông/Bà theo Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15 (hiệu lực từ ngày 01/01/2026) và Nghị định 13/2023/NĐ-CP.

2. Dữ liệu được thu thập
- Thông tin tài khoản: họ tên, thư điện tử, mật khẩu (chỉ lưu dạng băm), thời điểm đăng nhập.
- Thông tin cá nhân Ông/Bà khai: ngày sinh, số định danh cá nhân, số điện thoại, địa chỉ; hoặc thông tin do hệ thống định danh điện tử quốc gia (VNeID) cung cấp khi Ông/Bà đăng nhập bằng VNeID.
- Hồ sơ thủ tục hành chính Ông/Bà nộp: tờ khai, giấy tờ đính kèm, kết quả giải quyết, lịch hẹn, thông tin nhận kết quả qua bưu chính.
- Giao dịch thanh toán phí, lệ phí và hoàn phí.
- Phản ánh, kiến nghị và đánh giá mức độ hài lòng.
- Thông báo Cổng gửi cho Ông/Bà; nhật ký ai đã mở giấy tờ của Ông/Bà.

3. Mục đích xử lý
Tiếp nhận, giải quyết và trả kết quả thủ tục hành chính; thông báo tình trạng hồ sơ; thu phí, lệ phí; tiếp nhận, xử lý phản ánh, kiến nghị; bảo đảm an toàn hệ thống. Cổng không dùng dữ liệu của Ông/Bà cho quảng cáo và không bán dữ liệu.

4. Ai được xem dữ liệu
Ông/Bà; cán bộ của cơ quan tiếp nhận, giải quyết hồ sơ của Ông/Bà (chỉ hồ sơ thuộc cơ quan mình); người được Ông/Bà ủy quyền trong phạm vi ủy quyền; Cổng dịch vụ công quốc gia khi đồng bộ hồ sơ theo quy định; doanh nghiệp bưu chính khi Ông/Bà chọn nhận kết quả qua bưu chính; ngân hàng, trung gian thanh toán khi Ông/Bà thanh toán trực tuyến.

5. Thời gian lưu trữ
Hồ sơ thủ tục hành chính được lưu theo thời hạn lưu trữ của từng thủ tục (Luật Lưu trữ; Nghị định 61/2018/NĐ-CP, 107/2021/NĐ-CP). Chứng từ thanh toán lưu 10 năm (Luật Kế toán). Thông tin tài khoản, hồ sơ cá nhân, kho giấy tờ chưa dùng trong hồ sơ nào được lưu đến khi Ông/Bà xóa tài khoản.

6. Quyền của Ông/Bà
Ông/Bà có quyền được biết, đồng ý hoặc rút lại sự đồng ý, truy cập và tải về toàn bộ dữ liệu của mình, yêu cầu chỉnh sửa dữ liệu, yêu cầu xóa tài khoản (trừ hồ sơ pháp luật buộc lưu giữ), phản đối, khiếu nại. Ông/Bà thực hiện các quyền này tại trang "Dữ liệu của tôi". Yêu cầu chỉnh sửa được trả lời trong thời hạn quy định (mặc định 3 ngày làm việc).

7. Kênh thông báo tùy chọn
Thông báo qua thư điện tử và SMS là tùy chọn: Ông/Bà có thể tắt bất cứ lúc nào. Thông báo trong tài khoản trên Cổng luôn được gửi vì cơ quan phải thông báo cho Ông/Bà về hồ sơ theo quy định.

8. Liên hệ
Bộ phận bảo vệ dữ liệu cá nhân của Cổng: {contact}."""


def seed(apps, schema_editor):
    PrivacyNotice = apps.get_model("privacy", "PrivacyNotice")
    if not PrivacyNotice.objects.filter(version=1).exists():
        PrivacyNotice.objects.create(
            version=1,
            title="Thông báo xử lý dữ liệu cá nhân",
            text=TEXT.format(contact=getattr(settings, "PRIVACY_CONTACT_EMAIL", "")),
            published_at=datetime.datetime(2025, 12, 31, 17, 0, tzinfo=datetime.UTC),  # 01/01/2026 0:00 ICT
        )


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
