"""The agent in the loop, fast: ``!masquer`` and ``privacy.confirm_before_send`` on the real
handlers, store and redactor, with the in-memory Messenger (its ``contents`` stand for the room
the map is rebuilt from). The village is a city name alone, which the redactor keeps by design
(DESIGN §4). Synthetic data only."""

from __future__ import annotations

import itertools
import json

import pytest

from handlers.access import RoomRole
from handlers.events import Incoming
from handlers.messages import agents
from handlers.pending import PendingValues
from redaction.normalize import fold
from storage.audit import ExportFilter
from tests.handlers.test_commands import AGENT_ID, DM, Plume
from tests.redaction_support import redactor  # noqa: F401  (fixture)

VILLAGE = "Tréminis"
NAME = "Camille Rousseau"
QUESTION = (f"Bonjour, je suis {NAME}, boulangère à {VILLAGE}. À TREMINIS tout se sait : "
            "où en est mon dossier de prime d'activité ?")
_ids = itertools.count(1)


class Agent:
    """Sends events to the handlers as the router would, keeping their content as the room does."""

    def __init__(self, plume: Plume) -> None:
        self.plume = plume

    def _event(self, prefix: str, body: str, reply_to: str | None = None) -> Incoming:
        event_id = f"${prefix}{next(_ids)}"
        self.plume.messenger.contents[event_id] = {"msgtype": "m.text", "body": body}
        return Incoming("text", DM, event_id, AGENT_ID, body=body, reply_to=reply_to)

    async def paste(self, text: str = QUESTION) -> str:
        event = self._event("paste", text)
        await self.plume.questions.on_paste(event)
        return event.event_id

    async def say(self, body: str, reply_to: str | None = None) -> dict:
        await self.plume.commands.on_command(self._event("cmd", body, reply_to), RoomRole("direct"))
        return self.plume.messenger.notices[-1]

    async def reply(self, target: str, body: str) -> dict:
        assert await self.plume.decisions.on_reply(self._event("reply", body, target))
        return self.plume.messenger.notices[-1]

    async def react(self, target: str, key: str) -> dict:
        await self.plume.react(target, key)
        return self.plume.messenger.notices[-1]


def audit_events(plume: Plume) -> list[dict]:
    return list(plume.questions.store.sync.audit.iter_events(ExportFilter.build()))


def stored_text(plume: Plume) -> str:
    """Every text the database holds for the question: its row, drafts and audit payloads."""
    store = plume.questions.store.sync
    with store.db.engine.connect() as conn:
        rows = [str(tuple(r)) for table in ("question", "draft", "audit_event", "question_revision")
                for r in conn.exec_driver_sql(f"SELECT * FROM {table}")]
    return fold("\n".join(rows))


@pytest.fixture
def plume(sqlite_db, redactor):
    return Plume(sqlite_db, redactor)


@pytest.fixture
def confirming(sqlite_db, redactor):
    plume = Plume(sqlite_db, redactor)
    plume.config.teams[0].privacy.confirm_before_send = True
    return plume


async def test_masquer_redrafts_from_the_corrected_text_and_scrubs_the_value(plume, redactor):
    agent = Agent(plume)
    paste_id = await agent.paste()
    [question] = [q for q in [await plume.questions.store.question_for_event(paste_id)]]
    assert VILLAGE in question.redacted_text  # premise: the redactor kept it
    v2 = await agent.say("!masquer treminis comme lieu")
    assert v2["body"].startswith("Brouillon v2") and v2["reply_to"] == paste_id
    assert "Texte corrigé : 2 occurrences remplacées par [LIEU_1]." in v2["body"]
    question = await plume.questions.store.get_question(question.id)
    assert question.redacted_text.count("[LIEU_1]") == 2
    assert question.entity_counts["LOCATION"] == 2
    assert v2["body"].split("Texte envoyé au modèle :\n")[1].startswith(question.redacted_text)
    remask = next(json.loads(e["payload"]) for e in audit_events(plume)
                  if e["kind"] == "question.remasked")
    assert remask["superseded_versions"] == [1] and remask["placeholder"] == "[LIEU_1]"
    assert remask["scrubbed_seqs"]
    assert fold(VILLAGE) not in stored_text(plume)
    assert plume.questions.store.sync.audit.verify().ok

    # A restart: the map is rebuilt from the room (the paste, then the !masquer command).
    fresh = PendingValues(redactor, plume.messenger.fetch_content, plume.questions.store.revisions)
    assert (await fresh.mapping_for(question))["[LIEU_1]"] == VILLAGE
    assert (await fresh.redact(question, "à treminis")).text == "à [LIEU_1]"


