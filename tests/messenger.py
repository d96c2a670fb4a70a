"""``RecordingMessenger``: an in-memory ``handlers.base.Messenger`` for fast handler tests.

Everything sent is recorded in ``sent`` (dicts with ``type`` notice | file | reaction); it can
fail the first ``fail_notices`` notices (``SendError``) or every file upload.
"""

from __future__ import annotations

import itertools

from handlers.base import SendError


class RecordingMessenger:
    def __init__(self, *, fail_notices: int = 0, fail_files: bool = False, sink: list | None = None):
        self.sent: list[dict] = [] if sink is None else sink
        self.fail_notices = fail_notices
        self.fail_files = fail_files
        self.typing: list[tuple[str, bool]] = []
        self.contents: dict[str, dict] = {}  # event id -> content, for fetch_content
        self._ids = itertools.count(1)

    @property
    def notices(self) -> list[dict]:
        return [m for m in self.sent if m["type"] == "notice"]

    @property
    def files(self) -> list[dict]:
        return [m for m in self.sent if m["type"] == "file"]

    @property
    def reactions(self) -> list[dict]:
        return [m for m in self.sent if m["type"] == "reaction"]

    def _id(self, kind: str) -> str:
        return f"${kind}{next(self._ids)}"

    async def send_notice(self, room_id, body, html=None, *, reply_to=None, txn_id=None):
        if self.fail_notices:
            self.fail_notices -= 1
            raise SendError("homeserver refused")
        event_id = self._id("notice")
        self.sent.append({"type": "notice", "room_id": room_id, "body": body, "html": html,
                          "reply_to": reply_to, "txn_id": txn_id, "event_id": event_id})
        return event_id

    async def send_file(self, room_id, data, *, filename, mimetype, image=False, body=None):
        if self.fail_files:
            raise RuntimeError("upload refused")
        event_id = self._id("file")
        self.sent.append({"type": "file", "room_id": room_id, "data": data, "filename": filename,
                          "mimetype": mimetype, "image": image, "event_id": event_id})
        return event_id

    async def send_reaction(self, room_id, event_id, key):
        reaction_id = self._id("reaction")
        self.sent.append({"type": "reaction", "room_id": room_id, "target": event_id, "key": key,
                          "event_id": reaction_id})
        return reaction_id

    async def set_typing(self, room_id, typing):
        self.typing.append((room_id, typing))

    async def fetch_content(self, room_id, event_id):
        return self.contents.get(event_id)
