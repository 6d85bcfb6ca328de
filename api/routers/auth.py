"""Login (OAuth2 password flow), refresh, the caller's own profile, and API tokens."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request, status
from fastapi.security import OAuth2PasswordRequestForm
from sqlalchemy import select, update

from api.deps import AppSettings, CurrentPrincipal, DbSession, PendingPrincipal
from api.models import OrgUnit, User
from api.schemas.common import problem_responses
from api.schemas.user import (
    ApiTokenCreate,
    ApiTokenCreated,
    ApiTokenRead,
    Me,
    PasswordChange,
    RefreshRequest,
    TokenPair,
    UserRead,
)
from api.services import auth, users

router = APIRouter(tags=["auth"])


@router.post("/auth/token", response_model=TokenPair, responses=problem_responses(401, 422, 429))
async def login(
    request: Request,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: DbSession,
    settings: AppSettings,
) -> TokenPair:
    """Exchange username and password for an access token and a refresh token."""
    client = request.client.host if request.client else "unknown"
    user = await auth.login(
        session, settings, username=form.username, password=form.password, client=client
    )
    return auth.issue_tokens(settings, user, roles=sorted({r.role for r in user.roles}))


@router.post("/auth/refresh", response_model=TokenPair, responses=problem_responses(401, 422))
async def refresh(body: RefreshRequest, session: DbSession, settings: AppSettings) -> TokenPair:
    """Exchange a valid refresh token for a new token pair."""
    user = await auth.refresh(session, settings, refresh_token=body.refresh_token)
    return auth.issue_tokens(settings, user, roles=sorted({r.role for r in user.roles}))


@router.post(
    "/auth/password", response_model=TokenPair, responses=problem_responses(401, 403, 422, 429)
)
async def change_password(
    request: Request,
    body: PasswordChange,
    principal: PendingPrincipal,
    session: DbSession,
    settings: AppSettings,
) -> TokenPair:
    """Change one's own password; ends every other session and returns a fresh token pair."""
    client = request.client.host if request.client else "unknown"
    user = await auth.change_password(
        session,
        settings,
        actor=principal,
        current_password=body.current_password,
        new_password=body.new_password,
        client=client,
    )
    return auth.issue_tokens(settings, user, roles=sorted({r.role for r in user.roles}))


@router.post(
    "/auth/logout-everywhere",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401),
)
async def logout_everywhere(principal: PendingPrincipal, session: DbSession) -> None:
    """Invalidate every access and refresh token issued to the caller so far."""
    await session.execute(
        update(User)
        .where(User.id == principal.user_id)
        .values(token_generation=User.token_generation + 1)
    )


@router.get("/auth/me", response_model=Me, responses=problem_responses(401))
async def me(principal: PendingPrincipal, session: DbSession) -> Me:
    """The caller: user, unit, roles, and whether an API token is in use."""
    unit = await session.scalar(select(OrgUnit).where(OrgUnit.id == principal.unit_id))
    return Me(
        user=UserRead.model_validate(await session.get(User, principal.user_id)),
        org_unit_name=unit.name if unit else "",
        org_unit_code=unit.code if unit else "",
        scopes=sorted(principal.scopes),
        via_api_token=principal.api_token_id is not None,
    )


@router.get("/auth/api-tokens", response_model=list[ApiTokenRead], responses=problem_responses(401))
async def list_api_tokens(principal: CurrentPrincipal, session: DbSession) -> list[ApiTokenRead]:
    """The caller's API tokens (secrets are never shown again)."""
    tokens = await users.list_api_tokens(session, actor=principal)
    return [ApiTokenRead.model_validate(t) for t in tokens]


@router.post(
    "/auth/api-tokens",
    response_model=ApiTokenCreated,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 422),
)
async def create_api_token(
    body: ApiTokenCreate, principal: CurrentPrincipal, session: DbSession
) -> ApiTokenCreated:
    """Create an API token for scripts; the full token is in this answer only."""
    token, full = await users.create_api_token(session, actor=principal, data=body)
    return ApiTokenCreated.model_validate(
        {**ApiTokenRead.model_validate(token).model_dump(), "token": full}
    )


@router.post(
    "/auth/api-tokens/{token_id}/revoke",
    response_model=ApiTokenRead,
    responses=problem_responses(401, 404),
)
async def revoke_api_token(
    token_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession
) -> ApiTokenRead:
    """Revoke one of the caller's API tokens; it stops working at once."""
    token = await users.revoke_api_token(session, actor=principal, token_id=token_id)
    return ApiTokenRead.model_validate(token)