async def test_masquer_says_why_nothing_changed(plume):
    agent = Agent(plume)
    await agent.paste()
    assert (await agent.say("!masquer"))["body"] == agents.MASK_USAGE[0]
    missing = await agent.say("!masquer Grenoble")
    assert "« Grenoble » n'apparaît pas" in missing["body"]
    assert "question.remasked" not in [e["kind"] for e in audit_events(plume)]
    await agent.say("!ok")
    assert "déjà été approuvée" in (await agent.say("!masquer treminis"))["body"]


async def test_masquer_default_type_and_known_values(plume):
    agent = Agent(plume)
    await agent.paste()
    done = await agent.say(f"!masquer « {VILLAGE} »")
    assert "par [NOM_2]" in done["body"]  # no recognizer, no digit: a name by default


async def test_confirm_before_send_prompt_mask_correct_confirm(confirming, redactor):
    plume, agent = confirming, Agent(confirming)
    paste_id = await agent.paste()
    prompt = plume.messenger.notices[-1]
    assert prompt["reply_to"] == paste_id and "rien n'est encore parti" in prompt["body"]
    assert [r["key"] for r in plume.messenger.reactions if r["target"] == prompt["event_id"]] \
        == list(agents.CONFIRM_BUTTONS)
    store = plume.questions.store
    question = await store.question_for_event(paste_id)
    assert question.status == "awaiting_confirmation" and not await store.latest_draft(question.id)

    assert "Rien n'a encore été envoyé" in (await agent.say("!regenerer"))["body"]
    prompt2 = await agent.say(f"!masquer {VILLAGE} comme commune", reply_to=prompt["event_id"])
    assert "[LIEU_1]" in prompt2["body"] and VILLAGE not in prompt2["body"]
    replaced = await agent.react(prompt["event_id"], agents.APPROVE)
    assert replaced["body"] == agents.PROMPT_REPLACED[0]
    assert not await store.latest_draft(question.id)

    ask = await agent.react(prompt2["event_id"], agents.EDIT)
    assert ask["body"] == agents.ASK_CORRECTION[0]
    prompt3 = await agent.reply(prompt2["event_id"],
                                f"Bonjour, {NAME} demande où en est sa prime d'activité.")
    assert "[NOM_1] demande" in prompt3["body"] and NAME not in prompt3["body"]
    draft = await agent.react(prompt3["event_id"], agents.APPROVE)
    assert draft["body"].startswith("Brouillon v1")
    question = await store.get_question(question.id)
    assert question.status == "drafted"
    assert question.redacted_text == "Bonjour, [NOM_1] demande où en est sa prime d'activité."
    kinds = [e["kind"] for e in audit_events(plume)]
    assert kinds.count("question.confirmation_requested") == 3
    assert kinds.index("question.confirmed") < kinds.index("draft.generated")
    assert "question.corrected" in kinds and "question.remasked" in kinds
    assert fold(VILLAGE) not in stored_text(plume) and fold(NAME) not in stored_text(plume)
    assert store.sync.audit.verify().ok

    fresh = PendingValues(redactor, plume.messenger.fetch_content, store.revisions)
    mapping = await fresh.mapping_for(question)
    assert mapping["[NOM_1]"] == NAME and mapping["[LIEU_1]"] == VILLAGE


async def test_confirm_before_send_discard_and_text_commands(confirming):
    plume, agent = confirming, Agent(confirming)
    await agent.paste()
    corrected = await agent.say("!modifier Bonjour, où en est mon dossier ?")
    assert "rien n'est encore parti" in corrected["body"] and "Texte corrigé" in corrected["body"]
    await agent.say("!rejeter doublon")
    kinds = [e["kind"] for e in audit_events(plume)]
    assert "decision.discarded" in kinds and "draft.generated" not in kinds
