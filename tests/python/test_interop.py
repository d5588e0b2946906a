"""The Python module against other NetGear implementations, over real loopback sockets.

1. vidgear (the wire-exact pyzmq emulation tests/interop/vidgear_peer.py), both flavours
   ("0.1" = vidgear 0.1.7, "0.3" = vidgear 0.3.5), both directions, patterns 0, 1 and 2:
   every frame arrives intact and in order (patterns 0/1; some, in order, for pattern 2), the
   stream ends with the termination (recv() gives None, the peer reports "terminated"),
   messages ride along, bidirectional data (and a returned frame) goes back, multi-server
   frames carry their sender's port, and JPEG frames decode close to what was sent.
2. The C++ `netgear` command ($NETGEAR_CLI): `netgear send` into a module receiver and a module
   sender into `netgear recv`, in patterns 0 and 1, and with JPEG.

A module receiver here waits RECEIVE_TIMEOUT (longer than any deadline of a test) for a frame,
so a None from recv() within the test's deadline can only be the sender's termination.
"""
import math
import os
import sys
from pathlib import Path

import numpy as np
import pytest

import netgear
from conftest import WAIT, Background, drain, frame, port_of, publish

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "interop"))
from peer_util import (  # noqa: E402  (needs the path above)
    JPEG_MIN_PSNR_OPENCV, JPEG_MIN_PSNR_TURBO, JPEG_SHAPE, PEER_TIMEOUT, TERM_REPLY, Peer,
    assert_frames, endpoint_for, python_peer_argv,
)

NETGEAR_CLI = os.environ.get("NETGEAR_CLI") or None
needs_cli = pytest.mark.skipif(not NETGEAR_CLI, reason="NETGEAR_CLI is not set")

FLAVOURS = ("0.1", "0.3")
PATTERNS = (0, 1, 2)
RECEIVE_TIMEOUT = 60.0   # > any deadline below: None within a deadline means "terminated"
FRAMES_LOCKSTEP = 4      # patterns 0/1: every frame arrives, in order
FRAMES_PUBSUB = 12       # pattern 2: the PUB may drop early frames (slow joiner, HWM=1)
MESSAGE = {"camera": 1, "tags": ["a", None, 2.5], "name": "h\u00e9llo"}
# (dtype, shape) per pattern: a little variety in what crosses the wire, including numpy's
# default integer (int64), which OpenCV has no depth for.
CASES = {0: ("uint8", (48, 64, 3)), 1: ("int64", (6, 7)), 2: ("uint16", (4, 5, 3))}


def frames_for(pattern):
    return FRAMES_PUBSUB if pattern == 2 else FRAMES_LOCKSTEP


@pytest.fixture
def spawn():
    """spawn(argv, name) -> running Peer (JSON lines on stdout); killed after the test."""
    peers = []

    def start(argv, name):
        peer = Peer([str(a) for a in argv], name)
        peers.append(peer)
        return peer

    yield start
    for peer in peers:
        peer.kill()


def finished(peer):
    """The peer's PeerResult once it exited 0."""
    result = peer.finish()
    assert result.returncode == 0, result.describe()
    return result


def frame_indices(arrays, dtype, shape):
    """Index i of each array, which must be exactly frame(i) of this dtype and shape."""
    indices = []
    for array in arrays:
        assert array.dtype == np.dtype(dtype) and array.shape == tuple(shape), (array.dtype, array.shape)
        index = int(array.flat[0])  # frame(i) starts with i % 127; fewer than 127 frames here
        np.testing.assert_array_equal(array, frame(index, shape, dtype))
        indices.append(index)
    return indices


def assert_indices(indices, pattern, sent):
    """Patterns 0/1: every frame in order; pattern 2: at least one, increasing, of those sent."""
    if pattern in (0, 1):
        assert indices == list(range(sent))
    else:
        assert indices, "pattern 2: no frame arrived"
        assert indices == sorted(set(indices)) and indices[-1] < sent, indices


def psnr(got, expected):
    mse = float(np.mean((got.astype(np.float64) - expected.astype(np.float64)) ** 2))
    return 100.0 if mse == 0 else 10.0 * math.log10(255.0 ** 2 / mse)


def module_receiver(receiver, **options):
    """receiver() that waits RECEIVE_TIMEOUT, so only a termination ends it in time."""
    options.setdefault("receive_timeout", RECEIVE_TIMEOUT)
    return receiver(**options)


