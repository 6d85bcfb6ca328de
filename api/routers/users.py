"""Users: admins manage the accounts and roles of their units."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from api.deps import CurrentPrincipal, DbSession, IfMatch, WritingPrincipal, etag
from api.schemas.common import PageMeta, problem_responses
from api.schemas.user import UserCreate, UserPage, UserRead, UserUpdate
from api.services import users

router = APIRouter(prefix="/users", tags=["users"])

WRITE_ERRORS = problem_responses(401, 403, 404, 409, 412, 422, 428)


@router.get("", response_model=UserPage, responses=problem_responses(401, 422))
async def list_users(
    principal: CurrentPrincipal,
    session: DbSession,
    org_unit_id: uuid.UUID | None = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> UserPage:
    """Users the caller may see: an admin's units' users, or only oneself."""
    rows, next_cursor = await users.list_users(
        session, actor=principal, org_unit_id=org_unit_id, q=q, cursor=cursor, limit=limit
    )
    return UserPage(
        items=[UserRead.model_validate(u) for u in rows], page=PageMeta(next_cursor=next_cursor)
    )


@router.get("/{user_id}", response_model=UserRead, responses=problem_responses(401, 404, 422))
async def get_user(
    user_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, response: Response
) -> UserRead:
    """One user, if the caller may see them."""
    user = await users.get_readable(session, principal, user_id)
    response.headers["ETag"] = etag(user.version)
    return UserRead.model_validate(user)


@router.post(
    "", response_model=UserRead, status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS
)
async def create_user(
    body: UserCreate, principal: WritingPrincipal, session: DbSession, response: Response
) -> UserRead:
    """Create a user in a unit the caller administers, with roles there."""
    user = await users.create(session, actor=principal, data=body)
    response.headers["ETag"] = etag(user.version)
    return UserRead.model_validate(user)


@router.patch("/{user_id}", response_model=UserRead, responses=WRITE_ERRORS)
async def update_user(
    user_id: uuid.UUID,
    body: UserUpdate,
    version: IfMatch,
    principal: WritingPrincipal,
    session: DbSession,
    response: Response,
) -> UserRead:
    """Edit a user, reset the password, replace roles or lock the account; needs If-Match."""
    user = await users.update_user(
        session, actor=principal, user_id=user_id, expected_version=version, data=body
    )
    response.headers["ETag"] = etag(user.version)
    return UserRead.model_validate(user)
