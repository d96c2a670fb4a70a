"""Team leads' and security staff's rooms, through the real bot on the test homeserver."""

from __future__ import annotations

import asyncio
import gzip
import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from handlers.messages import agents as messages
from bot.cli_summary import summary_command
from storage.summary import compute_summary
from storage.reporting import post_requests
from tests.bot.test_bot_flow import QUESTION, notice, open_dm, paste

pytestmark = pytest.mark.synapse


@pytest.fixture
async def staff(plume_factory, agent_factory, new_user):
    """A bot with one team (lead room) and a security room, both created by staff beforehand."""
    account = await new_user("plume")
    lead = await agent_factory("lead")
    rssi = await agent_factory("rssi")
    agent = await agent_factory("agent")
    lead_room = await lead.create_room([account[0]], encrypted=True, name="Chefs")
    sec_room = await rssi.create_room([account[0]], encrypted=True, name="Sécurité")
    plume = await plume_factory(
        account=account,
        teams=[{"name": "equipe-test", "lead_room": lead_room, "leads": [lead.user_id],
                "agents": [agent.user_id]}],
        security={"room": sec_room, "users": [rssi.user_id]},
        summary={"catch_up_hours": 0},  # no start-up catch-up: tests must not depend on the clock
    )
    await lead.wait_joined(lead_room, plume.user_id)
    await rssi.wait_joined(sec_room, plume.user_id)
    return plume, lead, lead_room, rssi, sec_room, agent


async def test_resume_figures_match_the_real_flow(staff):
    plume, lead, lead_room, _, _, agent = staff
    room_id = await open_dm(agent, plume)
    _, d1 = await paste(agent, room_id)
    await agent.react(room_id, d1.event_id, messages.APPROVE)
    await agent.wait_for(room_id, lambda r: notice(r) and "approuvé" in (r.body or ""))
    _, d2 = await paste(agent, room_id, "Bonjour, où en est ma demande de prime d'activité ?")
    await agent.send_text(room_id, "!rejeter hors sujet")
    await agent.wait_for(room_id, lambda r: notice(r) and "rejeté" in (r.body or ""))
    await paste(agent, room_id, QUESTION)  # left pending

    await lead.send_text(lead_room, "!resume")
    summary = await lead.wait_for(lead_room, notice)
    chart = await lead.wait_for(lead_room, lambda r: r.msgtype == "m.image")
    assert (await lead.download(chart)).startswith(b"\x89PNG")
    assert "Questions reçues : 3" in summary.body
    assert "approuvés tels quels : 1" in summary.body and "écartés : 1" in summary.body
    assert "Toujours en attente de décision : 1" in summary.body

    tz = ZoneInfo(plume.config.summary.timezone)
    figures = compute_summary(plume.bot.db, plume.config.teams[0].name, datetime.now(tz).date(), tz).to_json()
    assert (figures["questions"], figures["drafts"], figures["approved"], figures["edited"],
            figures["discarded"], figures["pending"], figures["failed"]) == (3, 3, 1, 0, 1, 1, 0)


async def test_resume_refused_to_an_agent(staff):
    plume, _, _, _, _, agent = staff
    room_id = await open_dm(agent, plume)
    await agent.send_text(room_id, "!resume")
    refusal = await agent.wait_for(room_id, notice)
    assert "responsables" in refusal.body or "réservée" in refusal.body
    assert "access.denied" in plume.audit_kinds()


async def test_security_room_verify_head_and_encrypted_export(staff):
    plume, _, _, rssi, sec_room, agent = staff
    room_id = await open_dm(agent, plume)
    await paste(agent, room_id)

    await rssi.send_text(sec_room, "!audit verifier")
    assert "intègre" in (await rssi.wait_for(sec_room, notice)).body
    await rssi.send_text(sec_room, "!audit tete")
    witness = await rssi.wait_for(sec_room, notice)
    assert "PLUME-WITNESS seq=" in witness.body

    today = datetime.utcnow().date().isoformat()
    await rssi.send_text(sec_room, f"!audit export {today} {today}")
    attachment = await rssi.wait_for(sec_room, lambda r: r.msgtype == "m.file")
    assert attachment.encrypted and "file" in attachment.content  # an encrypted attachment
    lines = gzip.decompress(await rssi.download(attachment)).decode().splitlines()
    kinds = [json.loads(line)["kind"] for line in lines]
    assert "question.redacted" in kinds and "draft.generated" in kinds
    await rssi.wait_for(sec_room, notice)
    assert "audit.exported" in plume.audit_kinds()


async def test_audit_command_refused_outside_security_staff(staff):
    plume, _, _, _, _, agent = staff
    room_id = await open_dm(agent, plume)
    await agent.send_text(room_id, "!audit verifier")
    refusal = await agent.wait_for(room_id, notice)
    assert "Accès refusé" in refusal.body
    assert "access.denied" in plume.audit_kinds()


async def test_cli_post_request_is_posted_by_the_running_bot(staff, capsys):
    plume, lead, lead_room, rssi, sec_room, _ = staff
    await lead.send_text(lead_room, "!aide")
    assert "!resume" in (await lead.wait_for(lead_room, notice)).body
    await rssi.send_text(sec_room, "!aide")
    assert "!audit verifier" in (await rssi.wait_for(sec_room, notice)).body
    assert summary_command(plume.config, post=True) == 0
    summary = await lead.wait_for(lead_room, notice, timeout=30)  # the bot's 5-second job
    assert summary.body.startswith("Résumé Plume — équipe equipe-test")
    for _ in range(50):  # the request is dropped once the post is audited, just after sending
        if not post_requests(plume.bot.db):
            break
        await asyncio.sleep(0.1)
    assert not post_requests(plume.bot.db)
    assert "summary.posted" in plume.audit_kinds()
