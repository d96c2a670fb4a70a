"""The ``plume`` command line (DESIGN §3.1). Commands stay thin: behaviour lives in the packages."""

from __future__ import annotations

import asyncio
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

import typer

from bot.config import Config, ConfigError, RedactionConfig, StorageConfig, load_config

app = typer.Typer(help="Plume: drafting assistant for public agents on Tchap.", no_args_is_help=True,
                  add_completion=False)
audit_app = typer.Typer(help="Audit log: verify the hash chain, export events.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")
sources_app = typer.Typer(help="Service-public.fr fiches: import them, find the best ones for questions.",
                          invoke_without_command=True)
app.add_typer(sources_app, name="sources")

_skip_teardown = False  # set once ``plume run`` has stopped cleanly: see main()

ConfigOpt = typer.Option(..., "-c", "--config", help="Path to the YAML configuration.")
OptionalConfigOpt = typer.Option(None, "-c", "--config", help="Path to the YAML configuration.")


def _config_exit(message: str) -> typer.Exit:
    typer.echo("Erreur de configuration : " + " ".join(message.split()), err=True)
    return typer.Exit(1)


@contextmanager
def _config_errors():
    """The command line's edge: a configuration problem found late (a spaCy model that is not
    installed, a database that cannot be reached) exits 1 with one line, never a traceback."""
    from sqlalchemy.exc import OperationalError

    try:
        yield
    except ConfigError as exc:
        raise _config_exit(str(exc)) from None
    except OperationalError as exc:
        reason = (str(exc.orig or exc).strip().splitlines() or [""])[0]
        raise _config_exit(f"storage.url: base de données injoignable ({reason})") from None


def _load(path: Path) -> Config:
    try:
        return load_config(path)
    except ConfigError as exc:
        raise _config_exit(str(exc)) from None


@app.command()
def run(config: Path = ConfigOpt) -> None:
    """Run the bot until stopped."""
    from bot.service import run_bot

    global _skip_teardown
    cfg = _load(config)
    with _config_errors():
        code = asyncio.run(run_bot(cfg))
    _skip_teardown = True
    raise typer.Exit(code)


@app.command()
def demo(keep: bool = typer.Option(False, "--keep", help="Leave the homeserver and bot running.")) -> None:
    """Start an embedded homeserver, the bot and a scripted agent; play one question end to end."""
    from harness.demo import run_demo

    raise typer.Exit(asyncio.run(run_demo(keep=keep)))


@app.command()
def redact(
    jsonl: bool = typer.Option(False, "--jsonl", help='JSON lines {"id","text"} in; {"id","redacted","spans"} lines out, same order.'),
    config: Optional[Path] = OptionalConfigOpt,
) -> None:
    """Read text on stdin and print it redacted."""
    from redaction.streams import redact_jsonl, redact_plain

    cfg = _load(config).redaction if config else None
    with _config_errors():
        (redact_jsonl if jsonl else redact_plain)(sys.stdin, sys.stdout, cfg)


@app.command("redact-eval")
def redact_eval(file: Path, config: Optional[Path] = OptionalConfigOpt) -> None:
    """Score the redactor on an annotated corpus: leak rate, keep damage, false positives per label."""
    from redaction.evaluation import run_eval_command

    cfg = _load(config).redaction if config else None
    with _config_errors():
        run_eval_command(file, cfg)


@audit_app.command("verify")
def audit_verify(
    config: Path = ConfigOpt,
    witness: Optional[Path] = typer.Option(None, "--witness", help="Exported witness heads to check against."),
) -> None:
    """Check the whole hash chain; exit 1 with the first bad seq when it is broken."""
    from bot.cli_audit import verify_command

    cfg = _load(config)
    with _config_errors():
        code = verify_command(cfg, witness)
    raise typer.Exit(code)


@audit_app.command("export")
def audit_export(
    config: Path = ConfigOpt,
    since: Optional[str] = typer.Option(None, "--since", help="YYYY-MM-DD or ISO 8601, inclusive."),
    until: Optional[str] = typer.Option(None, "--until", help="YYYY-MM-DD or ISO 8601, inclusive."),
    kind: Optional[list[str]] = typer.Option(None, "--kind", help="Only these kinds (repeatable)."),
    actor: Optional[list[str]] = typer.Option(None, "--actor", help="Only these actors (repeatable)."),
    fmt: str = typer.Option("jsonl", "--format", help="jsonl or csv."),
) -> None:
    """Stream audit events to stdout."""
    from bot.cli_audit import export_command

    cfg = _load(config)
    with _config_errors():
        code = export_command(cfg, since=since, until=until, kinds=kind or [], actors=actor or [],
                              fmt=fmt)
    raise typer.Exit(code)


@app.command()
def summary(
    config: Path = ConfigOpt,
    date: Optional[str] = typer.Option(None, "--date", help="YYYY-MM-DD; default: today in summary.timezone."),
    team: Optional[str] = typer.Option(None, "--team", help="One team; default: every team."),
    fmt: str = typer.Option("text", "--format", help="text or json."),
    post: bool = typer.Option(False, "--post", help="Also post it to the team's lead room."),
) -> None:
    """Compute (and optionally post) a team's daily summary."""
    from bot.cli_summary import summary_command

    cfg = _load(config)
    with _config_errors():
        code = summary_command(cfg, date=date, team=team, fmt=fmt, post=post)
    raise typer.Exit(code)


def main() -> None:
    """The ``plume`` console script. Once ``plume run`` has stopped (database and Matrix store
    closed, logs flushed) the process ends without the interpreter's teardown, which spends
    seconds freeing the spaCy model's objects: a SIGTERM then stops the bot within 10 s."""
    try:
        app()
    except SystemExit as exc:
        if not _skip_teardown:
            raise
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(exc.code if isinstance(exc.code, int) else 1)


@sources_app.callback()
def sources(
    ctx: typer.Context,
    jsonl: bool = typer.Option(False, "--jsonl", help='JSON lines {"id","text"} in; {"id","sources"} lines out.'),
    config: Optional[Path] = OptionalConfigOpt,
    k: int = typer.Option(5, "-k", min=1, max=50, help="Fiches per question."),
) -> None:
    """Best fiches for each question (--jsonl), or a subcommand."""
    if ctx.invoked_subcommand is None:
        if not jsonl:
            typer.echo(ctx.get_help())
            raise typer.Exit(2)
        from bot.sources import search_command

        cfg = _load(config) if config else _default_config()
        with _config_errors():
            code = search_command(cfg, k)
        raise typer.Exit(code)


@sources_app.command("import")
def sources_import(path: Path, config: Optional[Path] = OptionalConfigOpt) -> None:
    """Import the fiches (DILA zip, npm .tgz, or a folder of either); replaces the previous version."""
    from bot.sources import import_command

    cfg = _load(config) if config else _default_config()
    with _config_errors():
        code = import_command(cfg, path)
    raise typer.Exit(code)


def _default_config() -> Config:
    """Defaults without a file (storage.url, redaction.spacy_model), for commands that need no Matrix."""
    return Config.model_construct(storage=StorageConfig(), redaction=RedactionConfig())
