"""``plume summary``: JSON and text output, bad arguments, ``--post`` requests."""

from __future__ import annotations

import json

import pytest

from bot.cli_summary import summary_command
from storage import reporting
from tests.summary_support import DAY, make_config, seeded  # noqa: F401


def test_cli_json_and_text(seeded, capsys):
    cfg = make_config(seeded.url)
    assert summary_command(cfg, date="2026-03-10", team="alpha", fmt="json") == 0
    data = json.loads(capsys.readouterr().out)
    assert {k: data[k] for k in ("questions", "drafts", "approved", "edited", "discarded", "pending", "failed")} \
        == {"questions": 9, "drafts": 7, "approved": 2, "edited": 2, "discarded": 2, "pending": 3, "failed": 1}
    assert summary_command(cfg, date="2026-03-10", fmt="json") == 0
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(x)["team"] for x in lines] == ["alpha", "beta"]
    assert json.loads(lines[1])["discarded"] == 1
    assert summary_command(cfg, date="2026-03-10", team="alpha") == 0
    assert capsys.readouterr().out.startswith("Résumé Plume — équipe alpha — mardi 10 mars 2026\n")


@pytest.mark.parametrize("kwargs", [{"team": "gamma"}, {"date": "10/03/2026"}, {"fmt": "xml"}])
def test_cli_bad_arguments(sqlite_db, capsys, kwargs):
    assert summary_command(make_config(sqlite_db.url), **kwargs) == 1
    assert capsys.readouterr().err


def test_cli_post_queues_a_request_for_the_bot(sqlite_db, capsys):
    assert summary_command(make_config(sqlite_db.url), date="2026-03-10", team="alpha", post=True) == 0
    out = capsys.readouterr()
    assert "aucune activité" in out.out and "bot en marche" in out.err
    assert reporting.post_requests(sqlite_db) == [("alpha", DAY)]
    assert not reporting.summary_sent(sqlite_db, "alpha", DAY)  # on demand: not the daily send


def test_cli_refuses_a_database_that_does_not_exist(tmp_path, capsys):
    missing = tmp_path / "typo" / "plume.db"
    assert summary_command(make_config(f"sqlite:///{missing}")) == 1
    assert "storage.url" in capsys.readouterr().err
    assert not missing.exists()
