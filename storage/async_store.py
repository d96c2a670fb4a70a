"""``AsyncStore``: the store as async handlers use it, every call run off the event loop.

``await AsyncStore(store).claim_event(...)`` runs ``Store.claim_event`` in a worker thread
(``asyncio.to_thread``), so a slow database never holds up the sync loop. The same methods,
arguments and results as ``storage.store.Store``; ``.sync`` is the wrapped store (CLI, tests).
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any

from storage.store import Store


class AsyncStore:
    def __init__(self, store: Store) -> None:
        self.sync = store

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.sync, name)
        if not callable(method):
            raise AttributeError(f"{name} is not a Store method")

        @functools.wraps(method)
        async def off_loop(*args, **kwargs):
            return await asyncio.to_thread(method, *args, **kwargs)

        return off_loop
