"""Engine behaviour: placeholders, known mappings, re-hydration, offsets on pasted text,
leak guard, thread safety, configuration, CLI streams."""

from __future__ import annotations

import io
import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.config import ConfigError, RedactionConfig
from redaction import Redaction, rehydrate
from redaction.engine import resolve_entities
from handlers.messages.agents import leak_message
from tests.redaction_heldout_data import NBSP, ZWSP, iban_fr, nir
from tests.redaction_support import redactor, shared_redactor  # noqa: F401  (fixture)


def test_placeholders_numbered_per_type_in_order(redactor):
    text = ("Je suis Jean Dupont, tél 06 12 34 56 78, ma sœur Claire Martin au 07 11 22 33 44, "
            "écrivez à jean.dupont@example.fr")
    red = redactor.redact(text)
    assert red.text == ("Je suis [NOM_1], tél [TELEPHONE_1], ma sœur [NOM_2] au [TELEPHONE_2], "
                        "écrivez à [EMAIL_1]")
    assert red.mapping["[NOM_2]"] == "Claire Martin"
    assert red.counts() == {"PERSON": 2, "PHONE_NUMBER": 2, "EMAIL_ADDRESS": 1}
    assert [s.start for s in red.spans] == sorted(s.start for s in red.spans)


def test_same_value_same_placeholder_after_normalisation(redactor):
    red = redactor.redact("Appelez le 06 12 34 56 78 ou le 06.12.34.56.78, ou +33 6 12 34 56 78.")
    assert red.text.count("[TELEPHONE_1]") == 3
    assert "[TELEPHONE_2]" not in red.text


def test_name_found_once_is_masked_everywhere(redactor):
    red = redactor.redact("Madame Lucie Ferrand a écrit. Ferrand demande un délai ; LUCIE FERRAND signe.")
    assert "Ferrand" not in red.text and "FERRAND" not in red.text and "Lucie" not in red.text


def test_spans_are_offsets_into_the_original_text(redactor):
    phone = NBSP.join(["06", "12", "34", "56", "78"])
    number = ZWSP.join(nir("1850578006084", ""))
    text = f"tél{NBSP}: {phone} et NIR {number} fin"
    red = redactor.redact(text)
    found = {text[s.start:s.end]: s.entity_type for s in red.spans}
    assert found == {phone: "PHONE_NUMBER", number: "FR_NIR"}
    assert red.text == f"tél{NBSP}: [TELEPHONE_1] et NIR [NIR_1] fin"
    assert red.mapping["[NIR_1]"] == number


def test_known_values_are_masked_again_and_numbers_continue(redactor):
    first = redactor.redact("Je suis Paul Girard, tél 06 12 34 56 78.")
    second = redactor.redact("Girard a aussi le 07 99 88 77 66 et Paul Girard le 06 12 34 56 78.",
                             known=first.mapping)
    assert "[TELEPHONE_1]" in second.text and "[TELEPHONE_2]" in second.text
    assert "[NOM_1]" in second.text
    assert "Girard" not in second.text
    assert second.mapping["[TELEPHONE_1]"] == "06 12 34 56 78"
    assert second.mapping["[TELEPHONE_2]"] == "07 99 88 77 66"


def test_known_value_masked_even_without_recognizer(redactor):
    red = redactor.redact("Merci à Zorglub pour son aide.", known={"[NOM_3]": "Zorglub"})
    assert red.text == "Merci à [NOM_3] pour son aide."


def test_rehydrate_tolerates_llm_output():
    mapping = {"[NOM_1]": "Jean Dupont", "[TELEPHONE_1]": "06 12 34 56 78"}
    out = rehydrate("Bonjour [NOM_1], appelez-nous ([TELEPHONE_1]).[NOM_1]! [nom_1] [ NOM_1 ] "
                    "\\[NOM_1\\] [NOM_9] [IBAN_1]", mapping)
    assert out == ("Bonjour Jean Dupont, appelez-nous (06 12 34 56 78).Jean Dupont! Jean Dupont "
                   "Jean Dupont Jean Dupont [NOM_9] [IBAN_1]")


