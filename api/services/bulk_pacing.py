"""The pacer of bulk writes (pacing.bulk_pacer), deaf to a single request.

pacing.bulk_pacer yields while the API serves people: a statement of theirs running now, or
several of their connections used within the last second. An uploader polling their own job
(every second in the SPA, every half second in `make bench`) is now and then caught running
its one statement at the moment of a check, and each such moment paused the upload three times
its last part's work (a 1.1 M-value first import paused 4.5 s in 51). So a check that finds
people is made again a moment later: a poll is over by then, people's work is not.
"""

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession

from api import pacing
from api.pacing import Pacer

# Long enough for one request's statement to end, short against a part's work.
CONFIRM_SECONDS = 0.02


def bulk_pacer(session: AsyncSession, api: str) -> Pacer:
    """pacing.bulk_pacer for the API connections named `api`, pausing only when a second look
    still finds people served."""
    pacer = pacing.bulk_pacer(session, api)
    once = pacer.busy
    assert once is not None

    async def confirmed() -> bool:
        if not await once():
            return False
        await asyncio.sleep(CONFIRM_SECONDS)
        return await once()

    pacer.busy = confirmed
    return pacer
