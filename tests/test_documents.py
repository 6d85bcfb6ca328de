"""Document references parsed and formatted both ways; the registry with unique numbers."""

from datetime import date

import httpx
import pytest

from api.services.documents import Reference, format_reference, parse_reference
from tests.conftest import Login, assert_problem, unit_id

URL = "/api/v1/documents"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Kế hoạch số 142/KH-UBND ngày 21/11/2025",
            Reference("KH", "142", "KH-UBND", date(2025, 11, 21)),
        ),
        ("Nghị quyết số 72-NQ/TW", Reference("NQ", "72", "NQ/TW", None, party_style=True)),
        (
            "Công văn số 2429/SYT-KHTH ngày 14/5/2026",
            Reference("CV", "2429", "SYT-KHTH", date(2026, 5, 14)),
        ),
        ("Số: /BC-UBND", Reference("BC", None, "BC-UBND")),
        ("Chương trình số 05-CTr/TU", Reference("CTr", "05", "CTr/TU", party_style=True)),
        ("Nghị quyết số 282/NQ-CP", Reference("NQ", "282", "NQ-CP")),
        ("Quyết định số 12/QĐ-SYT", Reference("QĐ", "12", "QĐ-SYT")),
    ],
)
def test_reference_round_trips(text: str, expected: Reference) -> None:
    ref = parse_reference(text)
    assert ref == expected
    assert format_reference(ref) == text
    assert parse_reference(format_reference(ref)) == ref


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A letter named without "số", and a symbol alone: the type comes from the symbol.
        (
            "Công văn 2429/SYT-KHTH ngày 14/5/2026",
            Reference("CV", "2429", "SYT-KHTH", date(2026, 5, 14)),
        ),
        ("142/KH-UBND", Reference("KH", "142", "KH-UBND")),
        ("2429/SYT-KHTH", Reference("CV", "2429", "SYT-KHTH")),
        ("72-NQ/TW", Reference("NQ", "72", "NQ/TW", party_style=True)),
        (
            "số: 81/KH-UBND, ngày 01 tháng 12 năm 2025",
            Reference("KH", "81", "KH-UBND", date(2025, 12, 1)),
        ),
        (
            "ke hoach so 142/KH-UBND ngay 21/11/2025",
            Reference("KH", "142", "KH-UBND", date(2025, 11, 21)),
        ),
    ],
)
def test_reference_variants_parse(text: str, expected: Reference) -> None:
    assert parse_reference(text) == expected


def test_reference_formats_the_bare_code_and_a_letter() -> None:
    ref = parse_reference("Công văn 2429/SYT-KHTH ngày 14/5/2026")
    assert ref.code == "2429/SYT-KHTH"
    assert format_reference(ref) == "Công văn số 2429/SYT-KHTH ngày 14/5/2026"
    assert format_reference(ref, with_type=False) == "số 2429/SYT-KHTH ngày 14/5/2026"
    assert parse_reference("Số: /BC-UBND").code == "/BC-UBND"


@pytest.mark.parametrize(
    "text", ["", "Kế hoạch", "Tờ khai số 1/TK-X", "142/", "Kế hoạch số 1/KH-UBND ngày 31/2/2025"]
)
def test_unreadable_references_raise(text: str) -> None:
    with pytest.raises(ValueError):
        parse_reference(text)


