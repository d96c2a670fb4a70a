"""The real-homeserver harness: EmbeddedSynapse + AgentClient against a real Synapse, with E2EE."""

from __future__ import annotations

import hashlib
from urllib.parse import quote

import aiohttp
import psycopg
import pytest

from harness.agent import AgentClient, RecordedEvent
from harness.homeserver import POSTGRES_ADMIN, EmbeddedSynapse, HomeserverError
from tests.fixtures.db import require_postgres

pytestmark = pytest.mark.synapse


async def raw_event(agent: AgentClient, room_id: str, event_id: str) -> dict:
    """The event as the homeserver stores it (what travelled on the wire)."""
    path = f"/_matrix/client/v3/rooms/{quote(room_id)}/event/{quote(event_id)}"
    resp = await agent.client.send("GET", path, headers={"Authorization": f"Bearer {agent.client.access_token}"})
    assert resp.status == 200, await resp.text()
    return await resp.json()


async def dm_pair(agent_factory) -> tuple[AgentClient, AgentClient, str]:
    """Alice creates an encrypted DM with Bob; Bob auto-joins on the invite."""
    alice = await agent_factory("alice")
    bob = await agent_factory("bob")
    room_id = await alice.create_dm(bob.user_id)
    await alice.wait_joined(room_id, bob.user_id)
    await bob.wait_joined(room_id)
    return alice, bob, room_id


async def test_synapse_answers_and_registers(synapse: EmbeddedSynapse, new_user) -> None:
    print(f"\nsynapse start: {synapse.startup_seconds:.2f} s")
    async with aiohttp.ClientSession() as http:
        async with http.get(synapse.url + "/_matrix/client/versions") as resp:
            assert resp.status == 200
            assert "versions" in await resp.json()
        # No federation listener: the federation API is not served.
        async with http.get(synapse.url + "/_matrix/federation/v1/version") as resp:
            assert resp.status == 404
    user_id, _ = await new_user("reg")
    assert user_id.startswith("@reg-") and user_id.endswith(":plume.localhost")
    with pytest.raises(HomeserverError, match="M_USER_IN_USE"):
        await synapse.register(user_id[1:].split(":")[0], "other")
    admin_id = await synapse.register(f"admin-{user_id[1:].split(':')[0]}", "pw", admin=True)
    assert admin_id.startswith("@admin-")


async def test_bad_config_fails_with_log_tail(tmp_path) -> None:
    hs = EmbeddedSynapse(tmp_path / "hs", server_name="not a server name", start_timeout=60)
    with pytest.raises(HomeserverError, match="(?s)exited.*server name"):
        await hs.start()
    assert hs.url  # stop() already ran; a second one is harmless
    await hs.stop()


def pg_database_exists(name: str) -> bool:
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


@pytest.mark.postgres
async def test_postgres_database_lives_as_long_as_the_homeserver(tmp_path) -> None:
    require_postgres()
    hs = EmbeddedSynapse(tmp_path / "hs", database="postgres")
    await hs.start()
    try:
        assert pg_database_exists(hs.postgres_name)
        with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as conn:
            collate, encoding = conn.execute(
                "SELECT datcollate, pg_encoding_to_char(encoding) FROM pg_database WHERE datname = %s",
                (hs.postgres_name,)).fetchone()
        assert (collate, encoding) == ("C", "UTF8")
        await hs.register("pg-alice", "pw")
        await hs.stop(keep_database=True)  # a restart keeps the users
        await hs.start()
        with pytest.raises(HomeserverError, match="M_USER_IN_USE"):
            await hs.register("pg-alice", "pw")
    finally:
        await hs.stop()
    assert not pg_database_exists(hs.postgres_name)


async def test_encrypted_text_both_ways(agent_factory) -> None:
    alice, bob, room_id = await dm_pair(agent_factory)
    assert alice.client.rooms[room_id].encrypted

    q_id = await alice.send_text(room_id, "Bonjour, question de test n°1")
    got = await bob.wait_for(room_id, lambda r: r.body == "Bonjour, question de test n°1")
    assert (got.event_id, got.sender, got.msgtype, got.encrypted) == (q_id, alice.user_id, "m.text", True)
    wire = await raw_event(bob, room_id, q_id)
    assert wire["type"] == "m.room.encrypted" and "body" not in wire["content"]

    a_id = await bob.send_text(room_id, "Réponse", html="<b>Réponse</b>", reply_to=q_id)
    reply = await alice.wait_for(room_id, lambda r: r.event_id == a_id)
    assert reply.encrypted and reply.formatted_body == "<b>Réponse</b>"
    assert reply.content["format"] == "org.matrix.custom.html"
    assert reply.reply_to == q_id and reply.related_event_id == q_id and reply.rel_type is None

    # Own events are recorded but never returned by wait_for.
    assert [r.event_id for r in alice.records(room_id) if r.type == "m.room.message"] == [q_id, a_id]
    with pytest.raises(TimeoutError, match="Réponse"):
        await alice.wait_for(room_id, lambda r: r.body == "Bonjour, question de test n°1", timeout=1.5)


