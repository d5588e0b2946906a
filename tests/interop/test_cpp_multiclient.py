"""C++ netgear peer against the vidgear 0.3 emulation in multi-client mode (patterns 1/2) and
with the two-part ndarray reply of 0.3 bidirectional mode.  See WIRE.md 2.2, 3.2, 4 and 7.

On top of test_cpp_modes.py's contract the C++ peer's ``send`` takes ``--also-endpoint E``
(repeatable; multi-client: connect to every receiver) and records multi-client replies as
``{"port": p, "data": d}``; its ``recv`` takes ``--return-frame 4,5,3`` (bidirectional: return
the uint8 %127 ramp with seed 7 of that shape with every reply).

Run: NETGEAR_INTEROP_PEER=build/tests/interop/netgear_interop_peer \\
     /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/interop/test_cpp_multiclient.py
"""

import pytest

from peer_util import (
    PEER_TIMEOUT, TERM_REPLY, assert_clean_exit, cpp_peer_argv, cpp_peer_path, endpoint_for,
    python_peer_argv, run_exchange,
)

pytestmark = pytest.mark.skipif(not cpp_peer_path(), reason="NETGEAR_INTEROP_PEER is not set")

FRAMES = 6             # pattern 1: even, so REQ round-robin gives each receiver 3
FRAMES_PUBSUB = 20     # pattern 2: early frames may be lost (slow joiner)
PACE_MS = 5
SMALL = (4, 5, 3)
MULTICLIENT = {"multiclient_mode": True}
NO_TERM_TIMEOUT = 3    # pattern 2 vidgear sender sends no termination: receivers time out


def frames_for(pattern):
    return FRAMES_PUBSUB if pattern == 2 else FRAMES


def start_binders(spawn, argv, count=2):
    """Start `count` binders with the same argv; returns [(peer, port), ...]."""
    peers = [spawn(argv, f"recv{k}") for k in range(count)]
    return [(peer, peer.read_port()) for peer in peers]


def assert_increasing(recv, sent):
    """Pattern 2 receiver: at least one frame, valid, strictly increasing indices."""
    indices = [f["matches"] for f in recv.frames]
    assert indices and None not in indices, recv.describe()
    assert indices == sorted(set(indices)) and indices[-1] < sent, indices


@pytest.mark.parametrize("pattern", (1, 2))
def test_cpp_multiclient_sender_to_vidgear_receivers(spawn, pattern):
    sent = frames_for(pattern)
    binders = start_binders(spawn, python_peer_argv(
        "recv", "0.3", pattern, multiclient=True, timeout=PEER_TIMEOUT, dtype="uint8",
        shape=SMALL))
    ports = [port for _, port in binders]
    sender = spawn(cpp_peer_argv(
        "send", pattern, endpoint=endpoint_for(ports[0]), also_endpoint=endpoint_for(ports[1]),
        options=MULTICLIENT, frames=sent, dtype="uint8", shape=SMALL, timeout=PEER_TIMEOUT,
        pace_ms=PACE_MS if pattern == 2 else None), "send")
    send = sender.finish()
    recvs = [peer.finish() for peer, _ in binders]
    assert_clean_exit(send, *recvs)
    for recv in recvs:
        assert recv.summary == {"frames": len(recv.frames), "terminated": True}, recv.describe()
        assert all(f["returned"] == ["frame"] and f["port"] is None for f in recv.frames)
    replies = send.summary["replies"]
    if pattern == 1:
        got = sorted(f["matches"] for recv in recvs for f in recv.frames)
        assert got == list(range(sent)), [r.describe() for r in recvs]
        for recv in recvs:  # each receiver's share arrives in order
            indices = [f["matches"] for f in recv.frames]
            assert indices == sorted(indices)
        frame_replies = [r for r in replies if isinstance(r, dict)]
        assert len(frame_replies) == sent, replies
        assert all(str(r["port"]) in {str(p) for p in ports} and r["data"] is None
                   for r in frame_replies), replies
        assert replies[sent:] in ([], [TERM_REPLY["0.3"]]), replies
    else:
        assert replies == [], replies
        for recv in recvs:
            assert_increasing(recv, sent)


