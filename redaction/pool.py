"""``RedactionPool``: the redactor as async handlers use it, in micro-batches on its own threads.

Redaction is CPU work (spaCy, the recognizers). ``await pool.redact(text, known)`` queues the
text; whenever one of the ``workers`` threads reserved for redaction is free, it takes what is
queued (at most ``max_batch`` jobs, in arrival order) and runs it as one
``Redactor.redact_batch`` call: one spaCy ``nlp.pipe`` and one name-model pass over the lot,
about half the CPU per text of one call per text once a burst of questions queues (the
results are the same). A text that finds a thread free is redacted at once, alone: batching
adds no wait. A burst queues here, instead of filling asyncio's default pool (where the
database calls run) or competing with the event loop for the interpreter with many threads.

    await pool.redact(text, known=None) -> Redaction       # a question or text the agent typed
    await pool.redact(text, known, model_output=True)      # the LLM's output, before storage
                                                            # (Redactor's storage profile)
    await pool.leaks(redacted_text) -> list[str]            # Redactor.leaks, in the same queue
    await pool.redact_checked(text) -> (Redaction, leaks)   # both in one job: a pasted question

Errors are the redactor's, raised to the caller of the failing text only (a failing batch is run
again one text at a time). ``.sync`` is the wrapped redactor (CLI, tests).
"""

from __future__ import annotations

import asyncio
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from redaction.engine import Redaction, Redactor

MAX_BATCH = 16  # texts per spaCy call: past ~16 the CPU per text hardly falls, the wait grows


@dataclass
class _Job:
    kind: str  # "input" | "checked" (input, then its leaks) | "output" (storage profile) | "leaks"
    text: str
    known: dict[str, str] | None
    future: asyncio.Future


class RedactionPool:
    def __init__(self, redactor: Redactor, workers: int = 2, max_batch: int = MAX_BATCH) -> None:
        self.sync = redactor
        self._workers = workers
        self._max_batch = max_batch
        self._executor = ThreadPoolExecutor(workers, thread_name_prefix="plume-redact")
        self._queue: deque[_Job] = deque()
        self._busy = 0

    async def redact(self, text: str, known: dict[str, str] | None = None, *,
                     model_output: bool = False) -> Redaction:
        return await self._submit("output" if model_output else "input", text, known)

    async def leaks(self, redacted_text: str) -> list[str]:
        return await self._submit("leaks", redacted_text, None)

    async def redact_checked(self, text: str) -> tuple[Redaction, list[str]]:
        """``redact(text)`` and the ``leaks`` of its result, without queueing twice."""
        return await self._submit("checked", text, None)

    def close(self) -> None:
        """Stop the threads; redactions still queued are cancelled."""
        self._executor.shutdown(wait=False, cancel_futures=True)
        while self._queue:
            self._queue.popleft().future.cancel()

    async def _submit(self, kind: str, text: str, known: dict[str, str] | None) -> Any:
        loop = asyncio.get_running_loop()
        job = _Job(kind, text, known, loop.create_future())
        self._queue.append(job)
        self._dispatch(loop)
        return await job.future

    def _dispatch(self, loop: asyncio.AbstractEventLoop) -> None:
        """Hand what is queued to the free threads (on the event loop)."""
        while self._queue and self._busy < self._workers:
            batch = [self._queue.popleft() for _ in range(min(len(self._queue), self._max_batch))]
            self._busy += 1
            running = loop.run_in_executor(self._executor, self._run, batch)
            running.add_done_callback(lambda done, batch=batch: self._finished(loop, batch, done))

    def _finished(self, loop: asyncio.AbstractEventLoop, batch: list[_Job],
                  done: asyncio.Future) -> None:
        self._busy -= 1
        outcomes = None if done.cancelled() else done.exception() or done.result()
        for i, job in enumerate(batch):
            if job.future.done():  # its caller gave up
                continue
            if outcomes is None:
                job.future.cancel()
            elif isinstance(outcomes, BaseException):
                job.future.set_exception(outcomes)
            elif isinstance(outcomes[i], BaseException):
                job.future.set_exception(outcomes[i])
            else:
                job.future.set_result(outcomes[i])
        if not loop.is_closed():
            self._dispatch(loop)

    def _run(self, batch: list[_Job]) -> list[Any]:
        """In a worker thread: each job's result or exception, in order."""
        try:
            return self._run_batch(batch)
        except Exception:  # find the failing text: the others still get their result
            outcomes: list[Any] = []
            for job in batch:
                try:
                    outcomes += self._run_batch([job])
                except Exception as exc:
                    outcomes.append(exc)
            return outcomes

    def _run_batch(self, batch: list[_Job]) -> list[Any]:
        outcomes: list[Any] = [None] * len(batch)
        for output in (False, True):
            picked = [i for i, job in enumerate(batch) if (job.kind == "output") == output
                      and job.kind != "leaks"]
            if picked:
                done = self.sync.redact_batch([(batch[i].text, batch[i].known) for i in picked],
                                              model_output=output)
                for i, redaction in zip(picked, done):
                    outcomes[i] = redaction
        for i, job in enumerate(batch):
            if job.kind == "leaks":
                outcomes[i] = self.sync.leaks(job.text)
            elif job.kind == "checked":
                outcomes[i] = (outcomes[i], self.sync.leaks(outcomes[i].text))
        return outcomes
