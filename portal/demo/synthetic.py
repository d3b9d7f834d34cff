"""Synthetic but plausible catalogue entries for load tests (`load_demo --procedures N`).

Entry `i` is always the same (code `2.9` + five digits, name built from a verb, an object of its field and a
qualifier), so a second run finds the codes it made before and skips them. `load_demo` bulk-inserts them.
"""

from . import catalogue as c

CODE_PREFIX = "2.9"
MAX_COUNT = 99_999

# Verbs that read naturally with each kind of object (six each, so entries cycle through them evenly).
VERBS = {
    "licence": ["Cấp", "Cấp lại", "Gia hạn", "Điều chỉnh", "Thu hồi", "Cấp đổi"],
    "record": ["Cấp", "Cấp lại", "Cấp bản sao", "Đính chính", "Xác nhận thông tin", "Cấp đổi"],
    "act": ["Đăng ký", "Đăng ký thay đổi", "Thông báo", "Xác nhận", "Thẩm định hồ sơ", "Chấm dứt"],
    "attest": [
        "Chứng thực",
        "Chứng thực việc sửa đổi, bổ sung",
        "Chứng thực việc hủy bỏ",
        "Sửa lỗi sai sót trong",
        "Cấp bản sao có chứng thực",
        "Chứng thực chữ ký trong",
    ],
}
VERBS_PER_KIND = 6

