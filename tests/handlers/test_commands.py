"""The verb table and the agents' handlers, fast: an in-memory Messenger, a real SQLite store, the
offline drafter and the real redactor. Synthetic data only."""

from __future__ import annotations

import itertools

import pytest
from sqlmodel import select

from bot.config import parse_config
from drafting import make_drafter
from drafting.config import LLMConfig
from handlers.access import AccessPolicy, RoomRole
from handlers.commands import CommandHandler
from handlers.decisions import DecisionHandler
from handlers.events import Incoming
from handlers.messages import agents
from handlers.pending import PendingValues
from handlers.profile import ProfileHandler
from handlers.questions import QuestionHandler
from handlers.security import SecurityHandler
from handlers.summaries import SummaryHandler
from handlers.verbs import AGENT, LEAD, SECURITY, Call, verb
from redaction.pool import RedactionPool
from storage.async_store import AsyncStore
from storage.audit import AuditLog
from storage.models import Decision
from storage.store import Store
from tests.fixtures.db import TEST_AUDIT_KEY
from tests.messenger import RecordingMessenger
from tests.redaction_support import redactor  # noqa: F401  (fixture)

AGENT_ID = "@agent.un:hs.test"
DM = "!dm:hs.test"
QUESTION = "Bonjour, je suis Camille Rousseau, joignable au 06 12 34 56 78. Où en est mon dossier ?"
_ids = itertools.count(1)


class Plume:
    """The handlers of one bot, wired as ``bot.service.build_bot`` does, without Matrix."""

    def __init__(self, db, redactor, *, extra_owners=()) -> None:
        self.config = parse_config({
            "matrix": {"homeserver": "https://hs.test", "user_id": "@plume:hs.test"},
            "teams": [{"name": "alpha", "lead_room": "!leads:hs.test", "leads": ["@chef:hs.test"],
                       "agents": [AGENT_ID]}],
            "security": {"room": "!sec:hs.test", "users": ["@rssi:hs.test"]},
        })
        self.db = db
        self.messenger = RecordingMessenger()
        store = AsyncStore(Store(db, AuditLog(db, TEST_AUDIT_KEY)))
        access = AccessPolicy(self.config)
        self.access = access
        redactor = RedactionPool(redactor, workers=1)
        pending = PendingValues(redactor, self.messenger.fetch_content, store.revisions)
        self.questions = QuestionHandler(config=self.config, store=store, redactor=redactor,
                                         drafter=make_drafter(LLMConfig(backend="offline")),
                                         messenger=self.messenger, pending=pending,
                                         max_question_chars=8000)
        self.decisions = DecisionHandler(store=store, redactor=redactor, messenger=self.messenger,
                                         pending=pending, questions=self.questions)
        owners = [self.decisions, ProfileHandler(store=store, messenger=self.messenger),
                  SummaryHandler(config=self.config, store=store, messenger=self.messenger, access=access),
                  SecurityHandler(config=self.config, store=store, messenger=self.messenger, access=access),
                  *extra_owners]
        self.commands = CommandHandler(store=store, messenger=self.messenger, owners=owners)

    async def paste(self, text: str = QUESTION) -> dict:
        """Paste a question in the agent's room; returns the draft notice."""
        event = Incoming("text", DM, f"$paste{next(_ids)}", AGENT_ID, body=text)
        await self.questions.on_paste(event)
        return next(n for n in self.messenger.notices if n["reply_to"] == event.event_id)

    async def say(self, body: str, *, room: str = DM, sender: str = AGENT_ID, reply_to=None) -> dict:
        event = Incoming("text", room, f"$cmd{next(_ids)}", sender, body=body, reply_to=reply_to)
        await self.commands.on_command(event, self.access.role_of(room))
        return self.messenger.notices[-1]

    async def react(self, target: str, key: str) -> None:
        await self.decisions.on_reaction(Incoming("reaction", DM, f"$react{next(_ids)}", AGENT_ID,
                                                  target=target, key=key))

    def decision(self) -> Decision | None:
        with self.db.session() as s:
            return s.exec(select(Decision)).first()


@pytest.fixture
def plume(sqlite_db, redactor):
    return Plume(sqlite_db, redactor)


