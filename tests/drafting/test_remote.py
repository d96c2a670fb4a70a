"""Drafting backends through the real SDK code paths, against the fake LLM HTTP server."""

from __future__ import annotations

import asyncio
import logging
import socket

import pytest
import structlog

from bot.config import ConfigError, LLMConfig
from drafting import DRAFT_ERROR_KINDS, DraftError, make_drafter
from drafting.prompts import SYSTEM_PROMPT
from drafting.remote import call_deadline_s, kind_of_status
from handlers.messages.agents import draft_error
from tests.fake_llm import FakeLLMServer
from tests.fixtures.llm import DUMMY_API_KEY, fake_llm_config

QUESTION = (
    "Bonjour, je suis [NOM_1], mon numéro de sécurité sociale est [NIR_1]. J'habite [ADRESSE_1]. "
    "Je n'ai pas reçu ma carte grise, que dois-je faire ?"
)


@pytest.fixture
async def drafter(llm_config):
    d = make_drafter(llm_config)
    yield d
    await d.aclose()


async def _draft_error(drafter, question: str = QUESTION) -> DraftError:
    with pytest.raises(DraftError) as info:
        await drafter.draft(question)
    return info.value


# -- anthropic: success and request shape ---------------------------------------------------

async def test_anthropic_success_sends_redacted_question_and_system_prompt(fake_llm, drafter):
    result = await drafter.draft(QUESTION)

    assert result.backend == "anthropic" and result.model == "claude-test"
    assert result.text.startswith("Bonjour [NOM_1],")
    assert "[NIR_1]" in result.text and "[ADRESSE_1]" in result.text
    assert result.notes == ()
    assert isinstance(result.latency_ms, int) and result.latency_ms >= 0

    [request] = fake_llm.requests
    assert request.api == "anthropic" and request.status == 200
    assert request.body["model"] == "claude-test"
    assert request.body["max_tokens"] == 800
    assert request.system == SYSTEM_PROMPT
    assert request.headers["authorization"] == f"Bearer {DUMMY_API_KEY}"
    [(role, text)] = request.messages
    assert role == "user" and QUESTION in text


async def test_reply_text_is_returned_as_sent(fake_llm, drafter):
    fake_llm.reply_with("  Madame, Monsieur,\n\nVotre dossier est en cours d'instruction.\n")
    result = await drafter.draft(QUESTION)
    assert result.text == "Madame, Monsieur,\n\nVotre dossier est en cours d'instruction."


async def test_truncated_answer_gets_a_notice(fake_llm, drafter):
    fake_llm.reply_with("Madame, Monsieur, nous", stop_reason="max_tokens")
    result = await drafter.draft(QUESTION)
    assert result.notes == ("truncated",)


async def test_empty_answer_is_a_server_error(fake_llm, drafter):
    fake_llm.reply_with("  ")
    assert (await _draft_error(drafter)).kind == "server"


# -- regeneration ---------------------------------------------------------------------------

async def test_regeneration_sends_previous_draft_and_instruction(fake_llm, drafter):
    first = await drafter.draft(QUESTION)
    second = await drafter.draft(QUESTION, previous=first.text, instruction="Plus court, sans formule finale.")

    request = fake_llm.requests[1]
    roles = [role for role, _ in request.messages]
    assert roles == ["user", "assistant", "user"]
    assert QUESTION in request.messages[0][1]
    assert request.messages[1][1] == first.text
    assert "Plus court, sans formule finale." in request.messages[2][1]
    assert request.system == SYSTEM_PROMPT
    assert second.text != first.text


async def test_regeneration_without_instruction_asks_for_another_version(fake_llm, drafter):
    first = await drafter.draft(QUESTION)
    await drafter.draft(QUESTION, previous=first.text)
    _, follow_up = fake_llm.requests[1].messages[2]
    assert "nouvelle version" in follow_up


async def test_instruction_without_previous_goes_with_the_question(fake_llm, drafter):
    await drafter.draft(QUESTION, instruction="Mentionnez le site de l'ANTS.")
    [(role, text)] = fake_llm.requests[0].messages
    assert role == "user" and QUESTION in text and "Mentionnez le site de l'ANTS." in text


# -- anthropic: retries and failures --------------------------------------------------------

async def test_overloaded_once_then_success_retries(fake_llm, drafter):
    fake_llm.fail_next(status=529)
    result = await drafter.draft(QUESTION)
    assert [r.status for r in fake_llm.requests] == [529, 200]
    assert fake_llm.requests[1].headers["x-stainless-retry-count"] == "1"
    assert result.text.startswith("Bonjour [NOM_1],")