async def test_parse_endpoint(client: httpx.AsyncClient, login: Login) -> None:
    headers = await login("bn.xem")
    r = await client.get(
        f"{URL}/parse-reference",
        params={"text": "Kế hoạch số 142/KH-UBND ngày 21/11/2025"},
        headers=headers,
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["type"] == "KH" and body["number"] == "142" and body["issued_on"] == "2025-11-21"
    assert body["draft"] is False and body["type_name"] == "Kế hoạch"
    r = await client.get(f"{URL}/parse-reference", params={"text": "xyz"}, headers=headers)
    assert_problem(r, 422)


async def test_register_documents_unique_per_issuer_type_year(
    client: httpx.AsyncClient, login: Login
) -> None:
    headers = await login("syt.kehoach")
    ubnd = await unit_id(client, headers, "BN-UBND")
    bct = await unit_id(client, headers, "TW-BCT")
    r = await client.post(
        URL,
        json={
            "type": "NQ",
            "number": "972",
            "symbol": "NQ/TW",
            "party_style": True,
            "issuer_id": bct,
            "issued_on": "2025-09-09",
            "title": "Về một số giải pháp đột phá",
        },
        headers=headers,
    )
    assert r.status_code == 201, r.text
    basis = r.json()
    assert basis["reference"] == "Nghị quyết số 972-NQ/TW ngày 9/9/2025"
    plan = {
        "type": "KH",
        "number": "9142",
        "symbol": "KH-UBND",
        "issuer_id": ubnd,
        "issued_on": "2025-11-21",
        "place": "Bắc Ninh",
        "title": "Kế hoạch thực hiện Nghị quyết",
        "signer_name": "Mai Sơn",
        "signer_position": "Phó Chủ tịch",
        "signer_mode": "KT",
        "recipients": ["Bộ Y tế", "TT Tỉnh ủy"],
        "legal_basis_ids": [basis["id"]],
    }
    r = await client.post(URL, json=plan, headers=headers)
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["reference"] == "Kế hoạch số 9142/KH-UBND ngày 21/11/2025"
    assert created["legal_basis"] == [{"id": basis["id"], "reference": basis["reference"]}]
    assert r.headers["ETag"] == '"1"'
    got = await client.get(f"{URL}/{created['id']}", headers=headers)
    assert got.status_code == 200 and got.json()["recipients"] == ["Bộ Y tế", "TT Tỉnh ủy"]

    # The same number, issuer, type and year: refused; another year is a new series.
    assert_problem(await client.post(URL, json=plan, headers=headers), 409)
    r = await client.post(URL, json={**plan, "issued_on": "2026-01-05"}, headers=headers)
    assert r.status_code == 201, r.text
    # Drafts have no number: any number of them.
    draft = {**plan, "number": None, "issued_on": None, "type": "BC", "symbol": "BC-UBND"}
    for _ in range(2):
        r = await client.post(URL, json=draft, headers=headers)
        assert r.status_code == 201, r.text
        assert r.json()["reference"] == "Số: /BC-UBND"

    r = await client.get(URL, params={"q": "9142", "limit": 500}, headers=headers)
    assert {d["id"] for d in r.json()["items"]} >= {created["id"]}
    r = await client.get(URL, params={"q": "giai phap dot pha"}, headers=headers)
    found = r.json()["items"]
    assert basis["id"] in {d["id"] for d in found}
    assert all("giải pháp đột phá" in d["title"] for d in found)


async def test_register_refuses_bad_input_and_strangers(
    client: httpx.AsyncClient, login: Login
) -> None:
    headers = await login("syt.kehoach")
    ubnd = await unit_id(client, headers, "BN-UBND")
    base = {"type": "KH", "symbol": "KH-UBND", "issuer_id": ubnd, "title": "X"}
    assert_problem(await client.post(URL, json={**base, "number": "1"}, headers=headers), 422)
    assert_problem(
        await client.post(URL, json={**base, "legal_basis_ids": [ubnd]}, headers=headers), 422
    )
    assert_problem(await client.post(URL, json={**base, "symbol": " "}, headers=headers), 422)
    other = await login("lucngan.baocao")
    assert_problem(await client.post(URL, json=base, headers=other), 403)
    assert_problem(await client.get(f"{URL}/{ubnd}", headers=other), 404)
    assert_problem(await client.get(URL, params={"cursor": "garbage"}, headers=other), 422)


async def test_a_document_keeps_its_files(client: httpx.AsyncClient, login: Login) -> None:
    manager = await login("syt.kehoach")
    syt = await unit_id(client, manager, "BN-SYT")
    r = await client.post(
        URL,
        json={
            "type": "CV",
            "number": "2430",
            "symbol": "SYT-KHTH",
            "issuer_id": syt,
            "issued_on": "2026-05-15",
            "title": "V/v bổ sung số liệu",
        },
        headers=manager,
    )
    doc = r.json()
    url = f"{URL}/{doc['id']}/attachments"
    scan = b"%PDF-1.7\n" + b"x" * 4000
    files = {"file": ("Công văn 2430 (bản ký).pdf", scan, "application/pdf")}
    assert_problem(await client.post(url, files=files, headers=manager), 428)
    other = await login("lucngan.baocao")
    assert_problem(
        await client.post(url, files=files, headers={**other, "If-Match": r.headers["ETag"]}), 403
    )
    bad = {"file": ("scan.pdf", b"GIF89a", "application/pdf")}
    r2 = await client.post(url, files=bad, headers={**manager, "If-Match": r.headers["ETag"]})
    assert assert_problem(r2, 422)["errors"][0]["code"] == "content_mismatch"
    r2 = await client.post(url, files=files, headers={**manager, "If-Match": r.headers["ETag"]})
    assert r2.status_code == 201, r2.text
    assert r2.headers["ETag"] == f'"{doc["version"] + 1}"'
    stale = await client.post(url, files=files, headers={**manager, "If-Match": r.headers["ETag"]})
    assert_problem(stale, 412)
    listed = (await client.get(url, headers=other)).json()["items"]
    assert [f["filename"] for f in listed] == ["Công văn 2430 (bản ký).pdf"]
    download = await client.get(listed[0]["url"], headers=other)
    assert download.content == scan and download.headers["cache-control"] == "private, no-store"
