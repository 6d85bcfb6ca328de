"""Transport guards: NUL in URLs, request body limit, security headers; integrations' lane;
how many requests a worker works on at once."""

import asyncio
import json
import re
import shutil
import tempfile
from collections import deque

from starlette.formparsers import MultiPartParser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.db import in_integration_lane
from api.deps import SAFE_METHODS
from api.errors import PROBLEM_JSON
from api.pacing import Pacer
from api.security import split_api_token

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        b"script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'",
    ),
]


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend(h for h in SECURITY_HEADERS if h[0] not in present)
                if scope["path"].startswith("/api/") and b"cache-control" not in present:
                    # API answers are per caller: never kept by shared caches, unless the
                    # route said otherwise.
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class ControlCharacterMiddleware:
    """Refuse URLs carrying NUL: no text key may contain it, and PostgreSQL cannot store it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            raw = scope.get("raw_path", b"") + b"?" + scope.get("query_string", b"")
            if b"%00" in raw or b"\x00" in raw or "\x00" in scope["path"]:
                await _problem(
                    send,
                    400,
                    "bad-request",
                    "Yêu cầu không hợp lệ",
                    "Địa chỉ chứa ký tự NUL (%00).",
                )
                return
        await self.app(scope, receive, send)


# A multipart part larger than this is spooled to a temporary file.
SPOOLED_IN_MEMORY = MultiPartParser.spool_max_size
# Room kept free on the temporary files' disk beyond what an upload needs.
DISK_RESERVE = 64 * 1024 * 1024


class BodyLimitMiddleware:
    """Refuse bodies over a size before reading them (declared or streamed), and uploads the
    temporary files' disk has no room for (507) before one byte is spooled.

    Paths in `large_paths` (bulk uploads) get `large_limit` instead; paths matching one of
    `path_limits` (file uploads) get that pattern's limit.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        limit: int,
        large_limit: int = 0,
        large_paths: tuple[str, ...] = (),
        path_limits: tuple[tuple[re.Pattern[str], int], ...] = (),
    ) -> None:
        self.app = app
        self.limit = limit
        self.large_limit = large_limit
        self.large_paths = large_paths
        self.path_limits = path_limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        limit = (
            self.large_limit
            if path.startswith(self.large_paths) and self.large_paths
            else next((n for pattern, n in self.path_limits if pattern.match(path)), self.limit)
        )
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _too_large(send, limit)
            return
        if headers.get(b"content-type", b"").startswith(b"multipart/"):
            # Unknown length (chunked): room for the most this path accepts.
            size = int(declared) if declared is not None and declared.isdigit() else limit
            if size > SPOOLED_IN_MEMORY and not _room_for(size):
                await _problem(
                    send,
                    507,
                    "insufficient-storage",
                    "Không đủ dung lượng lưu trữ",
                    "Máy chủ không đủ chỗ trống để nhận tệp này: không có gì được ghi. "
                    "Thử lại sau, hoặc báo quản trị hệ thống.",
                )
                return
        received = 0
        responded = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal responded
            if message["type"] == "http.response.start":
                responded = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _BodyTooLarge:
            if not responded:
                await _too_large(send, limit)


def _room_for(size: int) -> bool:
    """The upload's spool, the import's own copy of it, and the reserve fit on the disk."""
    return shutil.disk_usage(tempfile.gettempdir()).free >= 2 * size + DISK_RESERVE


class _BodyTooLarge(Exception):
    pass


async def _too_large(send: Send, limit: int) -> None:
    await _problem(
        send,
        413,
        "payload-too-large",
        "Dữ liệu gửi lên quá lớn",
        f"Nội dung vượt quá giới hạn {limit // (1024 * 1024)} MB của đường dẫn này.",
    )


