"""Behaviour of the bot: questions, decisions, commands, summaries and the security room.

Handlers are objects with their collaborators injected by ``bot.service.build_bot`` (the store
as ``storage.async_store.AsyncStore``, the redactor, the drafter, the Messenger). Their commands
and draft reactions are declared once with ``handlers.verbs.verb``; every French text is in
``handlers.messages``. Nothing here imports ``bot``: the event type is ``handlers.events.Incoming``.
"""
