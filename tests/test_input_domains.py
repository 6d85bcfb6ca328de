"""No input reaches a 500: every number and text has a documented domain that fits its column,
and anything outside it is a 422 problem naming the field (and the file's row and column)."""

import csv
import io
import itertools
import random
import uuid
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncSession

from api.numbers import DATA_VALUE
from api.services import data_values
from api.text import nfc
from tests.conftest import Login, assert_problem, unit_id

URL = "/api/v1/data-values"
IMPORT = "/api/v1/imports/data_values"
DHIS2 = "/api/v1/dataValueSets"


def _value(**kw: object) -> dict[str, object]:
    return {"indicator": "KCB_BHYT", "org_unit": "BN-SONHAI", "period": "202605", **kw}


BAD_VALUES = [
    (_value(value="1e20"), "value", "out_of_range"),
    (_value(value=1e308), "value", "out_of_range"),
    (_value(value="9" * 100_000), "value", "out_of_range"),
    (_value(indicator="TCDD", numerator="1e30", denominator="1e31"), "numerator", "out_of_range"),
    (_value(indicator="TCDD", numerator="1", denominator="1e-5000000"), "denominator", None),
    (_value(value="1e999999999"), "value", "out_of_range"),
    (_value(comment="a\x00b", value=1), "comment", None),
]


@pytest.fixture(params=["inline", "staged"])
def write_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "staged":
        monkeypatch.setattr(data_values, "INLINE_MAX_ROWS", 0)
    return str(request.param)


@pytest.mark.parametrize("dry_run", [False, True])
@pytest.mark.parametrize(
    ("item", "field", "code"),
    BAD_VALUES,
    ids=["1e20", "1e308", "nines", "numerator", "tiny", "exponent", "nul"],
)
async def test_out_of_range_data_value_is_a_422_naming_the_field(
    client: httpx.AsyncClient,
    login: Login,
    write_path: str,
    item: dict[str, object],
    field: str,
    code: str | None,
    dry_run: bool,
) -> None:
    reporter = await login("sonhai.baocao")
    r = await client.put(URL, headers=reporter, json={"values": [item], "dry_run": dry_run})
    problem = assert_problem(r, 422)
    error = problem["errors"][0]
    assert error["field"].endswith(field), error
    if code:
        assert error["code"] == code, error
    assert len(r.content) < 5000  # a 100 000-digit cell is not echoed whole
    assert "None" not in problem["detail"]


CSV_ROWS = [
    ("KCB_BHYT,BN-SONHAI,202605,,,1e20,", "value", "out_of_range"),
    ("TCDD,BN-SONHAI,202605,1e30,1e31,,", "numerator", "out_of_range"),
    ("KCB_BHYT,BN-SONHAI,202605,,," + "9" * 100_000 + ",", "value", "out_of_range"),
    ("KCB_BHYT,BN-SONHAI,202605,,,5,a\x00b", "comment", "nul_character"),
]


@pytest.mark.parametrize(("line", "column", "code"), CSV_ROWS, ids=["1e20", "num", "9s", "nul"])
async def test_out_of_range_in_an_upload_names_row_and_column(
    client: httpx.AsyncClient, login: Login, line: str, column: str, code: str
) -> None:
    reporter = await login("sonhai.baocao")
    body = "indicator,org_unit,period,numerator,denominator,value,comment\n" + line + "\n"
    for dry_run in ("true", "false"):
        r = await client.post(
            IMPORT,
            headers=reporter,
            files={"file": ("v.csv", body.encode(), "text/csv")},
            data={"dry_run": dry_run},
        )
        problem = assert_problem(r, 422)
        error = problem["errors"][0]
        assert (error["row"], error["field"], error["code"]) == (2, column, code), error


