"""Property: any single-field corruption of any audit row is detected (SQLite and PostgreSQL)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from storage.audit import canonical_json

ROWS = 8
# Text PostgreSQL can store (no NUL) and JSON can encode (no lone surrogates).
_chars = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
_text = st.text(_chars, min_size=0, max_size=30)
_hex = st.text("0123456789abcdef", min_size=64, max_size=64)
_payload = st.one_of(
    st.none(),
    _text,
    st.dictionaries(st.text(_chars, max_size=8), st.one_of(st.integers(), _text, st.booleans()), max_size=3)
    .map(canonical_json),
)
FIELD_VALUES = {
    "seq": st.one_of(st.integers(-5, 0), st.integers(ROWS + 1, 10_000)),
    "ts": _text,
    "actor": _text,
    "kind": _text,
    "question_id": st.one_of(st.none(), _text),
    "payload": _payload,
    "payload_hash": _hex,
    "prev_hash": _hex,
    "hash": _hex,
}

# The fault each field's corruption must be reported as.
EXPECTED_FAULT = {"seq": "seq_gap", "prev_hash": "prev_hash_mismatch", "payload": "payload_mismatch",
                  "ts": "hash_mismatch", "actor": "hash_mismatch", "kind": "hash_mismatch",
                  "question_id": "hash_mismatch", "payload_hash": "hash_mismatch", "hash": "hash_mismatch"}


def _build(audit) -> list[dict]:
    for i in range(ROWS):
        audit.append(["question.received", "draft.generated", "decision.edited"][i % 3],
                     actor=f"@agent.{i}:exemple.fr", question_id=None if i % 4 == 0 else f"q-{i}",
                     payload={"n": i, "texte": f"Réponse à [NOM_{i}]"})
    with audit.db.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(text("SELECT * FROM audit_event ORDER BY seq"))]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_single_field_corruption_is_detected(audit, data):
    if not hasattr(audit, "_property_rows"):  # the chain is built once per database
        audit._property_rows = _build(audit)
        assert audit.verify().ok
    original = data.draw(st.sampled_from(audit._property_rows), label="row")
    field = data.draw(st.sampled_from(sorted(FIELD_VALUES)), label="field")
    value = data.draw(FIELD_VALUES[field].filter(lambda v: v != original[field]), label="value")
    new_seq = value if field == "seq" else original["seq"]

    with audit.db.engine.begin() as conn:
        conn.execute(text(f"UPDATE audit_event SET {field} = :v WHERE seq = :s"), {"v": value, "s": original["seq"]})
    try:
        report = audit.verify()
        assert not report.ok
        if field == "seq":  # the gap shows at the first missing number
            assert report.first_bad_seq is not None and report.first_bad_seq <= original["seq"]
            assert report.fault == "seq_gap"
        else:
            expected = "payload_missing" if field == "payload" and value is None else EXPECTED_FAULT[field]
            assert (report.first_bad_seq, report.fault) == (original["seq"], expected)
    finally:
        restore = ", ".join(f"{k} = :{k}" for k in original)
        with audit.db.engine.begin() as conn:
            conn.execute(text(f"UPDATE audit_event SET {restore} WHERE seq = :cur"), {**original, "cur": new_seq})
    assert audit.verify().ok
