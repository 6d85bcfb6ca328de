"""Where a bulk write's time goes: named phases timed within one import, logged at its end.

The importer opens `timed()` around its run; the code it calls marks phases with `phase(name)`
(a no-op outside a timed run), so the timings need no argument passed down. One INFO line on
the `api.import_phases` logger per import (`make bench` prints it).
"""

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

log = logging.getLogger("api.import_phases")


class Phases:
    """Seconds spent in each named phase (summed when a phase recurs), in order of first use."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.started = time.perf_counter()

    def add(self, name: str, seconds: float) -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds

    def line(self) -> str:
        total = time.perf_counter() - self.started
        parts = [f"{name} {s:.2f}" for name, s in self.seconds.items()]
        other = total - sum(self.seconds.values())
        return f"total {total:.2f} s: " + ", ".join([*parts, f"other {other:.2f}"])


_current: ContextVar[Phases | None] = ContextVar("import_phases", default=None)


@contextmanager
def phase(name: str) -> Iterator[None]:
    """Time the block as phase `name` of the import being timed (nothing when none is)."""
    phases = _current.get()
    if phases is None:
        yield
        return
    started = time.perf_counter()
    try:
        yield
    finally:
        phases.add(name, time.perf_counter() - started)


@contextmanager
def timed(what: str) -> Iterator[Phases]:
    """Time the phases of one import and log them when it ends."""
    phases = Phases()
    token = _current.set(phases)
    try:
        yield phases
    finally:
        _current.reset(token)
        if phases.seconds:  # a few rows written inline mark no phase: nothing worth a line
            log.info("%s phases: %s", what, phases.line())
