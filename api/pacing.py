"""Work that yields the machine to people: pause in proportion to what it just took."""

import asyncio
import time
from collections.abc import Awaitable, Callable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from api.db import API_APPLICATION_NAME
from api.settings import get_settings


class Pacer:
    """Each call pauses `pause` times as long as the work since the previous call (or since
    the pacer was made) took: at 1.0 the work gets about half of a core while others wait
    for one. 0: no pause. With `busy`, only when it answers that others are waiting."""

    def __init__(self, pause: float, busy: Callable[[], Awaitable[bool]] | None = None) -> None:
        self.pause = pause
        self.busy = busy
        self.since = time.perf_counter()
        # Whether the last call paused (others were waiting).
        self.waited = False

    async def __call__(self) -> None:
        self.waited = self.pause > 0 and (self.busy is None or await self.busy())
        if self.waited:
            await asyncio.sleep((time.perf_counter() - self.since) * self.pause)
        self.since = time.perf_counter()


# Whether the API is serving people: one of its connections (not the integrations' lane,
# not this worker) runs a statement now, or at least PEOPLE_RECENT of them did within the
# last second (a request's transaction between its statements among them): about that many
# requests a second. One connection touched a moment ago is not enough: a person watching
# their own upload's progress polls it every second or so, and that alone made an upload on
# an idle machine pause three times its work (220 000 values: 122 s against 25-32 s).
# clock_timestamp(), not now(): a bulk write is one long transaction, and now() is when it
# began.
PEOPLE_RECENT = 3
PEOPLE_SERVED_SQL = text("""SELECT count(*) FILTER (WHERE state = 'active') > 0
    OR count(*) >= :recent
FROM pg_stat_activity
WHERE datname = current_database() AND application_name = :api AND pid <> pg_backend_pid()
  AND (state = 'active' OR state_change > clock_timestamp() - interval '1 second')""")


_FRESH_ACTIVITY = text("SELECT pg_stat_clear_snapshot()")


def bulk_pacer(session: AsyncSession, api: str = API_APPLICATION_NAME) -> Pacer:
    """Between the parts of a bulk write, while the API (connections named `api`) is serving
    people (PEOPLE_SERVED_SQL): pauses of settings.bulk_write_pause times the part's time, so
    an upload takes a quarter of a core (at 3.0) from the people saving forms meanwhile, and
    runs at full speed when none are."""

    async def people_served() -> bool:
        # A transaction keeps the activity it first read: read it anew each time.
        await session.execute(_FRESH_ACTIVITY)
        served = await session.scalar(PEOPLE_SERVED_SQL, {"api": api, "recent": PEOPLE_RECENT})
        return bool(served)

    return Pacer(get_settings().bulk_write_pause, busy=people_served)
