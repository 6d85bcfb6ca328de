"""Document registry and the Vietnamese document reference ("số ký hiệu"), parsed and formatted.

State documents put the number before a slash and the symbol after it ("142/KH-UBND"); party
documents join them with a hyphen ("72-NQ/TW"). A draft has no number yet ("Số: /BC-UBND").
An official letter (công văn) has no type code in its symbol ("2429/SYT-KHTH").
"""

import re
import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from api.access import Principal
from api.errors import Conflict, Forbidden, NotFound, body_error
from api.models import Document, OrgUnit, Role
from api.paging import decode_id_cursor, encode_cursor
from api.schemas.document import DocumentCreate, DocumentRead, DocumentRef
from api.services import audit
from api.text import fold

ENTITY = "document"

# Type code -> Vietnamese name, as the reference spells it out.
DOCUMENT_TYPES: dict[str, str] = {
    "NQ": "Nghị quyết",
    "CTr": "Chương trình",
    "KH": "Kế hoạch",
    "BC": "Báo cáo",
    "QĐ": "Quyết định",
    "TB": "Thông báo",
    "CT": "Chỉ thị",
    "KL": "Kết luận",
    "HD": "Hướng dẫn",
    "TTr": "Tờ trình",
    "NĐ": "Nghị định",
    "TT": "Thông tư",
    "CV": "Công văn",
}
_BY_FOLDED_NAME = {fold(name): code for code, name in DOCUMENT_TYPES.items()}
_BY_FOLDED_CODE = {fold(code): code for code in DOCUMENT_TYPES}

_REF = re.compile(
    r"""^\s*
    (?:(?P<name>[^\d/:]+?)\s+)??          # "Kế hoạch", "Nghị quyết", "Công văn" (optional)
    (?:s[ốoô]\s*:?\s*)?                   # "số", "Số:"
    (?P<number>\d+[A-Za-z]?)?             # absent in a draft
    (?P<sep>[/-])
    (?P<symbol>[^\s,]+?)
    (?:\s*,?\s*ng[àa]y\s+(?P<d>\d{1,2})(?:[/.-]|\s+th[áa]ng\s+)(?P<m>\d{1,2})
       (?:[/.-]|\s+n[ăa]m\s+)(?P<y>\d{4}))?
    \s*\.?\s*$""",
    re.IGNORECASE | re.VERBOSE,
)


@dataclass(frozen=True)
class Reference:
    type: str  # a DOCUMENT_TYPES key
    number: str | None  # None: a draft, not numbered yet
    symbol: str  # "KH-UBND", "NQ/TW", "SYT-KHTH"
    issued_on: date | None = None
    party_style: bool = False  # "72-NQ/TW" rather than "142/KH-UBND"

    @property
    def code(self) -> str:
        """The "số ký hiệu" alone: "142/KH-UBND", "72-NQ/TW", "/BC-UBND"."""
        return f"{self.number or ''}{'-' if self.party_style else '/'}{self.symbol}"


def type_from_symbol(symbol: str) -> str:
    head = re.split(r"[-/]", symbol, maxsplit=1)[0]
    return _BY_FOLDED_CODE.get(fold(head), "CV")


def parse_reference(text: str) -> Reference:
    """Parse "Kế hoạch số 142/KH-UBND ngày 21/11/2025" and its kin; ValueError if unreadable."""
    match = _REF.match(text)
    if match is None:
        raise ValueError(f"Không đọc được số ký hiệu văn bản: {text!r}")
    symbol = match["symbol"].strip(".")
    if not symbol or not re.search(r"[A-Za-zĐđ]", symbol):
        raise ValueError(f"Thiếu ký hiệu văn bản: {text!r}")
    name = (match["name"] or "").strip()
    if name and fold(name) not in _BY_FOLDED_NAME:
        raise ValueError(f"Không biết loại văn bản {name!r}")
    doc_type = _BY_FOLDED_NAME[fold(name)] if name else type_from_symbol(symbol)
    issued_on = None
    if match["y"]:
        try:
            issued_on = date(int(match["y"]), int(match["m"]), int(match["d"]))
        except ValueError as exc:
            raise ValueError(f"Ngày không hợp lệ trong {text!r}") from exc
    return Reference(
        type=doc_type,
        number=match["number"],
        symbol=symbol,
        issued_on=issued_on,
        party_style=match["sep"] == "-",
    )


def format_reference(ref: Reference, *, with_type: bool = True) -> str:
    """The inverse of parse_reference: "Kế hoạch số 142/KH-UBND ngày 21/11/2025"."""
    if ref.number is None:
        return f"Số: {ref.code}"
    text = f"{DOCUMENT_TYPES[ref.type]} số {ref.code}" if with_type else f"số {ref.code}"
    if ref.issued_on is not None:
        d = ref.issued_on
        text += f" ngày {d.day}/{d.month}/{d.year}"
    return text


def reference_of(doc: Document) -> Reference:
    return Reference(
        type=doc.type,
        number=doc.number,
        symbol=doc.symbol,
        issued_on=doc.issued_on,
        party_style=doc.party_style,
    )


