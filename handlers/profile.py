"""The agent's own settings: ``!signature <texte>`` · ``!signature`` · ``!signature effacer``.

The signature (name, function, service, on one or more lines) is the agent's own data, given for
one purpose: it is added under their drafts and approved texts, locally, when the message is
built (``handlers.messages.agents``). It is never sent to the model, never part of a stored draft,
not redacted (it would mask the agent's own name: the redaction rule protects citizens' data),
never logged, and audited without its text so that ``effacer`` really erases it.
"""

from __future__ import annotations

import re

from common.text import fold
from handlers.base import Messenger
from handlers.messages import agents as messages
from handlers.verbs import AGENT, Call, verb
from storage.async_store import AsyncStore

MAX_SIGNATURE_CHARS = 500


def without_signature(text: str, signature: str | None) -> str:
    """``text`` without ``signature`` at its end (whitespace-insensitive), e.g. an edit the agent
    copied from a signed draft: the signature must not be stored with the final text."""
    if not signature or not signature.split():
        return text
    tail = r"\s+".join(re.escape(word) for word in signature.split())
    return re.sub(rf"\s*{tail}\s*\Z", "", text)


class ProfileHandler:
    def __init__(self, *, store: AsyncStore, messenger: Messenger) -> None:
        self.store = store
        self.messenger = messenger

    async def prepare(self, call: Call) -> str | None:
        """The agent's user id; agents' direct rooms only."""
        if call.role.kind != "direct":
            await self.messenger.send_notice(call.event.room_id,
                                             *messages.unknown_command(f"!{call.verb.words[0]}"))
            return None
        return call.event.sender

    @verb("signature", AGENT, "votre signature et votre service, ajoutés sous vos brouillons "
          "(jamais envoyés au modèle) ; « !signature » seul l'affiche, « !signature effacer » la "
          "supprime", usage="[texte]")
    async def signature(self, agent: str, call: Call) -> None:
        text = call.args.strip()
        room_id = call.event.room_id
        if not text:
            await self.messenger.send_notice(room_id, *messages.signature_shown(
                await self.store.signature(agent)))
        elif fold(text) == "effacer":
            await self.store.set_signature(agent, None)
            await self.messenger.send_notice(room_id, *messages.SIGNATURE_CLEARED)
        elif len(text) > MAX_SIGNATURE_CHARS:
            await self.messenger.send_notice(room_id, *messages.signature_too_long(MAX_SIGNATURE_CHARS))
        else:
            await self.store.set_signature(agent, text)
            await self.messenger.send_notice(room_id, *messages.signature_set(text))
