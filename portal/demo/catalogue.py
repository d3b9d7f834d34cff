"""A demo province after the 1 July 2025 reform: Tỉnh Ninh Bình (which absorbed Hà Nam and Nam Định), its
communes, agencies, catalogue fields and about sixty procedures written by hand.

Names, legal bases and fees follow the national catalogue as published by provinces; national codes, unit
codes, agency codes (QCVN 102:2016 shape) and contact details are illustrative demo values — check them
against the National Database on Administrative Procedures before using any of this for real.
"""

# --- Administrative units -----------------------------------------------------------------------------

PROVINCE = {"code": "37", "name": "Tỉnh Ninh Bình"}

# Communes and wards of the new province (two-tier local government: no districts since 1 July 2025).
COMMUNES = [
    {"code": "14320", "name": "Phường Hoa Lư"},
    {"code": "14362", "name": "Phường Tây Hoa Lư"},
    {"code": "14395", "name": "Phường Nam Hoa Lư"},
    {"code": "14413", "name": "Phường Tam Điệp"},
    {"code": "13285", "name": "Phường Phủ Lý"},
    {"code": "13327", "name": "Phường Duy Tiên"},
    {"code": "13453", "name": "Phường Nam Định"},
    {"code": "13474", "name": "Phường Thiên Trường"},
    {"code": "14482", "name": "Xã Gia Viễn"},
    {"code": "14437", "name": "Xã Nho Quan"},
    {"code": "14611", "name": "Xã Kim Sơn"},
    {"code": "13972", "name": "Xã Hải Hậu"},
]

# Units that no longer exist. Old provinces and communes point at the unit that replaced them, so an
# address or a dossier recorded under an old code still resolves to today's unit.
LEGACY_PROVINCES = [
    {"code": "35", "name": "Tỉnh Hà Nam", "successor": "37"},
    {"code": "36", "name": "Tỉnh Nam Định", "successor": "37"},
]
LEGACY_DISTRICTS = [
    {"code": "369", "name": "Thành phố Hoa Lư", "parent": "37"},
    {"code": "374", "name": "Huyện Gia Viễn", "parent": "37"},
    {"code": "347", "name": "Thành phố Phủ Lý", "parent": "35"},
]
LEGACY_COMMUNES = [
    {"code": "14323", "name": "Phường Vân Giang", "parent": "369", "successor": "14320"},
    {"code": "14335", "name": "Phường Đông Thành", "parent": "369", "successor": "14320"},
    {"code": "14338", "name": "Phường Ninh Khánh", "parent": "369", "successor": "14320"},
    {"code": "14470", "name": "Thị trấn Me", "parent": "374", "successor": "14482"},
    {"code": "14473", "name": "Xã Gia Vượng", "parent": "374", "successor": "14482"},
    {"code": "13291", "name": "Phường Hai Bà Trưng", "parent": "347", "successor": "13285"},
    {"code": "13294", "name": "Phường Minh Khai", "parent": "347", "successor": "13285"},
]

# --- Agencies ---------------------------------------------------------------------------------------------

UBND_TINH = "000.00.00.H43"
TRUNG_TAM_PVHCC = "000.00.01.H43"
SO_NOI_VU = "000.00.03.H43"
SO_TU_PHAP = "000.00.05.H43"
SO_TAI_CHINH = "000.00.06.H43"
SO_CONG_THUONG = "000.00.07.H43"
SO_NONG_NGHIEP_MOI_TRUONG = "000.00.08.H43"
SO_XAY_DUNG = "000.00.09.H43"
SO_GIAO_DUC = "000.00.12.H43"
SO_Y_TE = "000.00.13.H43"
CONG_AN_TINH = "000.00.20.H43"
UBND_PHUONG_HOA_LU = "000.01.30.H43"
UBND_PHUONG_PHU_LY = "000.02.30.H43"
UBND_PHUONG_NAM_DINH = "000.03.30.H43"
UBND_XA_GIA_VIEN = "000.04.30.H43"
UBND_XA_KIM_SON = "000.05.30.H43"
UBND_XA_HAI_HAU = "000.06.30.H43"
UBND_TP_HOA_LU_CU = "000.00.21.H43"
UBND_HUYEN_GIA_VIEN_CU = "000.00.23.H43"

COMMUNE_AGENCIES = [
    UBND_PHUONG_HOA_LU,
    UBND_PHUONG_PHU_LY,
    UBND_PHUONG_NAM_DINH,
    UBND_XA_GIA_VIEN,
    UBND_XA_KIM_SON,
    UBND_XA_HAI_HAU,
]

OFFICE_HOURS = "Thứ Hai – Thứ Sáu: sáng 7h00–11h30, chiều 13h30–17h00"
CENTRE_HOURS = "Thứ Hai – Thứ Sáu: 7h00–17h00 (không nghỉ trưa); sáng thứ Bảy: 7h30–11h30"
COMMUNE_HOURS = "Thứ Hai – Thứ Sáu: sáng 7h00–11h30, chiều 13h30–17h00; sáng thứ Bảy tiếp nhận hộ tịch"

# Listed parents first: the loader creates them in this order.
AGENCIES = [
    {
        "code": UBND_TINH,
        "name": "Ủy ban nhân dân tỉnh Ninh Bình",
        "kind": "province",
        "unit": "37",
        "address": "Số 2 đường Lê Đại Hành, phường Hoa Lư, tỉnh Ninh Bình",
        "phone": "0229 3871 006",
        "email": "ubnd@ninhbinh.example",
        "opening_hours": OFFICE_HOURS,
    },
    {
        "code": TRUNG_TAM_PVHCC,
        "name": "Trung tâm Phục vụ hành chính công tỉnh Ninh Bình",
        "kind": "department",
        "parent": UBND_TINH,
        "unit": "37",
        "address": "Số 1 đường Đinh Tiên Hoàng, phường Hoa Lư, tỉnh Ninh Bình",
        "phone": "0229 3625 888",
        "email": "hanhchinhcong@ninhbinh.example",
        "opening_hours": CENTRE_HOURS,
    },
    {
        "code": SO_NOI_VU,
        "name": "Sở Nội vụ",
        "kind": "department",
        "parent": UBND_TINH,
        "unit": "37",
        "address": "Số 9 đường Lê Hồng Phong, phường Hoa Lư, tỉnh Ninh Bình",
        "phone": "0229 3871 441",
        "email": "sonoivu@ninhbinh.example",
        "opening_hours": OFFICE_HOURS,
    },
    {
        "code": SO_TU_PHAP,
        "name": "Sở Tư pháp",
        "kind": "department",
        "parent": UBND_TINH,
        "unit": "37",
        "address": "Số 12 đường Lê Đại Hành, phường Hoa Lư, tỉnh Ninh Bình",
        "phone": "0229 3873 513",
        "email": "sotuphap@ninhbinh.example",
        "opening_hours": OFFICE_HOURS,
    },
    {
        "code": SO_TAI_CHINH,
        "name": "Sở Tài chính",
        "kind": "department",
        "parent": UBND_TINH,
        "unit": "37",
        "address": "Số 25 đường Trần Hưng Đạo, phường Hoa Lư, tỉnh Ninh Bình",
        "phone": "0229 3872 154",
        "email": "sotaichinh@ninhbinh.example",
        "opening_hours": OFFICE_HOURS,
    },
    {
        "code": SO_CONG_THUONG,
        "name": "Sở Công Thương",
        "kind": "department",
        "parent": UBND_TINH,
        "unit": "37",
        "address": "Số 6 đường Trần Hưng Đạo, phường Nam Định, tỉnh Ninh Bình",
        "phone": "0228 3849 331",
        "email": "socongthuong@ninhbinh.example",
        "opening_hours": OFFICE_HOURS,
    },
    {
        "code": SO_NONG_NGHIEP_MOI_TRUONG,
        "name": "Sở Nông nghiệp và Môi trường",
        "kind": "department",
        "parent": UBND_TINH,
        "unit": "37",
        "address": "Số 18 đường Lý Thái Tổ, phường Phủ Lý, tỉnh Ninh Bình",
        "phone": "0226 3852 703",
        "email": "sonnmt@ninhbinh.example",
        "opening_hours": OFFICE_HOURS,
    },
    {
        "code": SO_XAY_DUNG,
        "name": "Sở Xây dựng",
        "kind": "department",
        "parent": UBND_TINH,
        "unit": "37",
        "address": "Số 4 đường Lương Văn Thăng, phường Hoa Lư, tỉnh Ninh Bình",
        "phone": "0229 3871 552",
        "email": "soxaydung@ninhbinh.example",
        "opening_hours": OFFICE_HOURS,
    },
    {
        "code": SO_GIAO_DUC,
        "name": "Sở Giáo dục và Đào tạo",
        "kind": "department",
        "parent": UBND_TINH,
        "unit": "37",
        "address": "Số 51 đường Lê Hồng Phong, phường Hoa Lư, tỉnh Ninh Bình",
        "phone": "0229 3871 164",
        "email": "sogddt@ninhbinh.example",
        "opening_hours": OFFICE_HOURS,
    },
    {
        "code": SO_Y_TE,
        "name": "Sở Y tế",
        "kind": "department",
        "parent": UBND_TINH,
        "unit": "37",
        "address": "Số 3 đường Hải Thượng Lãn Ông, phường Hoa Lư, tỉnh Ninh Bình",
        "phone": "0229 3872 085",
        "email": "soyte@ninhbinh.example",
        "opening_hours": OFFICE_HOURS,
    },
    {
        "code": CONG_AN_TINH,
        "name": "Công an tỉnh Ninh Bình (Phòng Cảnh sát giao thông)",
        "kind": "department",
        "parent": UBND_TINH,
        "unit": "37",
        "address": "Số 1 đường Tràng An, phường Hoa Lư, tỉnh Ninh Bình",
        "phone": "0229 3881 120",
        "email": "csgt.congan@ninhbinh.example",
        "opening_hours": OFFICE_HOURS,
    },
    {
        "code": UBND_PHUONG_HOA_LU,
        "name": "Ủy ban nhân dân phường Hoa Lư",
        "kind": "commune",
        "parent": UBND_TINH,
        "unit": "14320",
        "address": "Số 8 đường Lê Thái Tổ, phường Hoa Lư, tỉnh Ninh Bình",
        "phone": "0229 3893 115",
        "email": "phuonghoalu@ninhbinh.example",
        "opening_hours": COMMUNE_HOURS,
    },
    {
        "code": UBND_PHUONG_PHU_LY,
        "name": "Ủy ban nhân dân phường Phủ Lý",
        "kind": "commune",
        "parent": UBND_TINH,
        "unit": "13285",
        "address": "Số 27 đường Biên Hòa, phường Phủ Lý, tỉnh Ninh Bình",
        "phone": "0226 3851 216",
        "email": "phuongphuly@ninhbinh.example",
        "opening_hours": COMMUNE_HOURS,
    },
    {
        "code": UBND_PHUONG_NAM_DINH,
        "name": "Ủy ban nhân dân phường Nam Định",
        "kind": "commune",
        "parent": UBND_TINH,
        "unit": "13453",
        "address": "Số 60 đường Hùng Vương, phường Nam Định, tỉnh Ninh Bình",
        "phone": "0228 3845 170",
        "email": "phuongnamdinh@ninhbinh.example",
        "opening_hours": COMMUNE_HOURS,
    },
    {
        "code": UBND_XA_GIA_VIEN,
        "name": "Ủy ban nhân dân xã Gia Viễn",
        "kind": "commune",
        "parent": UBND_TINH,
        "unit": "14482",
        "address": "Thôn Trung Chính, xã Gia Viễn, tỉnh Ninh Bình",
        "phone": "0229 3640 213",
        "email": "xagiavien@ninhbinh.example",
        "opening_hours": COMMUNE_HOURS,
    },
    {
        "code": UBND_XA_KIM_SON,
        "name": "Ủy ban nhân dân xã Kim Sơn",
        "kind": "commune",
        "parent": UBND_TINH,
        "unit": "14611",
        "address": "Phố Phát Diệm Đông, xã Kim Sơn, tỉnh Ninh Bình",
        "phone": "0229 3862 037",
        "email": "xakimson@ninhbinh.example",
        "opening_hours": COMMUNE_HOURS,
    },
    {
        "code": UBND_XA_HAI_HAU,
        "name": "Ủy ban nhân dân xã Hải Hậu",
        "kind": "commune",
        "parent": UBND_TINH,
        "unit": "13972",
        "address": "Tổ dân phố 4, xã Hải Hậu, tỉnh Ninh Bình",
        "phone": "0228 3877 245",
        "email": "xahaihau@ninhbinh.example",
        "opening_hours": COMMUNE_HOURS,
    },
    {
        "code": UBND_TP_HOA_LU_CU,
        "name": "Ủy ban nhân dân thành phố Hoa Lư (trước 01/7/2025)",
        "kind": "district",
        "parent": UBND_TINH,
        "unit": "369",
        "is_legacy": True,
        "address": "Số 10 đường Lê Lợi, thành phố Hoa Lư (cũ), tỉnh Ninh Bình",
        "phone": "0229 3871 239",
        "opening_hours": "Đã chấm dứt hoạt động từ ngày 01/7/2025",
    },
    {
        "code": UBND_HUYEN_GIA_VIEN_CU,
        "name": "Ủy ban nhân dân huyện Gia Viễn (trước 01/7/2025)",
        "kind": "district",
        "parent": UBND_TINH,
        "unit": "374",
        "is_legacy": True,
        "address": "Thị trấn Me, huyện Gia Viễn (cũ), tỉnh Ninh Bình",
        "phone": "0229 3640 111",
        "opening_hours": "Đã chấm dứt hoạt động từ ngày 01/7/2025",
    },
]

