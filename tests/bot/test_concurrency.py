"""Concurrency by resource on a real Synapse: the LLM wait of one question holds up no other
agent, and one room's events are still handled in order. Personal data here is invented."""

from __future__ import annotations

import asyncio

import pytest

from tests.bot.test_bot_flow import QUESTION, notice, open_dm

pytestmark = pytest.mark.synapse


async def test_questions_of_many_agents_wait_for_the_llm_together(plume_factory, agent_factory,
                                                                  fake_llm):
    plume = await plume_factory(llm={"timeout_s": 60})
    agents = [await agent_factory("agent") for _ in range(6)]
    rooms = [await open_dm(agent, plume) for agent in agents]
    fake_llm.delay_next(30.0, times=6)  # no answer comes while we look (cut short at teardown)
    await asyncio.gather(*(a.send_text(r, QUESTION) for a, r in zip(agents, rooms)))
    await fake_llm.wait_for_requests(6, timeout=60)  # more than the old bound of 4 at once
    limit = plume.bot.drafter.guard.limit
    assert limit.in_flight == 6 and limit.waiting == 0


async def test_one_room_is_handled_in_order(plume_factory, agent_factory, fake_llm):
    plume = await plume_factory(llm={"timeout_s": 30})
    agent = await agent_factory("agent")
    room_id = await open_dm(agent, plume)
    fake_llm.delay_next(2.0, text="Premier brouillon.")  # the first question's answer is slow
    fake_llm.reply_with("Second brouillon.")
    first = await agent.send_text(room_id, QUESTION)
    second = await agent.send_text(room_id, QUESTION.replace("CAF", "caisse de retraite"))
    drafts = [await agent.wait_for(room_id, lambda r: notice(r) and r.reply_to in (first, second),
                                   timeout=60) for _ in range(2)]
    assert [d.reply_to for d in drafts] == [first, second]
    assert "Premier brouillon." in drafts[0].body and "Second brouillon." in drafts[1].body