def vidgear_send(spawn, flavour, pattern, port, **options):
    """A vidgear sender (peer `send`) connected to our receiver on `port`."""
    options.setdefault("timeout", PEER_TIMEOUT)
    return spawn(python_peer_argv("send", flavour, pattern, endpoint=endpoint_for(port),
                                  await_peer=pattern == 2, **options), f"vidgear-{flavour}-send")


def vidgear_recv(spawn, flavour, pattern, **options):
    """A vidgear receiver (peer `recv`) bound to a free loopback port: (peer, port)."""
    peer = spawn(python_peer_argv("recv", flavour, pattern, bind="tcp://127.0.0.1",
                                  timeout=PEER_TIMEOUT, **options), f"vidgear-{flavour}-recv")
    return peer, peer.read_port()


def send_all(server, pattern, arrays, message=None):
    """Sends every array (pattern 2: after a subscriber is there, retrying drops); the replies."""
    if pattern == 2:
        assert server.wait_for_receiver(WAIT), "the vidgear SUB never subscribed"
        for array in arrays:
            publish(server, array, message)
        return []
    return [server.send(array, message=message) for array in arrays]


# -- vidgear sender -> module receiver ------------------------------------------------------------


@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize("flavour", FLAVOURS)
def test_vidgear_sender_to_module_receiver(receiver, spawn, flavour, pattern):
    dtype, shape = CASES[pattern]
    client, port = module_receiver(receiver, pattern=pattern)
    got = Background(drain, client)
    finished(vidgear_send(spawn, flavour, pattern, port, frames=frames_for(pattern), dtype=dtype,
                          shape=shape, message=MESSAGE))
    arrays = got.result(timeout=WAIT)  # ends with None: the termination, not a timeout
    assert all(isinstance(a, np.ndarray) for a in arrays), "normal mode: bare frames, message dropped"
    assert_indices(frame_indices(arrays, dtype, shape), pattern, frames_for(pattern))
    assert client.recv() is None, "the stream stays ended"


@pytest.mark.parametrize("flavour, pattern, returned", [
    ("0.1", 0, {"seen": True, "n": [1, 2]}),
    ("0.3", 1, frame(5, (6, 8), np.uint16)),  # 0.3 also takes a frame back
], ids=["0.1-p0-data", "0.3-p1-frame"])
def test_vidgear_bidirectional_sender_gets_message_frame_pairs_and_our_data(
        receiver, spawn, flavour, pattern, returned):
    dtype, shape = "uint8", (24, 32, 3)
    client, port = module_receiver(receiver, pattern=pattern, bidirectional_mode=True)

    def receive_all():  # recv(returned) from before the first frame: the replies carry it
        items = []
        while (item := client.recv(returned)) is not None:
            items.append(item)
        return items

    got = Background(receive_all)
    sender = finished(vidgear_send(spawn, flavour, pattern, port, frames=FRAMES_LOCKSTEP, dtype=dtype,
                                   shape=shape, message=MESSAGE, bidirectional=True))
    items = got.result(timeout=WAIT)
    assert all(isinstance(item, tuple) and len(item) == 2 for item in items), items
    assert [message for message, _ in items] == [MESSAGE] * FRAMES_LOCKSTEP
    assert_indices(frame_indices([array for _, array in items], dtype, shape), pattern, FRAMES_LOCKSTEP)

    if isinstance(returned, np.ndarray):  # the peer records a returned array as its match
        expected = {"frame_shape": list(returned.shape), "dtype": str(returned.dtype),
                    "compressed": False, "matches": 5}
    else:
        expected = returned
    replies = sender.summary["replies"]
    if flavour == "0.3" and pattern == 1:  # 0.1 force-closes in bidirectional mode: no reply
        assert replies.pop() == TERM_REPLY["0.3"], "our answer to the termination"
    assert len(replies) == FRAMES_LOCKSTEP, sender.describe()
    # The I/O thread answers a frame as it arrives, with the data of the latest recv(): a reply
    # may beat the first recv() call (None), but every later one carries our data.
    assert replies[-1] == expected, replies
    assert all(r in (None, expected) for r in replies), replies