# --- Fields (lĩnh vực) --------------------------------------------------------------------------------------

FIELDS = [
    {"code": "ho-tich", "name": "Hộ tịch"},
    {"code": "chung-thuc", "name": "Chứng thực"},
    {"code": "ly-lich-tu-phap", "name": "Lý lịch tư pháp"},
    {"code": "duong-bo", "name": "Giao thông vận tải – Đường bộ"},
    {"code": "doanh-nghiep", "name": "Thành lập và hoạt động của doanh nghiệp"},
    {"code": "dat-dai", "name": "Đất đai"},
    {"code": "xay-dung", "name": "Hoạt động xây dựng"},
    {"code": "giao-duc", "name": "Giáo dục và Đào tạo"},
    {"code": "lao-dong", "name": "Lao động – Việc làm"},
    {"code": "y-te", "name": "Y tế – Khám bệnh, chữa bệnh và Dược"},
    {"code": "cong-thuong", "name": "Công thương – Lưu thông hàng hóa trong nước"},
    {"code": "bao-tro-xa-hoi", "name": "Bảo trợ xã hội"},
]


# --- Procedures -------------------------------------------------------------------------------------------


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


ALL_RETURNS = {"return_at_desk": True, "return_by_post": True, "return_electronic": True}
DESK_AND_POST = {"return_at_desk": True, "return_by_post": True, "return_electronic": False}
DESK_AND_ONLINE = {"return_at_desk": True, "return_by_post": False, "return_electronic": True}

ID_CARD = doc(
    "Thẻ Căn cước hoặc Căn cước công dân của người yêu cầu",
    "original_or_copy",
    required=False,
    reusable=True,
    note="Không phải nộp khi thông tin đã được khai thác từ Cơ sở dữ liệu quốc gia về dân cư",
)
AUTHORISATION = doc(
    "Văn bản ủy quyền theo quy định của pháp luật (trường hợp ủy quyền thực hiện thủ tục)",
    "certified_copy",
    required=False,
    note="Không phải chứng thực nếu người được ủy quyền là ông, bà, cha, mẹ, con, vợ, chồng, anh, chị, em "
    "ruột",
)

LAW_HO_TICH = (
    "Luật Hộ tịch số 60/2014/QH13 ngày 20/11/2014;\n"
    "Nghị định số 123/2015/NĐ-CP ngày 15/11/2015 của Chính phủ quy định chi tiết một số điều và biện pháp "
    "thi hành Luật Hộ tịch;\n"
    "Nghị định số 87/2020/NĐ-CP ngày 28/7/2020 của Chính phủ quy định về Cơ sở dữ liệu hộ tịch điện tử, "
    "đăng ký hộ tịch trực tuyến;\n"
    "Thông tư số 04/2020/TT-BTP ngày 28/5/2020 của Bộ Tư pháp quy định chi tiết thi hành Luật Hộ tịch;\n"
    "Thông tư số 85/2019/TT-BTC ngày 29/11/2019 của Bộ Tài chính hướng dẫn về phí và lệ phí thuộc thẩm "
    "quyền quyết định của Hội đồng nhân dân tỉnh."
)
LAW_CHUNG_THUC = (
    "Nghị định số 23/2015/NĐ-CP ngày 16/02/2015 của Chính phủ về cấp bản sao từ sổ gốc, chứng thực bản sao "
    "từ bản chính, chứng thực chữ ký và chứng thực hợp đồng, giao dịch;\n"
    "Thông tư số 01/2020/TT-BTP ngày 03/3/2020 của Bộ Tư pháp hướng dẫn Nghị định số 23/2015/NĐ-CP;\n"
    "Thông tư số 226/2016/TT-BTC ngày 11/11/2016 của Bộ Tài chính quy định mức thu, chế độ thu, nộp, quản lý "
    "và sử dụng phí chứng thực."
)
LAW_LLTP = (
    "Luật Lý lịch tư pháp số 28/2009/QH12 ngày 17/6/2009;\n"
    "Nghị định số 111/2010/NĐ-CP ngày 23/11/2010 của Chính phủ quy định chi tiết một số điều của Luật Lý "
    "lịch tư pháp;\n"
    "Thông tư số 06/2013/TT-BTP ngày 06/02/2013 của Bộ Tư pháp hướng dẫn việc quản lý, sử dụng và mẫu "
    "phiếu lý lịch tư pháp;\n"
    "Thông tư số 244/2016/TT-BTC ngày 11/11/2016 của Bộ Tài chính quy định mức thu, chế độ thu, nộp, quản "
    "lý và sử dụng phí cung cấp thông tin lý lịch tư pháp."
)
LAW_GPLX = (
    "Luật Trật tự, an toàn giao thông đường bộ số 36/2024/QH15 ngày 27/6/2024;\n"
    "Thông tư số 12/2025/TT-BCA ngày 28/02/2025 của Bộ Công an quy định về sát hạch, cấp giấy phép lái xe; "
    "cấp, sử dụng giấy phép lái xe quốc tế;\n"
    "Thông tư số 37/2023/TT-BTC ngày 07/6/2023 của Bộ Tài chính quy định mức thu, chế độ thu, nộp, quản lý "
    "và sử dụng phí sát hạch lái xe; lệ phí cấp giấy phép lái xe."
)
LAW_VAN_TAI = (
    "Luật Đường bộ số 35/2024/QH15 ngày 27/6/2024;\n"
    "Nghị định số 158/2024/NĐ-CP ngày 18/12/2024 của Chính phủ quy định về hoạt động vận tải đường bộ;\n"
    "Thông tư số 199/2016/TT-BTC ngày 08/11/2016 của Bộ Tài chính quy định mức thu, chế độ thu, nộp và quản "
    "lý lệ phí cấp giấy phép kinh doanh vận tải bằng xe ô tô."
)
LAW_DOANH_NGHIEP = (
    "Luật Doanh nghiệp số 59/2020/QH14 ngày 17/6/2020;\n"
    "Nghị định số 168/2025/NĐ-CP ngày 30/6/2025 của Chính phủ về đăng ký doanh nghiệp;\n"
    "Thông tư số 47/2019/TT-BTC ngày 05/8/2019 của Bộ Tài chính quy định mức thu, chế độ thu, nộp, quản lý "
    "và sử dụng phí cung cấp thông tin doanh nghiệp, lệ phí đăng ký doanh nghiệp."
)
LAW_DAT_DAI = (
    "Luật Đất đai số 31/2024/QH15 ngày 18/01/2024;\n"
    "Nghị định số 101/2024/NĐ-CP ngày 29/7/2024 của Chính phủ quy định về điều tra cơ bản đất đai; đăng "
    "ký, cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất và Hệ thống thông "
    "tin đất đai;\n"
    "Nghị định số 103/2024/NĐ-CP ngày 30/7/2024 của Chính phủ quy định về tiền sử dụng đất, tiền thuê đất;\n"
    "Nghị quyết của Hội đồng nhân dân tỉnh quy định mức thu phí thẩm định hồ sơ cấp Giấy chứng nhận và lệ "
    "phí cấp Giấy chứng nhận trên địa bàn tỉnh."
)
LAW_XAY_DUNG = (
    "Luật Xây dựng số 50/2014/QH13 ngày 18/6/2014, được sửa đổi, bổ sung bởi Luật số 62/2020/QH14;\n"
    "Nghị định số 175/2024/NĐ-CP ngày 30/12/2024 của Chính phủ quy định chi tiết một số điều và biện pháp "
    "thi hành Luật Xây dựng về quản lý hoạt động xây dựng;\n"
    "Thông tư số 85/2019/TT-BTC ngày 29/11/2019 của Bộ Tài chính hướng dẫn về phí và lệ phí thuộc thẩm "
    "quyền quyết định của Hội đồng nhân dân tỉnh."
)
LAW_VAN_BANG = (
    "Luật Giáo dục số 43/2019/QH14 ngày 14/6/2019;\n"
    "Nghị định số 23/2015/NĐ-CP ngày 16/02/2015 của Chính phủ về cấp bản sao từ sổ gốc, chứng thực bản sao "
    "từ bản chính;\n"
    "Thông tư số 21/2019/TT-BGDĐT ngày 29/11/2019 của Bộ Giáo dục và Đào tạo ban hành Quy chế quản lý bằng "
    "tốt nghiệp trung học cơ sở, bằng tốt nghiệp trung học phổ thông, văn bằng giáo dục đại học và chứng "
    "chỉ của hệ thống giáo dục quốc dân."
)
LAW_LAO_DONG_NN = (
    "Bộ luật Lao động số 45/2019/QH14 ngày 20/11/2019;\n"
    "Nghị định số 152/2020/NĐ-CP ngày 30/12/2020 của Chính phủ quy định về người lao động nước ngoài làm "
    "việc tại Việt Nam, được sửa đổi, bổ sung bởi Nghị định số 70/2023/NĐ-CP ngày 18/9/2023;\n"
    "Nghị quyết của Hội đồng nhân dân tỉnh quy định mức thu lệ phí cấp giấy phép lao động."
)
LAW_KCB = (
    "Luật Khám bệnh, chữa bệnh số 15/2023/QH15 ngày 09/01/2023;\n"
    "Nghị định số 96/2023/NĐ-CP ngày 30/12/2023 của Chính phủ quy định chi tiết một số điều của Luật Khám "
    "bệnh, chữa bệnh;\n"
    "Thông tư số 59/2023/TT-BTC ngày 30/8/2023 của Bộ Tài chính quy định mức thu, chế độ thu, nộp, quản lý "
    "và sử dụng phí trong lĩnh vực y tế."
)
LAW_RUOU = (
    "Luật Phòng, chống tác hại của rượu, bia số 44/2019/QH14 ngày 14/6/2019;\n"
    "Nghị định số 105/2017/NĐ-CP ngày 14/9/2017 của Chính phủ về kinh doanh rượu, được sửa đổi, bổ sung bởi "
    "Nghị định số 17/2020/NĐ-CP ngày 05/02/2020;\n"
    "Thông tư số 168/2016/TT-BTC ngày 26/10/2016 của Bộ Tài chính quy định mức thu, chế độ thu, nộp, quản "
    "lý và sử dụng phí thẩm định kinh doanh hàng hóa, dịch vụ hạn chế kinh doanh; hàng hóa, dịch vụ kinh "
    "doanh có điều kiện thuộc lĩnh vực thương mại."
)
LAW_TRO_GIUP_XA_HOI = (
    "Nghị định số 20/2021/NĐ-CP ngày 15/3/2021 của Chính phủ quy định chính sách trợ giúp xã hội đối với đối "
    "tượng bảo trợ xã hội;\n"
    "Nghị định số 76/2024/NĐ-CP ngày 01/7/2024 của Chính phủ sửa đổi, bổ sung một số điều của Nghị định số "
    "20/2021/NĐ-CP;\n"
    "Nghị định số 63/2024/NĐ-CP ngày 10/6/2024 của Chính phủ quy định việc thực hiện liên thông điện tử hai "
    "nhóm thủ tục hành chính."
)

