"""Users, role grants, API tokens and authentication payloads."""

import re
import unicodedata
import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, field_validator

from api.models import Role, TokenScope
from api.schemas.common import WHOLE_PAGE, NameText, OptionalText, PageMeta, Schema, ShortText

USERNAME_RULE = "3–64 ký tự, chỉ gồm chữ Latin không dấu, chữ số và . _ -"
_USERNAME = re.compile(r"[a-z0-9._-]{3,64}")


def fold_username(value: str) -> str:
    """The one form of a name: NFKC (a fullwidth ａ is a), trimmed, case-folded. Login looks
    accounts up by this form, so `ADMIN` and `ａdmin` both mean `admin`."""
    return unicodedata.normalize("NFKC", value).strip().casefold()


def normalise_username(value: str) -> str:
    """A new account's name, folded, from a plain alphabet: no lookalike letters, no
    invisible characters, one account whatever the case."""
    value = fold_username(value)
    if not _USERNAME.fullmatch(value):
        raise ValueError(f"Tên đăng nhập phải có {USERNAME_RULE}.")
    return value


SigningMode = Literal["KT", "TL", "TM", ""]


class RoleGrant(Schema):
    role: Role
    org_unit_id: uuid.UUID | None = Field(
        default=None, description="null: toàn hệ thống (chỉ quản trị hệ thống mới cấp được)"
    )
    include_subtree: bool = False
    signing_modes: Annotated[list[SigningMode], Field(max_length=4)] | None = Field(
        default=None,
        description='Vai trò signer: các hình thức được ký (KT., TL., TM.; "" ký trực tiếp); '
        "null: mọi hình thức",
    )


class UserCreate(Schema):
    username: str = Field(
        max_length=100, description=f"{USERNAME_RULE}; không phân biệt hoa thường"
    )
    full_name: Annotated[ShortText, Field(max_length=200)]
    email: OptionalText | None = None
    position: NameText | None = None
    org_unit_id: uuid.UUID
    password: str = Field(min_length=1, max_length=200)
    roles: list[RoleGrant] = Field(default_factory=list)
    active: bool = True

    _check_username = field_validator("username")(normalise_username)


class UserUpdate(Schema):
    full_name: Annotated[ShortText, Field(max_length=200)] | None = None
    email: OptionalText | None = None
    position: NameText | None = None
    org_unit_id: uuid.UUID | None = None
    password: str | None = Field(default=None, min_length=1, max_length=200)
    roles: list[RoleGrant] | None = None
    active: bool | None = None


class RoleGrantRead(Schema):
    role: Role
    org_unit_id: uuid.UUID | None
    include_subtree: bool
    signing_modes: list[str] | None = None


class UserRead(Schema):
    id: uuid.UUID
    username: str
    full_name: str
    email: str | None
    position: str | None
    org_unit_id: uuid.UUID
    active: bool
    roles: list[RoleGrantRead]
    must_change_password: bool = Field(
        description="Mật khẩu do quản trị viên đặt: người dùng phải đổi khi đăng nhập"
    )
    last_login_at: datetime | None
    version: int
    created_at: datetime


class UserPage(BaseModel):
    items: list[UserRead]
    page: PageMeta


class Me(BaseModel):
    user: UserRead
    org_unit_name: str
    org_unit_code: str
    scopes: list[str]
    via_api_token: bool


class TokenPair(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int = Field(description="Số giây còn hiệu lực của access token")
    refresh_token: str
    password_change_required: bool = Field(
        default=False,
        description="Mật khẩu do quản trị viên đặt: phải đổi (POST /auth/password) trước khi "
        "dùng mọi chức năng khác",
    )


class PasswordChange(Schema):
    current_password: str = Field(min_length=1, max_length=200)
    new_password: str = Field(
        min_length=1,
        max_length=200,
        description="Ít nhất 10 ký tự, hai loại ký tự trở lên (chữ thường, chữ hoa, số, ký "
        "hiệu), khác tên đăng nhập và khác mật khẩu hiện tại",
    )


class RefreshRequest(Schema):
    refresh_token: str


class ApiTokenCreate(Schema):
    name: Annotated[ShortText, Field(max_length=200)]
    scopes: list[TokenScope] = Field(default=[TokenScope.read], min_length=1)
    expires_at: datetime | None = Field(
        default=None, description="Hạn dùng; bỏ trống = 90 ngày. Tối đa 1 năm."
    )


class ApiTokenRead(Schema):
    id: uuid.UUID
    name: str
    prefix: str
    scopes: list[TokenScope]
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None
    created_at: datetime


class ApiTokenCreated(ApiTokenRead):
    token: str = Field(description="Chỉ hiển thị một lần; lưu lại ngay.")


class ApiTokenPage(BaseModel):
    """The caller's API tokens, in one page."""

    model_config = WHOLE_PAGE

    items: list[ApiTokenRead]
    page: PageMeta = Field(default_factory=PageMeta.whole)
