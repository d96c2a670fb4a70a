"""Configuration validation and the command line's handling of a bad file."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.config import ConfigError, load_config, parse_config

MINIMAL = {"matrix": {"homeserver": "https://matrix.example.fr", "user_id": "@plume:example.fr"}}


def test_example_configuration_is_valid():
    config = load_config("config.example.yaml")
    assert config.llm.backend == "anthropic" and config.redaction.max_question_chars == 8000
    assert config.storage.retention_days == 365 and config.summary.timezone == "Europe/Paris"
    assert config.teams[0].privacy.confirm_before_send is False


def test_confirm_before_send_is_per_team_and_off_by_default():
    config = parse_config({**MINIMAL, "teams": [
        {"name": "a", "agents": ["@a:example.fr"], "privacy": {"confirm_before_send": True}},
        {"name": "b", "agents": ["@b:example.fr"]}]})
    assert [t.privacy.confirm_before_send for t in config.teams] == [True, False]
    with pytest.raises(ConfigError, match=r"^teams\.0\.privacy\.confirm"):
        parse_config({**MINIMAL, "teams": [{"name": "a", "privacy": {"confirm": True}}]})


@pytest.mark.parametrize("patch, field", [
    ({"llm": {"backend": "gpt"}}, "llm.backend"),
    ({"summary": {"time": "25:00"}}, "summary.time"),
    ({"summary": {"timezone": "Europe/Lutece"}}, "summary.timezone"),
    ({"matrix": {"homeserver": "https://m.example.fr", "user_id": "plume"}}, "matrix.user_id"),
    ({"storage": {"password": "secret"}}, "storage.password"),  # secrets never in the file
])
def test_bad_field_is_named(patch, field):
    with pytest.raises(ConfigError, match=rf"^{field}"):
        parse_config({**MINIMAL, **patch})


def test_run_with_bad_config_exits_1_naming_the_field(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("matrix:\n  homeserver: https://m.example.fr\n  user_id: '@plume:example.fr'\n"
                    "llm:\n  timeout_s: -1\n")
    result = CliRunner().invoke(app, ["run", "-c", str(path)])
    assert result.exit_code == 1
    assert "llm.timeout_s" in result.output


def test_run_without_audit_key_refuses_to_start(tmp_path, monkeypatch):
    monkeypatch.delenv("PLUME_AUDIT_KEY", raising=False)
    path = tmp_path / "config.yaml"
    path.write_text("matrix:\n  homeserver: http://127.0.0.1:9\n  user_id: '@plume:example.fr'\n"
                    f"storage:\n  url: sqlite:///{tmp_path}/p.db\nllm:\n  backend: offline\n")
    result = CliRunner().invoke(app, ["run", "-c", str(path)])
    assert result.exit_code == 1
    assert "PLUME_AUDIT_KEY" in result.output