async def test_overloaded_persistently_fails_after_max_retries(fake_llm, llm_env):
    drafter = make_drafter(fake_llm_config(fake_llm, max_retries=2))
    fake_llm.fail_next(status=529, times=10)
    error = await _draft_error(drafter)
    await drafter.aclose()

    assert error.kind == "overloaded" and error.retryable
    assert len(fake_llm.requests) == 3
    assert "surchargé" in draft_error(error.kind)


async def test_rate_limited_honours_retry_after_ms_and_counts_it_in_latency(fake_llm, drafter):
    fake_llm.fail_next(status=429, retry_after_ms=300)
    result = await drafter.draft(QUESTION)
    assert [r.status for r in fake_llm.requests] == [429, 200]
    assert result.latency_ms >= 300  # the wait asked by the server is part of the call


async def test_rate_limited_persistently(fake_llm, drafter):
    fake_llm.fail_next(status=429, times=5, retry_after=0.05)
    error = await _draft_error(drafter)
    assert error.kind == "rate_limited"
    assert len(fake_llm.requests) == 2  # max_retries=1
    assert fake_llm.pending() == 3


async def test_long_retry_after_hits_the_call_deadline_and_stays_rate_limited(fake_llm, llm_env):
    cfg = fake_llm_config(fake_llm, timeout_s=0.3, max_retries=1)
    drafter = make_drafter(cfg)
    fake_llm.fail_next(status=429, times=2, retry_after=3600)
    error = await _draft_error(drafter)
    await drafter.aclose()
    assert error.kind == "rate_limited"
    assert "deadline" in error.detail
    assert len(fake_llm.requests) == 1


@pytest.mark.parametrize("status, kind", [(500, "server"), (503, "server")])
async def test_server_errors(fake_llm, drafter, status, kind):
    fake_llm.fail_next(status=status, times=5)
    error = await _draft_error(drafter)
    assert error.kind == kind and error.retryable
    assert len(fake_llm.requests) == 2


@pytest.mark.parametrize("status, kind", [(401, "auth"), (403, "auth"), (400, "bad_request"), (413, "bad_request")])
async def test_client_errors_are_not_retried(fake_llm, drafter, status, kind):
    fake_llm.fail_next(status=status, times=5)
    error = await _draft_error(drafter)
    assert error.kind == kind and not error.retryable
    assert len(fake_llm.requests) == 1


async def test_wrong_api_key_is_an_auth_error(llm_env):
    async with FakeLLMServer(api_key="the-right-key") as server:
        drafter = make_drafter(fake_llm_config(server))
        error = await _draft_error(drafter)
        await drafter.aclose()
    assert error.kind == "auth"


async def test_timeout_when_the_server_is_too_slow(fake_llm, llm_env):
    drafter = make_drafter(fake_llm_config(fake_llm, timeout_s=0.3, max_retries=1))
    fake_llm.delay_next(30.0, times=5)
    error = await _draft_error(drafter)
    await drafter.aclose()
    assert error.kind == "timeout" and error.retryable
    assert len(fake_llm.requests) == 2
    assert all(r.status is None for r in fake_llm.requests)  # the client gave up before any answer


async def test_connection_refused(llm_env):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    cfg = LLMConfig(backend="anthropic", model="claude-test", base_url=f"http://127.0.0.1:{port}",
                    timeout_s=1.0, max_retries=1)
    drafter = make_drafter(cfg)
    error = await _draft_error(drafter)
    await drafter.aclose()
    assert error.kind == "connection" and error.retryable
    assert "injoignable" in draft_error(error.kind)


async def test_errors_and_logs_never_carry_the_question(fake_llm, drafter):
    secret_question = "Mon voisin Zébulon Quichotte-Arnal me doit de l'argent."
    # A proxy echoing the input back in its error message must not leak it into our errors.
    fake_llm.fail_next(status=400, message=f"invalid input: {secret_question}")
    with structlog.testing.capture_logs() as logs:
        error = await _draft_error(drafter, secret_question)
        await drafter.draft(secret_question)
    for text in (str(error), error.detail, draft_error(error.kind), repr(logs)):
        assert "Zébulon" not in text and "Quichotte" not in text
    assert {entry["event"] for entry in logs} == {"llm.failed", "llm.drafted"}


async def test_sdk_debug_logs_never_carry_the_question(fake_llm, llm_env, caplog):
    caplog.set_level(logging.DEBUG)
    drafter = make_drafter(fake_llm_config(fake_llm))
    await drafter.draft("Mon voisin Zébulon Quichotte-Arnal me doit de l'argent.")
    await drafter.aclose()
    assert "Zébulon" in fake_llm.all_text()
    assert "Zébulon" not in caplog.text and "Quichotte" not in caplog.text


