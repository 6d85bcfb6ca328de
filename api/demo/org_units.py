"""The bodies named in the seeds, as an org unit tree.

Bắc Ninh after the 2025 merger (seeds 000, 001, 003), Thái Nguyên with Bắc Kạn ward (seed 002),
Lâm Đồng with Đức Trọng (seed 004), and the central bodies that issue the directives.
Departments merged away in 2025 (named in the 2024 plan 242/KH-UBND) are kept, inactive:
the plan still names them.
"""

from typing import NamedTuple


class U(NamedTuple):
    code: str
    name: str
    type: str
    children: tuple["U", ...] = ()
    active: bool = True
    short_name: str | None = None


def _commune_bodies(code: str, place: str, kind: str) -> tuple[U, ...]:
    """The bodies every commune or ward has in the seeds' matrices."""
    return (
        U(f"{code}-UBND", f"UBND {kind} {place}", "people_committee"),
        U(f"{code}-VHXH", f"Phòng Văn hóa - Xã hội {kind} {place}", "office"),
        U(f"{code}-TYT", f"Trạm Y tế {kind} {place}", "health_station"),
        U(f"{code}-CA", f"Công an {kind} {place}", "police"),
        U(f"{code}-MTTQ", f"Ủy ban MTTQ {kind} {place}", "mass_organization"),
        U(f"{code}-HPN", f"Hội Phụ nữ {kind} {place}", "mass_organization"),
        U(f"{code}-HNCT", f"Hội Người cao tuổi {kind} {place}", "mass_organization"),
    )


SON_HAI = U(
    "BN-SONHAI",
    "Xã Sơn Hải",
    "commune",
    (
        *_commune_bodies("BN-SONHAI", "Sơn Hải", "xã"),
        U("BN-SONHAI-MN", "Trường Mầm non Sơn Hải", "school"),
        U("BN-SONHAI-TH", "Trường Tiểu học Sơn Hải", "school"),
        U("BN-SONHAI-THCS", "Trường THCS Sơn Hải", "school"),
        U("BN-SONHAI-T1", "Thôn Hải Yên", "residential_group"),
        U("BN-SONHAI-T2", "Thôn Hải An", "residential_group"),
        U("BN-SONHAI-T3", "Thôn Đồng Cống", "residential_group"),
    ),
)

