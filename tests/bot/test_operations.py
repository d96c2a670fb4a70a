"""Operations: /metrics and /health scraped while the bot serves an agent on the real Synapse,
health failures, and JSON log lines."""

from __future__ import annotations

import io
import json
import logging
import time

import aiohttp
import pytest
import structlog
from prometheus_client.parser import text_string_to_metric_families

from bot.config import LoggingConfig, MetricsConfig
from bot.logging import configure_logging
from bot.metrics import OpsServer, check_health
from storage.db import Database
from tests.bot.test_bot_flow import PERSONAL_VALUES, open_dm, paste


async def scrape(http: aiohttp.ClientSession, port: int) -> dict[tuple[str, tuple], float]:
    """Every sample of /metrics as {(name, sorted labels): value}."""
    async with http.get(f"http://127.0.0.1:{port}/metrics") as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"].startswith("text/plain")
        text = await resp.text()
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def delta(before: dict, after: dict, name: str, **labels) -> float:
    key = (name, tuple(sorted(labels.items())))
    return after[key] - before.get(key, 0.0)


@pytest.mark.synapse
async def test_metrics_and_health_while_serving_an_agent(plume_factory, agent_factory):
    plume = await plume_factory(metrics={"port": 0})
    port = plume.bot.ops.port
    agent = await agent_factory("agent")
    async with aiohttp.ClientSession() as http:
        before = await scrape(http, port)
        room_id = await open_dm(agent, plume)
        await paste(agent, room_id)
        after = await scrape(http, port)
        async with http.get(f"http://127.0.0.1:{port}/health") as resp:
            assert resp.status == 200
            health = await resp.json()
        async with http.get(f"http://127.0.0.1:{port}/metrics") as resp:
            exposition = await resp.text()

    assert delta(before, after, "plume_questions_total") == 1
    assert delta(before, after, "plume_drafts_total", outcome="generated") == 1
    assert delta(before, after, "plume_drafts_total", outcome="failed") == 0
    assert delta(before, after, "plume_llm_latency_seconds_count") == 1
    assert delta(before, after, "plume_redaction_latency_seconds_count") >= 1
    assert after[("plume_llm_in_flight", ())] == 0
    assert after[("plume_events_queued", ())] == 0
    for name in ("plume_rate_limited_total", "plume_decryption_failures_total"):
        assert any(key[0] == name for key in after), name
    assert not any(value in exposition for value in PERSONAL_VALUES)
    assert health["status"] == "ok" and health["database"] is True
    assert 0 <= health["last_sync_s"] < 90


async def test_health_is_503_without_sync_or_database(tmp_path):
    sqlite = Database(f"sqlite:///{tmp_path / 'plume.db'}")
    unreachable = Database("postgresql+psycopg://plume@127.0.0.1:9/plume?connect_timeout=2")
    try:
        assert (await check_health(sqlite, time.monotonic(), 90)).ok
        never_synced = await check_health(sqlite, None, 90)
        assert not never_synced.ok and never_synced.to_json()["status"] == "unavailable"
        stale = await check_health(sqlite, time.monotonic() - 120, 90)
        assert not stale.ok and stale.to_json()["last_sync_s"] >= 120
        no_db = await check_health(unreachable, time.monotonic(), 90)
        assert not no_db.ok and no_db.to_json()["database"] is False

        server = OpsServer(MetricsConfig(port=0), unreachable, lambda: time.monotonic())
        await server.start()
        try:
            async with aiohttp.ClientSession() as http:
                async with http.get(f"http://127.0.0.1:{server.port}/health") as resp:
                    assert resp.status == 503
                    assert (await resp.json())["database"] is False
        finally:
            await server.stop()
    finally:
        sqlite.dispose()
        unreachable.dispose()


def test_json_log_lines():
    out = io.StringIO()
    configure_logging(LoggingConfig(format="json"), stream=out)
    try:
        structlog.get_logger("plume.test").info("question.redacted", question_id="q1", entities={"PERSON": 1})
        logging.getLogger("nio").error("library error %d", 7)
        try:
            raise ValueError("boom")
        except ValueError:
            structlog.get_logger("plume.test").exception("handler.crashed")
    finally:
        logging.getLogger().handlers[:] = [h for h in logging.getLogger().handlers
                                           if h.get_name() != "plume"]
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["event"] for line in lines] == ["question.redacted", "library error 7", "handler.crashed"]
    assert lines[0]["question_id"] == "q1" and lines[0]["level"] == "info" and "timestamp" in lines[0]
    assert lines[1]["logger"] == "nio" and lines[1]["level"] == "error"
    assert lines[2]["exception"][0]["exc_type"] == "ValueError"
    assert "locals" not in lines[2]["exception"][0]["frames"][0]
