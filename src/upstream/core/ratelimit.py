"""A rate limit shared by every process serving Upstream, for the public forms (self-referral, reports).

The count lives in Django's database cache (the ``shared`` cache, table ``upstream_shared_cache``, created
by ``upstream migrate``), not in one process's memory, so four workers do not allow four times the limit.
Each attempt claims one of ``limit`` numbered slots with the cache's atomic ``add`` (an INSERT that only one
writer can win); a slot frees itself ``window`` seconds after it was claimed. When every slot is taken the
attempt is refused. The sender is recognised by a hash of their address, never the address itself.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.cache import caches

SHARED_CACHE = "shared"


def client_key(scope: str, request: Any) -> str:
    """Returns the limiter's key for one sender of one form: a hash of the address, not the address."""
    address = request.META.get("REMOTE_ADDR", "")
    return f"ratelimit:{scope}:" + hashlib.sha256(address.encode("utf-8")).hexdigest()[:32]


def attempt(scope: str, request: Any, *, limit: int, window: int) -> bool:
    """Counts one attempt at a public form; returns False when the sender already made `limit` in `window` s."""
    cache = caches[SHARED_CACHE]
    key = client_key(scope, request)
    return any(cache.add(f"{key}:{slot}", 1, window) for slot in range(limit))


def create_cache_table(using: str = "default", **_kwargs: Any) -> None:
    """Creates the shared cache's table if it is missing (connected to post_migrate in CoreConfig.ready)."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)
