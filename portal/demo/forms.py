"""Blank declaration forms (tờ khai) for the demo catalogue: a small PDF per form, printed with WeasyPrint,
with the form's legal name and the blanks an applicant fills in. `load_demo` attaches one to every
"Tờ khai … theo mẫu" document of the demo procedures, through the catalogue's own service.

The forms are stand-ins that say so on the page: the official forms are those of the National Database on
Administrative Procedures (e.g. Circular 04/2020/TT-BTP for civil status).
"""

import re
from functools import cache

from django.utils.text import slugify

from common import pdf
from procedures.text import fold

# Paper forms only: an electronic declaration ("Tờ khai điện tử …") is filled in on the portal itself.
_DECLARATION = re.compile(r"^Tờ khai (?!điện tử)", re.IGNORECASE)
# The legal name ends before "theo mẫu …", "theo Mẫu số …" or a remark in brackets.
_NAME_END = re.compile(r"\s+(theo\s+(mẫu|Mẫu)\b.*|\(.*)$", re.DOTALL)
_REFERENCE = re.compile(r"\b(Mẫu số\s+[\w/.-]+)")

REQUESTER = (
    "Người yêu cầu",
    [
        "Họ, chữ đệm, tên",
        "Ngày, tháng, năm sinh",
        "Số định danh cá nhân",
        "Nơi cư trú",
        "Số điện thoại",
    ],
)
PERSON = ["Họ, chữ đệm, tên", "Ngày, tháng, năm sinh", "Giới tính", "Dân tộc", "Quốc tịch"]
# What a form asks about its subject, by a word of its name (folded); others ask for the request only.
SUBJECTS = [
    (
        "khai sinh",
        [
            ("Người được khai sinh", [*PERSON, "Nơi sinh", "Quê quán"]),
            (
                "Cha, mẹ",
                ["Họ, chữ đệm, tên người cha", "Họ, chữ đệm, tên người mẹ", "Nơi cư trú của cha, mẹ"],
            ),
        ],
    ),
    (
        "khai tu",
        [
            (
                "Người đã chết",
                [
                    *PERSON,
                    "Số định danh cá nhân",
                    "Nơi cư trú cuối cùng",
                    "Đã chết vào lúc (giờ, phút, ngày, tháng, năm)",
                    "Nơi chết",
                    "Nguyên nhân chết",
                ],
            ),
            ("", ["Quan hệ với người đã chết"]),
        ],
    ),
    (
        "ket hon",
        [
            ("Bên nữ", [*PERSON[:2], "Dân tộc", "Quốc tịch", "Nơi cư trú", "Giấy tờ tùy thân"]),
            ("Bên nam", [*PERSON[:2], "Dân tộc", "Quốc tịch", "Nơi cư trú", "Giấy tờ tùy thân"]),
        ],
    ),
    (
        "giam ho",
        [
            ("Người được giám hộ", [*PERSON[:3], "Nơi cư trú"]),
            ("Người giám hộ", [*PERSON[:3], "Nơi cư trú"]),
        ],
    ),
    ("nhan cha", [("Người được nhận", [*PERSON[:3], "Nơi cư trú"]), ("", ["Quan hệ với người nhận"])]),
]


def is_paper_declaration(document_name: str) -> bool:
    """A 'Tờ khai … theo mẫu' document, the kind that comes with a blank form to print and fill in."""
    return bool(_DECLARATION.match(document_name.strip()))


def legal_name(document_name: str) -> str:
    """'Tờ khai đăng ký khai sinh theo mẫu' → 'TỜ KHAI ĐĂNG KÝ KHAI SINH'."""
    return _NAME_END.sub("", document_name.strip()).upper()


def file_name(document_name: str) -> str:
    """The stored file's name: 'to-khai-dang-ky-khai-sinh.pdf'."""
    return f"{slugify(fold(legal_name(document_name)))[:80]}.pdf"


@cache
def form_pdf(document_name: str) -> bytes:
    """The blank form of a declaration document, as a small PDF (a few kilobytes, one page)."""
    folded = fold(document_name)
    sections = next((sections for word, sections in SUBJECTS if word in folded), [])
    reference = _REFERENCE.search(document_name)
    return pdf.render_pdf(
        "portal/demo/form_template.html",
        {
            "title": legal_name(document_name),
            "reference": reference.group(1) if reference else "",
            "sections": [REQUESTER, *sections],
        },
    )
