"""Plume's Prometheus metrics, defined once (prometheus-client's default registry).

Handlers and the Matrix client increment these; ``bot.metrics`` serves them on ``/metrics``.
Labels carry outcomes and service names only, never ids or text.

    plume_questions_total                       questions accepted for drafting
    plume_drafts_total{outcome}                 generated | failed | blocked (leak guard) |
                                                undelivered (each post the homeserver refused)
    plume_llm_latency_seconds                   histogram, one LLM call (retries included)
    plume_redaction_latency_seconds             histogram, one redaction of a question
    plume_llm_in_flight                         LLM calls under way now
    plume_events_queued                         Matrix events received, waiting for a handler
    plume_rate_limited_total{service}           llm: calls that met HTTP 429/529 (one per
                                                attempt); matrix: sends refused with M_LIMIT_EXCEEDED
    plume_decryption_failures_total             events still undecryptable after the wait
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

QUESTIONS = Counter("plume_questions", "Questions accepted for drafting.")
DRAFTS = Counter("plume_drafts", "Drafts by outcome.", ["outcome"])
LLM_LATENCY = Histogram("plume_llm_latency_seconds", "Wall time of one LLM call, retries included.",
                        buckets=(0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120))
REDACTION_LATENCY = Histogram("plume_redaction_latency_seconds", "Wall time of one redaction.",
                              buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5))
LLM_IN_FLIGHT = Gauge("plume_llm_in_flight", "LLM calls under way.")
EVENTS_QUEUED = Gauge("plume_events_queued", "Matrix events received and waiting for a handler.")
RATE_LIMITED = Counter("plume_rate_limited", "Responses that asked Plume to slow down.", ["service"])
DECRYPTION_FAILURES = Counter("plume_decryption_failures",
                              "Events still undecryptable after matrix.undecryptable_wait_s.")

LLM_SLOW_DOWN_STATUSES = (429, 529)

for _outcome in ("generated", "failed", "blocked", "undelivered"):
    DRAFTS.labels(_outcome)
for _service in ("llm", "matrix"):
    RATE_LIMITED.labels(_service)
