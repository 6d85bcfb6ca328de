"""Who is offered signing a unit's documents: the `sign` and `seal` actions the API lists."""

from api.access import Principal
from api.models import OrgUnit
from api.settings import get_settings


def signing_actions(actor: Principal, issuer: OrgUnit) -> list[str]:
    """`sign` for a signer of the issuing unit (the mode and the name on the signer block are
    checked when a signing session starts), `seal` when that unit's seal is configured too."""
    if not actor.signs_for(issuer.path):
        return []
    return ["sign", "seal"] if get_settings().seal_key(issuer.code) else ["sign"]