@pytest.mark.parametrize("flavour, message", [("0.1", None), ("0.3", {"cam": "b"})], ids=["0.1", "0.3"])
def test_vidgear_multiserver_sender_frames_carry_its_port(receiver, spawn, flavour, message):
    """Two senders into one multi-server receiver (pattern 1): ours holds the stream open while
    the vidgear one streams and terminates; the stream ends when ours terminates too."""
    client, _ = module_receiver(receiver, pattern=1, port=["*", "*"], multiserver_mode=True)
    ours_port, peer_port = (port_of(e) for e in client.endpoints)
    got = Background(drain, client)
    ours = netgear.NetGear(address="127.0.0.1", port=ours_port, pattern=1, multiserver_mode=True,
                           request_timeout=WAIT)
    try:
        ours.send(frame(90, (8, 8)))
        finished(vidgear_send(spawn, flavour, 1, peer_port, frames=FRAMES_LOCKSTEP, dtype="uint8",
                              shape=(8, 8), message=message, multiserver=True,
                              port_label=str(peer_port)))
        ours.send(frame(91, (8, 8)))
    finally:
        ours.close()
    items = got.result(timeout=WAIT)
    from_ours = [item for item in items if item[0] == str(ours_port)]
    from_peer = [item for item in items if item[0] == str(peer_port)]
    assert len(from_ours) + len(from_peer) == len(items), [item[0] for item in items]
    assert [len(item) for item in from_ours] == [2, 2]  # (port, frame): no message
    assert frame_indices([item[-1] for item in from_ours], "uint8", (8, 8)) == [90, 91]
    expected_len = 3 if message else 2  # (port, message, frame) when the message is truthy
    assert [len(item) for item in from_peer] == [expected_len] * FRAMES_LOCKSTEP
    if message:
        assert all(item[1] == message for item in from_peer)
    assert frame_indices([item[-1] for item in from_peer], "uint8", (8, 8)) == list(range(FRAMES_LOCKSTEP))


def test_vidgear_jpeg_sender_frames_decode_close(receiver, spawn):
    client, port = module_receiver(receiver, pattern=0)
    got = Background(drain, client)
    finished(vidgear_send(spawn, "0.3", 0, port, frames=FRAMES_LOCKSTEP, dtype="uint8",
                          shape=JPEG_SHAPE, jpeg=True))
    arrays = got.result(timeout=WAIT)
    assert len(arrays) == FRAMES_LOCKSTEP
    for i, array in enumerate(arrays):
        assert array.shape == JPEG_SHAPE and array.dtype == np.uint8
        assert psnr(array, frame(i, JPEG_SHAPE)) >= JPEG_MIN_PSNR_OPENCV


# -- module sender -> vidgear receiver ------------------------------------------------------------


@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize("flavour", FLAVOURS)
def test_module_sender_to_vidgear_receiver(sender, spawn, flavour, pattern):
    dtype, shape = CASES[pattern]
    peer, port = vidgear_recv(spawn, flavour, pattern, dtype=dtype, shape=shape, expect=1)
    server = sender(port, pattern=pattern)
    sent = frames_for(pattern)
    replies = send_all(server, pattern, [frame(i, shape, dtype) for i in range(sent)], MESSAGE)
    assert replies == [None] * len(replies), "normal mode: send() returns None"
    server.close()
    # every frame (0/1) or some in order (2), the header's dtype/shape/message, terminated: true
    assert_frames(finished(peer), pattern, sent, dtype, shape, MESSAGE)


@pytest.mark.parametrize("pattern", (0, 1))
@pytest.mark.parametrize("flavour", FLAVOURS)
def test_module_sender_close_kill_ends_the_vidgear_receiver(sender, spawn, flavour, pattern):
    """vidgear 0.3's close(kill=True) on a sender: stop at once. The termination is still
    offered once (as force_terminate), so a connected lock-step vidgear receiver ends with every
    frame. (PUB/SUB: an offered termination may be dropped by the HWM-1 queue, as vidgear's own
    PUB often drops it; the receiver then ends on its silence limit.)"""
    dtype, shape = CASES[pattern]
    peer, port = vidgear_recv(spawn, flavour, pattern, dtype=dtype, shape=shape, expect=1)
    server = sender(port, pattern=pattern)
    sent = frames_for(pattern)
    send_all(server, pattern, [frame(i, shape, dtype) for i in range(sent)], MESSAGE)
    server.close(kill=True)
    assert server.closed
    server.close(kill=True)  # idempotent
    assert_frames(finished(peer), pattern, sent, dtype, shape, MESSAGE)


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_module_receiver_close_kill_under_a_vidgear_sender(receiver, spawn, flavour):
    """close(kill=True) on a receiver returns at once while a vidgear sender is streaming; the
    receiver gives nothing more."""
    client, port = module_receiver(receiver, pattern=2)
    peer = vidgear_send(spawn, flavour, 2, port, frames=100000, dtype="uint8", shape=(4, 5, 3),
                        pace_ms=1)
    assert client.recv() is not None, "no frame from the vidgear sender"
    client.close(kill=True)
    assert client.closed
    assert client.recv() is None
    peer.kill()