@pytest.mark.parametrize(("line", "column", "code"), CSV_ROWS, ids=["1e20", "num", "9s", "nul"])
async def test_out_of_range_in_dhis2_csv_and_json_is_no_500(
    client: httpx.AsyncClient, login: Login, line: str, column: str, code: str
) -> None:
    reporter = await login("sonhai.baocao")
    element, unit, period, _num, _den, value, comment = line.split(",")
    csv = (
        "dataelement,period,orgunit,catoptcombo,attroptcombo,value,storedby,lastupdated,"
        f"comment,followup\n{element},{period},{unit},,,{value},,,{comment},false\n"
    )
    r = await client.post(
        DHIS2, headers={**reporter, "Content-Type": "application/csv"}, content=csv.encode()
    )
    assert 400 <= r.status_code < 500, r.text[:500]
    assert r.headers["content-type"].startswith("application/problem+json")
    body = {
        "dataValues": [
            {
                "dataElement": element,
                "period": period,
                "orgUnit": unit,
                "value": value,
                "comment": comment,
            }
        ]
    }
    r = await client.post(DHIS2, headers=reporter, json=body)
    assert 400 <= r.status_code < 500, r.text[:500]
    assert r.headers["content-type"].startswith("application/problem+json")


async def test_nul_in_an_xlsx_cell_is_refused_with_its_row(
    client: httpx.AsyncClient, login: Login
) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["indicator", "org_unit", "period", "value", "comment"])
    sheet.append(["KCB_BHYT", "BN-SONHAI", "202605", 5, "NULHERE"])
    plain = io.BytesIO()
    book.save(plain)
    source = zipfile.ZipFile(io.BytesIO(plain.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info, source.read(info).replace(b"NULHERE", b"a&#0;b"))
    r = await client.post(
        IMPORT,
        headers=await login("sonhai.baocao"),
        files={"file": ("v.xlsx", out.getvalue(), "application/octet-stream")},
    )
    problem = assert_problem(r, 422)
    assert problem["errors"][0]["code"] == "corrupt_xlsx"


async def test_token_name_longer_than_its_column_is_a_422(
    client: httpx.AsyncClient, login: Login
) -> None:
    admin = await login("admin")
    r = await client.post("/api/v1/auth/api-tokens", headers=admin, json={"name": "t" * 250})
    problem = assert_problem(r, 422)
    assert problem["errors"][0]["field"] == "name"
    r = await client.post("/api/v1/auth/api-tokens", headers=admin, json={"name": "t" * 200})
    assert r.status_code == 201, r.text


async def test_child_plan_starting_after_its_end_is_a_422_with_a_request_id(
    client: httpx.AsyncClient, login: Login
) -> None:
    admin = await login("admin")
    plans = (await client.get("/api/v1/plans", headers=admin, params={"limit": 100})).json()
    parent = next(p for p in plans["items"] if p["period_end"])
    tyt = await unit_id(client, admin, "BN-SONHAI-TYT")
    r = await client.post(
        f"/api/v1/plans/{parent['id']}/children",
        headers=admin,
        json={"owner_id": tyt, "title": "Kế hoạch", "period_start": 2100},
    )
    problem = assert_problem(r, 422)
    assert problem["request_id"] and problem["errors"][0]["field"] == "period_start"


async def test_legacy_docx_checks_permission_before_reading_the_file(
    client: httpx.AsyncClient, login: Login
) -> None:
    """A caller who may see a report but not change it is told so (403), whatever the file:
    the file is not parsed for them (it used to answer 422 not_docx first)."""
    viewer = await login("syt.thamdinh")
    listed = (await client.get("/api/v1/submissions", headers=viewer, params={"limit": 200})).json()
    assert listed["items"], listed
    report = listed["items"][0]
    r = await client.post(
        f"/api/v1/submissions/{report['id']}/legacy-docx",
        headers={**viewer, "If-Match": f'"{report["version"]}"'},
        files={"file": ("bc.docx", b"%PDF-1.4 not a word file")},
    )
    assert_problem(r, 403)


# ---- the property: any number or text as a data value is stored as given or refused ----

_NUMBER_TEXT = st.one_of(
    st.decimals(allow_nan=False, allow_infinity=False).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=6).map(
        lambda d: format(d, ",f").replace(",", " ").replace(".", ",").replace(" ", ".")
    ),
    st.sampled_from(["NaN", "Infinity", "-inf", "1e20", "1e-20", "38,46", "20.967.784.175"]),
    st.sampled_from(["1" + "0" * 17, "9" * 18 + ".9999995", "-" + "9" * 18, "0.0000005"]),
    st.text(max_size=30),
)
_NUMBER = st.one_of(
    _NUMBER_TEXT,
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(min_value=-(10**30), max_value=10**30),
)


