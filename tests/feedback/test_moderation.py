"""The offensive-words check (diacritics folded) and the removal of personal data before publication."""

from feedback.moderation import MASK, fold, offensive_phrases_in, remove_personal_data


def test_folding_drops_diacritics_and_case():
    assert fold("ĐỒ NGU, Khốn Nạn") == "do ngu, khon nan"


def test_offensive_phrases_are_found_with_or_without_diacritics():
    assert offensive_phrases_in("Cán bộ là đồ ngu") == ["do ngu"]
    assert offensive_phrases_in("can bo la DO NGU va mat day") == ["do ngu", "mat day"]
    assert offensive_phrases_in("tiêu đề", "Thái độ khốn nạn!") == ["khon nan"]


def test_everyday_words_that_fold_alike_are_not_flagged():
    assert offensive_phrases_in("Tôi ngủ không được vì lo, các anh chị lớn tuổi đeo khẩu trang") == []


def test_extra_phrases_come_from_the_settings(settings):
    settings.FEEDBACK_OFFENSIVE_PHRASES = ["Vô Dụng"]
    assert offensive_phrases_in("Bộ phận này thật vô dụng") == ["vo dung"]


def test_personal_data_is_masked():
    text = (
        "Tôi là Nguyễn Thị Lan, CCCD 001234567890, CMND 123456789, gọi 0912 345 678 hoặc +84 912.345.678, "
        "email lan.nguyen@example.vn, hồ sơ 000.00.15.H29-240105-0007 chưa xong. Chị Thị Lan rất buồn."
    )
    cleaned = remove_personal_data(text, names=["Nguyễn Thị Lan"])
    for secret in (
        "Nguyễn Thị Lan",
        "001234567890",
        "123456789",
        "0912",
        "912.345",
        "lan.nguyen",
        "H29-240105",
    ):
        assert secret not in cleaned, secret
    assert "Thị Lan" not in cleaned
    assert cleaned.count(MASK) >= 7
    assert "chưa xong" in cleaned and "rất buồn" in cleaned


def test_short_numbers_and_dates_stay():
    assert remove_personal_data("Ngày 12/05/2026 tôi nộp 2 bộ, lệ phí 50.000 đồng") == (
        "Ngày 12/05/2026 tôi nộp 2 bộ, lệ phí 50.000 đồng"
    )
