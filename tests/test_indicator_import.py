"""The indicator catalogue through the one import pipeline: Vietnamese headers and words,
truthful counts, all-or-nothing, definitions of existing indicators kept."""

import io

import httpx
import openpyxl
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import Indicator
from tests.conftest import Login, assert_problem

URL = "/api/v1/imports/indicators"
CATALOGUE = (
    "Mã;Tên chỉ số;Đơn vị tính;Nhóm;Kiểu giá trị;Hệ số;Tử số;Mẫu số;Cách tổng hợp;Số lẻ\n"
    "BS_XA;Tỷ lệ trạm y tế xã có bác sỹ;%;Đầu vào;Phần trăm;100;Trạm có bác sỹ;Tổng số trạm;"
    "Tỷ lệ;2\n"
    "GIUONG_TUNHAN;Số giường bệnh tư nhân;giường;đầu vào;số đếm;1;;;tổng;0\n"
    "TCDD;Tỷ lệ trẻ dưới 1 tuổi được tiêm chủng đầy đủ;%;Hoạt động;Phần trăm;100;"
    "Số trẻ được tiêm đủ;Số trẻ dưới 1 tuổi;Tỷ lệ;2\n"
)


def _file(text_: str, name: str = "chi-so.csv") -> dict[str, tuple[str, bytes, str]]:
    return {"file": (name, text_.encode(), "text/csv")}


async def _count(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Indicator)) or 0)


async def test_catalogue_from_a_vietnamese_csv(
    client: httpx.AsyncClient, login: Login, session: AsyncSession
) -> None:
    manager = await login("syt.kehoach")
    before = await _count(session)
    r = await client.post(URL, headers=manager, files=_file(CATALOGUE))
    assert r.status_code == 200, r.text
    tcdd = await session.scalar(select(Indicator).where(Indicator.code == "TCDD"))
    assert tcdd is not None
    # TCDD exists with the same definition but another name: updated, the two others created.
    counts = r.json()["counts"]
    assert (counts["created"], counts["updated"], counts["rejected"]) == (2, 1, 0)
    assert await _count(session) == before + 2
    bs = await session.scalar(select(Indicator).where(Indicator.code == "BS_XA"))
    assert bs is not None
    assert (bs.kind, bs.value_type, bs.factor, bs.aggregation) == (
        "input",
        "percentage",
        100,
        "ratio",
    )
    assert bs.numerator_label == "Trạm có bác sỹ" and "tram y te xa" in bs.search_name

    r = await client.post(URL, headers=manager, files=_file(CATALOGUE))
    assert r.json()["counts"]["unchanged"] == 3 and r.json()["counts"]["updated"] == 0


async def test_catalogue_from_xlsx_dry_run_writes_nothing(
    client: httpx.AsyncClient, login: Login, session: AsyncSession
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["code", "name_vi", "kind", "value_type", "factor", "aggregation"])
    sheet.append(["KHAM_SL", "Số lượt khám sàng lọc", "activity", "count", 1, "sum"])
    out = io.BytesIO()
    book.save(out)
    before = await _count(session)
    r = await client.post(
        URL,
        headers=await login("admin"),
        files={"file": ("cs.xlsx", out.getvalue(), "application/octet-stream")},
        data={"dry_run": "true"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["counts"]["created"] == 1 and await _count(session) == before


@pytest.mark.parametrize(
    ("body", "row", "column", "code"),
    [
        ("Mã;Tên chỉ số;Nhóm;Kiểu giá trị\nX;Một;đầu ra;số\n", 2, "Nhóm", "invalid_value"),
        (
            "Mã;Tên chỉ số;Nhóm;Kiểu giá trị;Hệ số\nX;Một;kết quả;số;mười\n",
            2,
            "Hệ số",
            "not_a_number",
        ),
        (
            "Mã;Tên chỉ số;Nhóm;Kiểu giá trị;Hệ số;Cách tổng hợp\n"
            "X;Một;kết quả;phần trăm;1;tỷ lệ\n",
            2,
            "Hệ số",
            "invalid_factor",
        ),
        (
            "Mã;Tên chỉ số;Nhóm;Kiểu giá trị\nX;Một;kết quả;số\nX;Hai;kết quả;số\n",
            3,
            "Mã",
            "duplicate",
        ),
        ("Mã;Tên chỉ số;Nhóm;Kiểu giá trị\n;Một;kết quả;số\n", 2, "Mã", "missing"),
        (
            "Mã;Tên chỉ số;Nhóm;Kiểu giá trị;Hệ số\nTCDD;Tiêm chủng;hoạt động;số;1\n",
            2,
            "Kiểu giá trị",
            "definition_locked",
        ),
    ],
)
async def test_a_bad_row_rejects_the_file(
    client: httpx.AsyncClient,
    login: Login,
    session: AsyncSession,
    body: str,
    row: int,
    column: str,
    code: str,
) -> None:
    before = await _count(session)
    r = await client.post(URL, headers=await login("syt.kehoach"), files=_file(body))
    problem = assert_problem(r, 422)
    conflict = problem["errors"][0]
    assert (conflict["row"], conflict["field"], conflict["code"]) == (row, column, code), problem
    assert await _count(session) == before


async def test_only_catalogue_editors_import(client: httpx.AsyncClient, login: Login) -> None:
    r = await client.post(URL, headers=await login("sonhai.baocao"), files=_file(CATALOGUE))
    assert assert_problem(r, 422)["errors"][0]["code"] == "forbidden"
