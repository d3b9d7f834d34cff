"""Demo accounts: one per role, all with the same password. Staff sign in with TOTP, so each staff account
has a fixed authenticator secret (base32) that can be typed into any authenticator app.

Never load these on a real server: the password and the secrets are public.
"""

from . import catalogue

DEMO_PASSWORD = "Demo@2026"

# Fixed TOTP secrets (base32, 32 characters = 160 bits), one per staff account.
TOTP_SECRETS = {
    "clerk@demo.vn": "MNWGK4TLIBSGK3LPFZ3G4OTUN52HALJS",
    "officer@demo.vn": "N5TGM2LDMVZEAZDFNVXS45TOHJ2G65DQ",
    "admin@demo.vn": "MFSG22LOIBSGK3LPFZ3G4OTUN52HALJS",
    "finance@demo.vn": "MZUW4YLOMNSUAZDFNVXS45TOHJ2G65DQ",
}

# Catalogue entries are drafted, reviewed and published by this account.
CATALOGUE_ADMIN_EMAIL = "admin@demo.vn"

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
        "email": "finance@demo.vn",
        "full_name": "Vũ Thị Hằng",
        "role": "finance",
    },
]
