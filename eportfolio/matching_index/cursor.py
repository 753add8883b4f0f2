"""Which change-log rows a worker has applied, when rows become visible out of id order.

PostgreSQL gives a row its id when it is inserted, not when its transaction commits: with
two workers writing, change 11 can be visible before change 10. A worker that only kept "the
highest id applied" would skip change 10 for good, and a learner's edit or withdrawn consent
would never reach its index. The cursor remembers every id it has not seen yet (a hole) and
keeps looking for it; it gives a hole up only after ``GRACE_S``, since a rolled-back
transaction leaves its ids unused forever. No library keeps such a watermark for us; it is a
few lines of set arithmetic.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

GRACE_S = 120.0  # a change id missing this long belonged to a rolled-back transaction


@dataclass
class ChangeCursor:
    low: int  # every id <= low is applied or given up
    top: int  # the highest id seen
    above: set[int] = field(default_factory=set)  # applied ids in (low, top]
    holes: dict[int, float] = field(default_factory=dict)  # unseen id in (low, top] -> noticed

    @classmethod
    def at(cls, newest: int, recent: Iterable[int], lookback: int, now: float) -> ChangeCursor:
        """Start after a build that saw the log up to ``newest`` and these ``recent`` ids.

        Ids of the last ``lookback`` that are missing may belong to transactions still open
        while the build read the database: they are holes to watch, not history.
        """
        start = max(newest - lookback, 0)
        cursor = cls(low=start, top=start)
        cursor.take([i for i in recent if start < i <= newest], now, upto=newest)
        return cursor

    def is_current(self, newest: int) -> bool:
        """Return whether nothing can be new: no holes, and no id above the top."""
        return not self.holes and newest == self.top

    def take(self, ids: Iterable[int], now: float, upto: int | None = None) -> list[int]:
        """Note the ids visible above ``low``; return those not applied before, in order."""
        seen = set(ids)
        new = sorted(seen - self.above)
        self.above |= seen
        for i in new:
            self.holes.pop(i, None)
        top = max([self.top, upto or 0, *new])
        for i in range(self.top + 1, top + 1):
            if i not in self.above:
                self.holes[i] = now
        self.top = top
        while self.low < self.top:
            nxt = self.low + 1
            if nxt in self.above:
                self.above.discard(nxt)
            elif nxt in self.holes and now - self.holes[nxt] >= GRACE_S:
                del self.holes[nxt]
            else:
                break
            self.low = nxt
        return new