@pytest.mark.parametrize("flavour, pattern", [("0.1", 1), ("0.3", 0)])
def test_module_bidirectional_sender_gets_the_vidgear_return_data(sender, spawn, flavour, pattern):
    data = {"ok": [1, "two", None], "flavour": flavour}
    dtype, shape = "uint8", (24, 32, 3)
    peer, port = vidgear_recv(spawn, flavour, pattern, dtype=dtype, shape=shape, bidirectional=True,
                              return_data=data)
    server = sender(port, pattern=pattern, bidirectional_mode=True)
    replies = send_all(server, pattern, [frame(i, shape, dtype) for i in range(FRAMES_LOCKSTEP)], MESSAGE)
    assert replies == [data] * FRAMES_LOCKSTEP
    server.close()
    result = finished(peer)
    assert_frames(result, pattern, FRAMES_LOCKSTEP, dtype, shape, MESSAGE)
    assert all(f["returned"] == ["message", "frame"] for f in result.frames)


def test_module_jpeg_sender_to_vidgear_0_3_receiver(sender, spawn):
    peer, port = vidgear_recv(spawn, "0.3", 1, dtype="uint8", shape=JPEG_SHAPE)
    server = sender(port, pattern=1, jpeg_compression=True, jpeg_compression_quality=90)
    send_all(server, 1, [frame(i, JPEG_SHAPE) for i in range(FRAMES_LOCKSTEP)])
    server.close()
    result = finished(peer)
    assert result.summary == {"frames": FRAMES_LOCKSTEP, "terminated": True}, result.describe()
    for i, record in enumerate(result.frames):
        assert record["compressed"] and record["shape"] == list(JPEG_SHAPE)
        assert record["psnr_frame"] == i and record["psnr"] >= JPEG_MIN_PSNR_TURBO, record


# -- the netgear command ----------------------------------------------------------------------


def cli(spawn, *args):
    """`netgear args... --json` as a Peer (it prints one JSON object per line)."""
    return spawn([NETGEAR_CLI, *args, "--json"], "netgear " + args[0])


def read_event(peer, event):
    """Skips JSON lines until one with this "event"."""
    while (line := peer.read_json(WAIT)).get("event") != event:
        pass
    return line


def summary_of(result):
    summaries = [r for r in result.records if r.get("event") == "summary"]
    assert summaries, result.describe()
    return summaries[-1]


@needs_cli
@pytest.mark.parametrize("pattern", [0, 1])
def test_netgear_send_to_module_receiver(receiver, spawn, pattern):
    client, port = module_receiver(receiver, pattern=pattern)
    got = Background(drain, client)
    sent = summary_of(finished(cli(spawn, "send", "test:160x120", "-a", "127.0.0.1", "-p", port,
                                   "--pattern", pattern, "--frames", 30, "--fps", 0)))
    assert sent["frames"] == 30 and sent["end"] == "--frames reached", sent
    arrays = got.result(timeout=WAIT)
    assert len(arrays) == 30
    assert all(a.shape == (120, 160, 3) and a.dtype == np.uint8 for a in arrays)
    assert arrays[0].std() > 0, "a test pattern, not a blank frame"


@needs_cli
def test_netgear_send_jpeg_to_module_receiver(receiver, spawn):
    client, port = module_receiver(receiver)
    got = Background(drain, client)
    sent = summary_of(finished(cli(spawn, "send", "test:160x120", "-a", "127.0.0.1", "-p", port,
                                   "--jpeg", "--frames", 10, "--fps", 0)))
    assert sent["bytes"] < 10 * 160 * 120 * 3 / 4, "JPEG-sized on the wire"
    arrays = got.result(timeout=WAIT)
    assert len(arrays) == 10
    assert all(a.shape == (120, 160, 3) and a.dtype == np.uint8 for a in arrays)


@needs_cli
@pytest.mark.parametrize("pattern", [0, 1])
def test_module_sender_to_netgear_recv(sender, spawn, pattern):
    peer = cli(spawn, "recv", "-a", "127.0.0.1", "-p", 0, "--pattern", pattern)
    port = port_of(read_event(peer, "listening")["endpoints"][0])
    server = sender(port, pattern=pattern)
    send_all(server, pattern, [frame(i, (120, 160, 3)) for i in range(25)], MESSAGE)
    server.close()
    got = summary_of(finished(peer))
    assert got["frames"] == 25 and got["end"] == "the sender ended the stream", got
    assert got["bad"] == 0 and got["bytes"] >= 25 * 120 * 160 * 3