def _expected(given: object) -> Decimal | None:
    """What the column holds for `given`, or None when it must be refused."""
    from api.numbers import NumberError, parse_decimal

    try:
        return DATA_VALUE.fit(parse_decimal(str(given)))
    except NumberError:
        return None


_PERIODS = itertools.count()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    value=_NUMBER,
    comment=st.one_of(st.none(), st.text(max_size=40)),
    dry_run=st.booleans(),
    as_csv=st.booleans(),
)
async def test_any_value_is_stored_as_given_or_refused_naming_it(
    client: httpx.AsyncClient,
    login: Login,
    session: AsyncSession,
    value: object,
    comment: str | None,
    dry_run: bool,
    as_csv: bool,
) -> None:
    reporter = await login("sonhai.baocao")
    # A fresh period per example: examples share the test's transaction.
    n = next(_PERIODS)
    period = f"{1900 + n // 12}{n % 12 + 1:02d}"
    item = {"indicator": "UHC", "org_unit": "BN-SONHAI", "period": period, "value": value}
    if comment is not None:
        item["comment"] = comment
    if as_csv:
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(["indicator", "org_unit", "period", "value", "comment"])
        writer.writerow(["UHC", "BN-SONHAI", period, str(value), comment or ""])
        r = await client.post(
            IMPORT,
            headers=reporter,
            files={"file": ("v.csv", text.getvalue().encode("utf-8", "surrogatepass"))},
            data={"dry_run": str(dry_run).lower()},
        )
    else:
        r = await client.put(URL, headers=reporter, json={"values": [item], "dry_run": dry_run})
    assert r.status_code < 500, r.text[:300]
    if r.status_code != 200:
        problem = assert_problem(r, 422)
        assert problem["errors"], problem
        for error in problem["errors"]:
            assert error["field"] and error["message"] and error["code"], error
            if as_csv and error["code"] not in ("no_rows", "not_utf8", "bad_encoding"):
                assert error["row"], error
        return
    expected = _expected(value)
    assert expected is not None, (value, r.text)
    if dry_run:
        return
    where = {"indicator": "UHC", "org_unit": "BN-SONHAI", "period": period}
    r = await client.get(URL, headers=reporter, params=where)
    [stored] = r.json()["items"]
    assert Decimal(stored["value"]) == expected, (value, stored)
    assert stored["comment"] == (nfc(comment) or None if comment is not None else None), stored


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(numerator=_NUMBER, denominator=_NUMBER, dry_run=st.booleans())
async def test_any_fraction_is_stored_as_given_or_refused_naming_it(
    client: httpx.AsyncClient, login: Login, numerator: object, denominator: object, dry_run: bool
) -> None:
    reporter = await login("sonhai.baocao")
    n = next(_PERIODS)
    period = f"{1900 + n // 12}{n % 12 + 1:02d}"
    item = {
        "indicator": "TCDD",
        "org_unit": "BN-SONHAI",
        "period": period,
        "numerator": numerator,
        "denominator": denominator,
    }
    r = await client.put(URL, headers=reporter, json={"values": [item], "dry_run": dry_run})
    assert r.status_code < 500, r.text[:300]
    if r.status_code != 200:
        problem = assert_problem(r, 422)
        fields = {e["field"].rsplit(".", 1)[-1] for e in problem["errors"]}
        assert fields and fields <= {"numerator", "denominator", "value"}, problem
        return
    num, den = _expected(numerator), _expected(denominator)
    assert num is not None and den is not None and 0 <= num <= den and den > 0, r.text
    if dry_run:
        return
    where = {"indicator": "TCDD", "org_unit": "BN-SONHAI", "period": period}
    [stored] = (await client.get(URL, headers=reporter, params=where)).json()["items"]
    assert (Decimal(stored["numerator"]), Decimal(stored["denominator"])) == (num, den), stored
    percent = (num / den * 100).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)
    assert Decimal(stored["value"]) == percent, stored


# ---- upload bombs ----


