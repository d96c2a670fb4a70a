"""Verbs: every text command and draft reaction, declared once on the method that handles it.

A handler method is declared with ``@verb``::

    @verb("ok", AGENT, "approuver le brouillon", emoji=APPROVE)
    async def approve(self, target, call: Call) -> None: ...

``VerbTable`` collects the declarations of the handler objects it is given; the dispatcher
(``handlers.commands``) finds a verb by its words (``!audit verifier`` is the two words
``audit verifier``; up to three: ``!regenerer plus court``) and the draft reactions by emoji,
and ``help_for(audience)`` writes the ``!aide`` text of a room from the same declarations.

Before a verb runs, its handler's ``prepare(call)`` checks who asks and where and returns the
target the verb acts on (e.g. the draft), or None when it already answered (a refusal, nothing
pending). Adding a command is one decorated method on the handler of its audience.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Protocol

from common.text import fold
from handlers.access import RoomRole
from handlers.events import Incoming, normalise_key
from handlers.messages import Message, notice

AGENT, LEAD, SECURITY = "agent", "lead", "security"  # who a verb is for: its room kind
ANY = "any"  # every room (``!aide``)
AUDIENCE_OF_ROOM = {"direct": AGENT, "lead": LEAD, "security": SECURITY}


@dataclass(frozen=True)
class Verb:
    """One command. ``words``: folded (``("audit", "verifier")``); ``help``: a French line;
    ``usage``: the arguments as shown in the help (``"<texte>"``); ``emoji``: the reaction key
    that does the same on a draft."""

    words: tuple[str, ...]
    audience: str
    help: str
    usage: str = ""
    emoji: str | None = None

    @property
    def command(self) -> str:
        return "!" + " ".join(self.words) + (f" {self.usage}" if self.usage else "")


@dataclass(frozen=True)
class Call:
    """One use of a verb: the event, its room's role, the text after the verb's words, and
    ``via`` (``command`` or ``reaction``)."""

    event: Incoming
    role: RoomRole
    verb: Verb
    args: str = ""
    via: str = "command"

    @property
    def words(self) -> list[str]:
        return self.args.split()


VerbMethod = Callable[[Any, Call], Awaitable[None]]


def verb(command: str, audience: str, help: str, *, usage: str = "",
         emoji: str | None = None) -> Callable[[VerbMethod], VerbMethod]:
    """Declare the decorated handler method as the verb ``command`` (words without ``!``)."""
    declared = Verb(tuple(fold(w) for w in command.split()), audience, help, usage, emoji)

    def mark(method: VerbMethod) -> VerbMethod:
        method.__verb__ = declared
        return method

    return mark


class VerbOwner(Protocol):
    async def prepare(self, call: Call) -> Any | None:
        """The target of ``call`` (passed to the verb method), or None when it must not run."""


@dataclass(frozen=True)
class Bound:
    verb: Verb
    owner: VerbOwner
    method: Callable[[Any, Call], Awaitable[None]]

    async def run(self, call: Call) -> None:
        target = await self.owner.prepare(call)
        if target is not None:
            await self.method(target, call)


class VerbTable:
    """The verbs declared by ``owners`` (handler objects), in declaration order."""

    def __init__(self, owners: list[VerbOwner], *, intros: dict[str, str] | None = None,
                 outros: dict[str, str] | None = None) -> None:
        self.entries: list[Bound] = []
        for owner in owners:
            declared = [(m.__code__.co_firstlineno, name, m.__verb__)
                        for name, m in inspect.getmembers(type(owner), inspect.isfunction)
                        if hasattr(m, "__verb__")]
            self.entries += [Bound(v, owner, getattr(owner, name)) for _, name, v in sorted(declared)]
        self._intros = intros or {}
        self._outros = outros or {}

    def find(self, words: list[str]) -> Bound | None:
        """The verb whose words start ``words`` (folded), the longest first."""
        for size in (3, 2, 1):
            key = tuple(words[:size])
            for bound in self.entries:
                if bound.verb.words == key:
                    return bound
        return None

    def group(self, word: str) -> list[Bound]:
        """The verbs whose first word is ``word`` (``audit`` → every ``!audit …``)."""
        return [b for b in self.entries if b.verb.words[0] == word]

    def by_emoji(self, key: str) -> Bound | None:
        """The draft verb of a reaction key (variation selectors ignored)."""
        key = normalise_key(key)
        return next((b for b in self.entries
                     if b.verb.emoji and normalise_key(b.verb.emoji) == key), None)

    def emojis(self, audience: str = AGENT) -> tuple[str, ...]:
        return tuple(b.verb.emoji for b in self.entries
                     if b.verb.audience == audience and b.verb.emoji)

    def help_for(self, audience: str, *, intro: str | None = None) -> Message:
        """The ``!aide`` text of a room of ``audience``: intro, one line per verb, outro."""
        lines = [f"• {(b.verb.emoji + ' ') if b.verb.emoji else ''}{b.verb.command} : {b.verb.help}"
                 for b in self.entries if b.verb.audience in (audience, ANY)]
        heading = ("Commandes (ou réaction sur le brouillon) :" if self.emojis(audience)
                   else "Commandes :")
        parts = [intro or self._intros.get(audience, ""), heading + "\n" + "\n".join(lines),
                 self._outros.get(audience, "")]
        return notice("\n".join(p for p in parts if p))

