"""How the API serves the built SPA on a slow link (issue 20 §3): precompressed assets with
Content-Encoding and Vary, a year's immutable cache on hashed files, index.html revalidated."""

import gzip
from pathlib import Path

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.main import create_app
from api.settings import get_settings
from api.spa import accepted_encodings

JS = b"export const hello = 'xin ch\xc3\xa0o';\n" * 200


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text('<!doctype html><div id="root"></div>')
    (tmp_path / "assets" / "index-abc123.js").write_bytes(JS)
    (tmp_path / "assets" / "index-abc123.js.gz").write_bytes(gzip.compress(JS))
    (tmp_path / "assets" / "index-abc123.js.br").write_bytes(b"brotli-bytes")
    (tmp_path / "assets" / "plain-def456.css").write_bytes(b"body{}")
    return tmp_path


@pytest.fixture
def spa(dist: Path) -> httpx.AsyncClient:
    app = create_app(get_settings().model_copy(update={"spa_dir": dist}))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


async def test_hashed_asset_is_brotli_when_accepted_and_cached_for_a_year(
    spa: httpx.AsyncClient,
) -> None:
    r = await spa.get("/assets/index-abc123.js", headers={"Accept-Encoding": "gzip, br"})
    assert r.status_code == 200
    assert r.headers["content-encoding"] == "br"
    assert r.headers["vary"] == "Accept-Encoding"
    assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert r.headers["content-type"].startswith("text/javascript")
    assert r.content == b"brotli-bytes"  # httpx without brotli support leaves it as sent


async def test_gzip_when_only_gzip_is_accepted_and_identity_otherwise(
    spa: httpx.AsyncClient,
) -> None:
    r = await spa.get("/assets/index-abc123.js", headers={"Accept-Encoding": "gzip"})
    assert r.headers["content-encoding"] == "gzip" and r.content == JS
    r = await spa.get("/assets/index-abc123.js", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in r.headers and r.content == JS
    assert "Accept-Encoding" in r.headers["vary"]
    r = await spa.get("/assets/index-abc123.js", headers={"Accept-Encoding": "br;q=0, gzip"})
    assert r.headers["content-encoding"] == "gzip"


async def test_index_is_revalidated_and_unknown_assets_are_404(spa: httpx.AsyncClient) -> None:
    r = await spa.get("/submissions/123")
    assert r.status_code == 200 and '<div id="root">' in r.text
    assert r.headers["cache-control"] == "no-cache"
    r = await spa.get("/assets/nope.js")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/problem+json")
    r = await spa.get("/assets/../index.html")
    assert r.status_code == 404 or "immutable" not in r.headers.get("cache-control", "")
    r = await spa.get("/assets/plain-def456.css", headers={"Accept-Encoding": "br"})
    assert "content-encoding" not in r.headers and r.content == b"body{}"


async def test_a_file_built_after_start_up_is_served_and_nothing_outside(
    spa: httpx.AsyncClient, dist: Path
) -> None:
    (dist / "assets" / "later-999.js").write_bytes(b"1")
    r = await spa.get("/assets/later-999.js")
    assert r.status_code == 200 and r.headers["cache-control"].endswith("immutable")
    (dist / "secret.txt").write_text("no")
    for name in ("../secret.txt", "..%2Fsecret.txt", "%2e%2e/secret.txt", "later-999.js.br"):
        r = await spa.get(f"/assets/{name}")
        # A 404, or the client's normalised /secret.txt answered by index.html: never the file.
        assert r.status_code == 404 or '<div id="root">' in r.text, name
        assert r.text != "no", name


async def test_api_json_is_gzipped_for_a_slow_link(spa: httpx.AsyncClient) -> None:
    r = await spa.get("/api/v1/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200
    assert r.headers["content-encoding"] == "gzip"
    assert r.json()["info"]["title"] == "healthplan"


CODING = st.sampled_from(["br", "gzip", "deflate", "identity", "*", "zstd"])


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.tuples(CODING, st.sampled_from(["", ";q=0", ";q=0.5", ";q=1", ";q=x"])), max_size=5)
)
def test_an_encoding_refused_with_q0_is_never_chosen(parts: list[tuple[str, str]]) -> None:
    header = ", ".join(name + q for name, q in parts)
    got = accepted_encodings(header)
    for name, q in parts:
        if q in ("", ";q=0.5", ";q=1") and not any(
            n == name and p in (";q=0", ";q=x") for n, p in parts
        ):
            assert name in got
        if q in (";q=0", ";q=x") and not any(
            n == name and p not in (";q=0", ";q=x") for n, p in parts
        ):
            assert name not in got
