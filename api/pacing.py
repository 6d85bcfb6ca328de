"""Work that yields the machine to people: pause in proportion to what it just took."""

import asyncio
import time
from collections.abc import Awaitable, Callable


class Pacer:
    """Each call pauses `pause` times as long as the work since the previous call (or since
    the pacer was made) took: at 1.0 the work gets about half of a core while others wait
    for one. 0: no pause. With `busy`, only when it answers that others are waiting."""

    def __init__(self, pause: float, busy: Callable[[], Awaitable[bool]] | None = None) -> None:
        self.pause = pause
        self.busy = busy
        self.since = time.perf_counter()

    async def __call__(self) -> None:
        if self.pause > 0 and (self.busy is None or await self.busy()):
            await asyncio.sleep((time.perf_counter() - self.since) * self.pause)
        self.since = time.perf_counter()
