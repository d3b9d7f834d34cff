"""Feedback (PAKN) and satisfaction in a browser: a citizen sends feedback signed in, the agency's officer
answers and publishes it, the public page shows the answer without the sender's details; the applicant of a
returned dossier rates it once from its page. axe-core checks every page (conftest). Screenshots at phone and
desk widths go to /tmp/shots/h5/ for review."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from feedback.models import Feedback, FeedbackState, SatisfactionRating
from tests.accounts.factories_extra import TOTPAuthenticatorFactory, verified_user
from tests.e2e.site_menu import open_menu
from tests.e2e.support import PHONE, shoot, sign_in
from tests.factories import AgencyFactory, AgencyMembershipFactory, CitizenProfileFactory
from tests.feedback.conftest import returned_dossier

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path("/tmp/shots/h5")


def sign_out(page):
    page.context.clear_cookies()


def citizen(**kwargs):
    user = verified_user(**kwargs)
    CitizenProfileFactory(user=user, full_name=user.full_name)
    return user


def test_feedback_sent_answered_published_and_read_by_the_public(page, base):
    page.set_viewport_size(PHONE)
    justice = AgencyFactory(name="Sở Tư pháp", code="000.00.05.H43")
    sender = citizen(full_name="Nguyễn Thị Lan")
    officer = verified_user(role=Role.OFFICER, full_name="Đinh Thị Hà")
    AgencyMembershipFactory(user=officer, agency=justice)
    totp = TOTPAuthenticatorFactory(user=officer)

    sign_in(page, base, sender)
    page.goto(base + "/phan-anh-kien-nghi/gui/")
    expect(page.locator("h1")).to_have_text("Gửi phản ánh, kiến nghị")
    page.locator("#id_agency").select_option(label="Sở Tư pháp")
    page.locator("#id_title").fill("Chờ lâu ở quầy chứng thực")
    page.locator("#id_content").fill("Tôi là Nguyễn Thị Lan, số 0912 345 678, chờ hơn một giờ sáng thứ Hai.")
    page.locator("#id_consent_to_publish").check()
    shoot(page, SHOTS, "1-send-form")
    page.locator(".feedback-form button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("đã được tiếp nhận")
    expect(page.locator(".feedback-state")).to_have_text("Đã tiếp nhận")
    shoot(page, SHOTS, "2-sender-detail")
    item = Feedback.objects.get()
    sign_out(page)

    sign_in(page, base, officer, totp)
    open_menu(page)
    page.locator(".site-menu").get_by_role("link", name="Phản ánh, kiến nghị").click()
    expect(page.locator("h1")).to_have_text("Xử lý phản ánh, kiến nghị")
    page.get_by_role("link", name="Sở Tư pháp").click()
    expect(page.locator(".feedback-list")).to_contain_text("Chờ lâu ở quầy chứng thực")
    expect(page.locator(".feedback-list")).to_contain_text("ngày làm việc")
    shoot(page, SHOTS, "3-staff-queue")
    page.get_by_role("link", name="Chờ lâu ở quầy chứng thực").click()
    page.locator("#id_answer").fill("Trung tâm đã bố trí thêm một quầy chứng thực vào sáng thứ Hai.")
    page.locator(".answer-form button[type=submit]").click()
    expect(page.locator(".feedback-state")).to_have_text("Đã trả lời")
    title = page.locator(".publish-form #id_title")
    expect(page.locator(".publish-form #id_content")).not_to_contain_text("0912")
    expect(page.locator(".publish-form #id_content")).not_to_contain_text("Nguyễn Thị Lan")
    expect(title).to_have_value("Chờ lâu ở quầy chứng thực")
    shoot(page, SHOTS, "4-staff-publish")
    page.locator(".publish-form button[type=submit]").click()
    expect(page.locator(".feedback-state")).to_have_text("Đã công khai trả lời")
    assert Feedback.objects.get(pk=item.pk).state == FeedbackState.PUBLISHED
    page.goto(f"{base}/phan-anh-kien-nghi/xu-ly/{justice.code}/hai-long/")
    expect(page.locator("h1")).to_have_text("Mức độ hài lòng và phản ánh, kiến nghị")
    expect(page.locator("main")).to_contain_text("Trả lời đúng hạn")
    shoot(page, SHOTS, "11-agency-figures")
    sign_out(page)

    page.goto(base + "/")
    page.goto(base + "/phan-anh-kien-nghi/")
    expect(page.locator("h1")).to_have_text("Phản ánh, kiến nghị")
    page.locator("#feedback-q").fill("quầy chứng thực")
    page.locator("#feedback-q").press("Enter")
    expect(page.locator(".feedback-list li")).to_have_count(1)
    shoot(page, SHOTS, "5-public-list")
    page.get_by_role("link", name="Chờ lâu ở quầy chứng thực").click()
    expect(page.locator(".feedback-answer")).to_contain_text("thêm một quầy chứng thực")
    expect(page.locator("main")).not_to_contain_text("0912")
    expect(page.locator("main")).not_to_contain_text("Nguyễn Thị Lan")
    shoot(page, SHOTS, "6-public-detail")


def test_the_applicant_rates_a_returned_dossier_once(page, base):
    page.set_viewport_size(PHONE)
    applicant = citizen(full_name="Trần Văn Minh")
    dossier = returned_dossier(_filed_for(applicant))
    sign_in(page, base, applicant)
    page.goto(f"{base}/dossiers/{dossier.pk}/")
    card = page.locator("#satisfaction")
    expect(card.get_by_role("heading", name="Đánh giá mức độ hài lòng")).to_be_visible()
    card.locator("label[for=id_attitude_0]").click()
    card.locator("label[for=id_timeliness_1]").click()
    card.locator("label[for=id_clarity_1]").click()
    card.locator("#id_comment").fill("Cán bộ hướng dẫn tận tình.")
    shoot(page, SHOTS, "7-rating-panel")
    card.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("Cảm ơn Ông/Bà đã đánh giá")
    expect(page.locator("#satisfaction")).to_contain_text("Ông/Bà đã đánh giá hồ sơ này")
    expect(page.locator("#satisfaction form")).to_have_count(0)
    rating = SatisfactionRating.objects.get(dossier=dossier)
    assert (rating.attitude, rating.timeliness, rating.clarity) == (5, 4, 4)
    shoot(page, SHOTS, "8-rated")
    expect(page).to_have_url(re.compile(rf"/dossiers/{dossier.pk}/"))


def test_the_phone_step_for_a_sender_without_an_account(page, base):
    page.set_viewport_size(PHONE)
    AgencyFactory(name="Sở Tư pháp")
    page.goto(base + "/phan-anh-kien-nghi/gui/")
    page.locator("#id_phone").fill("0912345678")
    shoot(page, SHOTS, "9-phone-step")
    page.locator("#id_phone").press("Enter")
    expect(page.locator(".messages")).to_contain_text("0912345678")
    page.locator("#id_code").fill("000000")
    page.locator("#id_code").press("Enter")
    expect(page.locator("main [role=alert]")).to_contain_text("Mã không đúng")
    shoot(page, SHOTS, "10-code-step")


def _filed_for(applicant):
    from tests.factories import filed_dossier

    return filed_dossier(applicant=applicant)


def test_the_procedure_is_typed_with_the_catalogues_suggestions_or_chosen_among_matches(page, base):
    """A province's catalogue is too long for a list: the citizen types, the catalogue suggests as they
    type; words that match several procedures are answered with the matches to choose from."""
    from procedures.services import refresh_search_vocabulary
    from tests.factories import ProcedureVersionFactory

    page.set_viewport_size(PHONE)
    justice = AgencyFactory(name="Sở Tư pháp", code="000.00.05.H43")
    copies = ProcedureVersionFactory(
        published=True, name="Chứng thực bản sao từ bản chính", agencies=[justice]
    )
    signature = ProcedureVersionFactory(published=True, name="Chứng thực chữ ký", agencies=[justice])
    refresh_search_vocabulary()
    sign_in(page, base, citizen(full_name="Nguyễn Thị Lan"))

    def fill_the_rest(title):
        page.locator("#id_agency").select_option(label="Sở Tư pháp")
        page.locator("#id_title").fill(title)
        page.locator("#id_content").fill("Phí chứng thực là bao nhiêu?")

    page.goto(base + "/phan-anh-kien-nghi/gui/")
    fill_the_rest("Hỏi phí chứng thực chữ ký")
    page.locator("#id_procedure").press_sequentially("chung thuc", delay=20)
    suggestions = page.locator("#id_procedure-suggestions option")
    expect(suggestions).to_have_count(2)
    picked = f"{signature.procedure.national_code} — Chứng thực chữ ký"
    assert picked in suggestions.evaluate_all("options => options.map(o => o.value)")
    shoot(page, SHOTS, "12-procedure-suggested")
    page.locator("#id_procedure").fill(picked)  # what choosing the suggestion puts in the box
    page.locator(".feedback-form button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("đã được tiếp nhận")
    assert Feedback.objects.get(title="Hỏi phí chứng thực chữ ký").procedure_version == signature

    page.goto(base + "/phan-anh-kien-nghi/gui/")
    fill_the_rest("Hỏi phí chứng thực bản sao")
    page.locator("#id_procedure").fill("chứng thực")
    page.locator(".feedback-form button[type=submit]").click()
    expect(page.locator("[role=alert]").first).to_contain_text("Có nhiều thủ tục khớp")
    expect(page.locator("input[name=procedure_version]")).to_have_count(2)
    shoot(page, SHOTS, "13-procedure-choose")
    page.get_by_label(f"{copies.procedure.national_code} — Chứng thực bản sao từ bản chính").check()
    page.locator(".feedback-form button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("đã được tiếp nhận")
    assert Feedback.objects.get(title="Hỏi phí chứng thực bản sao").procedure_version == copies
