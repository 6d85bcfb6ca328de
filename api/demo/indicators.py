"""Indicators of plan 242/KH-UBND (seed 003) with their 2030 targets for Bắc Ninh, Sơn Hải's
values for 01/01–30/05/2026 (seed 001), and Đức Trọng's 2016–2021 series (seed 004)."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.access import Principal
from api.models import Indicator, OrgUnit, Target
from api.services.data_values import DataValueImporter
from api.services.imports import no_progress
from api.services.indicators import search_key
from api.tabular import Row

PCT = {"value_type": "percentage", "factor": 100, "aggregation": "ratio", "unit": "%"}
PER_10K = {"value_type": "rate", "factor": 10_000, "aggregation": "ratio"}
PER_100K = {"value_type": "rate", "factor": 100_000, "aggregation": "ratio", "direction": "lower"}
PER_1000 = {"value_type": "rate", "factor": 1000, "aggregation": "ratio", "direction": "lower"}
SEX = [
    {
        "code": "sex",
        "name": "Giới tính",
        "options": [{"code": "male", "name": "Nam"}, {"code": "female", "name": "Nữ"}],
    }
]
CARE = [
    {
        "code": "care",
        "name": "Loại điều trị",
        "options": [
            {"code": "inpatient", "name": "Nội trú"},
            {"code": "outpatient", "name": "Ngoại trú"},
        ],
    }
]

# code, name, kind, definition, numerator label, denominator label, 2030 target wording(s)
INDICATORS: list[tuple[str, str, str, dict[str, Any], str | None, str | None, dict[str, str]]] = [
    (
        "BS_VAN",
        "Số bác sỹ trên 1 vạn dân",
        "input",
        {**PER_10K, "unit": "bác sỹ/vạn dân", "decimals": 1},
        "Số bác sỹ",
        "Dân số",
        {"default": "tối thiểu 21"},
    ),
    (
        "DS_VAN",
        "Số dược sỹ trên 1 vạn dân",
        "input",
        {**PER_10K, "unit": "dược sỹ/vạn dân", "decimals": 1},
        "Số dược sỹ",
        "Dân số",
        {"default": "tối thiểu 4,5"},
    ),
    (
        "DD_VAN",
        "Số điều dưỡng trên 1 vạn dân",
        "input",
        {**PER_10K, "unit": "điều dưỡng/vạn dân", "decimals": 1},
        "Số điều dưỡng",
        "Dân số",
        {"default": "tối thiểu 35"},
    ),
    (
        "GIUONG_VAN",
        "Số giường bệnh trên 1 vạn dân",
        "input",
        {**PER_10K, "unit": "giường/vạn dân", "decimals": 1},
        "Số giường bệnh",
        "Dân số",
        {"default": "tối thiểu 38"},
    ),
    (
        "GIUONG_TN",
        "Tỷ lệ giường bệnh tư nhân",
        "input",
        PCT,
        "Số giường tư nhân",
        "Tổng số giường bệnh",
        {"default": "đạt 17%"},
    ),
    (
        "CHI_YTDP",
        "Tỷ lệ chi ngân sách cho y tế dự phòng trên tổng chi ngân sách y tế",
        "input",
        PCT,
        "Chi cho y tế dự phòng",
        "Tổng chi ngân sách y tế",
        {"default": "> 30%"},
    ),
    (
        "QLSK",
        "Tỷ lệ dân số được quản lý sức khỏe",
        "activity",
        PCT,
        "Số người được quản lý sức khỏe",
        "Dân số",
        {"default": "đạt 98%"},
    ),
    (
        "TCDD",
        "Tỷ lệ trẻ dưới 1 tuổi được tiêm chủng đầy đủ",
        "activity",
        PCT,
        "Số trẻ được tiêm chủng đầy đủ",
        "Số trẻ dưới 1 tuổi",
        {"default": "đạt 98%"},
    ),
    (
        "TCAT",
        "Tỷ lệ tiêm chủng an toàn",
        "activity",
        PCT,
        "Số mũi tiêm an toàn",
        "Tổng số mũi tiêm",
        {},
    ),
    (
        "SL_SS",
        "Tỷ lệ trẻ sơ sinh được tầm soát ít nhất 05 bệnh bẩm sinh",
        "activity",
        PCT,
        "Số trẻ được tầm soát",
        "Số trẻ sơ sinh",
        {"default": "đạt 90%"},
    ),
    (
        "SL_PNMT",
        "Tỷ lệ phụ nữ mang thai được tầm soát ít nhất 04 bệnh tật bẩm sinh",
        "activity",
        PCT,
        "Số phụ nữ được tầm soát",
        "Số phụ nữ mang thai",
        {"default": "đạt 80%"},
    ),
    (
        "CTYT",
        "Tỷ lệ chất thải y tế bệnh viện được xử lý đạt quy chuẩn",
        "activity",
        PCT,
        "Khối lượng được xử lý đạt chuẩn",
        "Tổng khối lượng chất thải",
        {"default": "đạt 100%"},
    ),
    (
        "KCB_BHYT",
        "Số lượt khám chữa bệnh bảo hiểm y tế",
        "activity",
        {"value_type": "count", "aggregation": "sum", "unit": "lượt", "decimals": 0},
        None,
        None,
        {},
    ),
    (
        "UHC",
        "Mức độ bao phủ các dịch vụ y tế thiết yếu (thang điểm 100)",
        "result",
        {"value_type": "number", "aggregation": "average", "unit": "điểm", "decimals": 1},
        None,
        None,
        {"default": "> 85"},
    ),
    (
        "BHYT",
        "Tỷ lệ người dân tham gia bảo hiểm y tế",
        "result",
        PCT,
        "Số người có thẻ BHYT",
        "Dân số",
        {"default": "đạt 98%"},
    ),
    (
        "NCT_QL",
        "Tỷ lệ người cao tuổi có thẻ BHYT, được quản lý và chăm sóc sức khỏe",
        "result",
        PCT,
        "Số người cao tuổi được quản lý",
        "Số người cao tuổi",
        {"default": "đạt 100%"},
    ),
    (
        "HAI_LONG",
        "Tỷ lệ người bệnh hài lòng với dịch vụ y tế",
        "result",
        {
            "value_type": "percentage",
            "factor": 100,
            "aggregation": "average",
            "unit": "%",
            "categories": CARE,
            "decimals": 1,
        },
        None,
        None,
        {"inpatient": "> 90%", "outpatient": "> 90%"},
    ),
    (
        "HIV_MOI",
        "Số ca nhiễm HIV mới phát hiện trên 100.000 dân",
        "result",
        {**PER_100K, "decimals": 2},
        "Số ca HIV mới",
        "Dân số",
        {"default": "<= 0,95"},
    ),
    (
        "LAO_MOI",
        "Số ca mắc mới lao trên 100.000 dân",
        "result",
        {**PER_100K, "decimals": 1},
        "Số ca lao mới",
        "Dân số",
        {"default": "<= 50"},
    ),
    (
        "SDD_NC",
        "Tỷ lệ trẻ dưới 5 tuổi suy dinh dưỡng thể nhẹ cân",
        "result",
        {**PCT, "direction": "lower", "decimals": 3},
        "Số trẻ nhẹ cân",
        "Số trẻ dưới 5 tuổi",
        {},
    ),
    (
        "CL_BV",
        "Điểm trung bình Bộ tiêu chí chất lượng bệnh viện",
        "result",
        {"value_type": "number", "aggregation": "average", "unit": "điểm (thang 5)", "decimals": 2},
        None,
        None,
        {},
    ),
    (
        "TUOI_THO",
        "Tuổi thọ trung bình",
        "impact",
        {"value_type": "number", "aggregation": "average", "unit": "tuổi", "decimals": 1},
        None,
        None,
        {"default": "khoảng 76 tuổi"},
    ),
    (
        "NAM_KHOE",
        "Số năm sống khỏe",
        "impact",
        {"value_type": "number", "aggregation": "average", "unit": "năm", "decimals": 1},
        None,
        None,
        {"default": "tối thiểu 68 năm"},
    ),
    (
        "TSS",
        "Tổng tỷ suất sinh",
        "impact",
        {
            "value_type": "number",
            "aggregation": "average",
            "unit": "con/phụ nữ",
            "decimals": 1,
            "direction": "none",
        },
        None,
        None,
        {"default": "khoảng 2,1"},
    ),
    (
        "TV_DUOI1",
        "Tỷ suất tử vong trẻ em dưới 1 tuổi trên 1.000 trẻ đẻ sống",
        "impact",
        {**PER_1000, "decimals": 1},
        "Số trẻ dưới 1 tuổi tử vong",
        "Số trẻ đẻ sống",
        {"default": "dưới 10"},
    ),
    (
        "TV_DUOI5",
        "Tỷ suất tử vong trẻ em dưới 5 tuổi trên 1.000 trẻ đẻ sống",
        "impact",
        {**PER_1000, "decimals": 1},
        "Số trẻ dưới 5 tuổi tử vong",
        "Số trẻ đẻ sống",
        {"default": "dưới 15"},
    ),
    (
        "TV_ME",
        "Tỷ số tử vong mẹ trên 1.000 trẻ đẻ sống",
        "impact",
        {**PER_1000, "decimals": 2},
        "Số bà mẹ tử vong",
        "Số trẻ đẻ sống",
        {"default": "dưới 20"},
    ),
    (
        "SDD_TC",
        "Tỷ lệ trẻ em dưới 5 tuổi suy dinh dưỡng thể thấp còi",
        "impact",
        {**PCT, "direction": "lower", "decimals": 1},
        "Số trẻ thấp còi",
        "Số trẻ dưới 5 tuổi",
        {"default": "dưới 9,5%"},
    ),
    (
        "SDD_GC",
        "Tỷ lệ trẻ em dưới 5 tuổi suy dinh dưỡng thể gầy còm",
        "impact",
        {**PCT, "direction": "lower", "decimals": 1},
        "Số trẻ gầy còm",
        "Số trẻ dưới 5 tuổi",
        {"default": "dưới 3%"},
    ),
    (
        "CC18",
        "Chiều cao trung bình của thanh niên 18 tuổi",
        "impact",
        {
            "value_type": "number",
            "aggregation": "average",
            "unit": "cm",
            "decimals": 1,
            "categories": SEX,
        },
        None,
        None,
        {"male": "đạt 169 cm", "female": "đạt 158 cm"},
    ),
]

DUC_TRONG_SATISFACTION = {
    "inpatient": ["95", "99,8", "95,3", "98,5"],
    "outpatient": ["92", "100", "91,2", "97"],
}
DUC_TRONG_QUALITY = ["2,61", "2,62", "2,72", "2,88", "2,92", "2,83"]


async def load_indicators(session: AsyncSession, admin: Principal) -> dict[str, int]:
    codes = set(await session.scalars(select(Indicator.code)))
    created = 0
    for code, name, kind, definition, num, den, _ in INDICATORS:
        if code in codes:
            continue
        fields = {
            "value_type": "number",
            "factor": 1,
            "aggregation": "sum",
            "direction": "higher",
            "decimals": 2,
            "categories": [],
            **definition,
        }
        session.add(
            Indicator(
                code=code,
                name_vi=name,
                kind=kind,
                numerator_label=num,
                denominator_label=den,
                search_name=search_key(code, name, None),
                **fields,
            )
        )
        created += 1
    await session.flush()
    if created == 0:
        return {"indicators": 0, "targets": 0, "data_values": 0}
    ids = {i.code: i.id for i in await session.scalars(select(Indicator))}
    province = await session.scalar(select(OrgUnit.id).where(OrgUnit.code == "BN"))
    from api.targets_text import parse_target

    targets = 0
    for code, *_, wordings in INDICATORS:
        for option, wording in wordings.items():
            parsed = parse_target(wording)
            assert parsed.comparator and parsed.value is not None, wording
            session.add(
                Target(
                    indicator_id=ids[code],
                    org_unit_id=province,
                    year=2030,
                    option=option,
                    comparator=parsed.comparator,
                    value=parsed.value,
                    value_high=parsed.value_high,
                    wording=wording,
                )
            )
            targets += 1
    await session.flush()

    # Sơn Hải's values arrive with its report (api/demo/reports.py), as they did in 2026.
    rows: list[Row] = []
    for care, series in DUC_TRONG_SATISFACTION.items():
        rows += [
            Row(
                len(rows) + 1,
                {
                    "indicator": "HAI_LONG",
                    "org_unit": "LD-DUCTRONG-TTYT",
                    "period": str(year),
                    "option": care,
                    "value": value,
                    "status": "accepted",
                },
            )
            for year, value in zip(range(2018, 2022), series, strict=True)
        ]
    rows += [
        Row(
            len(rows) + 1,
            {
                "indicator": "CL_BV",
                "org_unit": "LD-DUCTRONG-TTYT",
                "period": str(year),
                "value": value,
                "status": "accepted",
            },
        )
        for year, value in zip(range(2016, 2022), DUC_TRONG_QUALITY, strict=True)
    ]

    outcome = await DataValueImporter().run(
        session, actor=admin, rows=iter(rows), options={"source": "import"}, progress=no_progress
    )
    assert not outcome.conflicts_total, [c.as_dict() for c in outcome.conflicts]
    return {"indicators": created, "targets": targets, "data_values": outcome.created}