# Per field: (object, kind of verb) pairs, the agencies that decide the entry and its levels.
OBJECTS = {
    "ho-tich": (
        [
            ("trích lục đăng ký hộ tịch", "record"),
            ("Giấy xác nhận tình trạng hôn nhân", "record"),
            ("việc nuôi con nuôi trong nước", "act"),
            ("việc giám hộ", "act"),
            ("việc ghi vào Sổ hộ tịch việc hộ tịch đã giải quyết ở nước ngoài", "act"),
        ],
        c.COMMUNE_AGENCIES,
        "commune",
    ),
    "chung-thuc": (
        [
            ("văn bản thỏa thuận phân chia di sản", "attest"),
            ("văn bản khai nhận di sản", "attest"),
            ("di chúc", "attest"),
            ("hợp đồng ủy quyền", "attest"),
            ("hợp đồng mua bán tài sản là động sản", "attest"),
        ],
        c.COMMUNE_AGENCIES,
        "commune",
    ),
    "ly-lich-tu-phap": (
        [
            ("Phiếu lý lịch tư pháp số 2", "record"),
            ("thông tin lý lịch tư pháp về án tích", "record"),
            ("việc cập nhật thông tin lý lịch tư pháp", "act"),
        ],
        [c.SO_TU_PHAP],
        "province",
    ),
    "duong-bo": (
        [
            ("giấy phép xe tập lái", "licence"),
            ("giấy chứng nhận giáo viên dạy thực hành lái xe", "licence"),
            ("giấy phép thi công công trình trên đường bộ đang khai thác", "licence"),
            ("giấy phép liên vận", "licence"),
            ("phương án tổ chức giao thông khi thi công", "act"),
            ("biển hiệu xe ô tô vận chuyển khách du lịch", "licence"),
        ],
        [c.SO_XAY_DUNG],
        "province",
    ),
    "doanh-nghiep": (
        [
            ("hoạt động chi nhánh, văn phòng đại diện", "act"),
            ("địa điểm kinh doanh của doanh nghiệp", "act"),
            ("vốn điều lệ của công ty", "act"),
            ("ngành, nghề kinh doanh", "act"),
            ("Giấy chứng nhận đăng ký doanh nghiệp", "record"),
            ("Giấy chứng nhận đăng ký hộ kinh doanh", "record"),
        ],
        [c.SO_TAI_CHINH],
        "province",
    ),
    "dat-dai": (
        [
            ("Giấy chứng nhận quyền sử dụng đất", "record"),
            ("quyền sử dụng hạn chế thửa đất liền kề", "act"),
            ("việc tách thửa, hợp thửa đất", "act"),
            ("thời hạn sử dụng đất nông nghiệp", "act"),
            ("hồ sơ địa chính", "record"),
            ("giấy phép khai thác nước dưới đất", "licence"),
        ],
        [c.SO_NONG_NGHIEP_MOI_TRUONG, *c.COMMUNE_AGENCIES],
        "province,commune",
    ),
    "xay-dung": (
        [
            ("giấy phép xây dựng có thời hạn", "licence"),
            ("giấy phép di dời công trình", "licence"),
            ("chứng chỉ năng lực hoạt động xây dựng", "licence"),
            ("giấy phép xây dựng công trình quảng cáo", "licence"),
            ("dự án đầu tư xây dựng nhà ở xã hội", "act"),
            ("thiết kế cơ sở dự án đầu tư xây dựng", "act"),
        ],
        [c.SO_XAY_DUNG, *c.COMMUNE_AGENCIES],
        "province,commune",
    ),
    "giao-duc": (
        [
            ("hoạt động giáo dục của trường mầm non tư thục", "act"),
            ("giấy chứng nhận hoàn thành chương trình giáo dục", "record"),
            ("giấy phép tổ chức hoạt động dạy thêm, học thêm", "licence"),
            ("hoạt động của trung tâm học tập cộng đồng", "act"),
            ("bằng tốt nghiệp trung học phổ thông", "record"),
        ],
        [c.SO_GIAO_DUC],
        "province",
    ),
    "lao-dong": (
        [
            ("thỏa ước lao động tập thể", "act"),
            ("hợp đồng cho thuê lại lao động", "act"),
            ("giấy phép hoạt động cho thuê lại lao động", "licence"),
            ("giấy phép lao động cho người lao động nước ngoài", "licence"),
            ("sổ bảo hiểm thất nghiệp", "record"),
        ],
        [c.SO_NOI_VU],
        "province",
    ),
    "y-te": (
        [
            ("chứng chỉ hành nghề dược", "licence"),
            ("giấy phép hoạt động cơ sở dịch vụ thẩm mỹ", "licence"),
            ("giấy chứng nhận đủ điều kiện xét nghiệm", "licence"),
            ("nội dung quảng cáo mỹ phẩm", "act"),
            ("giấy phép hoạt động phòng chẩn trị y học cổ truyền", "licence"),
        ],
        [c.SO_Y_TE],
        "province",
    ),
    "cong-thuong": (
        [
            ("giấy phép sản xuất rượu thủ công", "licence"),
            ("giấy chứng nhận đủ điều kiện cửa hàng bán lẻ xăng dầu", "licence"),
            ("giấy phép bán buôn sản phẩm thuốc lá", "licence"),
            ("giấy xác nhận đủ điều kiện cửa hàng bán lẻ LPG chai", "licence"),
            ("chương trình khuyến mại", "act"),
        ],
        [c.SO_CONG_THUONG],
        "province",
    ),
    "bao-tro-xa-hoi": (
        [
            ("trợ giúp xã hội khẩn cấp về hỗ trợ làm nhà ở", "act"),
            ("việc chăm sóc, nuôi dưỡng đối tượng tại cộng đồng", "act"),
            ("việc tiếp nhận đối tượng vào cơ sở trợ giúp xã hội", "act"),
            ("Giấy xác nhận khuyết tật", "record"),
        ],
        c.COMMUNE_AGENCIES,
        "commune",
    ),
}
FIELD_CODES = list(OBJECTS)

QUALIFIERS = [
    "",
    "đối với tổ chức",
    "đối với cá nhân",
    "đối với doanh nghiệp có vốn đầu tư nước ngoài",
    "trường hợp bị mất, hư hỏng",
    "trường hợp thay đổi thông tin",
    "trên địa bàn tỉnh",
    "theo thủ tục rút gọn",
    "đối với hộ kinh doanh",
    "đối với đơn vị sự nghiệp công lập",
]

