"""Configuration errors: one line naming the field, exit code 1, never a traceback, for every
command that reads a configuration. The commands run as real ``plume`` processes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.config import ConfigError, parse_config
from tests.fixtures.db import TEST_AUDIT_KEY

MINIMAL = {"matrix": {"homeserver": "https://matrix.example.fr", "user_id": "@plume:example.fr"}}
PLUME = [sys.executable, "-c", "from bot.cli import main; main()"]

COMMANDS = {
    "run": ["run"],
    "redact": ["redact"],
    "audit verify": ["audit", "verify"],
    "audit export": ["audit", "export"],
    "summary": ["summary"],
}

BASE_YAML = """\
matrix:
  homeserver: http://127.0.0.1:9
  user_id: "@plume:example.fr"
llm:
  backend: offline
teams:
  - name: equipe
"""


@pytest.mark.parametrize("patch, field, words", [
    ({"redaction": {"entities": ["PERSON", "FR_NIRR"]}}, "redaction.entities", "FR_NIRR"),
    ({"storage": {"url": "postgresql+psycopg://u@h:notaport/db"}}, "storage.url", "not a valid"),
    ({"storage": {"url": "plume.db"}}, "storage.url", "not a valid"),
    ({"storage": {"url": "mongodb://h/db"}}, "storage.url", "unknown database"),
    ({"storage": {"url": "mysql://h/db"}}, "storage.url", "SQLite and PostgreSQL"),
    ({"storage": {"url": "postgresql+pg8000://u@h/db"}}, "storage.url", "not installed"),
    ({"matrix": "plume"}, "matrix", "dictionary"),
    ({"teams": [{"name": "a", "agents": "@x:example.fr"}]}, "teams.0.agents", "list"),
    ({"metrics": {"port": "neuf"}}, "metrics.port", "integer"),
    ({"logging": {"format": "xml"}}, "logging.format", "json"),
])
def test_field_is_named_on_one_line(patch, field, words):
    with pytest.raises(ConfigError) as caught:
        parse_config({**MINIMAL, **patch})
    message = str(caught.value)
    assert message.startswith(f"{field}: ") and words in message and "\n" not in message


def test_database_url_password_is_not_echoed():
    with pytest.raises(ConfigError) as caught:
        parse_config({**MINIMAL, "storage": {"url": "postgresql+psycopg://u:s3cr3t@h:port/db"}})
    assert "s3cr3t" not in str(caught.value)


def test_default_entities_and_explicit_known_list_are_valid():
    assert parse_config(MINIMAL).redaction.entities == "default"
    assert parse_config({**MINIMAL, "redaction": {"entities": ["PERSON", "FR_NIR"]}})


def test_entity_names_match_the_recognizers():
    from redaction.entity_types import ALL_ENTITIES
    from redaction.recognizers import RECOGNIZERS

    assert tuple(RECOGNIZERS) == ALL_ENTITIES


def _plume(args: list[str], cwd: Path, stdin: str = "") -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "PLUME_AUDIT_KEY": TEST_AUDIT_KEY.decode(),
           "PLUME_MATRIX_PASSWORD": "unused", "PYTHONPATH": str(Path(__file__).parents[2])}
    return subprocess.run(PLUME + args, cwd=cwd, input=stdin, capture_output=True, text=True,
                          env=env, timeout=120)


def _assert_one_line_error(result: subprocess.CompletedProcess, *needles: str) -> None:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0]


BAD_FILES = {
    "unknown entity": (BASE_YAML + "redaction:\n  entities: [PERSON, FR_NIRR]\n",
                       ("redaction.entities", "FR_NIRR")),
    "malformed storage.url": (BASE_YAML + "storage:\n  url: 'postgresql+psycopg://u@h:port/db'\n",
                              ("storage.url",)),
    "bad YAML": (BASE_YAML + "summary: [18:00\n", ("invalid YAML", "line")),
    "wrong type": (BASE_YAML + "summary:\n  catch_up_hours: [6]\n", ("summary.catch_up_hours",)),
}


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("case", BAD_FILES)
def test_every_command_exits_1_with_one_line(tmp_path, monkeypatch, command, case):
    text, needles = BAD_FILES[case]
    (tmp_path / "config.yaml").write_text(text)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, COMMANDS[command] + ["-c", "config.yaml"], input="Bonjour")
    assert isinstance(result.exception, SystemExit) and result.exit_code == 1, result.exception
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and all(n in lines[0] for n in needles), result.stderr


@pytest.mark.parametrize("command, case", list(zip(COMMANDS, [*BAD_FILES, "unknown entity"])))
def test_as_a_process_no_traceback(tmp_path, command, case):
    text, needles = BAD_FILES[case]
    (tmp_path / "config.yaml").write_text(text)
    result = _plume(COMMANDS[command] + ["-c", "config.yaml"], tmp_path, stdin="Bonjour")
    _assert_one_line_error(result, *needles)


def test_unreachable_database_is_one_line(tmp_path):
    (tmp_path / "config.yaml").write_text(
        BASE_YAML + "storage:\n  url: 'postgresql+psycopg://plume@127.0.0.1:9/plume'\n")
    result = _plume(["audit", "verify", "-c", "config.yaml"], tmp_path)
    _assert_one_line_error(result, "storage.url", "injoignable")


def test_spacy_model_not_installed_is_one_line(tmp_path):
    (tmp_path / "config.yaml").write_text(BASE_YAML + "redaction:\n  spacy_model: fr_absent_sm\n")
    result = _plume(["redact", "-c", "config.yaml"], tmp_path, stdin="Bonjour")
    _assert_one_line_error(result, "redaction.spacy_model", "fr_absent_sm")
