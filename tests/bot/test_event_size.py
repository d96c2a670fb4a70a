"""Cutting texts to the homeserver's event size limit (bot.event_size)."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from bot.event_size import MAX_CONTENT_BYTES, fits, json_size, notice_parts, split_text

WORDS = st.sampled_from(["Bonjour", "[NOM_1]", "équipe", "à", "réponse", "« dossier »", "😀", '"x"',
                         "\\", "déjà", "", "ligne\ttab"])
LINES = st.lists(WORDS, max_size=300).map(" ".join)
TEXTS = st.lists(LINES, min_size=1, max_size=12).map("\n".join)


@settings(max_examples=200, deadline=None)
@given(TEXTS, st.integers(min_value=16, max_value=4000))
def test_every_chunk_fits_and_nothing_is_lost(text, budget):
    chunks = split_text(text, budget)
    assert all(json_size(c) - 2 <= budget for c in chunks)
    assert "".join(chunks).replace("\n", "") == text.replace("\n", "")


def test_a_short_text_stays_whole_and_lines_are_kept_together():
    assert split_text("Bonjour\nMadame", 100) == ["Bonjour\nMadame"]
    assert split_text("aaaaaaa\nbbbbbbb\ncccc", 16) == ["aaaaaaa\nbbbbbbb", "cccc"]


def test_a_long_line_is_cut_at_spaces():
    line = " ".join(["réponse"] * 100)
    chunks = split_text(line, 200)
    assert len(chunks) > 1
    assert all(c.startswith(" ") or c == chunks[0] for c in chunks)  # cut before a space
    assert all(not c.rstrip().endswith("répon") for c in chunks)  # never inside a word


def test_fits_measures_the_escaped_json():
    assert fits({"body": "a" * (MAX_CONTENT_BYTES - 20)})
    assert not fits({"body": "é" * (MAX_CONTENT_BYTES // 6 + 10)})  # \u00e9: 6 bytes each


def test_a_notice_too_large_goes_in_numbered_parts_keeping_its_relation():
    relation = {"m.in_reply_to": {"event_id": "$question"}}
    small = {"msgtype": "m.notice", "body": "Bonjour", "m.relates_to": relation}
    assert notice_parts(small, lambda n, c: f"({n}/{c})") == [small]
    body = "\n".join(f"Ligne {i} : réponse à relire." for i in range(6000))
    big = {**small, "body": body, "format": "org.matrix.custom.html", "formatted_body": body}
    parts = notice_parts(big, lambda n, c: f"({n}/{c})")
    assert len(parts) > 2 and all(fits(p) for p in parts)
    assert [p["body"].split("\n", 1)[0] for p in parts] == [f"({n}/{len(parts)})"
                                                             for n in range(1, len(parts) + 1)]
    assert all(p["m.relates_to"] == relation and "formatted_body" not in p for p in parts)
    assert "\n".join(p["body"].split("\n", 1)[1] for p in parts) == body
