"""Org units: list and search, tree, read, create, edit, move, delete."""

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response, status
from fastapi.responses import StreamingResponse

from api.deps import CurrentPrincipal, DbSession, IfMatch, WritingPrincipal, etag
from api.schemas.common import DEPRECATED_DOC, SUBTREE_DOC, PageMeta, problem_responses
from api.schemas.org_unit import (
    OrgUnitCreate,
    OrgUnitMove,
    OrgUnitPage,
    OrgUnitRead,
    OrgUnitTree,
    OrgUnitType,
    OrgUnitUpdate,
)
from api.services import org_unit_import, org_units
from api.services.org_units import UnitFilter
from api.tabular import XLSX_TYPE, write_csv, write_xlsx

router = APIRouter(prefix="/org-units", tags=["org-units"])

READ_ERRORS = problem_responses(401, 404, 422)
WRITE_ERRORS = problem_responses(401, 403, 404, 409, 412, 422, 428)


@router.get("", response_model=OrgUnitPage, responses=READ_ERRORS)
async def list_org_units(
    _: CurrentPrincipal,
    session: DbSession,
    parent_id: Annotated[
        uuid.UUID | None, Query(description="Các đơn vị con trực tiếp của đơn vị này")
    ] = None,
    roots_only: bool = False,
    org_unit_id: Annotated[
        uuid.UUID | None, Query(description="Chỉ đơn vị này (cùng include_subtree: cả cây con)")
    ] = None,
    include_subtree: Annotated[bool, Query(description=SUBTREE_DOC)] = False,
    ancestor_id: Annotated[
        uuid.UUID | None,
        Query(
            deprecated=True,
            description=DEPRECATED_DOC.format("org_unit_id=…&include_subtree=true")
            + " (mọi đơn vị cấp dưới, không gồm chính đơn vị này)",
        ),
    ] = None,
    type: OrgUnitType | None = None,
    level: Annotated[int | None, Query(ge=0, le=20)] = None,
    q: Annotated[
        str | None, Query(max_length=200, description="Tìm theo tên/mã, không phân biệt dấu")
    ] = None,
    active: bool | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    include_total: bool = False,
) -> OrgUnitPage:
    """List org units in tree order, filtered and keyset-paged."""
    filters = UnitFilter(
        parent_id=parent_id,
        roots_only=roots_only,
        ancestor_id=ancestor_id,
        unit_id=org_unit_id,
        include_subtree=include_subtree,
        type=type.value if type else None,
        level=level,
        q=q,
        active=active,
    )
    rows, next_cursor, total = await org_units.list_units(
        session, filters=filters, cursor=cursor, limit=limit, include_total=include_total
    )
    return OrgUnitPage(
        items=[OrgUnitRead.model_validate(r) for r in rows],
        page=PageMeta(next_cursor=next_cursor, total=total),
    )


@router.get(
    "/export",
    responses={
        200: {
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
            }
        },
        **READ_ERRORS,
    },
    response_class=Response,
)
async def export_org_units(
    _: CurrentPrincipal,
    session: DbSession,
    format: Literal["csv", "xlsx"] = "csv",
    org_unit_id: Annotated[
        uuid.UUID | None, Query(description="Chỉ đơn vị này (cùng include_subtree: cả cây con)")
    ] = None,
    include_subtree: Annotated[bool, Query(description=SUBTREE_DOC)] = False,
    ancestor_id: Annotated[
        uuid.UUID | None,
        Query(
            deprecated=True,
            description=DEPRECATED_DOC.format("org_unit_id=…&include_subtree=true")
            + " (đơn vị này và mọi đơn vị cấp dưới)",
        ),
    ] = None,
) -> Response:
    """The tree (or one unit, or its subtree) as a file for /imports/org_units: code, name,
    type, parent_code, short_name, active."""
    if org_unit_id is not None:
        header, rows = await org_unit_import.export_table(
            session, ancestor_id=org_unit_id, subtree=include_subtree
        )
    else:
        header, rows = await org_unit_import.export_table(session, ancestor_id=ancestor_id)
    disposition = {"Content-Disposition": f'attachment; filename="don-vi.{format}"'}
    if format == "csv":
        return StreamingResponse(
            write_csv(header, rows), headers=disposition, media_type="text/csv; charset=utf-8"
        )
    return Response(
        write_xlsx(header, rows, sheet="Đơn vị"), media_type=XLSX_TYPE, headers=disposition
    )


@router.get("/tree", response_model=OrgUnitTree, responses=READ_ERRORS)
async def get_org_unit_tree(
    _: CurrentPrincipal,
    session: DbSession,
    root_id: uuid.UUID | None = None,
    depth: Annotated[int | None, Query(ge=0, le=20)] = None,
    include_inactive: bool = False,
) -> OrgUnitTree:
    """The tree under one unit (or every root), nested, to a depth: its roots in `items`."""
    return OrgUnitTree(
        items=await org_units.tree(
            session, root_id=root_id, depth=depth, include_inactive=include_inactive
        )
    )


@router.get("/{unit_id}", response_model=OrgUnitRead, responses=READ_ERRORS)
async def get_org_unit(
    unit_id: uuid.UUID, _: CurrentPrincipal, session: DbSession, response: Response
) -> OrgUnitRead:
    """One org unit; its ETag is needed to change it."""
    unit = await org_units.get(session, unit_id)
    response.headers["ETag"] = etag(unit.version)
    return OrgUnitRead.model_validate(unit)


@router.post(
    "", response_model=OrgUnitRead, status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS
)
async def create_org_unit(
    body: OrgUnitCreate, principal: WritingPrincipal, session: DbSession, response: Response
) -> OrgUnitRead:
    """Create a unit under a parent the caller administers."""
    unit = await org_units.create(session, actor=principal, data=body)
    response.headers["ETag"] = etag(unit.version)
    response.headers["Location"] = f"/api/v1/org-units/{unit.id}"
    return OrgUnitRead.model_validate(unit)


@router.patch("/{unit_id}", response_model=OrgUnitRead, responses=WRITE_ERRORS)
async def update_org_unit(
    unit_id: uuid.UUID,
    body: OrgUnitUpdate,
    version: IfMatch,
    principal: WritingPrincipal,
    session: DbSession,
    response: Response,
) -> OrgUnitRead:
    """Edit a unit (name, code, type, active); needs If-Match."""
    unit = await org_units.update_unit(
        session, actor=principal, unit_id=unit_id, expected_version=version, data=body
    )
    response.headers["ETag"] = etag(unit.version)
    return OrgUnitRead.model_validate(unit)


@router.post("/{unit_id}/move", response_model=OrgUnitRead, responses=WRITE_ERRORS)
async def move_org_unit(
    unit_id: uuid.UUID,
    body: OrgUnitMove,
    version: IfMatch,
    principal: WritingPrincipal,
    session: DbSession,
    response: Response,
) -> OrgUnitRead:
    """Move a unit with its subtree under a new parent; cycles are refused."""
    unit = await org_units.move(
        session,
        actor=principal,
        unit_id=unit_id,
        expected_version=version,
        new_parent_id=body.parent_id,
    )
    response.headers["ETag"] = etag(unit.version)
    return OrgUnitRead.model_validate(unit)


@router.delete("/{unit_id}", status_code=status.HTTP_204_NO_CONTENT, responses=WRITE_ERRORS)
async def delete_org_unit(
    unit_id: uuid.UUID, version: IfMatch, principal: WritingPrincipal, session: DbSession
) -> None:
    """Delete an unreferenced unit; a referenced one must be deactivated instead (409)."""
    await org_units.delete(session, actor=principal, unit_id=unit_id, expected_version=version)
