"""When to call a backend again: pure arithmetic, tested without I/O."""

import random
from collections.abc import Callable


def retry_delay(
    *,
    attempts: int,
    base: float,
    cap: float,
    retry_after: float | None = None,
    rand: Callable[[], float] = random.random,
) -> float:
    """Seconds to wait after the `attempts`-th failed attempt.

    Exponential (base, 2 base, 4 base, ... up to cap) with equal jitter, so a crowd of
    changes that failed together spreads out; never sooner than the backend's
    Retry-After.
    """
    ceiling = min(cap, base * 2.0 ** max(attempts - 1, 0))
    delay = ceiling / 2 + rand() * ceiling / 2
    return max(delay, retry_after or 0.0)


def circuit_cooldown(*, failures: int, threshold: int, base: float, cap: float) -> float | None:
    """How long to leave a backend alone after `failures` consecutive failures (None: don't).

    Doubles with each failure past the threshold, so a backend that stays down is
    probed less and less often.
    """
    if failures < threshold:
        return None
    return min(cap, base * 2.0 ** (failures - threshold))
