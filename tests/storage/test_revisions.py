"""Store: the agent's masks and corrections of a question's text, and the confirmation step.
Runs on SQLite and PostgreSQL (``db`` fixture). Invented values only."""

from __future__ import annotations

import json

from storage.models import AWAITING
from storage.store import Store

AGENT = "@agent:exemple.fr"
VALUE = "Tréminis"


def _question(store: Store):
    return store.open_question(event_id="$paste", room_id="!room", agent=AGENT, team=None,
                               redacted_text=f"Bonjour, [NOM_1] de {VALUE}.",
                               entity_counts={"PERSON": 1})


def _payloads(audit) -> list[tuple[str, dict | None]]:
    from storage.audit import ExportFilter
    return [(e["kind"], e["payload"] and json.loads(e["payload"]))
            for e in audit.iter_events(ExportFilter.build())]


def test_mask_rewrites_text_and_drafts_scrubs_earlier_payloads_and_verifies(db, audit):
    store = Store(db, audit)
    question = _question(store)
    store.add_draft(question, text=f"Bonjour [NOM_1] de {VALUE}", backend="anthropic", model="m",
                    latency_ms=5, instruction=None, actor=AGENT)
    store.add_draft(question, text="Madame,", backend="anthropic", model="m", latency_ms=5,
                    instruction=f"parler de {VALUE}", actor=AGENT)
    masked = store.revise(question, kind="mask", actor=AGENT, event_id="$cmd",
                          redacted_text="Bonjour, [NOM_1] de [LIEU_1].",
                          entity_counts={"PERSON": 1, "LOCATION": 1}, placeholder="[LIEU_1]",
                          entity_type="LOCATION", occurrences=1,
                          rewrite=lambda t: t.replace(VALUE, "[LIEU_1]"),
                          scrub=lambda p: VALUE in json.dumps(p, ensure_ascii=False))
    assert masked.redacted_text == "Bonjour, [NOM_1] de [LIEU_1]."
    assert masked.entity_counts == {"PERSON": 1, "LOCATION": 1}
    drafts = [store.latest_draft(question.id)]
    assert drafts[0].instruction == "parler de [LIEU_1]"
    kinds = _payloads(audit)
    assert [k for k, _ in kinds] == ["question.received", "question.redacted", "draft.generated",
                                     "draft.regenerated", "question.remasked"]
    assert kinds[1][1] is None and kinds[2][1] is None and kinds[3][1] is None  # scrubbed
    remask = kinds[4][1]
    assert remask["superseded_versions"] == [1, 2] and remask["scrubbed_seqs"] == [2, 3, 4]
    assert remask["placeholder"] == "[LIEU_1]" and remask["revision"] == 1
    assert VALUE not in json.dumps(remask, ensure_ascii=False)
    assert audit.verify().ok
    [rev] = store.revisions(question.id)
    assert (rev.kind, rev.event_id, rev.placeholder, rev.superseded_through) == ("mask", "$cmd",
                                                                                 "[LIEU_1]", 2)
    again = store.revise(masked, kind="mask", actor=AGENT, event_id="$cmd2",
                         redacted_text="[NOM_2], [NOM_1] de [LIEU_1].", entity_counts={},
                         placeholder="[NOM_2]", entity_type="PERSON", occurrences=1)
    assert _payloads(audit)[-1][1]["superseded_versions"] == []  # no draft since the last mask


def test_confirmation_step(db, audit):
    store = Store(db, audit)
    question = _question(store)
    store.ask_confirmation(question, "$prompt")
    assert store.prompt_for_event("$prompt").current
    corrected = store.revise(question, kind="correction", actor=AGENT, event_id="$reply",
                             redacted_text="Bonjour, [NOM_1].", entity_counts={"PERSON": 1},
                             scrub=lambda p: p.get("redacted_text") == question.redacted_text)
    assert corrected.status == AWAITING
    assert not store.prompt_for_event("$prompt").current  # the text it showed was replaced
    assert store.prompt_for_event("$unknown") is None
    confirmed = store.confirm(corrected, AGENT)
    assert confirmed.status == "redacted" and store.confirm(corrected, AGENT) is None
    kinds = _payloads(audit)
    assert [k for k, _ in kinds][-3:] == ["question.confirmation_requested", "question.corrected",
                                          "question.confirmed"]
    assert kinds[-1][1] == {"revision": 1, "redacted_text": "Bonjour, [NOM_1]."}
    assert kinds[1][1] is None  # the first text, replaced by the correction, is scrubbed
    assert audit.verify().ok
    store.decide(confirmed, None, kind="discarded", actor=AGENT)
    assert store.revise(confirmed, kind="mask", actor=AGENT, event_id="$late", redacted_text="x",
                        entity_counts={}) is None
