"""Demo accounts: one per role, all with the same password. Staff sign in with TOTP, so each staff account
has a fixed authenticator secret (base32) that can be typed into any authenticator app.

Never load these on a real server: the password and the secrets are public.
"""

import base64
import hashlib

from . import catalogue

DEMO_PASSWORD = "Demo@2026"

# Fixed TOTP secrets (base32, 32 characters = 160 bits), one per staff account.
TOTP_SECRETS = {
    "clerk@demo.vn": "MNWGK4TLIBSGK3LPFZ3G4OTUN52HALJS",
    "officer@demo.vn": "N5TGM2LDMVZEAZDFNVXS45TOHJ2G65DQ",
    "admin@demo.vn": "MFSG22LOIBSGK3LPFZ3G4OTUN52HALJS",
    "reviewer@demo.vn": "OJSXM2LFO5SXEQDEMVWW6LTWNY3TOMBZ",
    "finance@demo.vn": "MZUW4YLOMNSUAZDFNVXS45TOHJ2G65DQ",
}

# Catalogue entries are drafted and submitted for review by this account…
CATALOGUE_ADMIN_EMAIL = "admin@demo.vn"
# …and published by this one: the person who submitted a version may not publish it (CATALOGUE_FOUR_EYES).
CATALOGUE_REVIEWER_EMAIL = "reviewer@demo.vn"

ACCOUNTS = [
    {
        "email": "citizen@demo.vn",
        "full_name": "Nguyễn Thị Lan",
        "role": "citizen",
        "profile": {
            "full_name": "Nguyễn Thị Lan",
            "date_of_birth": "1985-03-12",
            "personal_id": "037185004321",
            "phone": "0915234678",
            "province": catalogue.PROVINCE_CODE,
            "commune": "14320",
            "street_address": "Số 15 đường Trần Hưng Đạo, tổ dân phố 3",
        },
    },
    {
        "email": "citizen2@demo.vn",
        "full_name": "Trần Văn Minh",
        "role": "citizen",
        "profile": {
            "full_name": "Trần Văn Minh",
            "date_of_birth": "1958-09-02",
            "personal_id": "036058007215",
            "phone": "0983112456",
            "province": catalogue.PROVINCE_CODE,
            "commune": "13453",
            "street_address": "Số 42 phố Hàng Tiện",
        },
    },
    {
        "email": "clerk@demo.vn",
        "full_name": "Phạm Thu Hà",
        "role": "clerk",
        "memberships": [
            {"agency": catalogue.TRUNG_TAM_PVHCC, "is_supervisor": False},
            {"agency": catalogue.UBND_PHUONG_HOA_LU, "is_supervisor": False},
        ],
    },
    {
        "email": "officer@demo.vn",
        "full_name": "Lê Quang Huy",
        "role": "officer",
        "memberships": [{"agency": catalogue.SO_TU_PHAP, "is_supervisor": True}],
    },
    {
        "email": "admin@demo.vn",
        "full_name": "Đỗ Minh Tuấn",
        "role": "catalogue_admin",
        "is_superuser": True,
    },
    {
        "email": "reviewer@demo.vn",
        "full_name": "Ngô Thanh Bình",
        "role": "catalogue_admin",
    },
    {
        "email": "finance@demo.vn",
        "full_name": "Vũ Thị Hằng",
        "role": "finance",
    },
]