def xlsx_bomb(sheet_bytes: int, padding_bytes: int) -> bytes:
    """A real workbook whose one sheet inflates to `sheet_bytes` of repeated rows, padded with
    stored random bytes so the archive-wide ratio looks harmless."""
    import openpyxl

    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.append(["indicator", "org_unit", "period", "value"])
    small = io.BytesIO()
    book.save(small)
    source = zipfile.ZipFile(io.BytesIO(small.getvalue()))
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    head = b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    tail = b"</sheetData></worksheet>"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                with archive.open(info.filename, "w", force_zip64=True) as member:
                    member.write(head)
                    block = row * (1 << 14)
                    written = 0
                    while written < sheet_bytes:
                        member.write(block)
                        written += len(block)
                    member.write(tail)
            else:
                archive.writestr(info, source.read(info))
        archive.writestr(
            zipfile.ZipInfo("xl/media/padding.bin"),
            random.Random(7).randbytes(padding_bytes),
            compress_type=zipfile.ZIP_STORED,
        )
    return out.getvalue()


async def test_a_xlsx_bomb_is_refused_before_it_is_queued_or_parsed(
    client: httpx.AsyncClient, login: Login
) -> None:
    bomb = xlsx_bomb(480 * 1024 * 1024, 3 * 1024 * 1024)
    assert len(bomb) < 5 * 1024 * 1024  # queued, were it accepted (over the inline limit)
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        infos = archive.infolist()
    # The trick: the archive as a whole inflates under 200 times its size.
    assert sum(i.file_size for i in infos) < 200 * len(bomb)
    r = await client.post(
        IMPORT,
        headers=await login("sonhai.baocao"),
        files={"file": ("bomb.xlsx", bomb, "application/octet-stream")},
    )
    problem = assert_problem(r, 422)
    assert problem["errors"][0]["code"] == "xlsx_too_large"
    assert "import_job" not in problem  # refused before any job exists