def test_round_trip(redactor):
    text = "Je m'appelle Nadia Haddad, née le 2 mai 1987, 4 rue des Lilas 31000 Toulouse."
    red = redactor.redact(text)
    assert "Haddad" not in red.text and "1987" not in red.text and "31000" not in red.text
    assert rehydrate(red.text, red.mapping) == text


def test_leaks_finds_identifiers_left_in_text(redactor):
    assert redactor.leaks("Bonjour [NOM_1], votre dossier est prêt.") == []
    text = f"Bonjour, IBAN {iban_fr('30004000031234567890143')} et 06 12 34 56 78, a@b.fr"
    assert redactor.leaks(text) == ["EMAIL_ADDRESS", "IBAN_CODE", "PHONE_NUMBER"]
    assert redactor.leaks(redactor.redact(text).text) == []


def test_leaks_ignores_invalid_checksums(redactor):
    good = nir("1850578006084", "")
    assert redactor.leaks(f"NIR {good}") == ["FR_NIR"]
    assert redactor.leaks(f"NIR {good[:-1]}{(int(good[-1]) + 1) % 10}") == []


def test_leak_message_is_french_and_names_the_types():
    message = leak_message(["PHONE_NUMBER", "IBAN_CODE"])
    assert "un numéro de téléphone et un IBAN" in message
    assert "n'ai rien envoyé" in message


def test_thread_safe_concurrent_redaction(redactor):
    texts = [f"Je suis Jean Martin{i}, tél 06 12 34 56 {i:02d}, NIR {nir('1850578006084')}"
             for i in range(24)]
    expected = [redactor.redact(t) for t in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(redactor.redact, texts))
    assert got == expected