async def test_reactions_encrypted_and_clear(agent_factory) -> None:
    alice, bob, room_id = await dm_pair(agent_factory)
    target = await bob.send_text(room_id, "Brouillon")
    await alice.wait_for(room_id, lambda r: r.event_id == target)

    enc_id = await alice.react(room_id, target, "✅")
    clear_id = await alice.react(room_id, target, "🗑️", encrypted=False)

    enc = await bob.wait_for(room_id, lambda r: r.event_id == enc_id)
    clear = await bob.wait_for(room_id, lambda r: r.event_id == clear_id)
    for rec, key, encrypted in ((enc, "✅", True), (clear, "🗑️", False)):
        assert rec.type == "m.reaction" and rec.encrypted is encrypted
        assert rec.relates_to == {"rel_type": "m.annotation", "event_id": target, "key": key}
        assert rec.reaction_key == key and rec.related_event_id == target

    wire_enc = await raw_event(bob, room_id, enc_id)
    assert wire_enc["type"] == "m.room.encrypted"
    # The relation stays in the clear envelope so the server can aggregate, as Element does.
    assert wire_enc["content"]["m.relates_to"] == enc.relates_to
    assert "ciphertext" in wire_enc["content"]
    assert (await raw_event(bob, room_id, clear_id))["type"] == "m.reaction"


async def test_edit_arrives_with_new_content(agent_factory) -> None:
    alice, bob, room_id = await dm_pair(agent_factory)
    original = await alice.send_text(room_id, "premier jet")
    await bob.wait_for(room_id, lambda r: r.event_id == original)
    edit_id = await alice.send_edit(room_id, original, "version corrigée")
    edit = await bob.wait_for(room_id, lambda r: r.rel_type == "m.replace")
    assert edit.event_id == edit_id and edit.encrypted
    assert edit.related_event_id == original
    assert edit.new_content == {"msgtype": "m.text", "body": "version corrigée"}
    assert edit.body == "* version corrigée"


async def test_encrypted_file_downloads_and_decrypts(agent_factory) -> None:
    alice, bob, room_id = await dm_pair(agent_factory)
    data = hashlib.sha256(b"plume").digest() * 100  # 3200 bytes, not valid UTF-8 text
    file_id = await alice.send_file(room_id, data, "piece.bin", "application/octet-stream")
    rec: RecordedEvent = await bob.wait_for(room_id, lambda r: r.msgtype == "m.file")
    assert rec.event_id == file_id and rec.encrypted and rec.body == "piece.bin"
    assert "url" not in rec.content and rec.content["file"]["url"].startswith("mxc://")
    assert rec.content["info"] == {"mimetype": "application/octet-stream", "size": len(data)}

    # What the media repository holds is ciphertext; the agent decrypts it.
    raw = await bob.client.download(mxc=rec.content["file"]["url"])
    assert raw.body != data and len(raw.body) == len(data)
    assert await bob.download(rec) == data

    img_id = await bob.send_file(room_id, b"\x89PNG fake", "photo.png", "image/png", image=True)
    img = await alice.wait_for(room_id, lambda r: r.event_id == img_id)
    assert img.msgtype == "m.image" and await alice.download(img) == b"\x89PNG fake"


async def test_group_room_and_manual_join(agent_factory) -> None:
    alice = await agent_factory("alice")
    bob = await agent_factory("bob", auto_join=False)
    carol = await agent_factory("carol")
    room_id = await alice.create_room([bob.user_id, carol.user_id], encrypted=True)
    await alice.wait_joined(room_id, carol.user_id)
    with pytest.raises(TimeoutError):
        await bob.wait_joined(room_id, timeout=1.5)  # invited, not joined
    # Sent while Bob is only invited: his device gets the room key all the same.
    early_id = await carol.send_text(room_id, "avant")
    await bob.join(room_id)
    await alice.wait_joined(room_id, bob.user_id)

    msg_id = await carol.send_text(room_id, "à tous")
    for agent in (alice, bob):
        for event_id, body in ((early_id, "avant"), (msg_id, "à tous")):
            got = await agent.wait_for(room_id, lambda r: r.event_id == event_id)
            assert got.encrypted and got.body == body and got.sender == carol.user_id

    clear_room = await alice.create_room([carol.user_id], encrypted=False)
    await alice.wait_joined(clear_room, carol.user_id)
    clear_id = await alice.send_text(clear_room, "en clair")
    got = await carol.wait_for(clear_room, lambda r: r.event_id == clear_id)
    assert not got.encrypted and got.body == "en clair"


async def test_late_device_reports_undecryptable(agent_factory, new_user) -> None:
    """A device that logs in after a message was sent never got its room key: the event is
    counted as not decryptable instead of being dropped or crashing the sync loop."""
    alice = await agent_factory("alice")
    bob_id, bob_pw = await new_user("bob")
    bob = await agent_factory(user_id=bob_id, password=bob_pw)
    room_id = await alice.create_dm(bob_id)
    await alice.wait_joined(room_id, bob_id)
    secret_id = await alice.send_text(room_id, "avant le nouvel appareil")
    await bob.wait_for(room_id, lambda r: r.event_id == secret_id)

    bob_phone = await agent_factory(user_id=bob_id, password=bob_pw)
    assert bob_phone.device_id != bob.device_id
    with pytest.raises(TimeoutError, match=r"\+1 not decryptable"):
        await bob_phone.wait_for(room_id, lambda r: r.event_id == secret_id, timeout=1.5)

    # Messages sent once the new device is known reach it.
    after_id = await alice.send_text(room_id, "après")
    got = await bob_phone.wait_for(room_id, lambda r: r.event_id == after_id)
    assert got.encrypted and got.body == "après"
