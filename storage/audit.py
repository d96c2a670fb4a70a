"""Audit hash chain (interface; implementation in progress).

CONTRACT (other packages rely on it):

    audit_key_from_env() -> bytes          # PLUME_AUDIT_KEY; raises AuditKeyMissing if unset
    AuditLog(db: storage.db.Database, key: bytes)
    AuditLog.append(kind, *, actor, question_id=None, payload=None, session=None) -> AuditEvent
        payload: JSON-able dict in placeholder form. With ``session`` (opened with
        ``db.session(immediate=True)``) the event joins the caller's transaction, so a state
        change and its audit event commit together.
    AuditLog.head() -> tuple[int, str]     # (seq, hash) of the newest event; (0, "0"*64) if empty
    AuditLog.verify(witnesses=None) -> VerifyReport(ok: bool, checked: int,
                                                    first_bad_seq: int | None, fault: str | None)
"""

from __future__ import annotations


class AuditKeyMissing(RuntimeError):
    pass


def audit_key_from_env() -> bytes:
    raise NotImplementedError


class AuditLog:
    def __init__(self, db, key: bytes) -> None:
        self.db = db
        self.key = key

    def append(self, kind: str, *, actor: str, question_id: str | None = None,
               payload: dict | None = None, session=None):
        raise NotImplementedError

    def head(self) -> tuple[int, str]:
        raise NotImplementedError