def test_a_member_lying_about_its_size_is_counted_as_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sizes an archive declares are the sender's word: the bytes inflated while reading
    are counted against the same limits."""
    from api import tabular
    from api.errors import InvalidInput
    from api.settings import get_settings

    bomb = xlsx_bomb(4 * 1024 * 1024, 0)
    # Declared sizes pass; the bytes read do not.
    monkeypatch.setattr(tabular, "check_xlsx", lambda stream: None)
    monkeypatch.setattr(get_settings(), "xlsx_max_member_bytes", 2 * 1024 * 1024)
    with pytest.raises(InvalidInput) as err:
        _header, rows = tabular.read_xlsx(io.BytesIO(bomb))
        list(rows)
    assert err.value.errors is not None and err.value.errors[0]["code"] == "xlsx_too_large"


async def test_a_non_empty_file_without_rows_is_never_a_success(
    client: httpx.AsyncClient, login: Login
) -> None:
    reporter = await login("sonhai.baocao")
    r = await client.post(
        IMPORT,
        headers=reporter,
        files={"file": ("v.csv", b"indicator,org_unit,period,value\n\n\n", "text/csv")},
    )
    problem = assert_problem(r, 422)
    assert problem["errors"][0]["code"] == "no_rows"
    assert "None" not in problem["detail"]
    assert problem["import_job"]["status"] == "rejected"


async def test_a_missing_column_is_named_once_with_the_headers_not_recognised(
    client: httpx.AsyncClient, login: Login
) -> None:
    body = (
        "chỉ số,đơn vị báo cáo,kỳ báo cáo,giá trị\n"
        "KCB_BHYT,BN-SONHAI,202605,5\nKCB_BHYT,BN-SONHAI,202606,6\n"
    )
    r = await client.post(
        IMPORT,
        headers=await login("sonhai.baocao"),
        files={"file": ("v.csv", body.encode(), "text/csv")},
    )
    problem = assert_problem(r, 422)
    [error] = problem["errors"]
    assert (error["field"], error["code"], error["row"]) == ("org_unit", "missing_column", None)
    assert "đơn vị báo cáo" in error["message"] and "None" not in problem["detail"]


def _documented(spec: dict[str, Any], name: str) -> set[str]:
    return set(spec["components"]["schemas"][name]["properties"])


async def test_the_problem_schema_lists_every_member_errors_carry(
    app: Any, client: httpx.AsyncClient, login: Login
) -> None:
    spec = app.openapi()
    problem_members, error_members = _documented(spec, "Problem"), _documented(spec, "FieldError")
    reporter = await login("sonhai.baocao")
    answers = [
        await client.put(URL, headers=reporter, json={"values": [_value(value="1e20")]}),
        await client.put(URL, headers=reporter, json={"values": [_value(org_unit="BN-LUCNGAN")]}),
        await client.put(URL, headers=reporter, json={"values": [{"indicator": 1}]}),
        await client.post(
            IMPORT,
            headers=reporter,
            files={"file": ("v.csv", b"indicator,org_unit,period,value\nX,BN-SONHAI,2026,1\n")},
        ),
        await client.post(
            DHIS2,
            headers=reporter,
            json={
                "dataValues": [{"dataElement": "NOPE", "period": "2026", "orgUnit": "BN-SONHAI"}]
            },
        ),
        await client.delete(f"{URL}/{uuid.uuid4()}", headers={**reporter, "If-Match": '"1"'}),
    ]
    for r in answers:
        assert r.status_code >= 400, r.text
        body = r.json()
        assert set(body) <= problem_members, (set(body) - problem_members, r.text[:300])
        for error in body.get("errors") or []:
            assert set(error) <= error_members, (set(error) - error_members, error)


async def test_an_unexpected_error_still_names_its_request(
    app: Any, client: httpx.AsyncClient, login: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The 500 that remains for real bugs carries the request id that finds its log line
    (the handler runs outside the middleware that sets it)."""
    from api.routers import plans

    async def broken(*_: object, **__: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(plans.cascade, "create_child", broken)
    admin = await login("admin")
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as raw:
        r = await raw.post(
            f"/api/v1/plans/{uuid.uuid4()}/children",
            headers={**admin, "X-Request-ID": "trace-me-123"},
            json={"owner_id": str(uuid.uuid4()), "title": "Kế hoạch"},
        )
    problem = assert_problem(r, 500)
    assert problem["request_id"] == "trace-me-123"
    assert r.headers["x-request-id"] == "trace-me-123"


@pytest.mark.parametrize(
    ("resource", "body", "missing"),
    [
        ("org_units", "mã,tên gọi,loại\nX1,Tên,other\n", "name"),
        ("indicators", "mã,tên,nhóm chỉ số,kiểu\nX1,Tên,result,count\n", "kind"),
    ],
)
async def test_every_upload_names_its_missing_column(
    client: httpx.AsyncClient, login: Login, resource: str, body: str, missing: str
) -> None:
    r = await client.post(
        f"/api/v1/imports/{resource}",
        headers=await login("admin"),
        files={"file": ("f.csv", body.encode(), "text/csv")},
        data={"dry_run": "true"},
    )
    problem = assert_problem(r, 422)
    [error] = problem["errors"]
    assert (error["field"], error["code"]) == (missing, "missing_column"), error


async def test_a_target_read_from_wording_fits_its_column(
    client: httpx.AsyncClient, login: Login
) -> None:
    r = await client.post(
        "/api/v1/targets",
        headers=await login("syt.kehoach"),
        json={
            "indicator": "UHC",
            "org_unit": "BN-SYT",
            "year": 2031,
            "wording": "trên 100000000000000000000 điểm",
        },
    )
    problem = assert_problem(r, 422)
    assert (problem["errors"][0]["field"], problem["errors"][0]["code"]) == (
        "wording",
        "out_of_range",
    )


async def test_a_data_exception_that_slips_past_validation_is_a_422(
    client: httpx.AsyncClient, login: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last net: PostgreSQL's class 22 (numeric overflow here, with the domain check
    switched off) is the caller's input, never a 500."""
    from api.numbers import NumericDomain
    from api.services import data_value_rows

    # The row validator reads the domain from data_value_rows (data_values re-exports it).
    monkeypatch.setattr(data_value_rows, "DATA_VALUE", NumericDomain(60, 6))
    monkeypatch.setattr(data_values, "DATA_VALUE", NumericDomain(60, 6))
    r = await client.put(
        URL, headers=await login("sonhai.baocao"), json={"values": [_value(value="1e20")]}
    )
    assert_problem(r, 422)
