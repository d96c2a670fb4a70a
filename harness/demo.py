"""``plume demo``: a real homeserver on loopback, the bot, and a scripted agent, end to end.

It starts an embedded Synapse (SQLite, temporary folder), registers the bot and a demo agent,
runs the bot, and plays one question with fictitious personal data through redaction, draft and
approval, printing the conversation and the audit trail. The LLM is Anthropic's when
``ANTHROPIC_API_KEY`` is set, else the offline réponses types.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import tempfile
from pathlib import Path

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from harness.agent import AgentClient, RecordedEvent
from bot.config import parse_config
from harness.homeserver import EmbeddedSynapse
from bot.logging import configure_logging
from bot.service import build_bot
from handlers.messages import agents as messages
from knowledge.index import KnowledgeBase
from knowledge.reader import read_fiches
from storage.db import Database
from storage.audit import ExportFilter

# Fictitious person: the NIR and IBAN carry valid check digits but belong to no one.
DEMO_QUESTION = (
    "Bonjour, je m'appelle Camille Rousseau et j'habite au 12 rue des Lilas, 69003 Lyon. "
    "Mon numéro de sécurité sociale est 2 84 05 69 123 456 40 et mon RIB est "
    "FR76 3000 6000 0112 3456 7890 189. Je suis salariée à mi-temps : ai-je droit à la prime "
    "d'activité, et comment la demander ? Vous pouvez me joindre au 06 12 34 56 78. Merci."
)
FICHES = Path(__file__).with_name("fiches")  # a few official fiches, so that the draft cites them

console = Console(highlight=False)


def _say(who: str, text: str, style: str) -> None:
    console.print(Panel(Text(text or ""), title=who, title_align="left", border_style=style))


async def run_demo(*, keep: bool = False) -> int:
    """Play the demo; return 0 when the loop completed (question → draft → approval → audit)."""
    workdir = Path(tempfile.mkdtemp(prefix="plume-demo-"))
    log_file = (workdir / "plume.log").open("w", encoding="utf-8")
    configure_logging(stream=log_file)
    os.environ.setdefault("PLUME_AUDIT_KEY", secrets.token_hex(32))
    backend = "anthropic" if os.environ.get("ANTHROPIC_API_KEY") else "offline"
    console.rule("[bold]Plume — démonstration")
    console.print(f"Dossier de travail : {workdir}")
    console.print("Démarrage d'un serveur Matrix Synapse embarqué sur 127.0.0.1 …")
    hs = EmbeddedSynapse(workdir / "synapse")
    await hs.start()
    bot_task = agent = bot = None
    try:
        console.print(f"Synapse prêt sur {hs.url} en {hs.startup_seconds:.1f} s.")
        bot_password, agent_password = secrets.token_urlsafe(12), secrets.token_urlsafe(12)
        bot_id = await hs.register("plume", bot_password)
        agent_id = await hs.register("agent.demo", agent_password)
        os.environ["PLUME_MATRIX_PASSWORD"] = bot_password
        config = parse_config({
            "matrix": {"homeserver": hs.url, "user_id": bot_id, "store_path": str(workdir / "store")},
            "access": {"allowed_homeservers": [hs.server_name]},
            "llm": {"backend": backend},
            "storage": {"url": f"sqlite:///{workdir / 'plume.db'}"},
        })
        model = "Claude (Anthropic)" if backend == "anthropic" else "réponses types hors ligne"
        console.print(f"Inscrits : le bot {bot_id} (modèle : {model})\n"
                      f"           l'agent {agent_id}")
        count = KnowledgeBase(Database(config.storage.url).engine).replace(read_fiches(FICHES)).fiches
        console.print(f"Fiches service-public.fr importées : {count} (plume sources import)")
        bot = await build_bot(config)
        bot_task = asyncio.create_task(bot.run())
        await asyncio.wait_for(bot.client.ready.wait(), 60)

        agent = await AgentClient.create(hs.url, agent_id, agent_password, workdir / "agent")
        room_id = await agent.create_dm(bot_id)
        await agent.wait_joined(room_id, bot_id)
        welcome = await agent.wait_for(room_id, lambda r: r.msgtype == "m.notice")
        _say("Plume", welcome.body, "cyan")

        _say("Agent (colle la question d'un usager)", DEMO_QUESTION, "green")
        question_id = await agent.send_text(room_id, DEMO_QUESTION)
        draft = await agent.wait_for(room_id, _is_draft(question_id), timeout=180)
        _say("Plume (brouillon, visible de l'agent seul)", draft.body, "cyan")
        await agent.wait_for(room_id, lambda r: r.reaction_key == messages.DISCARD
                             and r.related_event_id == draft.event_id)
        console.print("Boutons posés par le bot : ✅ ✏️ 🔄 🗑️")

        _say("Agent", "réagit avec ✅ (approuver)", "green")
        await agent.react(room_id, draft.event_id, messages.APPROVE)
        final = await agent.wait_for(room_id, lambda r: r.msgtype == "m.notice"
                                     and r.reply_to == draft.event_id)
        _say("Plume", final.body, "cyan")

        _print_audit(bot)
        if keep:
            _print_keep(hs, agent_id, agent_password)
            await bot_task
        return 0
    finally:
        if bot is not None:
            bot.client.stop()
        if bot_task is not None:
            await asyncio.wait_for(bot_task, 30)
        if agent is not None:
            await agent.close()
        await hs.stop()
        log_file.close()
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)


def _is_draft(question_event_id: str):
    def check(record: RecordedEvent) -> bool:
        return (record.msgtype == "m.notice" and record.reply_to == question_event_id
                and (record.body or "").startswith("Brouillon"))
    return check


def _print_audit(bot) -> None:
    table = Table(title="Journal d'audit (chaîne de hachage)")
    for column in ("seq", "heure (UTC)", "acteur", "type", "hash"):
        table.add_column(column, no_wrap=True)
    for event in bot.audit.iter_events(ExportFilter.build()):
        table.add_row(str(event["seq"]), event["ts"][11:19], event["actor"].split(":")[0],
                      event["kind"], event["hash"][:12] + "…")
    console.print(table)
    report = bot.audit.verify()
    console.print(f"Vérification de la chaîne : {'intacte' if report.ok else 'ROMPUE'} "
                  f"({report.checked} événements).")


def _print_keep(hs: EmbeddedSynapse, agent_id: str, password: str) -> None:
    console.rule("Serveur laissé en marche (--keep)")
    console.print(f"Connectez un client Matrix (Element…) au serveur {hs.url}\n"
                  f"  identifiant : {agent_id}\n  mot de passe : {password}\n"
                  "Invitez le bot dans une conversation directe chiffrée. Ctrl-C pour arrêter.")