def test_long_text_up_to_the_limit(redactor):
    block = "Je paie 450 euros selon l'article L. 262-2. Tél 06 12 34 56 78. "
    text = (block * (8000 // len(block) + 1))[:8000]
    red = redactor.redact(text)
    assert "06 12 34 56 78" not in red.text and "450 euros" in red.text
    assert set(red.counts()) <= {"PHONE_NUMBER"}


def test_empty_and_blank_text(redactor):
    assert redactor.redact("") == Redaction("", [], {})
    assert redactor.redact("  \n").text == "  \n"


def test_entities_config():
    assert "PERSON" in resolve_entities("default") and "LOCATION" not in resolve_entities("default")
    assert resolve_entities(["PHONE_NUMBER", "PERSON"]) == ("PHONE_NUMBER", "PERSON")
    with pytest.raises(ConfigError, match="redaction.entities"):
        resolve_entities(["PHONE_NUMBER", "SHOE_SIZE"])


def test_missing_spacy_model_is_a_config_error():
    from redaction import Redactor

    with pytest.raises(ConfigError, match="spacy_model"):
        Redactor(RedactionConfig(spacy_model="fr_core_news_absent"))


def test_redact_jsonl_stream(monkeypatch):
    from redaction import streams

    monkeypatch.setattr(streams, "Redactor", lambda config=None: shared_redactor())
    stdin = io.StringIO('{"id": "q1", "text": "Tél 06 12 34 56 78"}\nnot json\n\n'
                        '{"id": "q2"}\n{"id": 3, "text": "Rien ici."}\n')
    stdout = io.StringIO()
    streams.redact_jsonl(stdin, stdout, None)
    lines = [json.loads(line) for line in stdout.getvalue().splitlines()]
    assert lines[0] == {"id": "q1", "redacted": "Tél [TELEPHONE_1]", "spans": [
        {"start": 4, "end": 18, "entity_type": "PHONE_NUMBER", "placeholder": "[TELEPHONE_1]", "score": 1.0}]}
    assert lines[1]["id"] is None and "error" in lines[1]
    assert lines[2]["id"] == "q2" and "error" in lines[2]
    assert lines[3] == {"id": 3, "redacted": "Rien ici.", "spans": []}
    assert len(lines) == 4


def test_redact_plain_stream(monkeypatch):
    from redaction import streams

    monkeypatch.setattr(streams, "Redactor", lambda config=None: shared_redactor())
    stdout = io.StringIO()
    streams.redact_plain(io.StringIO("Écrivez à jean@example.fr\n"), stdout, None)
    assert stdout.getvalue() == "Écrivez à [EMAIL_1]\n"


def test_redact_eval_report(monkeypatch, tmp_path, capsys):
    from redaction import evaluation
    import redaction.engine

    monkeypatch.setattr(redaction.engine, "Redactor", lambda config=None: shared_redactor())
    corpus = tmp_path / "c.jsonl"
    docs = [
        {"id": "1", "text": "Tél 06 12 34 56 78 à Lyon", "pii": [{"start": 4, "end": 18, "label": "PHONE"}],
         "keep": [{"start": 21, "end": 25, "label": "CITY"}]},
        {"id": "2", "text": "Code 4521 XYZW", "pii": [{"start": 5, "end": 14, "label": "SECRET"}], "keep": []},
    ]
    corpus.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    evaluation.run_eval_command(corpus, None)
    out = capsys.readouterr().out
    assert "PHONE" in out and "SECRET" in out
    scores = evaluation.evaluate(lambda t: [(s.start, s.end, s.entity_type)
                                            for s in shared_redactor().redact(t).spans], docs)
    assert scores.leak_rate("PHONE") == 0.0 and scores.leak_rate("SECRET") == 1.0
    assert scores.leak_rate() == 0.5 and scores.keep_damage() == 0.0 and scores.fp_per_100() == 0.0


def test_scoring_counts_partial_cover_as_leak_and_overlap_as_damage():
    from redaction.evaluation import Scores, score_document

    doc = {"text": "ab 12 34 cd", "pii": [{"start": 3, "end": 8, "label": "X"}],
           "keep": [{"start": 0, "end": 2, "label": "K"}]}
    scores = Scores()
    score_document(scores, doc, [(3, 5, "X"), (1, 2, "Y")])
    assert scores.leaked["X"] == 1 and scores.damaged["K"] == 1 and scores.false_positives["Y"] == 1


def test_redact_jsonl_bad_lines_get_numbered_whole_errors_and_the_run_goes_on(monkeypatch):
    from typer.testing import CliRunner

    from bot.cli import app
    from redaction import streams

    monkeypatch.setattr(streams, "Redactor", lambda config=None: shared_redactor())
    lines = [
        b'{"id": "ok1", "text": "T\xc3\xa9l 07 98 76 54 32"}',
        b'{"id": "tab", "text": "a\tb"}',                     # raw control character
        b'',
        b'{"id": "x", "text": ',                             # cut short
        b'"just a string"',
        b'{"id": 7}',
        b'{"id": "n", "text": ["a"]}',
        b'{"id": "bad", "text": "caf\xe9"}',                  # Latin-1, not UTF-8
        b'\xef\xbb\xbf{"id": "bom", "text": "Rien."}',       # BOM
        b'{"id": "ok2", "text": "Rien \xc3\xa0 masquer."}',
    ]
    result = CliRunner().invoke(app, ["redact", "--jsonl"], input=b"\n".join(lines) + b"\n")
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["ok1", None, None, None, 7, "n", None, "bom", "ok2"]
    assert out[0]["redacted"] == "Tél [TELEPHONE_1]"
    errors = [o.get("error") for o in out]
    column = lines[1].index(b"\t") + 1
    assert errors[1] == f"ligne 2 : JSON invalide (Invalid control character at: line 1 column {column})"
    assert errors[2].startswith("ligne 4 : JSON invalide (Expecting value: line 1 column ")
    assert errors[3].startswith("ligne 5 : ") and "objet JSON" in errors[3]
    assert errors[4] == 'ligne 6 : champ "text" manquant'
    assert errors[5] == 'ligne 7 : le champ "text" doit être une chaîne (reçu : liste)'
    assert errors[6].startswith("ligne 8 : texte non UTF-8")
    assert out[7] == {"id": "bom", "redacted": "Rien.", "spans": []}
    assert out[8] == {"id": "ok2", "redacted": "Rien à masquer.", "spans": []}