async def test_a_slow_draft_does_not_hold_up_another(fake_llm, drafter):
    fake_llm.delay_next(1.5)
    slow = asyncio.create_task(drafter.draft(QUESTION))
    await fake_llm.wait_for_requests(1)
    fast = asyncio.create_task(drafter.draft("Question sans donnée personnelle."))
    done, _ = await asyncio.wait({slow, fast}, return_when=asyncio.FIRST_COMPLETED)
    assert done == {fast}
    await slow


# -- openai-compatible backend --------------------------------------------------------------

async def test_openai_success(fake_llm, llm_env):
    drafter = make_drafter(fake_llm_config(fake_llm, "openai"))
    result = await drafter.draft(QUESTION)
    await drafter.aclose()

    assert result.backend == "openai" and result.model == "albert-test"
    assert result.text.startswith("Bonjour [NOM_1],") and "[NIR_1]" in result.text
    [request] = fake_llm.requests
    assert request.api == "openai" and request.path == "/v1/chat/completions"
    assert request.headers["authorization"] == f"Bearer {DUMMY_API_KEY}"
    assert request.body["messages"][0] == {"role": "system", "content": SYSTEM_PROMPT}
    assert request.body["max_tokens"] == 800
    assert QUESTION in request.user_text


async def test_openai_retries_then_fails(fake_llm, llm_env):
    drafter = make_drafter(fake_llm_config(fake_llm, "openai", max_retries=2))
    fake_llm.fail_next(status=500, times=10)
    error = await _draft_error(drafter)
    fake_llm.reset()
    fake_llm.fail_next(status=429, retry_after_ms=10)
    result = await drafter.draft(QUESTION)
    await drafter.aclose()

    assert error.kind == "server"
    assert [r.status for r in fake_llm.requests] == [429, 200]
    assert result.backend == "openai"


async def test_openai_length_finish_gets_the_truncation_notice(fake_llm, llm_env):
    drafter = make_drafter(fake_llm_config(fake_llm, "openai"))
    fake_llm.reply_with("Madame, Monsieur, nous", stop_reason="max_tokens")
    result = await drafter.draft(QUESTION)
    await drafter.aclose()
    assert result.notes == ("truncated",)


# -- construction ---------------------------------------------------------------------------

@pytest.mark.parametrize("backend, variable", [("anthropic", "ANTHROPIC_API_KEY"), ("openai", "PLUME_LLM_API_KEY")])
def test_missing_api_key_refuses_to_build(monkeypatch, backend, variable):
    monkeypatch.delenv(variable, raising=False)
    with pytest.raises(ConfigError, match=variable):
        make_drafter(LLMConfig(backend=backend))
    monkeypatch.setenv(variable, "")  # empty counts as missing
    with pytest.raises(ConfigError, match=variable):
        make_drafter(LLMConfig(backend=backend))


def test_offline_needs_no_key(monkeypatch):
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.delenv("PLUME_LLM_API_KEY", raising=False)
    assert make_drafter(LLMConfig(backend="offline")).backend == "offline"


def test_call_deadline_covers_attempts_and_backoff():
    cfg = LLMConfig(timeout_s=10, max_retries=2)
    assert call_deadline_s(cfg) > 3 * 10
    assert call_deadline_s(LLMConfig(timeout_s=10, max_retries=0)) < call_deadline_s(cfg)


@pytest.mark.parametrize("status, kind", [(429, "rate_limited"), (529, "overloaded"), (408, "timeout"),
                                          (401, "auth"), (403, "auth"), (500, "server"), (502, "server"),
                                          (400, "bad_request"), (404, "bad_request"), (422, "bad_request")])
def test_kind_of_status(status, kind):
    assert kind_of_status(status) == kind


def test_every_kind_has_a_french_message():
    messages = {draft_error(DraftError(kind).kind) for kind in DRAFT_ERROR_KINDS}
    assert len(messages) == len(DRAFT_ERROR_KINDS)
    assert all(m.endswith(".") and "service" in m for m in messages)


# -- the fake server itself -----------------------------------------------------------------

async def test_fake_server_runs_in_a_thread_and_records_everything(llm_env):
    with FakeLLMServer() as server:
        drafter = make_drafter(fake_llm_config(server))
        result = await drafter.draft("Bonjour, je suis [NOM_1] et j'écris depuis Besançon.")
        await drafter.aclose()
        assert "Besançon" in server.all_text()
        assert result.text.startswith("Bonjour [NOM_1],")
    assert server.requests[0].status == 200