# A one-stop-shop clerk for every other agency that receives dossiers in the demo catalogue (the agencies
# its procedures list), so that no demo dossier waits in a queue nobody can open — Sở Tư pháp, for one,
# receives the criminal-record certificate itself. (agency code, email, full name, TOTP secret)
DESK_CLERKS = [
    (catalogue.SO_NOI_VU, "clerk.noivu@demo.vn", "Trịnh Thu Trang", "XI34OISW5HIZY6BNXJTRWI5ZJ6RCXWDO"),
    (catalogue.SO_TU_PHAP, "clerk.tuphap@demo.vn", "Bùi Thị Mai", "KY26P73BFIWRA2AV7ITS7MTYZQLD6G7G"),
    (catalogue.SO_TAI_CHINH, "clerk.taichinh@demo.vn", "Đặng Văn Long", "HQILYYTJIIJH2VL46WT7YKV2EZ2NDBP5"),
    (catalogue.SO_CONG_THUONG, "clerk.congthuong@demo.vn", "Hà Thị Thu", "U5SBOVN2WD2W5WJ5LFDPDXOPYBP2QCKQ"),
    (
        catalogue.SO_NONG_NGHIEP_MOI_TRUONG,
        "clerk.nongnghiep@demo.vn",
        "Phan Văn Dũng",
        "XKN6R63TQBLAUZCLDJGS24K4WCVB3EVR",
    ),
    (catalogue.SO_XAY_DUNG, "clerk.xaydung@demo.vn", "Lương Thị Hoa", "JEXCQPIHENQCF7HZMHRANHKDWKTN7MTP"),
    (catalogue.SO_GIAO_DUC, "clerk.giaoduc@demo.vn", "Mai Văn Sơn", "RNQ22FLC5Z6BQWBURNS3JHR2LDGWO4P7"),
    (catalogue.SO_Y_TE, "clerk.yte@demo.vn", "Cao Thị Ngọc", "JJ5TFUYCXRJC6UV7BRHNVKKGL2AELE2G"),
    ("000.00.20.H43", "clerk.congan@demo.vn", "Tạ Văn Hải", "ZYC2R65RWTAUQRHRYZ5XCCACRB337CGF"),
    ("000.02.30.H43", "clerk.phuly@demo.vn", "Đoàn Thị Hương", "DELPUXJD3S4UQDJAXIOEG3RCKIJRQF2G"),
    ("000.03.30.H43", "clerk.namdinh@demo.vn", "Lý Văn Tùng", "H6P4JT2PK4RFRC3YUPR5T3HFQVJ6LSLU"),
    ("000.04.30.H43", "clerk.giavien@demo.vn", "Vương Thị Yến", "7WCV74GJNISIMCFGAK6SR2RGCNHR5GJP"),
    ("000.05.30.H43", "clerk.kimson@demo.vn", "Kiều Văn Thành", "P42KBBPE2W33V3NF3XCDWRFA5LXDQQXL"),
    ("000.06.30.H43", "clerk.haihau@demo.vn", "Quách Thị Lệ", "SJOIPH7246EETAURNOW77RZKG3YCNRM2"),
]
TOTP_SECRETS.update({email: secret for _agency, email, _name, secret in DESK_CLERKS})
ACCOUNTS += [
    {
        "email": email,
        "full_name": name,
        "role": "clerk",
        "memberships": [{"agency": agency, "is_supervisor": False}],
    }
    for agency, email, name, _secret in DESK_CLERKS
]


def _demo_secret(email: str) -> str:
    """A fixed TOTP secret (base32, 160 bits) derived from the demo address: as public as the others."""
    return base64.b32encode(hashlib.sha1(email.encode()).digest()).decode()


# An officer (supervisor) for every agency of the demo that decides what it receives — the wards and communes
# decide their own procedures once the desk hands a dossier on — so no demo dossier stops in a state nobody
# can approve. Sở Tư pháp has officer@demo.vn. (agency code, email, full name)
DECIDING_OFFICERS = [
    (catalogue.UBND_PHUONG_HOA_LU, "officer.hoalu@demo.vn", "Trương Văn Khánh"),
    (catalogue.SO_NOI_VU, "officer.noivu@demo.vn", "Hồ Thị Nga"),
    (catalogue.SO_TAI_CHINH, "officer.taichinh@demo.vn", "Lã Văn Quân"),
    (catalogue.SO_CONG_THUONG, "officer.congthuong@demo.vn", "Nghiêm Thị Thảo"),
    (catalogue.SO_NONG_NGHIEP_MOI_TRUONG, "officer.nongnghiep@demo.vn", "Tôn Văn Phúc"),
    (catalogue.SO_XAY_DUNG, "officer.xaydung@demo.vn", "Khúc Thị Hạnh"),
    (catalogue.SO_GIAO_DUC, "officer.giaoduc@demo.vn", "Âu Văn Toàn"),
    (catalogue.SO_Y_TE, "officer.yte@demo.vn", "Thân Thị Liên"),
    ("000.00.20.H43", "officer.congan@demo.vn", "Kim Văn Cường"),
    ("000.02.30.H43", "officer.phuly@demo.vn", "Văn Thị Oanh"),
    ("000.03.30.H43", "officer.namdinh@demo.vn", "Ông Văn Lực"),
    ("000.04.30.H43", "officer.giavien@demo.vn", "Lưu Thị Duyên"),
    ("000.05.30.H43", "officer.kimson@demo.vn", "Chu Văn Tiến"),
    ("000.06.30.H43", "officer.haihau@demo.vn", "Mạc Thị Xuân"),
]
TOTP_SECRETS.update({email: _demo_secret(email) for _agency, email, _name in DECIDING_OFFICERS})
ACCOUNTS += [
    {
        "email": email,
        "full_name": name,
        "role": "officer",
        "memberships": [{"agency": agency, "is_supervisor": True}],
    }
    for agency, email, name in DECIDING_OFFICERS
]