PARTIAL_REASONS = [
    ("originals", "Phải xuất trình bản chính giấy tờ để đối chiếu"),
    ("on_site", "Cơ quan giải quyết phải kiểm tra thực tế tại cơ sở"),
    ("in_person", "Người đề nghị phải có mặt để ký nhận"),
    ("other", "Hồ sơ kỹ thuật phải nộp bản giấy theo quy định chuyên ngành"),
]
RESULT_TYPES = ["licence", "certificate", "decision", "confirmation", "registration"]
RESULT_NAMES = {
    "licence": "Giấy phép",
    "certificate": "Giấy chứng nhận",
    "decision": "Quyết định",
    "confirmation": "Văn bản xác nhận",
    "registration": "Thông báo kết quả đăng ký",
}
PROCESSING_DAYS = [1, 3, 5, 7, 10, 15, 20, 30]
CHARGES = [50_000, 100_000, 150_000, 200_000, 300_000, 500_000, 1_000_000]


def doc(name, copy_kind="copy", *, count=1, required=True, reusable=False, note=""):
    """One required document (thành phần hồ sơ)."""
    return {
        "name": name,
        "copy_kind": copy_kind,
        "count": count,
        "is_required": required,
        "reusable": reusable,
        "note": note,
    }


def fee(kind, description, amount, online_discount_percent=0):
    """A fee (phí) or charge (lệ phí) in whole đồng."""
    return {
        "kind": kind,
        "description": description,
        "amount": amount,
        "online_discount_percent": online_discount_percent,
    }


def code(index: int) -> str:
    return f"{CODE_PREFIX}{index:05d}"


def entry(index: int) -> dict:
    """The synthetic catalogue entry number `index` (1 ≤ index ≤ 99,999)."""
    if not 1 <= index <= MAX_COUNT:
        raise ValueError(f"Synthetic entries are numbered 1 to {MAX_COUNT}.")
    field = FIELD_CODES[index % len(FIELD_CODES)]
    objects, agencies, levels = OBJECTS[field]
    rest = index // len(FIELD_CODES)
    obj, kind = objects[rest % len(objects)]
    rest //= len(objects)
    verb = VERBS[kind][rest % VERBS_PER_KIND]
    qualifier = QUALIFIERS[(rest // VERBS_PER_KIND) % len(QUALIFIERS)]
    name = " ".join(part for part in (verb, obj, qualifier) if part)
    full_process = index % 3 != 0
    reason, reason_note = PARTIAL_REASONS[index % len(PARTIAL_REASONS)] if not full_process else ("", "")
    result_type = RESULT_TYPES[index % len(RESULT_TYPES)]
    fees = []
    if index % 2 == 0:
        fees.append(
            fee(
                "charge" if index % 4 else "fee",
                f"Lệ phí {verb.lower()} {obj}",
                CHARGES[index % len(CHARGES)],
                50 if index % 6 == 0 else 0,
            )
        )
    documents = [
        doc(f"Đơn đề nghị {verb.lower()} {obj} theo mẫu", "original"),
        doc("Giấy tờ chứng minh tư cách pháp lý của tổ chức, cá nhân đề nghị", "copy", reusable=True),
    ]
    if index % 5 == 0:
        documents.append(doc("Bản thuyết minh điều kiện thực hiện", "original", required=False))
    return {
        "code": code(index),
        "name": name[0].upper() + name[1:],
        "field": field,
        "agencies": agencies,
        "levels": levels,
        "service_level": "full" if full_process else "partial",
        "partial_reason": reason,
        "partial_reason_note": reason_note,
        "processing_days": PROCESSING_DAYS[index % len(PROCESSING_DAYS)],
        "fee_payment_stage": "before_return" if index % 7 == 0 else "at_filing",
        "required_loa": 0,  # load tests file these with a password sign-in
        "legal_basis": "Dữ liệu thử tải, không có giá trị pháp lý.\n"
        "Nghị định số 118/2025/NĐ-CP ngày 09/6/2025 của Chính phủ về thực hiện thủ tục hành chính theo cơ "
        "chế một cửa, một cửa liên thông.",
        "result_name": f"{RESULT_NAMES[result_type]} ({obj})",
        "result_type": result_type,
        "return_at_desk": True,
        "return_by_post": True,
        "return_electronic": full_process,
        "fees": fees,
        "documents": documents,
    }
