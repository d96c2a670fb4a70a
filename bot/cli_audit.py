"""``plume audit verify`` and ``plume audit export`` (DESIGN §3.1): thin wrappers around
storage.audit that load the key and the database, print French messages (from
``handlers.messages.security``) and show a progress bar on stderr when it is a terminal (stdout
carries the export).

Exit codes: 0 success (chain intact / export written); 1 broken chain, missing key, bad
argument or unreadable witness file.
"""

from __future__ import annotations

import getpass
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from handlers.messages.security import FAULT_LABELS, audit_key_missing, filter_error, unknown_format
from storage.audit import (FORMATS, AuditKeyMissing, AuditLog, ExportFilter, ExportFilterError,
                           audit_key_from_env, parse_witnesses)
from storage.db import Database

_PROGRESS_EVERY = 1000


def _error(message: str) -> int:
    print(f"erreur : {message}", file=sys.stderr)
    return 1


@contextmanager
def _progress(label: str, total: Callable[[], int]) -> Iterator[Callable[[int], None] | None]:
    """A callback advancing a progress bar on stderr, or None when stderr is not a terminal.
    ``total()`` (a database query) runs only when the bar is shown."""
    console = Console(stderr=True)
    if not console.is_terminal:
        yield None
        return
    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(label, total=total())

        def advance(n: int) -> None:
            if n % _PROGRESS_EVERY == 0:
                bar.update(task, completed=n)

        yield advance


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "inconnu"


def _open_audit(config) -> AuditLog:
    """The audit log of an existing database; never creates one (a typo must not verify "OK").

    Raises LookupError (French message) when the key is missing or the database has no audit log.
    """
    try:
        key = audit_key_from_env()
    except AuditKeyMissing as exc:
        raise LookupError(audit_key_missing(exc.kind)) from None
    db = Database(config.storage.url)
    if not db.has_table("audit_event"):
        db.dispose()
        raise LookupError(f"aucun journal d'audit dans la base {db.engine.url.render_as_string()} "
                          "(chemin ou URL de storage.url erroné ?)")
    return AuditLog(db, key)


def verify_command(config, witness_path: Path | None) -> int:
    """Verify the whole chain (and the witness heads in ``witness_path``); print the result."""
    witnesses = None
    if witness_path is not None:
        try:
            with open(witness_path, encoding="utf-8", errors="replace") as fh:
                witnesses = parse_witnesses(fh)
        except OSError as exc:
            return _error(f"lecture impossible de {witness_path} : {exc.strerror}")
        if not witnesses:
            return _error(f"aucun témoin (ligne « PLUME-WITNESS seq=… hash=… ») dans {witness_path}")
    try:
        audit = _open_audit(config)
    except LookupError as exc:
        return _error(str(exc))
    try:
        with _progress("Vérification", lambda: audit.head()[0]) as advance:
            report = audit.verify(witnesses, on_row=advance)
    finally:
        audit.db.dispose()
    if report.ok:
        extra = f", {report.witnesses} témoin(s) concordant(s)" if witnesses else ""
        print(f"OK : {report.checked} événements vérifiés{extra}, tête seq={report.head_seq} "
              f"hash={report.head_hash}")
        return 0
    print(f"ÉCHEC : première séquence en défaut {report.first_bad_seq} ({report.fault}) : "
          f"{FAULT_LABELS[report.fault]}. {report.checked} événements vérifiés avant le défaut.")
    return 1


def export_command(config, since: str | None, until: str | None, kinds: list[str], actors: list[str],
                   fmt: str) -> int:
    """Stream the matching events to stdout (JSON lines or CSV); the export is audited."""
    if fmt not in FORMATS:
        return _error(unknown_format(fmt))
    try:
        flt = ExportFilter.build(since, until, kinds, actors)
    except ExportFilterError as exc:
        return _error(filter_error(exc))
    try:
        audit = _open_audit(config)
    except LookupError as exc:
        return _error(str(exc))
    try:
        with _progress("Export", lambda: audit.count_events(flt)) as advance:
            audit.export(sys.stdout, flt, fmt, actor="plume", on_row=advance,
                         context={"via": "cli", "os_user": _os_user()})
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (e.g. `| head`); the export was still recorded as incomplete.
        return _error("sortie fermée avant la fin de l'export")
    finally:
        audit.db.dispose()
    return 0