@pytest.mark.parametrize("pattern", (1, 2))
def test_vidgear_multiclient_sender_to_cpp_receivers(spawn, pattern):
    sent = frames_for(pattern)
    # pattern 2: vidgear 0.3.5 learns no receiver port, so close() sends no termination
    timeout = PEER_TIMEOUT if pattern == 1 else NO_TERM_TIMEOUT
    binders = start_binders(spawn, cpp_peer_argv(
        "recv", pattern, options=MULTICLIENT, bind="tcp://127.0.0.1", timeout=timeout,
        dtype="uint8", shape=SMALL))
    ports = [port for _, port in binders]
    sender = spawn(python_peer_argv(
        "send", "0.3", pattern, multiclient=True, endpoint=endpoint_for(ports[0]),
        also_endpoint=endpoint_for(ports[1]), frames=sent, dtype="uint8", shape=SMALL,
        timeout=PEER_TIMEOUT, await_peer=pattern == 2,
        pace_ms=PACE_MS if pattern == 2 else None), "send")
    send = sender.finish()
    recvs = [peer.finish() for peer, _ in binders]
    assert_clean_exit(send)
    replies = send.summary["replies"]
    if pattern == 1:
        assert_clean_exit(*recvs)
        for recv in recvs:
            assert recv.summary == {"frames": len(recv.frames), "terminated": True}, \
                recv.describe()
        got = sorted(f["matches"] for recv in recvs for f in recv.frames)
        assert got == list(range(sent)), [r.describe() for r in recvs]
        assert len(replies) == sent + 1, replies
        assert {str(r["port"]) for r in replies[:sent]} == {str(p) for p in ports}, replies
        assert all(r["data"] is None for r in replies[:sent]), replies
        assert replies[sent] == TERM_REPLY["0.3"], replies
    else:
        assert replies == [], replies
        for recv in recvs:  # every frame to both; no termination ever comes
            assert recv.returncode == 3, recv.describe()
            assert recv.summary == {"frames": len(recv.frames), "terminated": False}
            assert_increasing(recv, sent)


RETURN_FRAME_CASES = (
    ({"bidirectional_mode": True}, (4, 5, 3), False),
    ({"bidirectional_mode": True, "jpeg_compression": True}, (16, 16, 3), True),
)


@pytest.mark.parametrize("pattern", (0, 1))
@pytest.mark.parametrize("options,shape,compressed", RETURN_FRAME_CASES, ids=("raw", "jpeg"))
def test_cpp_receiver_returns_ndarray_to_vidgear_03(spawn, pattern, options, shape, compressed):
    recv_argv = cpp_peer_argv("recv", pattern, options=options, return_frame=",".join(
        str(d) for d in shape), bind="tcp://127.0.0.1", timeout=PEER_TIMEOUT)

    def send_argv(endpoint):
        return python_peer_argv("send", "0.3", pattern, bidirectional=True, endpoint=endpoint,
                                frames=FRAMES, dtype="uint8", shape=SMALL, timeout=PEER_TIMEOUT)

    recv, send = run_exchange(spawn, recv_argv, send_argv)
    assert_clean_exit(recv, send)
    assert [f["matches"] for f in recv.frames] == list(range(FRAMES)), recv.describe()
    replies = send.summary["replies"]
    assert len(replies) == FRAMES + (1 if pattern == 1 else 0), replies
    for reply in replies[:FRAMES]:
        assert isinstance(reply, dict), replies
        assert reply["frame_shape"] == list(shape) and reply["dtype"] == "uint8", replies
        assert reply["compressed"] is compressed, replies
        if not compressed:
            assert reply["matches"] == 7, replies
    if pattern == 1:
        assert replies[FRAMES] == TERM_REPLY["0.3"], replies


@pytest.mark.parametrize("pattern", (0, 1))
def test_cpp_receiver_return_frame_to_vidgear_01_gives_null(spawn, pattern):
    """netgear sends no two-part reply to a 0.1 sender: its send() gets data null."""
    recv_argv = cpp_peer_argv("recv", pattern, options={"bidirectional_mode": True},
                              return_frame="4,5,3", bind="tcp://127.0.0.1",
                              timeout=PEER_TIMEOUT)

    def send_argv(endpoint):
        return python_peer_argv("send", "0.1", pattern, bidirectional=True, endpoint=endpoint,
                                frames=FRAMES, dtype="uint8", shape=SMALL, timeout=PEER_TIMEOUT)

    recv, send = run_exchange(spawn, recv_argv, send_argv)
    assert_clean_exit(recv, send)
    assert [f["matches"] for f in recv.frames] == list(range(FRAMES)), recv.describe()
    assert send.summary["replies"] == [None] * FRAMES, send.describe()
    assert 1 <= send.summary["terminations"] <= 500
