"""Every French text the bot shows, one module per audience: ``agents`` (direct rooms),
``leads`` (lead rooms, daily summaries), ``security`` (security room, audit); ``entities`` is the
one table of entity-type labels. Help texts are generated from the verb declarations
(``handlers.verbs``). User content is always HTML-escaped.
"""

from __future__ import annotations

from html import escape

Message = tuple[str, str]  # (plain body, HTML formatted_body)


def paragraphs(text: str) -> str:
    """Plain text as escaped HTML, one ``<br>`` per line break."""
    return "<br>".join(escape(line) for line in text.split("\n"))


def notice(text: str) -> Message:
    return text, paragraphs(text)
