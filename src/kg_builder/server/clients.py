"""Fair share of the query workers: a cap on the queries one client has in flight.

Why: the time limit stops one heavy query, and several workers let other
queries run beside it, but a client that sends as many endless queries as
there are workers would still hold every worker until the limit and make
everyone else wait. So each client (by its address, as uvicorn reports it;
behind a trusted proxy that is the forwarded address) may have at most
``cap`` queries waiting or running; one more is answered 429 at once, with
``Retry-After``. The cap never exceeds the number of workers less one, so
one client can never hold them all. ``cap`` 0 turns the check off.

Runs on the event loop only (no locks needed). Touches nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field


def effective_cap(configured: int, workers: int) -> int:
    """The cap in force: the configured one, at most ``workers - 1`` (at least 1); 0 stays off."""
    if configured <= 0:
        return 0
    return max(1, min(configured, workers - 1))


@dataclass
class ClientLimiter:
    """Queries in flight per client address."""

    cap: int
    refused: int = 0
    _in_flight: dict[str, int] = field(default_factory=dict)

    def acquire(self, client: str) -> bool:
        """Count one more query for ``client``; ``False`` (and nothing counted) if it is at its cap."""
        if self.cap <= 0:
            return True
        n = self._in_flight.get(client, 0)
        if n >= self.cap:
            self.refused += 1
            return False
        self._in_flight[client] = n + 1
        return True

    def release(self, client: str) -> None:
        if self.cap <= 0:
            return
        n = self._in_flight.get(client, 0) - 1
        if n > 0:
            self._in_flight[client] = n
        else:
            self._in_flight.pop(client, None)

    def in_flight(self, client: str) -> int:
        return self._in_flight.get(client, 0)
