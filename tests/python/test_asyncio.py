"""netgear.aio.AsyncNetGear: awaitable send/recv and `async for`, off the event loop.

Shown here: the loop keeps running other tasks while a recv() waits; frames arrive in order and
`async for` ends at the termination; a cancelled recv() loses no frame; close() wakes a waiting
recv(); and the asyncio side talks to vidgear (the wire-exact emulation, both generations) in
both directions.
"""
import asyncio
import sys
from pathlib import Path

import numpy as np
import pytest

import netgear
from netgear.aio import AsyncNetGear
from conftest import WAIT, frame, port_of

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "interop"))
from peer_util import PEER_TIMEOUT, Peer, assert_frames, endpoint_for, python_peer_argv  # noqa: E402

FLAVOURS = ("0.1", "0.3")
SHAPE = (24, 32, 3)


def async_receiver(pattern=1, **options):
    options.setdefault("receive_timeout", 60)  # only a termination or close() ends it in a test
    client = AsyncNetGear(address="127.0.0.1", port=0, pattern=pattern, receive_mode=True, **options)
    return client, port_of(client.netgear.endpoints[0])


def run(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, 4 * WAIT))


def test_the_loop_runs_while_recv_waits_and_async_for_gets_every_frame_in_order():
    async def main():
        client, port = async_receiver()
        ticks = 0

        async def ticker():
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        ticking = asyncio.create_task(ticker())
        first = asyncio.create_task(client.recv())
        while ticks < 20:  # the loop ticks while recv() waits for a sender that isn't there yet
            await asyncio.sleep(0.01)
        assert not first.done(), "recv() returned with no sender"
        async with AsyncNetGear(address="127.0.0.1", port=port, pattern=1) as server:
            for i in range(5):
                assert await server.send(frame(i, SHAPE)) is None
        got = [await first]
        async for array in client:
            got.append(array)
        ticking.cancel()
        await client.close()
        return got

    got = run(main())
    assert len(got) == 5
    for i, array in enumerate(got):
        np.testing.assert_array_equal(array, frame(i, SHAPE))


def test_a_cancelled_recv_loses_no_frame():
    async def main():
        client, port = async_receiver()
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(client.recv(), 0.2)  # cancelled while waiting
        server = AsyncNetGear(address="127.0.0.1", port=port, pattern=1)
        for i in range(3):
            await server.send(frame(i, SHAPE))
        await server.close()
        got = [array async for array in client]
        await client.close()
        return got

    got = run(main())
    assert [int(a.flat[0]) for a in got] == [0, 1, 2], "the frame the cancelled recv() read comes next"


def test_close_wakes_a_waiting_recv_with_none():
    async def main():
        client, _ = async_receiver(pattern=2)
        waiting = asyncio.create_task(client.recv())
        await asyncio.sleep(0.05)
        await client.close(kill=True)
        return await waiting

    assert run(main()) is None


def test_bidirectional_and_errors_come_through_await():
    async def main():
        client, port = async_receiver(pattern=1, bidirectional_mode=True)
        server = AsyncNetGear(address="127.0.0.1", port=port, pattern=1, bidirectional_mode=True)
        replies = []
        for i in range(3):
            sending = asyncio.create_task(server.send(frame(i, SHAPE), message={"i": i}))
            message, array = await client.recv(return_data={"seen": i})
            assert message == {"i": i}
            np.testing.assert_array_equal(array, frame(i, SHAPE))
            replies.append(await sending)
        with pytest.raises(netgear.ModeError):
            await client.send(frame(0, SHAPE))
        await server.close()
        await client.close()
        return replies

    replies = run(main())
    # The send task may reach the receiver before recv(return_data) sets the data
    # (two threads, no order between them): the reply to frame i carries the data of
    # recv i, or still that of recv i-1 (none before the first). Never a later one.
    for i, reply in enumerate(replies):
        assert reply in ({"seen": i}, {"seen": i - 1} if i else None), replies
    assert replies[-1] in ({"seen": 2}, {"seen": 1})


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_vidgear_sender_to_async_receiver(flavour):
    async def main():
        client, port = async_receiver(pattern=1)
        peer = Peer([str(a) for a in python_peer_argv(
            "send", flavour, 1, endpoint=endpoint_for(port), frames=6, dtype="uint8", shape=SHAPE,
            timeout=PEER_TIMEOUT)], f"vidgear-{flavour}-send")
        try:
            got = [array async for array in client]
        finally:
            await client.close()
        result = await asyncio.get_running_loop().run_in_executor(None, peer.finish)
        assert result.returncode == 0, result.describe()
        return got

    got = run(main())
    assert [int(a.flat[0]) for a in got] == list(range(6))


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_async_sender_to_vidgear_receiver(flavour):
    peer = Peer([str(a) for a in python_peer_argv(
        "recv", flavour, 1, bind="tcp://127.0.0.1", timeout=PEER_TIMEOUT, dtype="uint8",
        shape=SHAPE, expect=1)], f"vidgear-{flavour}-recv")
    try:
        port = peer.read_port()

        async def main():
            async with AsyncNetGear(address="127.0.0.1", port=port, pattern=1) as server:
                for i in range(4):
                    await server.send(frame(i, SHAPE), message={"camera": 1})

        run(main())
        result = peer.finish()
        assert result.returncode == 0, result.describe()
        assert_frames(result, 1, 4, "uint8", SHAPE, {"camera": 1})
    finally:
        peer.kill()
