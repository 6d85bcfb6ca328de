"""Login (OAuth2 password flow), refresh, the caller's own profile, and API tokens."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request, status
from fastapi.security import OAuth2PasswordRequestForm

from api.deps import AppSettings, CurrentPrincipal, DbSession, PendingPrincipal
from api.schemas.common import problem_responses
from api.schemas.user import (
    ApiTokenCreate,
    ApiTokenCreated,
    ApiTokenPage,
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
    """Exchange username and password for an access token and a refresh token.

    Failures are throttled per (username, address) and per address (429 with Retry-After);
    a username failing from many addresses only makes its logins slower."""
    # The peer's address; X-Forwarded-For counts only from FORWARDED_ALLOW_IPS (uvicorn).
    client = request.client.host if request.client else "unknown"
    user = await auth.login(
        session, settings, username=form.username, password=form.password, client=client
    )
    return await auth.issue_tokens(session, settings, user)


@router.post("/auth/refresh", response_model=TokenPair, responses=problem_responses(401, 422))
async def refresh(body: RefreshRequest, session: DbSession, settings: AppSettings) -> TokenPair:
    """Exchange a refresh token for a new pair; each refresh token works once.

    Presenting one already exchanged ends every token descended from the same login (401):
    a copy of it is in someone else's hands."""
    return await auth.refresh(session, settings, refresh_token=body.refresh_token)


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
    return await auth.issue_tokens(session, settings, user)


@router.post(
    "/auth/logout-everywhere",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401),
)
async def logout_everywhere(principal: PendingPrincipal, session: DbSession) -> None:
    """End every session of the caller: all access and refresh tokens issued so far.

    API tokens keep working (scripts are not sessions); `/auth/revoke-all` ends them too."""
    await auth.logout_everywhere(session, actor=principal)


@router.post(
    "/auth/revoke-all",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 403),
)
async def revoke_all_tokens(principal: CurrentPrincipal, session: DbSession) -> None:
    """Revoke all the caller's tokens: every session and every API token (audited)."""
    await auth.revoke_all(session, actor=principal)


@router.get("/auth/me", response_model=Me, responses=problem_responses(401))
async def me(principal: PendingPrincipal, session: DbSession) -> Me:
    """The caller: user, unit, roles, and whether an API token is in use."""
    user, unit = await users.me(session, principal)
    return Me(
        user=UserRead.model_validate(user),
        org_unit_name=unit.name if unit else "",
        org_unit_code=unit.code if unit else "",
        scopes=sorted(principal.scopes),
        via_api_token=principal.api_token_id is not None,
    )


@router.get("/auth/api-tokens", response_model=ApiTokenPage, responses=problem_responses(401))
async def list_api_tokens(principal: CurrentPrincipal, session: DbSession) -> ApiTokenPage:
    """The caller's API tokens (secrets are never shown again), in one page."""
    tokens = await users.list_api_tokens(session, actor=principal)
    return ApiTokenPage(items=[ApiTokenRead.model_validate(t) for t in tokens])


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
