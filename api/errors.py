"""Domain errors and their one translation into RFC 9457 problem+json."""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api import validation_text
from api.observability import current_request_id

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "/problems/"


class DomainError(Exception):
    """Base for errors the API answers deliberately. Subclasses fix status and type."""

    status = 400
    code = "bad-request"
    title = "Yêu cầu không hợp lệ"

    def __init__(
        self,
        detail: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        commit: bool = False,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        # True when the work done so far must persist despite the error (a failed login).
        self.commit = commit
        self.detail = detail
        self.errors = errors
        self.headers = headers
        self.extra = extra


class InvalidInput(DomainError):
    status = 422
    code = "validation-error"
    title = "Dữ liệu không hợp lệ"


def body_error(field: str, message: str, code: str) -> InvalidInput:
    """A 422 about one field of the request body, with the message as its detail too."""
    return InvalidInput(
        message, errors=[{"in": "body", "field": field, "message": message, "code": code}]
    )


def conflict_place(row: int | None, column: str | None, noun: str = "cột") -> str:
    """Where a conflict is, as a detail begins: "dòng 7, cột 'Giá trị': " — the row as the
    file numbers it; a conflict about the whole file or a parameter has no row."""
    parts = []
    if row is not None:
        parts.append(f"dòng {row}")
    if column:
        parts.append(f"{noun} '{column}'")
    return ", ".join(parts) + ": " if parts else ""


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"
    title = "Chưa đăng nhập hoặc phiên đã hết hạn"

    def __init__(self, detail: str, **kw: Any) -> None:
        kw.setdefault("headers", {"WWW-Authenticate": "Bearer"})
        super().__init__(detail, **kw)


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    title = "Không có quyền"


class PasswordChangeRequired(Forbidden):
    code = "password-change-required"
    title = "Cần đổi mật khẩu"


class NotFound(DomainError):
    status = 404
    code = "not-found"
    title = "Không tìm thấy"


class Conflict(DomainError):
    status = 409
    code = "conflict"
    title = "Xung đột dữ liệu"


class PreconditionFailed(DomainError):
    status = 412
    code = "precondition-failed"
    title = "Dữ liệu đã bị thay đổi bởi người khác"


class PreconditionRequired(DomainError):
    status = 428
    code = "precondition-required"
    title = "Thiếu If-Match"


class PayloadTooLarge(DomainError):
    status = 413
    code = "payload-too-large"
    title = "Dữ liệu gửi lên quá lớn"


class TooManyRequests(DomainError):
    status = 429
    code = "too-many-requests"
    title = "Quá nhiều yêu cầu"


class ServiceUnavailable(DomainError):
    status = 503
    code = "service-unavailable"
    title = "Dịch vụ tạm thời không sẵn sàng"


def problem(
    status: int,
    code: str,
    title: str,
    detail: str,
    *,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    request_id: str | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + code,
        "title": title,
        "status": status,
        "detail": detail,
    }
    request_id = request_id or current_request_id()
    if request_id:
        body["request_id"] = request_id
    if errors is not None:
        body["errors"] = errors
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _location(loc: tuple[Any, ...] | list[Any]) -> tuple[str, str]:
    parts = [str(p) for p in loc]
    where = parts[0] if parts else "body"
    field = ".".join(parts[1:]) if len(parts) > 1 else where
    return where, field


def validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    """Pydantic's errors as field errors: `field` and `code` as pydantic names them (for
    machines), `message` in Vietnamese naming the field (for people)."""
    out = []
    for err in exc.errors():
        where, field = _location(err.get("loc", ()))
        out.append(
            {
                "in": where,
                "field": field,
                "message": validation_text.message(dict(err)),
                "code": err.get("type", "invalid"),
            }
        )
    return out


_HTTP_CODES = {
    400: ("bad-request", "Yêu cầu không hợp lệ"),
    401: ("unauthorized", "Chưa đăng nhập hoặc phiên đã hết hạn"),
    403: ("forbidden", "Không có quyền"),
    404: ("not-found", "Không tìm thấy"),
    405: ("method-not-allowed", "Phương thức không được hỗ trợ"),
    406: ("not-acceptable", "Định dạng yêu cầu không được hỗ trợ"),
    413: ("payload-too-large", "Dữ liệu gửi lên quá lớn"),
    415: ("unsupported-media-type", "Kiểu nội dung không được hỗ trợ"),
}


def _unavailable(title: str, detail: str, *, retry_after: int) -> JSONResponse:
    """503: the request was fine, the service is not, for now; nothing was written."""
    return problem(
        503, "service-unavailable", title, detail, headers={"Retry-After": str(retry_after)}
    )


def _database_unreachable() -> JSONResponse:
    return _unavailable(
        "Dịch vụ tạm thời không sẵn sàng",
        "Không kết nối được cơ sở dữ liệu; vui lòng thử lại sau.",
        retry_after=5,
    )


def sqlstate_class(exc: DBAPIError) -> str | None:
    """The two-character class of the SQLSTATE PostgreSQL answered with, if any."""
    sqlstate = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return sqlstate[:2] if isinstance(sqlstate, str) else None


def out_of_resources(exc: DBAPIError) -> bool:
    """PostgreSQL's class 53, insufficient resources: disk full (53100), out of memory
    (53200), too many connections (53300), a configured limit such as temp_file_limit
    (53400). The server is short of something, the request is fine: 503, not 500."""
    sqlstate = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return isinstance(sqlstate, str) and sqlstate.startswith("53")


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(_: Request, exc: DomainError) -> JSONResponse:
        return problem(
            exc.status,
            exc.code,
            exc.title,
            exc.detail,
            errors=exc.errors,
            headers=exc.headers,
            **exc.extra,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = validation_errors(exc)
        first = errors[0]["message"] if errors else ""
        detail = f"{len(errors)} lỗi; đầu tiên: {first}" if len(errors) > 1 else first
        return problem(422, "validation-error", "Dữ liệu không hợp lệ", detail, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, title = _HTTP_CODES.get(exc.status_code, ("http-error", "Lỗi"))
        return problem(
            exc.status_code, code, title, str(exc.detail), headers=getattr(exc, "headers", None)
        )

    @app.exception_handler(StaleDataError)
    async def _stale(_: Request, exc: StaleDataError) -> JSONResponse:
        return problem(
            412,
            "precondition-failed",
            "Dữ liệu đã bị thay đổi bởi người khác",
            "Bản ghi đã được người khác sửa; tải lại rồi thử lại.",
        )

    @app.exception_handler(IntegrityError)
    async def _integrity(_: Request, exc: IntegrityError) -> JSONResponse:
        log.warning("integrity error reached the handler: %s", exc.orig)
        return problem(
            409,
            "conflict",
            "Xung đột dữ liệu",
            "Dữ liệu vi phạm ràng buộc (trùng mã hoặc đang được tham chiếu).",
        )

    @app.exception_handler(DataError)
    async def _data(_: Request, exc: DataError) -> JSONResponse:
        # A value PostgreSQL cannot store (a NUL character, a number out of range) that slipped
        # past validation: still the caller's input, so a 422, but logged to be fixed upstream.
        log.warning("data error reached the handler: %s", exc.orig)
        return problem(
            422,
            "validation-error",
            "Dữ liệu không hợp lệ",
            "Có giá trị không lưu được (ký tự NUL hoặc số vượt giới hạn).",
        )

    @app.exception_handler(OperationalError)
    async def _db_down(_: Request, exc: OperationalError) -> JSONResponse:
        log.error("database unavailable: %s", exc)
        return _database_unreachable()

    @app.exception_handler(SQLAlchemyTimeoutError)
    async def _pool_exhausted(_: Request, exc: SQLAlchemyTimeoutError) -> JSONResponse:
        # Every pooled connection busy for pool_timeout seconds: overloaded, not broken.
        log.error("connection pool exhausted: %s", exc)
        return _unavailable(
            "Dịch vụ đang quá tải",
            "Máy chủ đang bận xử lý nhiều yêu cầu; vui lòng thử lại sau giây lát.",
            retry_after=2,
        )

    @app.exception_handler(DBAPIError)
    async def _dbapi(_: Request, exc: DBAPIError) -> JSONResponse:
        if exc.connection_invalidated:
            log.error("database unavailable: %s", exc.orig or exc)
            return _database_unreachable()
        if sqlstate_class(exc) == "22":
            # Class 22, data exception (a numeric field overflow, a NUL in text, a value too
            # long): input that slipped past validation. Still the caller's, so a 422, never
            # a 500; logged to be caught upstream (the tests' bounds check is the first net).
            log.warning("data exception reached the handler: %s", exc.orig)
            return problem(
                422,
                "validation-error",
                "Dữ liệu không hợp lệ",
                "Có giá trị không lưu được (số vượt giới hạn, chuỗi quá dài hoặc ký tự NUL).",
            )
        if out_of_resources(exc):
            log.error("database out of resources: %s", exc.orig)
            return _unavailable(
                "Cơ sở dữ liệu hết tài nguyên",
                "Máy chủ cơ sở dữ liệu đã hết dung lượng đĩa hoặc bộ nhớ cho thao tác này; "
                "không có gì được ghi. Vui lòng thử lại sau hoặc báo quản trị hệ thống.",
                retry_after=60,
            )
        log.exception("database error", exc_info=exc)
        return problem(
            500,
            "internal-error",
            "Lỗi hệ thống",
            "Lỗi cơ sở dữ liệu không mong đợi; mã yêu cầu giúp tra cứu nhật ký.",
        )

    @app.exception_handler(OSError)
    async def _os(_: Request, exc: OSError) -> JSONResponse:
        # Connection refused / reset while reaching PostgreSQL surfaces as OSError in asyncpg.
        log.error("I/O error: %s", exc)
        return _database_unreachable()

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # Runs in Starlette's outermost middleware, outside the request id's context: the id
        # comes from the scope, so the answer and the log line it points to still meet.
        request_id = request.scope.get("request_id")
        log.exception("unhandled error (request %s)", request_id, exc_info=exc)
        return problem(
            500,
            "internal-error",
            "Lỗi hệ thống",
            "Lỗi không mong đợi; mã yêu cầu giúp tra cứu nhật ký.",
            request_id=request_id,
            headers={"X-Request-ID": request_id} if request_id else None,
        )