PROCEDURES = [
    # --- Hộ tịch --------------------------------------------------------------------------------------------
    {
        "code": "1.001193",
        "name": "Đăng ký khai sinh",
        "field": "ho-tich",
        "agencies": COMMUNE_AGENCIES,
        "levels": "commune",
        "service_level": "full",
        "processing_days": 1,
        "processing_time_note": "Ngay trong ngày tiếp nhận; hồ sơ nhận sau 15 giờ thì trả kết quả trong ngày "
        "làm việc tiếp theo",
        "fee_payment_stage": "at_filing",
        "applicant_requirements": "Cha, mẹ, ông, bà hoặc người thân thích khác có trách nhiệm đăng ký khai "
        "sinh cho trẻ em trong thời hạn 60 ngày kể từ ngày sinh.",
        "legal_basis": LAW_HO_TICH,
        "result_name": "Giấy khai sinh (bản chính) và bản điện tử Giấy khai sinh",
        "result_type": "certificate",
        **ALL_RETURNS,
        "fees": [],
        "documents": [
            doc("Tờ khai đăng ký khai sinh theo mẫu", "original"),
            doc(
                "Giấy chứng sinh do cơ sở khám bệnh, chữa bệnh cấp",
                "original",
                note="Không có Giấy chứng sinh thì nộp văn bản của người làm chứng xác nhận về việc sinh",
            ),
            doc(
                "Giấy chứng nhận kết hôn của cha, mẹ trẻ",
                "copy",
                required=False,
                reusable=True,
                note="Chỉ khi cha, mẹ đã đăng ký kết hôn; không phải nộp nếu đã có trong Cơ sở dữ liệu hộ "
                "tịch",
            ),
            ID_CARD,
            AUTHORISATION,
        ],
    },
    {
        "code": "1.000894",
        "name": "Đăng ký kết hôn",
        "field": "ho-tich",
        "agencies": COMMUNE_AGENCIES,
        "levels": "commune",
        "service_level": "partial",
        "partial_reason": "in_person",
        "partial_reason_note": "Hai bên nam, nữ phải có mặt tại cơ quan đăng ký hộ tịch để ký vào Giấy chứng "
        "nhận kết hôn và Sổ đăng ký kết hôn",
        "processing_days": 1,
        "processing_time_note": "Ngay trong ngày tiếp nhận; trường hợp cần xác minh thì không quá 05 ngày "
        "làm việc",
        "fee_payment_stage": "at_filing",
        "applicant_requirements": "Nam từ đủ 20 tuổi trở lên, nữ từ đủ 18 tuổi trở lên; việc kết hôn do nam "
        "và nữ tự nguyện quyết định; không bị mất năng lực hành vi dân sự; không thuộc trường hợp cấm kết "
        "hôn theo Luật Hôn nhân và gia đình.",
        "legal_basis": LAW_HO_TICH + "\nLuật Hôn nhân và gia đình số 52/2014/QH13 ngày 19/6/2014.",
        "result_name": "Giấy chứng nhận kết hôn (02 bản chính, mỗi bên vợ, chồng giữ 01 bản)",
        "result_type": "certificate",
        **DESK_AND_POST,
        "fees": [],
        "documents": [
            doc("Tờ khai đăng ký kết hôn theo mẫu (hai bên có thể khai chung một Tờ khai)", "original"),
            doc(
                "Giấy xác nhận tình trạng hôn nhân của bên nam, nữ",
                "original",
                required=False,
                reusable=True,
                note="Chỉ khi người kết hôn không thường trú tại nơi đăng ký kết hôn",
            ),
            doc(
                "Trích lục ghi chú ly hôn hoặc bản án, quyết định ly hôn đã có hiệu lực",
                "certified_copy",
                required=False,
                note="Đối với công dân đã ly hôn tại cơ quan có thẩm quyền của nước ngoài",
            ),
            ID_CARD,
        ],
    },
    {
        "code": "1.000656",
        "name": "Đăng ký khai tử",
        "field": "ho-tich",
        "agencies": COMMUNE_AGENCIES,
        "levels": "commune",
        "service_level": "full",
        "processing_days": 1,
        "processing_time_note": "Ngay trong ngày tiếp nhận; trường hợp cần xác minh thì không quá 03 ngày "
        "làm việc",
        "fee_payment_stage": "at_filing",
        "applicant_requirements": "Vợ, chồng hoặc con, cha, mẹ hoặc người thân thích khác của người chết đi "
        "đăng ký khai tử trong thời hạn 15 ngày kể từ ngày có người chết.",
        "legal_basis": LAW_HO_TICH,
        "result_name": "Trích lục khai tử (bản chính)",
        "result_type": "certificate",
        **ALL_RETURNS,
        "fees": [],
        "documents": [
            doc("Tờ khai đăng ký khai tử theo mẫu", "original"),
            doc(
                "Giấy báo tử hoặc giấy tờ khác thay giấy báo tử do cơ quan có thẩm quyền cấp",
                "original_or_copy",
            ),
            ID_CARD,
            AUTHORISATION,
        ],
    },
    {
        "code": "1.004873",
        "name": "Cấp Giấy xác nhận tình trạng hôn nhân",
        "field": "ho-tich",
        "agencies": COMMUNE_AGENCIES,
        "levels": "commune",
        "service_level": "full",
        "processing_days": 3,
        "processing_time_note": "Trường hợp phải xác minh tại nơi cư trú trước đây thì không quá 23 ngày",
        "fee_payment_stage": "at_filing",
        "legal_basis": LAW_HO_TICH,
        "result_name": "Giấy xác nhận tình trạng hôn nhân",
        "result_type": "confirmation",
        **ALL_RETURNS,
        "fees": [fee("charge", "Lệ phí cấp Giấy xác nhận tình trạng hôn nhân", 3_000)],
        "documents": [
            doc("Tờ khai cấp Giấy xác nhận tình trạng hôn nhân theo mẫu", "original"),
            doc(
                "Bản án, quyết định ly hôn đã có hiệu lực pháp luật hoặc Trích lục khai tử của vợ/chồng",
                "copy",
                required=False,
                reusable=True,
                note="Khi người yêu cầu đã từng kết hôn",
            ),
            doc(
                "Giấy xác nhận tình trạng hôn nhân đã cấp trước đây",
                "original",
                required=False,
                note="Nộp lại khi đề nghị cấp mới để sử dụng vào mục đích khác hoặc đã hết hạn",
            ),
            ID_CARD,
        ],
    },
    {
        "code": "1.001022",
        "name": "Đăng ký nhận cha, mẹ, con",
        "field": "ho-tich",
        "agencies": COMMUNE_AGENCIES,
        "levels": "commune",
        "service_level": "partial",
        "partial_reason": "in_person",
        "partial_reason_note": "Bên nhận và bên được nhận là cha, mẹ, con phải có mặt khi đăng ký",
        "processing_days": 3,
        "processing_time_note": "Trường hợp cần xác minh thì kéo dài thêm không quá 05 ngày làm việc",
        "fee_payment_stage": "at_filing",
        "legal_basis": LAW_HO_TICH,
        "result_name": "Trích lục đăng ký nhận cha, mẹ, con",
        "result_type": "registration",
        **DESK_AND_POST,
        "fees": [fee("charge", "Lệ phí đăng ký nhận cha, mẹ, con", 15_000)],
        "documents": [
            doc("Tờ khai đăng ký nhận cha, mẹ, con theo mẫu", "original"),
            doc(
                "Văn bản của cơ quan y tế, cơ quan giám định xác nhận quan hệ cha con, mẹ con hoặc giấy tờ, "
                "đồ vật, chứng cứ khác chứng minh quan hệ cha, mẹ, con",
                "original_or_copy",
            ),
            ID_CARD,
        ],
    },
    {
        "code": "1.004859",
        "name": "Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch, xác định lại dân tộc",
        "field": "ho-tich",
        "agencies": COMMUNE_AGENCIES,
        "levels": "commune",
        "service_level": "full",
        "processing_days": 3,
        "processing_time_note": "Bổ sung thông tin hộ tịch: trả kết quả ngay trong ngày",
        "fee_payment_stage": "at_filing",
        "legal_basis": LAW_HO_TICH + "\nBộ luật Dân sự số 91/2015/QH13 ngày 24/11/2015.",
        "result_name": "Trích lục thay đổi, cải chính, bổ sung thông tin hộ tịch, xác định lại dân tộc",
        "result_type": "registration",
        **ALL_RETURNS,
        "fees": [fee("charge", "Lệ phí thay đổi, cải chính hộ tịch", 15_000, 50)],
        "documents": [
            doc("Tờ khai đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch theo mẫu", "original"),
            doc(
                "Giấy khai sinh hoặc giấy tờ hộ tịch cần thay đổi, cải chính, bổ sung",
                "original_or_copy",
                reusable=True,
            ),
            doc(
                "Giấy tờ làm căn cứ cho việc thay đổi, cải chính, bổ sung (hồ sơ học tập, hồ sơ bảo hiểm…)",
                "certified_copy",
            ),
            ID_CARD,
        ],
    },
    {
        "code": "2.000635",
        "name": "Cấp bản sao trích lục hộ tịch",
        "field": "ho-tich",
        "agencies": [SO_TU_PHAP, *COMMUNE_AGENCIES],
        "levels": "province,commune",
        "service_level": "full",
        "processing_days": 1,
        "processing_time_note": "Ngay trong ngày tiếp nhận; hồ sơ nhận sau 15 giờ thì trả trong ngày làm "
        "việc tiếp theo",
        "fee_payment_stage": "at_filing",
        "legal_basis": LAW_HO_TICH,
        "result_name": "Bản sao trích lục hộ tịch (giấy hoặc điện tử)",
        "result_type": "certificate",
        **ALL_RETURNS,
        "fees": [fee("fee", "Phí cấp bản sao trích lục hộ tịch (mỗi bản)", 8_000, 50)],
        "documents": [
            doc("Tờ khai cấp bản sao trích lục hộ tịch theo mẫu", "original"),
            doc("Giấy tờ chứng minh là người có quyền yêu cầu (khi yêu cầu cho người khác)", required=False),
            ID_CARD,
        ],
    },
    {
        "code": "1.008966",
        "name": "Liên thông thủ tục hành chính về đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y "
        "tế cho trẻ em dưới 6 tuổi",
        "field": "ho-tich",
        "agencies": COMMUNE_AGENCIES,
        "levels": "commune",
        "service_level": "full",
        "processing_days": 5,
        "processing_time_note": "Tổng thời gian của ba thủ tục: khai sinh 01 ngày, thường trú 03 ngày, thẻ "
        "bảo hiểm y tế 01 ngày",
        "fee_payment_stage": "at_filing",
        "legal_basis": LAW_HO_TICH
        + "\nLuật Cư trú số 68/2020/QH14;\nLuật Bảo hiểm y tế số 25/2008/QH12 (sửa đổi, bổ sung);\n"
        "Nghị định số 63/2024/NĐ-CP ngày 10/6/2024 của Chính phủ quy định việc thực hiện liên thông điện tử "
        "hai nhóm thủ tục hành chính.",
        "result_name": "Giấy khai sinh điện tử, xác nhận đăng ký thường trú và thẻ bảo hiểm y tế điện tử",
        "result_type": "certificate",
        **ALL_RETURNS,
        "fees": [],
        "documents": [
            doc("Tờ khai điện tử liên thông theo mẫu (khai trên Cổng dịch vụ công)", "original"),
            doc("Giấy chứng sinh (bản chụp hoặc bản điện tử)", "copy"),
            doc(
                "Văn bản đồng ý cho đăng ký thường trú của chủ hộ, chủ sở hữu chỗ ở hợp pháp",
                "copy",
                required=False,
                note="Khi trẻ đăng ký thường trú tại chỗ ở không thuộc sở hữu của cha, mẹ",
            ),
        ],
    },
    {
        "code": "1.000688",
        "name": "Đăng ký kết hôn có yếu tố nước ngoài",
        "field": "ho-tich",
        "agencies": COMMUNE_AGENCIES,
        "levels": "commune",
        "service_level": "partial",
        "partial_reason": "in_person",
        "partial_reason_note": "Hai bên nam, nữ phải có mặt tại trụ sở Ủy ban nhân dân cấp xã để nhận và ký "
        "Giấy chứng nhận kết hôn",
        "processing_days": 15,
        "fee_payment_stage": "at_filing",
        "applicant_requirements": "Công dân Việt Nam kết hôn với người nước ngoài, hoặc giữa công dân Việt "
        "Nam cư trú trong nước với công dân Việt Nam định cư ở nước ngoài.",
        "legal_basis": LAW_HO_TICH + "\nLuật Hôn nhân và gia đình số 52/2014/QH13 ngày 19/6/2014.",
        "result_name": "Giấy chứng nhận kết hôn (02 bản chính)",
        "result_type": "certificate",
        **DESK_AND_POST,
        "fees": [fee("charge", "Lệ phí đăng ký kết hôn có yếu tố nước ngoài", 1_000_000)],
        "documents": [
            doc("Tờ khai đăng ký kết hôn theo mẫu", "original"),
            doc(
                "Giấy tờ xác nhận tình trạng hôn nhân của người nước ngoài do cơ quan có thẩm quyền nước "
                "ngoài cấp (đã hợp pháp hóa lãnh sự, dịch sang tiếng Việt)",
                "original",
            ),
            doc(
                "Giấy xác nhận của tổ chức y tế có thẩm quyền xác nhận không mắc bệnh tâm thần hoặc bệnh "
                "khác mà không có khả năng nhận thức, làm chủ được hành vi",
                "original",
                count=2,
            ),
            doc("Hộ chiếu hoặc giấy tờ có giá trị thay hộ chiếu của người nước ngoài", "certified_copy"),
            ID_CARD,
        ],
    },
    {
        "code": "1.004837",
        "name": "Đăng ký giám hộ",
        "field": "ho-tich",
        "agencies": COMMUNE_AGENCIES,
        "levels": "commune",
        "service_level": "partial",
        "partial_reason": "in_person",
        "partial_reason_note": "Người giám hộ và người được giám hộ (nếu đủ 6 tuổi) phải có mặt khi đăng ký",
        "processing_days": 3,
        "fee_payment_stage": "at_filing",
        "legal_basis": LAW_HO_TICH + "\nBộ luật Dân sự số 91/2015/QH13 ngày 24/11/2015.",
        "result_name": "Trích lục đăng ký giám hộ",
        "result_type": "registration",
        **DESK_AND_POST,
        "fees": [],
        "documents": [
            doc("Tờ khai đăng ký giám hộ theo mẫu", "original"),
            doc("Văn bản cử người giám hộ hoặc giấy tờ chứng minh là người giám hộ đương nhiên", "original"),
            ID_CARD,
        ],
    },
    # --- Chứng thực -----------------------------------------------------------------------------------------
    {
        "code": "2.000815",
        "name": "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan tổ chức có thẩm quyền của Việt "
        "Nam cấp hoặc chứng nhận",
        "field": "chung-thuc",
        "agencies": COMMUNE_AGENCIES,
        "levels": "commune",
        "service_level": "partial",
        "partial_reason": "originals",
        "partial_reason_note": "Người yêu cầu chứng thực phải xuất trình bản chính giấy tờ, văn bản để đối "
        "chiếu",
        "processing_days": 1,
        "processing_time_note": "Trong ngày; yêu cầu nhận sau 15 giờ thì trả trong ngày làm việc tiếp theo",
        "fee_payment_stage": "at_filing",
        "legal_basis": LAW_CHUNG_THUC,
        "result_name": "Bản sao được chứng thực từ bản chính",
        "result_type": "confirmation",
        **DESK_AND_POST,
        "fees": [
            fee(
                "fee",
                "Phí chứng thực bản sao (trang thứ nhất, thứ hai 2.000 đồng/trang; từ trang thứ ba 1.000 "
                "đồng/trang, tối đa 200.000 đồng/bản)",
                2_000,
            )
        ],
        "documents": [
            doc("Bản chính giấy tờ, văn bản làm cơ sở để chứng thực bản sao", "original"),
            doc("Bản sao cần chứng thực (nếu người yêu cầu tự chuẩn bị)", "copy", required=False),
        ],
    },
    {
        "code": "2.000913",
        "name": "Cấp bản sao có chứng thực từ bản chính hợp đồng, giao dịch đã được chứng thực",
        "field": "chung-thuc",
        "agencies": COMMUNE_AGENCIES,
        "levels": "commune",
        "service_level": "full",
        "processing_days": 2,
        "fee_payment_stage": "at_filing",
        "legal_basis": LAW_CHUNG_THUC,
        "result_name": "Bản sao có chứng thực hợp đồng, giao dịch",
        "result_type": "confirmation",
        **ALL_RETURNS,
        "fees": [fee("fee", "Phí cấp bản sao có chứng thực (mỗi bản)", 5_000)],
        "documents": [
            doc("Phiếu yêu cầu cấp bản sao hợp đồng, giao dịch theo mẫu", "original"),
            doc(
                "Giấy tờ chứng minh là bên tham gia hợp đồng, người thừa kế hoặc có quyền, nghĩa vụ liên "
                "quan",
                "copy",
            ),
            ID_CARD,
        ],
    },
    {
        "code": "2.000884",
        "name": "Chứng thực chữ ký trong các giấy tờ, văn bản (áp dụng cho cả trường hợp chứng thực điểm chỉ "
        "và không thể ký, không thể điểm chỉ được)",
        "field": "chung-thuc",
        "agencies": COMMUNE_AGENCIES,
        "levels": "commune",
        "service_level": "partial",
        "partial_reason": "in_person",
        "partial_reason_note": "Người yêu cầu chứng thực phải ký hoặc điểm chỉ trước mặt người thực hiện "
        "chứng thực",
        "processing_days": 1,
        "fee_payment_stage": "at_filing",
        "legal_basis": LAW_CHUNG_THUC,
        "result_name": "Giấy tờ, văn bản đã được chứng thực chữ ký",
        "result_type": "confirmation",
        **DESK_AND_POST,
        "fees": [fee("fee", "Phí chứng thực chữ ký (mỗi trường hợp)", 10_000)],
        "documents": [
            doc("Giấy tờ, văn bản mà mình sẽ ký hoặc điểm chỉ", "original"),
            doc("Thẻ Căn cước, Căn cước công dân hoặc Hộ chiếu còn giá trị sử dụng", "original"),
        ],
    },
    {
        "code": "2.001035",
        "name": "Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản, quyền sử dụng đất và nhà "
        "ở",
        "field": "chung-thuc",
        "agencies": COMMUNE_AGENCIES,
        "levels": "commune",
        "service_level": "partial",
        "partial_reason": "in_person",
        "partial_reason_note": "Các bên tham gia hợp đồng phải ký trước mặt người thực hiện chứng thực",
        "processing_days": 2,
        "processing_time_note": "Trong ngày hoặc ngày làm việc tiếp theo; hợp đồng phức tạp không quá 03 "
        "ngày",
        "fee_payment_stage": "at_filing",
        "legal_basis": LAW_CHUNG_THUC + "\nLuật Đất đai số 31/2024/QH15;\nLuật Nhà ở số 27/2023/QH15.",
        "result_name": "Hợp đồng, giao dịch đã được chứng thực",
        "result_type": "confirmation",
        **DESK_AND_POST,
        "fees": [fee("fee", "Phí chứng thực hợp đồng, giao dịch", 50_000)],
        "documents": [
            doc("Dự thảo hợp đồng, giao dịch", "original"),
            doc(
                "Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất hoặc "
                "giấy tờ chứng minh quyền sở hữu, sử dụng tài sản",
                "original_or_copy",
            ),
            doc("Giấy tờ tùy thân của các bên tham gia hợp đồng", "copy", count=2),
        ],
    },
    # --- Lý lịch tư pháp ------------------------------------------------------------------------------------
    {
        "code": "2.000488",
        "name": "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam",
        "field": "ly-lich-tu-phap",
        "agencies": [SO_TU_PHAP],
        "levels": "province",
        "service_level": "full",
        "processing_days": 10,
        "processing_time_note": "Trường hợp phải xác minh về điều kiện đương nhiên được xóa án tích thì "
        "không quá 15 ngày",
        "fee_payment_stage": "at_filing",
        "legal_basis": LAW_LLTP,
        "result_name": "Phiếu lý lịch tư pháp số 1 hoặc số 2 (bản giấy hoặc bản điện tử trên VNeID)",
        "result_type": "certificate",
        **ALL_RETURNS,
        "fees": [
            fee("fee", "Phí cung cấp thông tin lý lịch tư pháp", 200_000),
            fee(
                "fee",
                "Phí cấp thêm Phiếu lý lịch tư pháp (từ Phiếu thứ 3 trở đi, mỗi Phiếu)",
                5_000,
            ),
        ],
        "documents": [
            doc("Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp theo mẫu", "original"),
            doc(
                "Văn bản ủy quyền (khi ủy quyền yêu cầu cấp Phiếu số 1)",
                "certified_copy",
                required=False,
                note="Không áp dụng với Phiếu số 2: người yêu cầu phải tự đề nghị",
            ),
            ID_CARD,
        ],
    },
    {
        "code": "2.000505",
        "name": "Cấp Phiếu lý lịch tư pháp cho cơ quan nhà nước, tổ chức chính trị, tổ chức chính trị - xã "
        "hội",
        "field": "ly-lich-tu-phap",
        "agencies": [SO_TU_PHAP],
        "levels": "province",
        "service_level": "full",
        "processing_days": 10,
        "fee_payment_stage": "at_filing",
        "legal_basis": LAW_LLTP,
        "result_name": "Phiếu lý lịch tư pháp số 1",
        "result_type": "certificate",
        **DESK_AND_ONLINE,
        "fees": [],
        "documents": [
            doc(
                "Văn bản yêu cầu cấp Phiếu lý lịch tư pháp ghi rõ địa chỉ cơ quan, mục đích sử dụng và thông "
                "tin về người được yêu cầu cấp Phiếu",
                "original",
            ),
            doc(
                "Danh sách người được yêu cầu cấp Phiếu kèm họ tên, ngày sinh, số định danh cá nhân",
                "original",
                required=False,
                note="Khi yêu cầu cấp Phiếu cho nhiều người trong cùng một văn bản",
            ),
        ],
    },
    # --- Giao thông vận tải – Đường bộ ----------------------------------------------------------------------
    {
        "code": "1.002804",
        "name": "Cấp đổi giấy phép lái xe do ngành Giao thông vận tải cấp",
        "field": "duong-bo",
        "agencies": [CONG_AN_TINH],
        "levels": "province",
        "service_level": "full",
        "processing_days": 5,
        "fee_payment_stage": "at_filing",
        "applicant_requirements": "Giấy phép lái xe còn thời hạn sử dụng hoặc hết hạn sử dụng chưa quá 12 "
        "tháng; người đổi giấy phép lái xe hạng A1, A, B1 không phải nộp giấy khám sức khỏe.",
        "legal_basis": LAW_GPLX,
        "result_name": "Giấy phép lái xe (bản cứng và bản điện tử trên VNeID)",
        "result_type": "licence",
        **ALL_RETURNS,
        "fees": [fee("charge", "Lệ phí cấp giấy phép lái xe", 135_000)],
        "documents": [
            doc("Đơn đề nghị đổi giấy phép lái xe theo mẫu", "original"),
            doc(
                "Giấy khám sức khỏe của người lái xe do cơ sở y tế có thẩm quyền cấp",
                "original",
                reusable=True,
                note="Không phải nộp khi dữ liệu khám sức khỏe điện tử đã được liên thông",
            ),
            doc("Giấy phép lái xe đang sử dụng", "copy", reusable=True),
            ID_CARD,
        ],
    },
    {
        "code": "1.002809",
        "name": "Cấp lại giấy phép lái xe",
        "field": "duong-bo",
        "agencies": [CONG_AN_TINH],
        "levels": "province",
        "service_level": "partial",
        "partial_reason": "in_person",
        "partial_reason_note": "Người đề nghị phải có mặt để chụp ảnh trực tiếp tại nơi tiếp nhận hồ sơ",
        "processing_days": 5,
        "processing_time_note": "Kể từ ngày nhận đủ hồ sơ và chụp ảnh",
        "fee_payment_stage": "at_filing",
        "legal_basis": LAW_GPLX,
        "result_name": "Giấy phép lái xe",
        "result_type": "licence",
        **DESK_AND_POST,
        "fees": [fee("charge", "Lệ phí cấp giấy phép lái xe", 135_000)],
        "documents": [
            doc("Đơn đề nghị cấp lại giấy phép lái xe theo mẫu", "original"),
            doc("Giấy khám sức khỏe của người lái xe", "original", reusable=True),
            ID_CARD,
        ],
    },
    {
        "code": "1.002820",
        "name": "Cấp giấy phép lái xe quốc tế",
        "field": "duong-bo",
        "agencies": [CONG_AN_TINH],
        "levels": "province",
        "service_level": "full",
        "processing_days": 5,
        "fee_payment_stage": "at_filing",
        "applicant_requirements": "Có giấy phép lái xe quốc gia do Việt Nam cấp còn thời hạn, dạng vật liệu "
        "PET hoặc giấy phép lái xe điện tử.",
        "legal_basis": LAW_GPLX,
        "result_name": "Giấy phép lái xe quốc tế (theo Công ước Viên 1968)",
        "result_type": "licence",
        **DESK_AND_POST,
        "fees": [fee("charge", "Lệ phí cấp giấy phép lái xe quốc tế", 135_000)],
        "documents": [
            doc("Đơn đề nghị cấp giấy phép lái xe quốc tế theo mẫu", "original"),
            doc(
                "Ảnh chân dung cỡ 2x3 cm chụp không quá 06 tháng",
                "original",
                note="Tải ảnh lên khi nộp trực tuyến",
            ),
            doc("Hộ chiếu còn thời hạn", "copy"),
            ID_CARD,
        ],
    },
    {
        "code": "1.001577",
        "name": "Cấp giấy phép lưu hành xe quá tải trọng, xe quá khổ giới hạn, xe bánh xích trên đường bộ",
        "field": "duong-bo",
        "agencies": [SO_XAY_DUNG],
        "levels": "province",
        "service_level": "full",
        "processing_days": 2,
        "processing_time_note": "Trường hợp phải khảo sát đường bộ thì không quá 02 ngày kể từ khi có kết "
        "quả khảo sát",
        "fee_payment_stage": "at_filing",
        "legal_basis": LAW_VAN_TAI
        + "\nThông tư số 39/2024/TT-BGTVT ngày 15/11/2024 của Bộ trưởng Bộ Giao thông vận tải quy định về "
        "tải trọng, khổ giới hạn của đường bộ; lưu hành xe quá khổ giới hạn, xe quá tải trọng.",
        "result_name": "Giấy phép lưu hành xe",
        "result_type": "licence",
        **ALL_RETURNS,
        "fees": [],
        "documents": [
            doc("Đơn đề nghị cấp giấy phép lưu hành xe theo mẫu", "original"),
            doc("Giấy chứng nhận đăng ký xe và Giấy chứng nhận kiểm định của xe", "copy", reusable=True),
            doc("Phương án vận chuyển (đối với hàng siêu trường, siêu trọng)", "original", required=False),
        ],
    },
    {
        "code": "1.002859",
        "name": "Cấp phù hiệu xe ô tô kinh doanh vận tải",
        "field": "duong-bo",
        "agencies": [SO_XAY_DUNG],
        "levels": "province",
        "service_level": "full",
        "processing_days": 2,
        "fee_payment_stage": "at_filing",
        "legal_basis": LAW_VAN_TAI,
        "result_name": "Phù hiệu xe (bản điện tử và bản giấy)",
        "result_type": "licence",
        **ALL_RETURNS,
        "fees": [],
        "documents": [
            doc("Giấy đề nghị cấp phù hiệu theo mẫu", "original"),
            doc(
                "Giấy chứng nhận đăng ký xe hoặc hợp đồng thuê phương tiện (khi xe không thuộc sở hữu)",
                "copy",
                reusable=True,
            ),
        ],
    },
    {
        "code": "1.002861",
        "name": "Cấp Giấy phép kinh doanh vận tải bằng xe ô tô",
        "field": "duong-bo",
        "agencies": [SO_XAY_DUNG],
        "levels": "province",
        "service_level": "full",
        "processing_days": 5,
        "fee_payment_stage": "at_filing",
        "applicant_requirements": "Đơn vị kinh doanh vận tải đã đăng ký kinh doanh; người điều hành vận tải "
        "đáp ứng điều kiện theo Nghị định số 158/2024/NĐ-CP.",
        "legal_basis": LAW_VAN_TAI,
        "result_name": "Giấy phép kinh doanh vận tải bằng xe ô tô",
        "result_type": "licence",
        **ALL_RETURNS,
        "fees": [fee("charge", "Lệ phí cấp giấy phép kinh doanh vận tải bằng xe ô tô", 200_000, 50)],
        "documents": [
            doc("Giấy đề nghị cấp Giấy phép kinh doanh vận tải bằng xe ô tô theo mẫu", "original"),
            doc("Văn bằng, chứng chỉ của người trực tiếp điều hành hoạt động vận tải", "certified_copy"),
            doc(
                "Quyết định thành lập và quy định chức năng, nhiệm vụ của bộ phận quản lý, theo dõi các điều "
                "kiện về an toàn giao thông",
                "copy",
            ),
        ],
    },
    # --- Thành lập và hoạt động của doanh nghiệp ------------------------------------------------------------
    {
        "code": "2.001610",
        "name": "Đăng ký thành lập doanh nghiệp tư nhân",
        "field": "doanh-nghiep",
        "agencies": [SO_TAI_CHINH],
        "levels": "province",
        "service_level": "full",
        "processing_days": 3,
        "fee_payment_stage": "at_filing",
        "applicant_requirements": "Mỗi cá nhân chỉ được quyền thành lập một doanh nghiệp tư nhân; chủ doanh "
        "nghiệp tư nhân không đồng thời là chủ hộ kinh doanh, thành viên công ty hợp danh.",
        "legal_basis": LAW_DOANH_NGHIEP,
        "result_name": "Giấy chứng nhận đăng ký doanh nghiệp",
        "result_type": "registration",
        **ALL_RETURNS,
        "fees": [
            fee("charge", "Lệ phí đăng ký doanh nghiệp (miễn khi đăng ký qua mạng)", 50_000, 100),
            fee("fee", "Phí công bố nội dung đăng ký doanh nghiệp", 100_000),
        ],
        "documents": [
            doc("Giấy đề nghị đăng ký doanh nghiệp tư nhân theo mẫu", "original"),
            doc("Giấy tờ pháp lý của cá nhân đối với chủ doanh nghiệp tư nhân", "copy", reusable=True),
            AUTHORISATION,
        ],
    },
    {
        "code": "2.002042",
        "name": "Đăng ký thành lập công ty trách nhiệm hữu hạn một thành viên",
        "field": "doanh-nghiep",
        "agencies": [SO_TAI_CHINH],
        "levels": "province",
        "service_level": "full",
        "processing_days": 3,
        "fee_payment_stage": "at_filing",
        "legal_basis": LAW_DOANH_NGHIEP,
        "result_name": "Giấy chứng nhận đăng ký doanh nghiệp",
        "result_type": "registration",
        **ALL_RETURNS,
        "fees": [
            fee("charge", "Lệ phí đăng ký doanh nghiệp (miễn khi đăng ký qua mạng)", 50_000, 100),
            fee("fee", "Phí công bố nội dung đăng ký doanh nghiệp", 100_000),
        ],
        "documents": [
            doc("Giấy đề nghị đăng ký doanh nghiệp theo mẫu", "original"),
            doc("Điều lệ công ty", "original"),
            doc("Giấy tờ pháp lý của cá nhân đối với người đại diện theo pháp luật", "copy", reusable=True),
            doc(
                "Giấy tờ pháp lý của tổ chức đối với chủ sở hữu công ty là tổ chức và văn bản cử người đại "
                "diện theo ủy quyền",
                "copy",
                required=False,
            ),
            AUTHORISATION,
        ],
    },
    {
        "code": "2.002043",
        "name": "Đăng ký thành lập công ty cổ phần",
        "field": "doanh-nghiep",
        "agencies": [SO_TAI_CHINH],
        "levels": "province",
        "service_level": "full",
        "processing_days": 3,
        "fee_payment_stage": "at_filing",
        "legal_basis": LAW_DOANH_NGHIEP,
        "result_name": "Giấy chứng nhận đăng ký doanh nghiệp",
        "result_type": "registration",
        **ALL_RETURNS,
        "fees": [
            fee("charge", "Lệ phí đăng ký doanh nghiệp (miễn khi đăng ký qua mạng)", 50_000, 100),
            fee("fee", "Phí công bố nội dung đăng ký doanh nghiệp", 100_000),
        ],
        "documents": [
            doc("Giấy đề nghị đăng ký doanh nghiệp theo mẫu", "original"),
            doc("Điều lệ công ty", "original"),
            doc(
                "Danh sách cổ đông sáng lập; danh sách cổ đông là nhà đầu tư nước ngoài (nếu có)", "original"
            ),
            doc(
                "Giấy tờ pháp lý của cá nhân đối với cổ đông sáng lập và người đại diện theo pháp luật",
                "copy",
                reusable=True,
            ),
            AUTHORISATION,
        ],
    },
    {
        "code": "2.002051",
        "name": "Đăng ký thay đổi người đại diện theo pháp luật của công ty trách nhiệm hữu hạn, công ty cổ "
        "phần, công ty hợp danh",
        "field": "doanh-nghiep",
        "agencies": [SO_TAI_CHINH],
        "levels": "province",
        "service_level": "full",
        "processing_days": 3,
        "fee_payment_stage": "at_filing",
        "legal_basis": LAW_DOANH_NGHIEP,
        "result_name": "Giấy chứng nhận đăng ký doanh nghiệp (cập nhật)",
        "result_type": "registration",
        **ALL_RETURNS,
        "fees": [
            fee("charge", "Lệ phí đăng ký thay đổi (miễn khi đăng ký qua mạng)", 50_000, 100),
            fee("fee", "Phí công bố nội dung thay đổi đăng ký doanh nghiệp", 100_000),
        ],
        "documents": [
            doc("Thông báo thay đổi người đại diện theo pháp luật theo mẫu", "original"),
            doc(
                "Nghị quyết, quyết định và biên bản họp của Hội đồng thành viên hoặc Đại hội đồng cổ đông về "
                "việc thay đổi",
                "copy",
            ),
            doc(
                "Giấy tờ pháp lý của cá nhân đối với người đại diện theo pháp luật mới", "copy", reusable=True
            ),
        ],
    },
    {
        "code": "2.002058",
        "name": "Thông báo tạm ngừng kinh doanh, tiếp tục kinh doanh trước thời hạn đã thông báo",
        "field": "doanh-nghiep",
        "agencies": [SO_TAI_CHINH],
        "levels": "province",
        "service_level": "full",
        "processing_days": 3,
        "processing_time_note": "Thông báo chậm nhất 03 ngày làm việc trước ngày tạm ngừng hoặc tiếp tục "
        "kinh doanh",
        "fee_payment_stage": "at_filing",
        "legal_basis": LAW_DOANH_NGHIEP,
        "result_name": "Giấy xác nhận về việc doanh nghiệp đăng ký tạm ngừng kinh doanh",
        "result_type": "confirmation",
        **DESK_AND_ONLINE,
        "fees": [],
        "documents": [
            doc("Thông báo về việc tạm ngừng hoặc tiếp tục kinh doanh theo mẫu", "original"),
            doc("Nghị quyết, quyết định của chủ sở hữu hoặc Hội đồng thành viên, Hội đồng quản trị", "copy"),
        ],
    },
    {
        "code": "2.000575",
        "name": "Đăng ký thành lập hộ kinh doanh",
        "field": "doanh-nghiep",
        "agencies": COMMUNE_AGENCIES,
        "levels": "commune",
        "service_level": "full",
        "processing_days": 3,
        "fee_payment_stage": "at_filing",
        "applicant_requirements": "Cá nhân, thành viên hộ gia đình là công dân Việt Nam có năng lực hành vi "
        "dân sự đầy đủ; mỗi cá nhân chỉ được đăng ký một hộ kinh doanh trên phạm vi toàn quốc.",
        "legal_basis": LAW_DOANH_NGHIEP,
        "result_name": "Giấy chứng nhận đăng ký hộ kinh doanh",
        "result_type": "registration",
        **ALL_RETURNS,
        "fees": [fee("charge", "Lệ phí đăng ký hộ kinh doanh", 100_000, 50)],
        "documents": [
            doc("Giấy đề nghị đăng ký hộ kinh doanh theo mẫu", "original"),
            doc(
                "Biên bản họp thành viên hộ gia đình về việc thành lập hộ kinh doanh",
                "copy",
                required=False,
                note="Khi các thành viên hộ gia đình cùng đăng ký hộ kinh doanh",
            ),
            doc(
                "Văn bản ủy quyền của thành viên hộ gia đình cho một thành viên làm chủ hộ kinh doanh",
                "copy",
                required=False,
            ),
            ID_CARD,
        ],
    },
    # --- Đất đai --------------------------------------------------------------------------------------------
    {
        "code": "1.012800",
        "name": "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất trong các trường "
        "hợp chuyển nhượng, cho thuê, cho thuê lại, thừa kế, tặng cho, góp vốn",
        "field": "dat-dai",
        "agencies": [SO_NONG_NGHIEP_MOI_TRUONG],
        "levels": "province",
        "service_level": "partial",
        "partial_reason": "originals",
        "partial_reason_note": "Phải nộp bản gốc Giấy chứng nhận đã cấp để chỉnh lý hoặc cấp mới",
        "processing_days": 10,
        "processing_time_note": "Không kể thời gian người sử dụng đất thực hiện nghĩa vụ tài chính",
        "fee_payment_stage": "before_return",
        "legal_basis": LAW_DAT_DAI,
        "result_name": "Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất (đã chỉnh "
        "lý hoặc cấp mới)",
        "result_type": "certificate",
        **DESK_AND_POST,
        "fees": [
            fee("fee", "Phí thẩm định hồ sơ cấp Giấy chứng nhận (hộ gia đình, cá nhân)", 500_000),
            fee("charge", "Lệ phí cấp Giấy chứng nhận (chỉnh lý biến động)", 28_000),
        ],
        "documents": [
            doc("Đơn đăng ký biến động đất đai, tài sản gắn liền với đất theo Mẫu số 11/ĐK", "original"),
            doc("Hợp đồng, văn bản về chuyển quyền đã được công chứng hoặc chứng thực", "original"),
            doc("Giấy chứng nhận đã cấp", "original"),
            doc(
                "Chứng từ thực hiện nghĩa vụ tài chính hoặc giấy tờ về miễn, giảm nghĩa vụ tài chính",
                "copy",
                required=False,
            ),
        ],
    },
    {
        "code": "1.012756",
        "name": "Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận quyền sử dụng đất, quyền sở "
        "hữu tài sản gắn liền với đất lần đầu đối với hộ gia đình, cá nhân",
        "field": "dat-dai",
        "agencies": COMMUNE_AGENCIES,
        "levels": "commune",
        "service_level": "partial",
        "partial_reason": "on_site",
        "partial_reason_note": "Cơ quan giải quyết phải kiểm tra hiện trạng sử dụng đất và niêm yết công "
        "khai tại khu dân cư",
        "processing_days": 20,
        "processing_time_note": "Không kể thời gian niêm yết công khai và thời gian thực hiện nghĩa vụ tài "
        "chính; xã miền núi được cộng thêm 10 ngày",
        "fee_payment_stage": "before_return",
        "legal_basis": LAW_DAT_DAI,
        "result_name": "Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
        "result_type": "certificate",
        **DESK_AND_POST,
        "fees": [
            fee("fee", "Phí thẩm định hồ sơ cấp Giấy chứng nhận lần đầu", 700_000),
            fee("charge", "Lệ phí cấp Giấy chứng nhận lần đầu", 100_000),
        ],
        "documents": [
            doc("Đơn đăng ký đất đai, tài sản gắn liền với đất theo Mẫu số 04/ĐK", "original"),
            doc(
                "Một trong các giấy tờ về quyền sử dụng đất quy định tại Điều 137 Luật Đất đai (nếu có)",
                "certified_copy",
            ),
            doc("Mảnh trích đo bản đồ địa chính thửa đất (nếu có)", "original", required=False),
            doc(
                "Giấy tờ về tài sản gắn liền với đất (khi đề nghị chứng nhận quyền sở hữu tài sản)",
                "certified_copy",
                required=False,
            ),
        ],
    },
    {
        "code": "1.012770",
        "name": "Cấp đổi Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với "
        "đất",
        "field": "dat-dai",
        "agencies": [SO_NONG_NGHIEP_MOI_TRUONG],
        "levels": "province",
        "service_level": "partial",
        "partial_reason": "originals",
        "partial_reason_note": "Phải nộp lại bản gốc Giấy chứng nhận đã cấp để thu hồi",
        "processing_days": 7,
        "fee_payment_stage": "before_return",
        "legal_basis": LAW_DAT_DAI,
        "result_name": "Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất (cấp đổi)",
        "result_type": "certificate",
        **DESK_AND_POST,
        "fees": [fee("charge", "Lệ phí cấp đổi Giấy chứng nhận", 50_000)],
        "documents": [
            doc("Đơn đăng ký biến động đất đai, tài sản gắn liền với đất theo Mẫu số 11/ĐK", "original"),
            doc("Giấy chứng nhận đã cấp", "original"),
            doc(
                "Mảnh trích đo bản đồ địa chính thửa đất (trường hợp đo đạc lại)", "original", required=False
            ),
        ],
    },
    {
        "code": "1.012790",
        "name": "Chuyển mục đích sử dụng đất đối với hộ gia đình, cá nhân",
        "field": "dat-dai",
        "agencies": COMMUNE_AGENCIES,
        "levels": "commune",
        "service_level": "partial",
        "partial_reason": "on_site",
        "partial_reason_note": "Cơ quan chuyên môn phải thẩm tra, kiểm tra thực địa khu đất xin chuyển mục "
        "đích",
        "processing_days": 15,
        "processing_time_note": "Không kể thời gian thực hiện nghĩa vụ tài chính",
        "fee_payment_stage": "before_return",
        "applicant_requirements": "Việc chuyển mục đích phù hợp với quy hoạch, kế hoạch sử dụng đất cấp xã "
        "đã được phê duyệt.",
        "legal_basis": LAW_DAT_DAI,
        "result_name": "Quyết định cho phép chuyển mục đích sử dụng đất",
        "result_type": "decision",
        **DESK_AND_POST,
        "fees": [fee("fee", "Phí thẩm định hồ sơ chuyển mục đích sử dụng đất", 500_000)],
        "documents": [
            doc("Đơn xin chuyển mục đích sử dụng đất theo mẫu", "original"),
            doc("Giấy chứng nhận quyền sử dụng đất đã cấp", "original_or_copy", reusable=True),
        ],
    },
    {
        "code": "1.012825",
        "name": "Cung cấp thông tin, dữ liệu đất đai",
        "field": "dat-dai",
        "agencies": [SO_NONG_NGHIEP_MOI_TRUONG],
        "levels": "province",
        "service_level": "full",
        "processing_days": 2,
        "processing_time_note": "Trong ngày nếu nhận yêu cầu trước 15 giờ; trường hợp cần tổng hợp thông tin "
        "thì theo thỏa thuận",
        "fee_payment_stage": "before_return",
        "legal_basis": LAW_DAT_DAI,
        "result_name": "Thông tin, dữ liệu đất đai (văn bản hoặc tệp điện tử)",
        "result_type": "other",
        **ALL_RETURNS,
        "fees": [fee("fee", "Phí khai thác và sử dụng tài liệu đất đai (mỗi hồ sơ, thửa đất)", 150_000, 50)],
        "documents": [
            doc("Phiếu yêu cầu cung cấp thông tin, dữ liệu đất đai theo Mẫu số 13/ĐK", "original"),
            ID_CARD,
        ],
    },
    {
        "code": "1.012831",
        "name": "Xóa đăng ký biện pháp bảo đảm bằng quyền sử dụng đất, tài sản gắn liền với đất",
        "field": "dat-dai",
        "agencies": [SO_NONG_NGHIEP_MOI_TRUONG],
        "levels": "province",
        "service_level": "full",
        "processing_days": 1,
        "processing_time_note": "Trong ngày; nhận sau 15 giờ thì trả trong ngày làm việc tiếp theo",
        "fee_payment_stage": "at_filing",
        "legal_basis": "Bộ luật Dân sự số 91/2015/QH13;\n"
        "Nghị định số 99/2022/NĐ-CP ngày 30/11/2022 của Chính phủ về đăng ký biện pháp bảo đảm;\n"
        "Thông tư số 178/2016/TT-BTC ngày 01/11/2016 của Bộ Tài chính quy định phí đăng ký giao dịch bảo "
        "đảm.",
        "result_name": "Văn bản chứng nhận xóa đăng ký biện pháp bảo đảm",
        "result_type": "confirmation",
        **ALL_RETURNS,
        "fees": [fee("fee", "Phí xóa đăng ký biện pháp bảo đảm", 20_000)],
        "documents": [
            doc("Phiếu yêu cầu xóa đăng ký biện pháp bảo đảm theo Mẫu số 03a", "original"),
            doc("Văn bản đồng ý xóa đăng ký của bên nhận bảo đảm", "original", required=False),
        ],
    },
    # --- Hoạt động xây dựng ---------------------------------------------------------------------------------
    {
        "code": "1.009994",
        "name": "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
        "field": "xay-dung",
        "agencies": COMMUNE_AGENCIES,
        "levels": "commune",
        "service_level": "full",
        "processing_days": 15,
        "fee_payment_stage": "at_filing",
        "applicant_requirements": "Nhà ở phù hợp với mục đích sử dụng đất theo quy hoạch; bảo đảm an toàn "
        "cho công trình và công trình lân cận; thiết kế đáp ứng quy chuẩn kỹ thuật về xây dựng.",
        "legal_basis": LAW_XAY_DUNG,
        "result_name": "Giấy phép xây dựng kèm bản vẽ thiết kế được đóng dấu",
        "result_type": "licence",
        **ALL_RETURNS,
        "fees": [fee("charge", "Lệ phí cấp giấy phép xây dựng nhà ở riêng lẻ", 75_000, 50)],
        "documents": [
            doc(
                "Đơn đề nghị cấp giấy phép xây dựng theo Mẫu số 01 Phụ lục II Nghị định 175/2024/NĐ-CP",
                "original",
            ),
            doc(
                "Giấy tờ chứng minh quyền sử dụng đất theo quy định của pháp luật về đất đai",
                "certified_copy",
                reusable=True,
            ),
            doc(
                "02 bộ bản vẽ thiết kế xây dựng (mặt bằng, mặt cắt, mặt đứng, móng, đấu nối hạ tầng)",
                "original",
                count=2,
            ),
            doc(
                "Bản cam kết bảo đảm an toàn đối với công trình liền kề",
                "original",
                required=False,
                note="Khi công trình xây chen có tầng hầm",
            ),
        ],
    },
    {
        "code": "1.010005",
        "name": "Cấp giấy phép xây dựng sửa chữa, cải tạo đối với công trình, nhà ở riêng lẻ",
        "field": "xay-dung",
        "agencies": COMMUNE_AGENCIES,
        "levels": "commune",
        "service_level": "full",
        "processing_days": 15,
        "fee_payment_stage": "at_filing",
        "legal_basis": LAW_XAY_DUNG,
        "result_name": "Giấy phép xây dựng sửa chữa, cải tạo",
        "result_type": "licence",
        **ALL_RETURNS,
        "fees": [fee("charge", "Lệ phí cấp giấy phép xây dựng nhà ở riêng lẻ", 75_000, 50)],
        "documents": [
            doc("Đơn đề nghị cấp giấy phép sửa chữa, cải tạo công trình theo mẫu", "original"),
            doc("Giấy tờ chứng minh quyền sở hữu, quản lý, sử dụng công trình, nhà ở", "certified_copy"),
            doc("Ảnh chụp hiện trạng công trình, nhà ở đề nghị được sửa chữa, cải tạo", "original"),
            doc("Bản vẽ thiết kế sửa chữa, cải tạo", "original", count=2),
        ],
    },
    {
        "code": "1.009930",
        "name": "Cấp chứng chỉ hành nghề hoạt động xây dựng hạng II, hạng III",
        "field": "xay-dung",
        "agencies": [SO_XAY_DUNG],
        "levels": "province",
        "service_level": "full",
        "processing_days": 20,
        "fee_payment_stage": "at_filing",
        "applicant_requirements": "Có trình độ chuyên môn được đào tạo, thời gian và kinh nghiệm tham gia "
        "công việc phù hợp; đạt yêu cầu sát hạch về kinh nghiệm nghề nghiệp và kiến thức pháp luật.",
        "legal_basis": LAW_XAY_DUNG
        + "\nThông tư số 38/2022/TT-BTC ngày 24/6/2022 của Bộ Tài chính quy định phí thẩm định cấp chứng chỉ "
        "hành nghề trong hoạt động xây dựng.",
        "result_name": "Chứng chỉ hành nghề hoạt động xây dựng (bản điện tử có mã QR)",
        "result_type": "certificate",
        **DESK_AND_ONLINE,
        "fees": [fee("fee", "Phí thẩm định cấp chứng chỉ hành nghề hoạt động xây dựng", 300_000, 50)],
        "documents": [
            doc("Đơn đề nghị cấp chứng chỉ hành nghề theo mẫu", "original"),
            doc("Ảnh màu cỡ 4x6 cm nền trắng chụp trong thời gian không quá 06 tháng", "original"),
            doc("Văn bằng do cơ sở đào tạo hợp pháp cấp", "copy", reusable=True),
            doc("Bản khai kinh nghiệm làm việc theo mẫu", "original"),
        ],
    },
    {
        "code": "1.009973",
        "name": "Thẩm định thiết kế xây dựng triển khai sau thiết kế cơ sở",
        "field": "xay-dung",
        "agencies": [SO_XAY_DUNG],
        "levels": "province",
        "service_level": "partial",
        "partial_reason": "other",
        "partial_reason_note": "Hồ sơ thiết kế khổ lớn và mô hình thông tin công trình phải nộp bản giấy có "
        "đóng dấu của đơn vị tư vấn",
        "processing_days": 30,
        "processing_time_note": "Công trình cấp I: 30 ngày; cấp II, III: 20 ngày",
        "fee_payment_stage": "at_filing",
        "legal_basis": LAW_XAY_DUNG
        + "\nThông tư số 27/2023/TT-BTC ngày 12/5/2023 của Bộ Tài chính quy định phí thẩm định thiết kế xây "
        "dựng.",
        "result_name": "Văn bản thông báo kết quả thẩm định thiết kế xây dựng",
        "result_type": "decision",
        **DESK_AND_POST,
        "fees": [
            fee(
                "fee",
                "Phí thẩm định thiết kế xây dựng (tính theo tỷ lệ % chi phí xây dựng, tạm thu)",
                5_000_000,
            )
        ],
        "documents": [
            doc("Tờ trình thẩm định thiết kế xây dựng theo mẫu", "original"),
            doc("Hồ sơ thiết kế xây dựng triển khai sau thiết kế cơ sở", "original", count=2),
            doc("Báo cáo kết quả khảo sát xây dựng", "copy"),
            doc("Văn bản thẩm duyệt thiết kế về phòng cháy và chữa cháy", "copy", required=False),
        ],
    },
    # --- Giáo dục và Đào tạo --------------------------------------------------------------------------------
    {
        "code": "1.005088",
        "name": "Xét công nhận tốt nghiệp trung học cơ sở",
        "field": "giao-duc",
        "agencies": COMMUNE_AGENCIES,
        "levels": "commune",
        "service_level": "full",
        "processing_days": 10,
        "processing_time_note": "Sau khi nhận hồ sơ đề nghị của các trường trung học cơ sở",
        "fee_payment_stage": "at_filing",
        "applicant_requirements": "Học sinh đã hoàn thành chương trình lớp 9, không nghỉ học quá 45 buổi "
        "trong năm học lớp 9 và được đánh giá kết quả rèn luyện, học tập đạt yêu cầu.",
        "legal_basis": "Luật Giáo dục số 43/2019/QH14;\n"
        "Thông tư số 31/2023/TT-BGDĐT ngày 29/12/2023 của Bộ Giáo dục và Đào tạo ban hành Quy chế xét công "
        "nhận tốt nghiệp trung học cơ sở.",
        "result_name": "Quyết định công nhận tốt nghiệp và Bằng tốt nghiệp trung học cơ sở",
        "result_type": "decision",
        **ALL_RETURNS,
        "fees": [],
        "documents": [
            doc("Danh sách học sinh đề nghị công nhận tốt nghiệp của nhà trường", "original"),
            doc("Học bạ hoặc sổ theo dõi kết quả học tập của học sinh", "copy"),
            doc("Giấy chứng nhận ưu tiên, khuyến khích (nếu có)", "copy", required=False),
        ],
    },
    {
        "code": "1.005092",
        "name": "Cấp bản sao văn bằng, chứng chỉ từ sổ gốc",
        "field": "giao-duc",
        "agencies": [SO_GIAO_DUC, *COMMUNE_AGENCIES],
        "levels": "province,commune",
        "service_level": "full",
        "processing_days": 3,
        "processing_time_note": "Ngay trong ngày nếu nhận trước 15 giờ; sổ gốc lưu trữ lâu năm không quá 03 "
        "ngày",
        "fee_payment_stage": "at_filing",
        "legal_basis": LAW_VAN_BANG,
        "result_name": "Bản sao văn bằng, chứng chỉ từ sổ gốc",
        "result_type": "certificate",
        **ALL_RETURNS,
        "fees": [fee("fee", "Phí cấp bản sao từ sổ gốc (mỗi bản)", 3_000)],
        "documents": [
            doc("Đơn đề nghị cấp bản sao văn bằng, chứng chỉ từ sổ gốc theo mẫu", "original"),
            doc("Văn bản ủy quyền (khi người khác yêu cầu thay)", "certified_copy", required=False),
            ID_CARD,
        ],
    },
    {
        "code": "1.005095",
        "name": "Chỉnh sửa nội dung văn bằng, chứng chỉ",
        "field": "giao-duc",
        "agencies": [SO_GIAO_DUC],
        "levels": "province",
        "service_level": "partial",
        "partial_reason": "originals",
        "partial_reason_note": "Người đề nghị phải nộp lại bản chính văn bằng, chứng chỉ cần chỉnh sửa",
        "processing_days": 5,
        "fee_payment_stage": "at_filing",
        "legal_basis": LAW_VAN_BANG,
        "result_name": "Quyết định chỉnh sửa văn bằng, chứng chỉ (kèm văn bằng đã chỉnh sửa)",
        "result_type": "decision",
        **DESK_AND_POST,
        "fees": [],
        "documents": [
            doc("Đơn đề nghị chỉnh sửa văn bằng, chứng chỉ theo mẫu", "original"),
            doc("Văn bằng, chứng chỉ đề nghị chỉnh sửa", "original"),
            doc(
                "Trích lục hoặc quyết định thay đổi, cải chính hộ tịch, xác định lại dân tộc, xác định lại "
                "giới tính",
                "certified_copy",
                reusable=True,
            ),
            ID_CARD,
        ],
    },
    {
        "code": "1.005097",
        "name": "Chuyển trường đối với học sinh trung học phổ thông",
        "field": "giao-duc",
        "agencies": [SO_GIAO_DUC],
        "levels": "province",
        "service_level": "full",
        "processing_days": 3,
        "fee_payment_stage": "at_filing",
        "legal_basis": "Luật Giáo dục số 43/2019/QH14;\n"
        "Quyết định số 51/2002/QĐ-BGDĐT ngày 25/12/2002 của Bộ trưởng Bộ Giáo dục và Đào tạo ban hành Quy "
        "định "
        "chuyển trường và tiếp nhận học sinh học tại các trường trung học cơ sở và trung học phổ thông;\n"
        "Thông tư số 50/2021/TT-BGDĐT ngày 31/12/2021 sửa đổi, bổ sung Quy định chuyển trường.",
        "result_name": "Văn bản đồng ý tiếp nhận học sinh chuyển trường",
        "result_type": "confirmation",
        **DESK_AND_ONLINE,
        "fees": [],
        "documents": [
            doc("Đơn xin chuyển trường do cha, mẹ hoặc người giám hộ ký", "original"),
            doc("Học bạ (bản chính)", "original"),
            doc("Bằng tốt nghiệp trung học cơ sở", "copy", reusable=True),
            doc("Giấy giới thiệu chuyển trường của Hiệu trưởng nhà trường nơi đi", "original"),
        ],
    },
    {
        "code": "1.005120",
        "name": "Cho phép trung tâm ngoại ngữ, tin học hoạt động giáo dục",
        "field": "giao-duc",
        "agencies": [SO_GIAO_DUC],
        "levels": "province",
        "service_level": "partial",
        "partial_reason": "on_site",
        "partial_reason_note": "Sở Giáo dục và Đào tạo phải kiểm tra thực tế cơ sở vật chất, thiết bị của "
        "trung tâm",
        "processing_days": 20,
        "fee_payment_stage": "at_filing",
        "legal_basis": "Luật Giáo dục số 43/2019/QH14;\n"
        "Nghị định số 125/2024/NĐ-CP ngày 05/10/2024 của Chính phủ quy định về điều kiện đầu tư và hoạt động "
        "trong lĩnh vực giáo dục;\n"
        "Thông tư số 21/2018/TT-BGDĐT ngày 24/8/2018 ban hành Quy chế tổ chức và hoạt động của trung tâm "
        "ngoại ngữ, tin học.",
        "result_name": "Quyết định cho phép hoạt động giáo dục",
        "result_type": "decision",
        **DESK_AND_POST,
        "fees": [],
        "documents": [
            doc("Tờ trình đề nghị cho phép hoạt động giáo dục", "original"),
            doc("Quyết định thành lập hoặc cho phép thành lập trung tâm", "copy"),
            doc("Chương trình, tài liệu giảng dạy và danh sách giáo viên kèm văn bằng", "copy"),
            doc("Hợp đồng thuê hoặc giấy tờ chứng minh quyền sử dụng cơ sở vật chất", "copy"),
        ],
    },
    # --- Lao động – Việc làm --------------------------------------------------------------------------------
    {
        "code": "1.000105",
        "name": "Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam",
        "field": "lao-dong",
        "agencies": [SO_NOI_VU],
        "levels": "province",
        "service_level": "full",
        "processing_days": 5,
        "fee_payment_stage": "at_filing",
        "applicant_requirements": "Người sử dụng lao động đã được chấp thuận nhu cầu sử dụng người lao động "
        "nước ngoài; người lao động đủ 18 tuổi, có sức khỏe và trình độ chuyên môn phù hợp.",
        "legal_basis": LAW_LAO_DONG_NN,
        "result_name": "Giấy phép lao động",
        "result_type": "licence",
        **ALL_RETURNS,
        "fees": [fee("charge", "Lệ phí cấp giấy phép lao động", 600_000, 50)],
        "documents": [
            doc(
                "Văn bản đề nghị cấp giấy phép lao động của người sử dụng lao động theo Mẫu số 11/PLI",
                "original",
            ),
            doc("Giấy chứng nhận sức khỏe hoặc giấy khám sức khỏe (không quá 12 tháng)", "original"),
            doc("Phiếu lý lịch tư pháp hoặc văn bản xác nhận không phải là người phạm tội", "original"),
            doc(
                "Văn bằng, chứng chỉ chứng minh trình độ chuyên môn (đã hợp pháp hóa lãnh sự)",
                "certified_copy",
            ),
            doc("02 ảnh màu cỡ 4x6 cm, phông nền trắng", "original", count=2),
            doc("Hộ chiếu còn giá trị", "certified_copy"),
        ],
    },
    {
        "code": "1.001978",
        "name": "Giải quyết hưởng trợ cấp thất nghiệp",
        "field": "lao-dong",
        "agencies": [SO_NOI_VU],
        "levels": "province",
        "service_level": "partial",
        "partial_reason": "in_person",
        "partial_reason_note": "Người lao động phải trực tiếp đến Trung tâm dịch vụ việc làm nhận quyết định "
        "và thông báo tìm kiếm việc làm hằng tháng",
        "processing_days": 20,
        "processing_time_note": "20 ngày kể từ ngày nhận đủ hồ sơ (ngày theo lịch)",
        "fee_payment_stage": "at_filing",
        "applicant_requirements": "Đã đóng bảo hiểm thất nghiệp từ đủ 12 tháng trở lên trong 24 tháng trước "
        "khi chấm dứt hợp đồng lao động; nộp hồ sơ trong 03 tháng kể từ ngày chấm dứt hợp đồng.",
        "legal_basis": "Luật Việc làm số 38/2013/QH13 ngày 16/11/2013;\n"
        "Nghị định số 28/2015/NĐ-CP ngày 12/3/2015 của Chính phủ quy định chi tiết thi hành Luật Việc làm về "
        "bảo hiểm thất nghiệp;\n"
        "Nghị định số 61/2020/NĐ-CP ngày 29/5/2020 sửa đổi, bổ sung Nghị định số 28/2015/NĐ-CP.",
        "result_name": "Quyết định về việc hưởng trợ cấp thất nghiệp",
        "result_type": "decision",
        **DESK_AND_ONLINE,
        "fees": [],
        "documents": [
            doc("Đề nghị hưởng trợ cấp thất nghiệp theo mẫu", "original"),
            doc(
                "Hợp đồng lao động đã hết hạn hoặc quyết định thôi việc, quyết định sa thải, thông báo chấm "
                "dứt hợp đồng lao động",
                "original_or_copy",
            ),
            doc("Sổ bảo hiểm xã hội", "original", reusable=True),
        ],
    },
    {
        "code": "1.000459",
        "name": "Đăng ký nội quy lao động của doanh nghiệp",
        "field": "lao-dong",
        "agencies": [SO_NOI_VU],
        "levels": "province",
        "service_level": "full",
        "processing_days": 7,
        "fee_payment_stage": "at_filing",
        "legal_basis": "Bộ luật Lao động số 45/2019/QH14;\n"
        "Nghị định số 145/2020/NĐ-CP ngày 14/12/2020 của Chính phủ quy định chi tiết và hướng dẫn thi hành "
        "một số điều của Bộ luật Lao động về điều kiện lao động và quan hệ lao động.",
        "result_name": "Thông báo về việc đăng ký nội quy lao động",
        "result_type": "registration",
        **DESK_AND_ONLINE,
        "fees": [],
        "documents": [
            doc("Văn bản đề nghị đăng ký nội quy lao động", "original"),
            doc("Nội quy lao động", "original"),
            doc(
                "Văn bản góp ý của tổ chức đại diện người lao động tại cơ sở (nếu có)", "copy", required=False
            ),
            doc("Các văn bản của người sử dụng lao động có quy định liên quan đến kỷ luật lao động", "copy"),
        ],
    },
    {
        "code": "1.000479",
        "name": "Cấp giấy phép hoạt động dịch vụ việc làm của doanh nghiệp",
        "field": "lao-dong",
        "agencies": [SO_NOI_VU],
        "levels": "province",
        "service_level": "partial",
        "partial_reason": "on_site",
        "partial_reason_note": "Cơ quan cấp phép kiểm tra địa điểm đặt trụ sở và cơ sở vật chất của doanh "
        "nghiệp",
        "processing_days": 10,
        "fee_payment_stage": "at_filing",
        "applicant_requirements": "Doanh nghiệp đã thực hiện ký quỹ 300.000.000 đồng; có địa điểm hoạt động "
        "ổn định từ 03 năm trở lên; người đại diện có trình độ từ đại học trở lên.",
        "legal_basis": "Luật Việc làm số 38/2013/QH13;\n"
        "Nghị định số 23/2021/NĐ-CP ngày 19/3/2021 của Chính phủ quy định chi tiết khoản 3 Điều 37 và Điều "
        "39 của Luật Việc làm về trung tâm dịch vụ việc làm, doanh nghiệp hoạt động dịch vụ việc làm.",
        "result_name": "Giấy phép hoạt động dịch vụ việc làm",
        "result_type": "licence",
        **DESK_AND_POST,
        "fees": [fee("charge", "Lệ phí cấp giấy phép hoạt động dịch vụ việc làm", 1_000_000)],
        "documents": [
            doc("Văn bản đề nghị cấp giấy phép theo mẫu", "original"),
            doc("Giấy chứng nhận đã thực hiện ký quỹ", "original"),
            doc("Giấy tờ chứng minh địa điểm đặt trụ sở (sở hữu hoặc hợp đồng thuê từ 03 năm)", "copy"),
            doc("Lý lịch tự thuật và văn bằng của người đại diện theo pháp luật", "certified_copy"),
        ],
    },
    # --- Y tế -----------------------------------------------------------------------------------------------
    {
        "code": "1.012267",
        "name": "Cấp mới giấy phép hành nghề khám bệnh, chữa bệnh đối với chức danh bác sĩ, y sĩ, điều "
        "dưỡng, hộ sinh, kỹ thuật y",
        "field": "y-te",
        "agencies": [SO_Y_TE],
        "levels": "province",
        "service_level": "full",
        "processing_days": 30,
        "fee_payment_stage": "at_filing",
        "applicant_requirements": "Có văn bằng chuyên môn phù hợp, đạt kỳ kiểm tra đánh giá năng lực hành "
        "nghề và đủ sức khỏe để hành nghề.",
        "legal_basis": LAW_KCB,
        "result_name": "Giấy phép hành nghề khám bệnh, chữa bệnh",
        "result_type": "licence",
        **ALL_RETURNS,
        "fees": [fee("fee", "Phí thẩm định cấp giấy phép hành nghề khám bệnh, chữa bệnh", 360_000)],
        "documents": [
            doc(
                "Đơn đề nghị cấp mới giấy phép hành nghề theo Mẫu 01 Phụ lục I Nghị định 96/2023/NĐ-CP",
                "original",
            ),
            doc("Văn bằng chuyên môn liên quan đến chức danh đề nghị cấp", "certified_copy", reusable=True),
            doc("Giấy chứng nhận đủ sức khỏe để hành nghề khám bệnh, chữa bệnh", "original"),
            doc("Giấy xác nhận đạt kết quả kiểm tra đánh giá năng lực hành nghề", "copy"),
            doc("Ảnh chân dung cỡ 4x6 cm nền trắng", "original"),
        ],
    },
    {
        "code": "1.012285",
        "name": "Cấp mới giấy phép hoạt động đối với phòng khám chuyên khoa",
        "field": "y-te",
        "agencies": [SO_Y_TE],
        "levels": "province",
        "service_level": "partial",
        "partial_reason": "on_site",
        "partial_reason_note": "Đoàn thẩm định của Sở Y tế phải thẩm định thực tế tại cơ sở khám bệnh, chữa "
        "bệnh",
        "processing_days": 30,
        "processing_time_note": "Kể từ ngày nhận đủ hồ sơ, bao gồm thời gian thẩm định tại cơ sở",
        "fee_payment_stage": "at_filing",
        "legal_basis": LAW_KCB,
        "result_name": "Giấy phép hoạt động khám bệnh, chữa bệnh",
        "result_type": "licence",
        **DESK_AND_POST,
        "fees": [fee("fee", "Phí thẩm định cấp giấy phép hoạt động đối với phòng khám", 4_300_000)],
        "documents": [
            doc("Đơn đề nghị cấp mới giấy phép hoạt động theo mẫu", "original"),
            doc("Danh sách người hành nghề kèm giấy phép hành nghề", "copy"),
            doc("Bản kê khai cơ sở vật chất, thiết bị y tế", "original"),
            doc("Sơ đồ mặt bằng, giấy tờ chứng minh quyền sử dụng cơ sở", "copy"),
        ],
    },
    {
        "code": "1.004616",
        "name": "Cấp Giấy chứng nhận đủ điều kiện kinh doanh dược cho cơ sở bán lẻ thuốc (nhà thuốc, quầy "
        "thuốc)",
        "field": "y-te",
        "agencies": [SO_Y_TE],
        "levels": "province",
        "service_level": "partial",
        "partial_reason": "on_site",
        "partial_reason_note": "Phải đánh giá thực tế việc đáp ứng Thực hành tốt cơ sở bán lẻ thuốc (GPP) "
        "tại cơ sở",
        "processing_days": 20,
        "fee_payment_stage": "at_filing",
        "legal_basis": "Luật Dược số 105/2016/QH13, được sửa đổi, bổ sung bởi Luật số 44/2024/QH15;\n"
        "Nghị định số 54/2017/NĐ-CP ngày 08/5/2017 của Chính phủ quy định chi tiết một số điều và biện pháp "
        "thi hành Luật Dược;\n"
        "Thông tư số 41/2023/TT-BTC ngày 12/6/2023 của Bộ Tài chính quy định phí thẩm định trong lĩnh vực "
        "dược.",
        "result_name": "Giấy chứng nhận đủ điều kiện kinh doanh dược",
        "result_type": "certificate",
        **DESK_AND_POST,
        "fees": [fee("fee", "Phí thẩm định điều kiện kinh doanh thuốc (cơ sở bán lẻ)", 1_000_000)],
        "documents": [
            doc("Đơn đề nghị cấp Giấy chứng nhận đủ điều kiện kinh doanh dược theo mẫu", "original"),
            doc(
                "Chứng chỉ hành nghề dược của người chịu trách nhiệm chuyên môn",
                "certified_copy",
                reusable=True,
            ),
            doc("Tài liệu kỹ thuật về địa điểm, khu vực bảo quản, trang thiết bị", "original"),
        ],
    },
    # --- Công thương ----------------------------------------------------------------------------------------
    {
        "code": "2.000633",
        "name": "Cấp giấy phép kinh doanh bán lẻ sản phẩm rượu",
        "field": "cong-thuong",
        "agencies": COMMUNE_AGENCIES,
        "levels": "commune",
        "service_level": "full",
        "processing_days": 10,
        "fee_payment_stage": "at_filing",
        "applicant_requirements": "Doanh nghiệp, hộ kinh doanh được thành lập theo quy định; có địa điểm "
        "kinh "
        "doanh cố định, địa chỉ rõ ràng; có văn bản giới thiệu của thương nhân sản xuất hoặc phân phối rượu.",
        "legal_basis": LAW_RUOU,
        "result_name": "Giấy phép bán lẻ rượu",
        "result_type": "licence",
        **ALL_RETURNS,
        "fees": [
            fee(
                "fee",
                "Phí thẩm định cấp giấy phép bán lẻ rượu (tại phường; tại xã: 200.000 đồng)",
                400_000,
                50,
            )
        ],
        "documents": [
            doc("Đơn đề nghị cấp giấy phép bán lẻ rượu theo Mẫu số 01", "original"),
            doc("Giấy chứng nhận đăng ký doanh nghiệp hoặc đăng ký hộ kinh doanh", "copy", reusable=True),
            doc("Giấy tờ chứng minh quyền sử dụng hợp pháp địa điểm kinh doanh", "copy"),
            doc("Văn bản giới thiệu hoặc hợp đồng với thương nhân cung cấp rượu", "copy"),
        ],
    },
    {
        "code": "2.000620",
        "name": "Cấp giấy phép kinh doanh bán buôn sản phẩm rượu",
        "field": "cong-thuong",
        "agencies": [SO_CONG_THUONG],
        "levels": "province",
        "service_level": "full",
        "processing_days": 10,
        "fee_payment_stage": "at_filing",
        "legal_basis": LAW_RUOU,
        "result_name": "Giấy phép bán buôn rượu",
        "result_type": "licence",
        **ALL_RETURNS,
        "fees": [fee("fee", "Phí thẩm định cấp giấy phép bán buôn rượu", 2_200_000, 50)],
        "documents": [
            doc("Đơn đề nghị cấp giấy phép bán buôn rượu theo Mẫu số 01", "original"),
            doc("Giấy chứng nhận đăng ký doanh nghiệp", "copy", reusable=True),
            doc("Giấy tờ chứng minh quyền sử dụng kho hàng có diện tích từ 50 m² trở lên", "copy"),
            doc("Hợp đồng nguyên tắc với thương nhân sản xuất, phân phối rượu", "copy"),
        ],
    },
    {
        "code": "2.000591",
        "name": "Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm đối với cơ sở sản xuất, kinh doanh "
        "thực phẩm do Sở Công Thương thực hiện",
        "field": "cong-thuong",
        "agencies": [SO_CONG_THUONG],
        "levels": "province",
        "service_level": "partial",
        "partial_reason": "on_site",
        "partial_reason_note": "Đoàn thẩm định phải kiểm tra thực tế điều kiện an toàn thực phẩm tại cơ sở",
        "processing_days": 20,
        "fee_payment_stage": "at_filing",
        "legal_basis": "Luật An toàn thực phẩm số 55/2010/QH12;\n"
        "Nghị định số 15/2018/NĐ-CP ngày 02/02/2018 của Chính phủ quy định chi tiết thi hành một số điều của "
        "Luật An toàn thực phẩm;\n"
        "Thông tư số 43/2018/TT-BCT ngày 15/11/2018 của Bộ Công Thương quy định về quản lý an toàn thực "
        "phẩm;\n"
        "Thông tư số 67/2021/TT-BTC ngày 05/8/2021 của Bộ Tài chính quy định phí trong công tác an toàn thực "
        "phẩm.",
        "result_name": "Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm (hiệu lực 03 năm)",
        "result_type": "certificate",
        **DESK_AND_POST,
        "fees": [fee("fee", "Phí thẩm định cơ sở kinh doanh thực phẩm", 1_000_000)],
        "documents": [
            doc("Đơn đề nghị cấp Giấy chứng nhận theo mẫu", "original"),
            doc("Bản thuyết minh về cơ sở vật chất, trang thiết bị, dụng cụ", "original"),
            doc("Giấy xác nhận đã được tập huấn kiến thức về an toàn thực phẩm của chủ cơ sở", "copy"),
            doc("Giấy xác nhận đủ sức khỏe của người trực tiếp sản xuất, kinh doanh thực phẩm", "copy"),
        ],
    },
    {
        "code": "2.000181",
        "name": "Cấp Giấy phép bán lẻ sản phẩm thuốc lá",
        "field": "cong-thuong",
        "agencies": COMMUNE_AGENCIES,
        "levels": "commune",
        "service_level": "full",
        "processing_days": 15,
        "fee_payment_stage": "at_filing",
        "legal_basis": "Luật Phòng, chống tác hại của thuốc lá số 09/2012/QH13;\n"
        "Nghị định số 67/2013/NĐ-CP ngày 27/6/2013 của Chính phủ về kinh doanh thuốc lá, được sửa đổi, bổ "
        "sung bởi Nghị định số 106/2017/NĐ-CP và Nghị định số 08/2018/NĐ-CP;\n"
        "Thông tư số 168/2016/TT-BTC ngày 26/10/2016 của Bộ Tài chính.",
        "result_name": "Giấy phép bán lẻ sản phẩm thuốc lá",
        "result_type": "licence",
        **ALL_RETURNS,
        "fees": [fee("fee", "Phí thẩm định cấp giấy phép bán lẻ thuốc lá (tại phường)", 400_000, 50)],
        "documents": [
            doc("Đơn đề nghị cấp Giấy phép bán lẻ sản phẩm thuốc lá theo mẫu", "original"),
            doc("Giấy chứng nhận đăng ký doanh nghiệp hoặc đăng ký hộ kinh doanh", "copy", reusable=True),
            doc("Văn bản giới thiệu của thương nhân phân phối hoặc bán buôn sản phẩm thuốc lá", "copy"),
        ],
    },
    # --- Bảo trợ xã hội -------------------------------------------------------------------------------------
    {
        "code": "1.001776",
        "name": "Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hằng tháng, hỗ trợ kinh phí chăm sóc, nuôi "
        "dưỡng hằng tháng",
        "field": "bao-tro-xa-hoi",
        "agencies": COMMUNE_AGENCIES,
        "levels": "commune",
        "service_level": "full",
        "processing_days": 10,
        "processing_time_note": "Niêm yết công khai kết quả xét duyệt tại trụ sở Ủy ban nhân dân xã trong 02 "
        "ngày làm việc",
        "fee_payment_stage": "at_filing",
        "applicant_requirements": "Người cao tuổi, người khuyết tật, trẻ em có hoàn cảnh đặc biệt và các đối "
        "tượng bảo trợ xã hội khác theo Điều 5 Nghị định số 20/2021/NĐ-CP.",
        "legal_basis": LAW_TRO_GIUP_XA_HOI,
        "result_name": "Quyết định trợ cấp xã hội hằng tháng",
        "result_type": "decision",
        **ALL_RETURNS,
        "fees": [],
        "documents": [
            doc("Tờ khai đề nghị trợ giúp xã hội theo mẫu tương ứng với từng đối tượng", "original"),
            doc(
                "Giấy xác nhận khuyết tật (đối với người khuyết tật)",
                "copy",
                required=False,
                reusable=True,
            ),
            doc("Giấy tờ chứng minh thuộc hộ nghèo, hộ cận nghèo (nếu có)", "copy", required=False),
            ID_CARD,
        ],
    },
    {
        "code": "1.001758",
        "name": "Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội",
        "field": "bao-tro-xa-hoi",
        "agencies": COMMUNE_AGENCIES,
        "levels": "commune",
        "service_level": "full",
        "processing_days": 3,
        "fee_payment_stage": "at_filing",
        "legal_basis": LAW_TRO_GIUP_XA_HOI,
        "result_name": "Quyết định hỗ trợ chi phí mai táng",
        "result_type": "decision",
        **ALL_RETURNS,
        "fees": [],
        "documents": [
            doc("Tờ khai đề nghị hỗ trợ chi phí mai táng theo Mẫu số 04", "original"),
            doc("Giấy báo tử hoặc Trích lục khai tử", "copy", reusable=True),
        ],
    },
    {
        "code": "1.001699",
        "name": "Xác định, xác định lại mức độ khuyết tật và cấp Giấy xác nhận khuyết tật",
        "field": "bao-tro-xa-hoi",
        "agencies": COMMUNE_AGENCIES,
        "levels": "commune",
        "service_level": "partial",
        "partial_reason": "in_person",
        "partial_reason_note": "Người được xác định mức độ khuyết tật phải có mặt để Hội đồng xác định mức "
        "độ khuyết tật quan sát, đánh giá trực tiếp",
        "processing_days": 25,
        "processing_time_note": "Hội đồng tổ chức đánh giá trong 20 ngày; cấp Giấy xác nhận trong 05 ngày "
        "làm việc sau đó",
        "fee_payment_stage": "at_filing",
        "legal_basis": "Luật Người khuyết tật số 51/2010/QH12;\n"
        "Nghị định số 28/2012/NĐ-CP ngày 10/4/2012 của Chính phủ quy định chi tiết Luật Người khuyết tật;\n"
        "Thông tư số 01/2019/TT-BLĐTBXH ngày 02/01/2019 quy định việc xác định mức độ khuyết tật do Hội đồng "
        "xác định mức độ khuyết tật thực hiện.",
        "result_name": "Giấy xác nhận khuyết tật",
        "result_type": "confirmation",
        **DESK_AND_POST,
        "fees": [],
        "documents": [
            doc("Đơn đề nghị xác định mức độ khuyết tật theo mẫu", "original"),
            doc(
                "Bệnh án, giấy tờ khám, điều trị, phẫu thuật hoặc giấy tờ liên quan khác",
                "copy",
                required=False,
            ),
            doc(
                "Biên bản giám định khuyết tật của Hội đồng Giám định y khoa (nếu có)",
                "copy",
                required=False,
            ),
            ID_CARD,
        ],
    },
]

# Procedures that get a second published version, so that version history (archived v1) can be seen.
# `changes` are version fields; `fees`, when present, replaces the fee list of the new version.
REVISIONS = [
    {
        "code": "2.000488",
        "change_note": "Giảm 50% phí cung cấp thông tin lý lịch tư pháp khi nộp hồ sơ trực tuyến",
        "changes": {},
        "fees": [
            fee("fee", "Phí cung cấp thông tin lý lịch tư pháp", 200_000, 50),
            fee("fee", "Phí cấp thêm Phiếu lý lịch tư pháp (từ Phiếu thứ 3 trở đi, mỗi Phiếu)", 5_000),
        ],
    },
    {
        "code": "1.009994",
        "change_note": "Rút ngắn thời hạn giải quyết từ 15 xuống 12 ngày làm việc theo phương án cắt giảm "
        "thời gian giải quyết thủ tục hành chính của tỉnh",
        "changes": {
            "processing_days": 12,
            "processing_time_note": "Rút ngắn 03 ngày so với quy định tại Luật Xây dựng",
        },
    },
    {
        "code": "2.000575",
        "change_note": "Rút ngắn thời hạn giải quyết còn 02 ngày làm việc",
        "changes": {"processing_days": 2},
    },
]