async def _problem(send: Send, status: int, code: str, title: str, detail: str) -> None:
    """A problem+json answer from middleware, before the app (and its handlers) is reached."""
    body = json.dumps(
        {"type": f"/problems/{code}", "title": title, "status": status, "detail": detail},
        ensure_ascii=False,
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", PROBLEM_JSON.encode()),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class IntegrationLaneMiddleware:
    """Integrations (callers with an API token) are served one at a time per worker, and
    each holds the lane a while after its answer: `pause` times as long as the request took.

    People come first. After a bulk upload every integration pulls what changed, page after
    page; unchecked, that took half of this 2-core machine and the autosaves of 200 people
    filling in reports waited behind it. Paced, an integration gets its data a little later
    (and at full speed when the machine is quiet: the pause follows the request's own time).
    Queued requests wait before taking a database connection; the request served takes one
    of the lane's own, below people's priority (api.db.lane_sessionmaker). `pause` 0 turns
    it off."""

    def __init__(self, app: ASGIApp, *, pause: float) -> None:
        self.app = app
        self.pause = pause
        self._lane: asyncio.Lock | None = None  # made in the worker's own event loop

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.pause <= 0 or scope["type"] != "http" or not _has_api_token(scope):
            await self.app(scope, receive, send)
            return
        if self._lane is None:
            self._lane = asyncio.Lock()
        async with self._lane:
            pace = Pacer(self.pause)
            marked = in_integration_lane.set(True)
            try:
                await self.app(scope, receive, send)
            finally:
                in_integration_lane.reset(marked)
            await pace()


def _has_api_token(scope: Scope) -> bool:
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            return scheme.lower() == "bearer" and split_api_token(token.strip()) is not None
    return False


# A body this large is an upload: received at the sender's pace, it must not hold a place.
UPLOAD_BYTES = 256 * 1024


class Gate:
    """`limit` places; who waits for one gets it in turn, writers before readers."""

    def __init__(self, limit: int) -> None:
        self.free = limit
        self.writers: deque[asyncio.Future[None]] = deque()
        self.readers: deque[asyncio.Future[None]] = deque()

    async def enter(self, writer: bool) -> None:
        if self.free > 0 and not self.writers and not self.readers:
            self.free -= 1
            return
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        queue = self.writers if writer else self.readers
        queue.append(turn)
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self.leave()  # handed a place as it was cancelled: pass it on
            else:
                queue.remove(turn)
            raise

    def leave(self) -> None:
        for queue in (self.writers, self.readers):
            while queue:
                turn = queue.popleft()
                if not turn.done():
                    turn.set_result(None)  # the place goes straight to the next in turn
                    return
        self.free += 1


class AdmissionMiddleware:
    """A worker works on at most `limit` API requests at once; the others wait their turn,
    those that change something ahead of those that read. A place is held until the answer
    starts (a streamed export goes on without it), and at most `hold` seconds: a request
    that takes longer (waiting for rows a bulk upload has locked until it commits, a long
    export) goes on without its place, so a few such never stop a worker serving the rest.

    The event loop takes turns between every request it has started, one step (up to the
    next database round trip) each: with 40 started, an autosave of ten steps waited for
    some 400 others' steps. That is how 200 reporters opening their forms within 3 s made
    the autosaves of those already writing take 100-600 ms. Few at once, each finishes in
    a few of its own steps; a request waiting for its turn holds no connection and costs
    nothing. Health checks, the SPA's files and uploads (a large body comes at the
    sender's pace) go straight in. 0: no limit."""

    def __init__(
        self, app: ASGIApp, *, limit: int, hold: float = 1.0, prefix: str = "/api/"
    ) -> None:
        self.app = app
        self.limit = limit
        self.hold = hold
        self.prefix = prefix
        self.gate = Gate(limit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.limit <= 0 or scope["type"] != "http" or not self._waits(scope):
            await self.app(scope, receive, send)
            return
        gate = self.gate
        await gate.enter(writer=scope["method"] not in SAFE_METHODS)
        inside = True

        def leave() -> None:
            nonlocal inside
            if inside:
                inside = False
                timer.cancel()
                gate.leave()

        timer = asyncio.get_running_loop().call_later(self.hold, leave)

        async def send_leaving(message: Message) -> None:
            if message["type"] == "http.response.start":
                leave()
            await send(message)

        try:
            await self.app(scope, receive, send_leaving)
        finally:
            leave()

    def _waits(self, scope: Scope) -> bool:
        path: str = scope["path"]
        if not path.startswith(self.prefix) or path.endswith(("/health", "/ready")):
            return False
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length", b"0")
        chunked = b"chunked" in headers.get(b"transfer-encoding", b"")
        return not chunked and (not declared.isdigit() or int(declared) < UPLOAD_BYTES)