def read_model(doc: Document) -> DocumentRead:
    return DocumentRead(
        id=doc.id,
        version=doc.version,
        type=doc.type,
        number=doc.number,
        symbol=doc.symbol,
        party_style=doc.party_style,
        reference=format_reference(reference_of(doc)),
        issuer_id=doc.issuer_id,
        issued_on=doc.issued_on,
        place=doc.place,
        title=doc.title,
        signer_name=doc.signer_name,
        signer_position=doc.signer_position,
        signer_mode=doc.signer_mode,
        recipients=list(doc.recipients or []),
        legal_basis=[
            DocumentRef(id=b.id, reference=format_reference(reference_of(b)))
            for b in doc.legal_basis
        ],
    )


async def require_exists(session: AsyncSession, document_id: uuid.UUID | None) -> None:
    """A referenced document must be registered (422 on the document_id field otherwise)."""
    if document_id is not None and await session.get(Document, document_id) is None:
        raise body_error("document_id", f"Không có văn bản {document_id}", "unknown_document")


async def get(session: AsyncSession, document_id: uuid.UUID) -> Document:
    doc = await session.scalar(
        select(Document)
        .where(Document.id == document_id)
        .options(selectinload(Document.legal_basis))
        .execution_options(populate_existing=True)
    )
    if doc is None:
        raise NotFound(f"Không có văn bản {document_id}.")
    return doc


async def require_registrar(session: AsyncSession, actor: Principal, issuer_id: uuid.UUID) -> None:
    """External bodies (Bộ Chính trị, Chính phủ) are registered by any plan manager or admin
    who cites them; a unit's own documents (and their files) only by those who manage that
    unit's plans."""
    issuer = await session.get(OrgUnit, issuer_id)
    roles = (Role.plan_manager, Role.admin)
    allowed = issuer is not None and (
        actor.has_role(*roles) if issuer.type == "external_body" else actor.can(roles, issuer.path)
    )
    if not allowed:
        raise Forbidden("Chỉ cán bộ quản lý kế hoạch của cơ quan ban hành mới được vào sổ văn bản.")


async def create(session: AsyncSession, *, actor: Principal, data: DocumentCreate) -> Document:
    issuer = await session.get(OrgUnit, data.issuer_id)
    if issuer is None:
        raise body_error("issuer_id", "Cơ quan ban hành không tồn tại", "unknown_unit")
    await require_registrar(session, actor, issuer.id)
    if data.number is not None and data.issued_on is None:
        raise body_error("issued_on", "Văn bản đã có số phải có ngày ban hành", "missing_date")
    basis: list[Document] = []
    for basis_id in data.legal_basis_ids:
        found = await session.get(Document, basis_id)
        if found is None:
            raise body_error(
                "legal_basis_ids", f"Không có văn bản căn cứ {basis_id}", "unknown_document"
            )
        basis.append(found)
    doc = Document(
        type=data.type,
        number=data.number,
        symbol=data.symbol,
        party_style=data.party_style,
        issuer_id=issuer.id,
        issued_on=data.issued_on,
        year=data.issued_on.year if data.issued_on else None,
        place=data.place,
        title=data.title,
        signer_name=data.signer_name,
        signer_position=data.signer_position,
        signer_mode=data.signer_mode,
        recipients=list(data.recipients),
        legal_basis=basis,
    )
    doc.search_text = fold(f"{data.title} | {data.number or ''}/{data.symbol}")
    taken = data.number is not None and await session.scalar(
        select(Document.id).where(
            Document.issuer_id == issuer.id,
            Document.type == data.type,
            Document.year == doc.year,
            Document.number == data.number,
        )
    )
    try:
        if taken:
            raise IntegrityError("duplicate document number", None, ValueError())
        async with session.begin_nested():
            session.add(doc)
            await session.flush()
    except IntegrityError as exc:
        if doc in session:
            session.expunge(doc)
        raise Conflict(
            f"{issuer.name} đã có {DOCUMENT_TYPES[data.type].lower()} số {data.number} "
            f"năm {doc.year}.",
            errors=[
                {"in": "body", "field": "number", "message": "Số đã dùng", "code": "duplicate"}
            ],
        ) from exc
    await audit.record(
        session,
        actor=actor,
        action="create",
        entity_type=ENTITY,
        entity_id=doc.id,
        after=audit.snapshot(doc),
    )
    return doc


async def list_documents(
    session: AsyncSession,
    *,
    issuer_id: uuid.UUID | None,
    type: str | None,
    q: str | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[Document], str | None]:
    stmt = select(Document)
    if issuer_id is not None:
        stmt = stmt.where(Document.issuer_id == issuer_id)
    if type is not None:
        stmt = stmt.where(Document.type == type)
    if q:
        stmt = stmt.where(Document.search_text.contains(fold(q)))
    last = decode_id_cursor(cursor)
    if last is not None:
        stmt = stmt.where(Document.id > last)
    stmt = (
        stmt.options(selectinload(Document.legal_basis))
        .execution_options(populate_existing=True)
        .order_by(Document.id)
        .limit(limit + 1)
    )
    rows = list((await session.scalars(stmt)).all())
    next_cursor = encode_cursor([str(rows[limit - 1].id)]) if len(rows) > limit else None
    return rows[:limit], next_cursor
