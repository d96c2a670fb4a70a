"""``RedactionPool``: the redactor as async handlers use it, on a bounded pool of its own threads.

Redaction is CPU work (spaCy, the recognizers). ``await pool.redact(text, known)`` runs
``Redactor.redact`` on one of ``workers`` threads reserved for it, so a burst of questions queues
here, in arrival order, instead of filling asyncio's default pool (where the database calls run)
or competing with the event loop for the interpreter with many threads. The same arguments and
results as ``redaction.Redactor``; ``.sync`` is the wrapped redactor (CLI, tests).
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from redaction.engine import Redaction, Redactor


class RedactionPool:
    def __init__(self, redactor: Redactor, workers: int = 2) -> None:
        self.sync = redactor
        self._executor = ThreadPoolExecutor(workers, thread_name_prefix="plume-redact")

    async def _run(self, fn, *args):
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    async def redact(self, text: str, known: dict[str, str] | None = None) -> Redaction:
        return await self._run(self.sync.redact, text, known)

    async def leaks(self, redacted_text: str) -> list[str]:
        return await self._run(self.sync.leaks, redacted_text)

    def close(self) -> None:
        """Stop the threads; redactions still queued are dropped."""
        self._executor.shutdown(wait=False, cancel_futures=True)