BAC_NINH = U(
    "BN",
    "Tỉnh Bắc Ninh",
    "province",
    (
        U("BN-TU", "Tỉnh ủy Bắc Ninh", "party_committee", short_name="Tỉnh ủy"),
        U("BN-UBND", "UBND tỉnh Bắc Ninh", "people_committee", short_name="UBND tỉnh"),
        U(
            "BN-SYT",
            "Sở Y tế",
            "department",
            (
                U("BN-CDC", "Trung tâm Kiểm soát bệnh tật tỉnh Bắc Ninh", "health_center"),
                U("BN-TTYT-LN", "Trung tâm Y tế Lục Ngạn", "health_center"),
                U("BN-BV-LN", "Bệnh viện Đa khoa Lục Ngạn", "hospital"),
                U("BN-BV-UB", "Bệnh viện Ung bướu Bắc Ninh", "hospital"),
            ),
            short_name="SYT",
        ),
        U("BN-SDTTG", "Sở Dân tộc và Tôn giáo", "department", short_name="SDTTG"),
        U("BN-STC", "Sở Tài chính", "department", short_name="STC"),
        U("BN-SNV", "Sở Nội vụ", "department", short_name="SNV"),
        U("BN-SGDDT", "Sở Giáo dục và Đào tạo", "department", short_name="SGDĐT"),
        U("BN-SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", "department", short_name="SVHTTDL"),
        U("BN-SKHCN", "Sở Khoa học và Công nghệ", "department", short_name="SKHCN"),
        U("BN-SNNMT", "Sở Nông nghiệp và Môi trường", "department", short_name="SNNMT"),
        U("BN-SCT", "Sở Công Thương", "department", short_name="SCT"),
        U("BN-SKHDT", "Sở Kế hoạch và Đầu tư", "department", active=False),
        U("BN-STTTT", "Sở Thông tin và Truyền thông", "department", active=False),
        U("BN-SLDTBXH", "Sở Lao động - Thương binh và Xã hội", "department", active=False),
        U("BN-STNMT", "Sở Tài nguyên và Môi trường", "department", active=False),
        U("BN-BHXH", "Bảo hiểm xã hội tỉnh Bắc Ninh", "social_insurance", short_name="BHXH tỉnh"),
        U("BN-BQLATTP", "Ban Quản lý An toàn thực phẩm tỉnh", "office"),
        U("BN-BCHQS", "Bộ Chỉ huy Quân sự tỉnh", "military"),
        U("BN-CA", "Công an tỉnh Bắc Ninh", "police"),
        U("BN-MTTQ", "Ủy ban MTTQ Việt Nam tỉnh Bắc Ninh", "mass_organization"),
        SON_HAI,
        U("BN-LUCNGAN", "Xã Lục Ngạn", "commune", _commune_bodies("BN-LUCNGAN", "Lục Ngạn", "xã")),
        U("BN-BIENSON", "Xã Biên Sơn", "commune", _commune_bodies("BN-BIENSON", "Biên Sơn", "xã")),
        U(
            "BN-KINHBAC",
            "Phường Kinh Bắc",
            "ward",
            _commune_bodies("BN-KINHBAC", "Kinh Bắc", "phường"),
        ),
        U(
            "BN-BACGIANG",
            "Phường Bắc Giang",
            "ward",
            _commune_bodies("BN-BACGIANG", "Bắc Giang", "phường"),
        ),
    ),
)

THAI_NGUYEN = U(
    "TN",
    "Tỉnh Thái Nguyên",
    "province",
    (
        U("TN-TU", "Tỉnh ủy Thái Nguyên", "party_committee"),
        U("TN-UBND", "UBND tỉnh Thái Nguyên", "people_committee"),
        U("TN-SYT", "Sở Y tế tỉnh Thái Nguyên", "department"),
        U(
            "TN-BACKAN",
            "Phường Bắc Kạn",
            "ward",
            (
                U("TN-BACKAN-DU", "Đảng ủy phường Bắc Kạn", "party_committee"),
                *_commune_bodies("TN-BACKAN", "Bắc Kạn", "phường"),
                U("TN-BACKAN-KTHTDT", "Phòng Kinh tế, Hạ tầng và Đô thị phường Bắc Kạn", "office"),
                U("TN-BACKAN-DVTH", "Trung tâm Dịch vụ tổng hợp phường Bắc Kạn", "service_center"),
                U("TN-BACKAN-BHXH", "Bảo hiểm xã hội cơ sở Bắc Kạn", "social_insurance"),
                U("TN-BACKAN-TH", "Các cơ sở giáo dục trên địa bàn phường Bắc Kạn", "school"),
                U("TN-BACKAN-TDP", "Các tổ dân phố phường Bắc Kạn", "residential_group"),
            ),
        ),
    ),
)

LAM_DONG = U(
    "LD",
    "Tỉnh Lâm Đồng",
    "province",
    (
        U(
            "LD-DUCTRONG",
            "Huyện Đức Trọng",
            "district",
            (
                U("LD-DUCTRONG-HU", "Huyện ủy Đức Trọng", "party_committee"),
                U("LD-DUCTRONG-TTYT", "Trung tâm Y tế huyện Đức Trọng", "health_center"),
            ),
        ),
    ),
)

CENTRAL = U(
    "TW",
    "Cơ quan Trung ương",
    "external_body",
    (
        U("TW-BCT", "Bộ Chính trị", "external_body"),
        U("TW-CP", "Chính phủ", "external_body"),
        U("TW-BYT", "Bộ Y tế", "external_body"),
    ),
)

ROOTS = (CENTRAL, BAC_NINH, THAI_NGUYEN, LAM_DONG)