def test_help_lists_every_verb_of_the_room_audience(plume):
    verbs = plume.commands.verbs
    for audience, expected in ((AGENT, ["!ok", "!modifier <texte>", "!regenerer [consigne]",
                                        "!regenerer plus court [consigne]",
                                        "!regenerer plus simple [consigne]",
                                        "!regenerer plus formel [consigne]",
                                        "!rejeter [raison]", "!sources",
                                        "!masquer <mot ou expression> [comme <type>]",
                                        "!signature [texte]", "!aide"]),
                               (LEAD, ["!resume [AAAA-MM-JJ]", "!aide"]),
                               (SECURITY, ["!audit verifier", "!audit export AAAA-MM-JJ AAAA-MM-JJ",
                                           "!audit tete", "!aide"])):
        body, _ = verbs.help_for(audience)
        lines = [line for line in body.splitlines() if line.startswith("• ")]
        assert [line.split(" : ")[0].split("!", 1)[1] for line in lines] == [e[1:] for e in expected]
    assert verbs.emojis() == (*agents.DRAFT_BUTTONS[:3], *agents.TONE_EMOJIS.values(),
                              agents.DRAFT_BUTTONS[3])


async def test_aide_answers_per_room(plume):
    assert "!ok" in (await plume.say("!aide"))["body"]
    lead_help = (await plume.say("!Aide", room="!leads:hs.test", sender="@chef:hs.test"))["body"]
    assert "!resume" in lead_help and "!ok" not in lead_help
    assert "!audit tete" in (await plume.say("!aide", room="!sec:hs.test", sender="@rssi:hs.test"))["body"]


async def test_command_and_reaction_run_the_same_verb(plume):
    draft = await plume.paste()
    assert "Camille Rousseau" in draft["body"]          # real values back, for the agent only
    assert [r["key"] for r in plume.messenger.reactions] == list(agents.DRAFT_BUTTONS)
    final = await plume.say("!OK")
    assert final["body"].startswith("✅ Brouillon approuvé") and final["reply_to"] == draft["event_id"]
    assert plume.decision().kind == "approved"

    draft = await plume.paste("Bonjour, mon numéro allocataire a changé, que faire ?")
    await plume.react(draft["event_id"], "✅")             # without the variation selector
    assert plume.messenger.notices[-1]["body"].startswith("✅ Brouillon approuvé")


async def test_edit_reaction_asks_and_command_records(plume):
    draft = await plume.paste()
    await plume.react(draft["event_id"], agents.EDIT)
    assert plume.messenger.notices[-1]["body"] == agents.ASK_EDIT[0]
    assert plume.decision() is None
    assert (await plume.say("!modifier"))["body"] == agents.EDIT_NEEDS_TEXT[0]
    await plume.say("!modifier Madame Rousseau, votre dossier est complet.")
    decision = plume.decision()
    assert decision.kind == "edited" and "Rousseau" not in decision.final_text   # stored redacted
    assert "déjà été modifiée" in (await plume.say("!rejeter"))["body"]


async def test_agent_verbs_are_unknown_in_staff_rooms_and_nothing_pending_is_said(plume):
    notice = await plume.say("!ok", room="!leads:hs.test", sender="@chef:hs.test")
    assert notice["body"].startswith("Commande inconnue : !ok")
    assert (await plume.say("!ok"))["body"] == agents.NO_PENDING[0]
    assert (await plume.say("!envoyer"))["body"].startswith("Commande inconnue : !envoyer")


class Noting:
    """A handler added by another feature: one decorated method extends the table."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    async def prepare(self, call: Call) -> str:
        return call.event.room_id

    @verb("noter", AGENT, "noter un mot", usage="<mot>")
    async def note(self, room_id: str, call: Call) -> None:
        self.calls.append(call.args)


async def test_a_new_verb_is_one_decorated_method(sqlite_db, redactor):
    noting = Noting()
    plume = Plume(sqlite_db, redactor, extra_owners=[noting])
    await plume.commands.on_command(Incoming("text", DM, "$m1", AGENT_ID, body="!Noter Rousseau"),
                                    RoomRole("direct"))
    assert noting.calls == ["Rousseau"]
    assert "!noter <mot> : noter un mot" in plume.commands.verbs.help_for(AGENT)[0]
