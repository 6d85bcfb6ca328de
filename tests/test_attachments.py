"""Files attached to a submission: checked, stored, served as downloads, scoped."""

import unicodedata

import httpx

from tests.conftest import Login, assert_problem
from tests.reporting import SUBMISSIONS, if_match, seed_request, submission_of

PDF = b"%PDF-1.4\n% bien ban hop\n" + b"0" * 2000


async def test_attachments_checked_stored_and_scoped(
    client: httpx.AsyncClient, login: Login
) -> None:
    owner = await login("lucngan.baocao")
    request = await seed_request(client, owner)
    sub = await submission_of(client, owner, request["id"], "BN-LUCNGAN")
    url = f"{SUBMISSIONS}/{sub['id']}/attachments"
    # A Windows path, reserved characters, decomposed accents: stored as a plain NFC name.
    name = unicodedata.normalize("NFD", 'C:\\Users\\lan\\Biên bản: "họp" <1>.pdf')
    files = {"file": (name, PDF, "application/pdf")}
    assert_problem(await client.post(url, files=files, headers=owner), 428)
    r = await client.post(url, files=files, headers=if_match(owner, sub["version"]))
    assert r.status_code == 201, r.text
    stored = r.json()
    assert stored["filename"] == "Biên bản họp 1.pdf" and stored["size"] == len(PDF)
    assert r.headers["ETag"] == f'"{sub["version"] + 1}"'
    version = sub["version"] + 1

    report = (await client.get(f"{SUBMISSIONS}/{sub['id']}", headers=owner)).json()
    assert [a["filename"] for a in report["attachments"]] == ["Biên bản họp 1.pdf"]
    r = await client.get(stored["url"], headers=owner)
    assert r.status_code == 200 and r.content == PDF
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"].startswith("attachment; filename*=UTF-8''Bi%C3%AAn")

    bad = {
        "report.docx": (PDF, "content_mismatch"),
        "virus.exe": (b"MZ\x90\x00", "unsupported_type"),
        "empty.pdf": (b"", "empty_file"),
    }
    for filename, (data, code) in bad.items():
        r = await client.post(
            url, files={"file": (filename, data)}, headers=if_match(owner, version)
        )
        assert assert_problem(r, 422)["errors"][0]["code"] == code
    huge = b"%PDF-" + b"0" * (20 * 1024 * 1024)
    r = await client.post(url, files={"file": ("big.pdf", huge)}, headers=if_match(owner, version))
    assert_problem(r, 413)

    # Another commune, a viewer above, the requesting reviewer: a draft's file is not theirs.
    for outsider in ("sonhai.baocao", "bn.xem", "syt.thamdinh"):
        headers = await login(outsider)
        assert_problem(await client.get(stored["url"], headers=headers), 404)
        r = await client.post(url, files=files, headers=if_match(headers, version))
        assert_problem(r, 404)
        assert_problem(await client.delete(stored["url"], headers=if_match(headers, version)), 404)

    r = await client.delete(stored["url"], headers=if_match(owner, version))
    assert r.status_code == 204 and r.headers["ETag"] == f'"{version + 1}"'
    assert_problem(await client.get(stored["url"], headers=owner), 404)
