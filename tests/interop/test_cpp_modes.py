"""C++ netgear peer against the vidgear emulation in vidgear's modes, both directions, both
flavours: compression (0.1 OpenCV formats, 0.3 JPEG), bidirectional mode (patterns 0/1) and
multi-server mode (patterns 1/2).  See WIRE.md 3.2, 4, 5 and 7.

Skipped unless NETGEAR_INTEROP_PEER names the C++ interop peer binary; on top of the contract in
test_cpp_interop.py it takes ``--options '<JSON object of vidgear option keys>'`` (send and
recv) and ``--return-data '<JSON>'`` (recv), prints ``port`` in every recv frame line, and its
send ``replies`` hold the reply data in bidirectional mode.

Compression tests send the %127 ramp as uint8 H x W x 3 (JPEG_SHAPE): exact for PNG, PSNR for
JPEG (the ramp's wrap-around edges keep JPEG near 30-32 dB; see peer_util.JPEG_SHAPE).

Run: NETGEAR_INTEROP_PEER=build/tests/interop/netgear_interop_peer \\
     /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/interop/test_cpp_modes.py
"""

import pytest

from peer_util import (
    ALL_TERM_REPLIES, ANY_DATA_REPLY_RE, DATA_REPLY_RE, JPEG_MIN_PSNR_TURBO, JPEG_SHAPE,
    MULTISERVER_TERM_REPLY, PEER_TIMEOUT, TERM_REPLY, assert_clean_exit, cpp_peer_argv,
    cpp_peer_path, endpoint_for, pattern2_pace_ms, python_peer_argv, run_exchange,
)

pytestmark = pytest.mark.skipif(not cpp_peer_path(), reason="NETGEAR_INTEROP_PEER is not set")

FLAVOURS = ("0.1", "0.3")
FRAMES = 3             # patterns 0/1: every frame arrives, in order
FRAMES_PUBSUB = 10     # pattern 2: the PUB may drop early frames (slow joiner)
JPEG_DICT = {"dct": True, "ups": False, "colorspace": "BGR"}
SMALL = (4, 5, 3)

# netgear bug found by these tests (see the report / test ids below).


def frames_for(pattern):
    return FRAMES_PUBSUB if pattern == 2 else FRAMES


def sender_extra(pattern, shape=SMALL):
    """Pattern 2 pacing (both senders) — the vidgear emulation also waits for the handshake."""
    return dict(pace_ms=pattern2_pace_ms("uint8", shape) if pattern == 2 else None)


def exchange(spawn, binder_argv, connector_argv_for, binder_name, connector_name):
    """run_exchange that also returns the bound port (as a string, like a port label)."""
    seen = {}

    def argv_for(endpoint):
        seen["port"] = endpoint.rsplit(":", 1)[1]
        return connector_argv_for(endpoint, seen["port"])

    binder, connector = run_exchange(spawn, binder_argv, argv_for, binder_name, connector_name)
    return binder, connector, seen["port"]


def assert_received(recv, pattern, sent):
    """All frames in order (patterns 0/1) or some, increasing (pattern 2); clean termination."""
    frames = recv.frames
    assert recv.summary == {"frames": len(frames), "terminated": True}, recv.describe()
    indices = [f["matches"] for f in frames]
    if pattern in (0, 1):
        assert indices == list(range(sent)), recv.describe()
    else:
        assert indices and None not in indices, recv.describe()
        assert indices == sorted(set(indices)) and indices[-1] < sent, indices


def assert_lockstep_replies(send, pattern, sent, data_check, term_replies):
    """`sent` frame replies passing data_check, then (pattern 1) one termination reply."""
    replies = send.summary["replies"]
    assert send.summary["sent"] == sent, send.describe()
    if pattern == 2:
        assert replies == [], replies
        return
    assert len(replies) == sent + (1 if pattern == 1 else 0), replies
    assert all(data_check(r) for r in replies[:sent]), replies
    if pattern == 1:
        assert replies[-1] in term_replies, replies[-1]


# ---------------------------------------------------------------- compression: C++ -> vidgear


@pytest.mark.parametrize("pattern", (0, 1))
@pytest.mark.parametrize("flavour", FLAVOURS)
def test_cpp_jpeg_to_vidgear(spawn, flavour, pattern):
    """Our JPEG header carries the 0.3 dict AND dtype/shape, so both generations decode it."""
    recv_argv = python_peer_argv("recv", flavour, pattern, timeout=PEER_TIMEOUT, dtype="uint8",
                                 shape=JPEG_SHAPE, expect=FRAMES)
    recv, send, _ = exchange(
        spawn, recv_argv,
        lambda endpoint, _: cpp_peer_argv("send", pattern, endpoint=endpoint, frames=FRAMES,
                                          dtype="uint8", shape=JPEG_SHAPE, timeout=PEER_TIMEOUT,
                                          options={"jpeg_compression": True}),
        "vidgear-recv", "cpp-send")
    assert_clean_exit(recv, send)
    assert recv.summary == {"frames": FRAMES, "terminated": True}
    for k, frame in enumerate(recv.frames):
        header = frame["header"]
        assert header["compression"] == JPEG_DICT, header
        assert (header["dtype"], header["shape"]) == ("uint8", [frame["payload_len"]]), header
        assert (frame["dtype"], frame["shape"]) == ("uint8", list(JPEG_SHAPE)), frame
        assert frame["psnr_frame"] == k and frame["psnr"] > JPEG_MIN_PSNR_TURBO, frame
    assert_lockstep_replies(send, pattern, FRAMES, DATA_REPLY_RE[flavour].fullmatch,
                            {TERM_REPLY[flavour]})


def cpp_png_to_vidgear_01(spawn, pattern):
    recv_argv = python_peer_argv("recv", "0.1", pattern, timeout=PEER_TIMEOUT, expect=FRAMES)
    recv, send, _ = exchange(
        spawn, recv_argv,
        lambda endpoint, _: cpp_peer_argv("send", pattern, endpoint=endpoint, frames=FRAMES,
                                          dtype="uint8", shape=JPEG_SHAPE, timeout=PEER_TIMEOUT,
                                          options={"compression_format": ".png"}),
        "vidgear-recv", "cpp-send")
    assert_clean_exit(recv, send)
    assert recv.summary == {"frames": FRAMES, "terminated": True}
    assert_lockstep_replies(send, pattern, FRAMES, DATA_REPLY_RE["0.1"].fullmatch,
                            {TERM_REPLY["0.1"]})
    return recv


@pytest.mark.parametrize("pattern", (0, 1))
def test_cpp_png_header_to_vidgear_01(spawn, pattern):
    """0.1 form: compression ".png", dtype "uint8", shape [N]; the PNG is lossless."""
    recv = cpp_png_to_vidgear_01(spawn, pattern)
    for k, frame in enumerate(recv.frames):
        header = frame["header"]
        assert header["compression"] == ".png", header
        assert (header["dtype"], header["shape"]) == ("uint8", [frame["payload_len"]]), header
        assert frame["compressed"] is True and frame["psnr"] == 100.0, frame  # bit-exact pixels


@pytest.mark.parametrize("pattern", (0, 1))
def test_cpp_png_to_vidgear_01_keeps_shape(spawn, pattern):
    recv = cpp_png_to_vidgear_01(spawn, pattern)
    assert [(f["shape"], f["matches"]) for f in recv.frames] == [
        (list(JPEG_SHAPE), k) for k in range(FRAMES)], recv.describe()


# ---------------------------------------------------------------- compression: vidgear -> C++


VIDGEAR_COMPRESSED = (
    pytest.param("0.1", {"compression_format": ".jpg"}, False, id="0.1-jpg"),
    pytest.param("0.1", {"compression_format": ".png"}, True, id="0.1-png"),
    pytest.param("0.3", {"jpeg": True}, False, id="0.3-jpeg"),
)


@pytest.mark.parametrize("pattern", (0, 1, 2))
@pytest.mark.parametrize("flavour,options,lossless", VIDGEAR_COMPRESSED)
def test_vidgear_compressed_to_cpp(spawn, flavour, options, lossless, pattern):
    """netgear decodes both generations' headers (IMREAD_UNCHANGED by default)."""
    sent = frames_for(pattern)
    recv_argv = cpp_peer_argv("recv", pattern, bind="tcp://127.0.0.1", timeout=PEER_TIMEOUT,
                              expect=sent if pattern != 2 else 1)
    recv, send, _ = exchange(
        spawn, recv_argv,
        lambda endpoint, _: python_peer_argv("send", flavour, pattern, endpoint=endpoint,
                                             frames=sent, dtype="uint8", shape=JPEG_SHAPE,
                                             timeout=PEER_TIMEOUT, await_peer=pattern == 2,
                                             **sender_extra(pattern, JPEG_SHAPE), **options),
        "cpp-recv", "vidgear-send")
    assert_clean_exit(recv, send)
    assert recv.summary == {"frames": len(recv.frames), "terminated": True}, recv.describe()
    assert recv.frames, recv.describe()
    for frame in recv.frames:
        assert (frame["dtype"], frame["shape"]) == ("uint8", list(JPEG_SHAPE)), frame
    if lossless:
        assert_received(recv, pattern, sent)
    else:
        assert len(recv.frames) == sent or pattern == 2, recv.describe()
        assert all(f["matches"] is None for f in recv.frames), recv.describe()
    assert_lockstep_replies(send, pattern, sent, ANY_DATA_REPLY_RE.fullmatch, ALL_TERM_REPLIES)


# ---------------------------------------------------------------- bidirectional


@pytest.mark.parametrize("pattern", (0, 1))
@pytest.mark.parametrize("flavour", FLAVOURS)
def test_cpp_bidirectional_send_to_vidgear(spawn, flavour, pattern):
    """vidgear replies {"data": "x"} (0.1) / {"return_type": "str", "data": "x"} (0.3)."""
    message = {"k": [1, None]}
    recv_argv = python_peer_argv("recv", flavour, pattern, timeout=PEER_TIMEOUT, dtype="uint8",
                                 shape=SMALL, bidirectional=True, return_data="x")
    recv, send, _ = exchange(
        spawn, recv_argv,
        lambda endpoint, _: cpp_peer_argv("send", pattern, endpoint=endpoint, frames=FRAMES,
                                          dtype="uint8", shape=SMALL, message=message,
                                          timeout=PEER_TIMEOUT,
                                          options={"bidirectional_mode": True}),
        "vidgear-recv", "cpp-send")
    assert_clean_exit(recv, send)
    assert_received(recv, pattern, FRAMES)
    assert all(f["message"] == message and f["returned"] == ["message", "frame"]
               for f in recv.frames), recv.describe()
    replies = send.summary["replies"]
    assert replies[:FRAMES] == ["x"] * FRAMES, send.describe()
    # bidirectional mode force-closes (as vidgear): a termination reply may or may not be read
    assert set(replies[FRAMES:]) <= {TERM_REPLY[flavour]} and len(replies) <= FRAMES + 1, replies


@pytest.mark.parametrize("pattern", (0, 1))
@pytest.mark.parametrize("flavour", FLAVOURS)
def test_vidgear_bidirectional_send_to_cpp(spawn, flavour, pattern):
    """netgear replies in the 0.3 form; 0.1 senders read its 'data' key."""
    recv_argv = cpp_peer_argv("recv", pattern, bind="tcp://127.0.0.1", timeout=PEER_TIMEOUT,
                              expect=FRAMES, options={"bidirectional_mode": True},
                              return_data=[1, "a"])
    recv, send, _ = exchange(
        spawn, recv_argv,
        lambda endpoint, _: python_peer_argv("send", flavour, pattern, endpoint=endpoint,
                                             frames=FRAMES, dtype="uint8", shape=SMALL,
                                             message="hi", timeout=PEER_TIMEOUT,
                                             bidirectional=True),
        "cpp-recv", "vidgear-send")
    assert_clean_exit(recv, send)
    assert_received(recv, pattern, FRAMES)
    assert all(f["message"] == "hi" for f in recv.frames), recv.describe()
    replies = send.summary["replies"]
    assert replies[:FRAMES] == [[1, "a"]] * FRAMES, send.describe()
    if flavour == "0.1":  # 0.1 bidirectional force-closes: 500 terminations, no reply read
        assert len(replies) == FRAMES and send.summary["terminations"] >= 1, send.describe()
    else:
        assert replies[FRAMES:] == ([TERM_REPLY["0.3"]] if pattern == 1 else []), replies


# ---------------------------------------------------------------- multi-server


@pytest.mark.parametrize("pattern", (1, 2))
@pytest.mark.parametrize("flavour", FLAVOURS)
def test_vidgear_multiserver_send_to_cpp(spawn, flavour, pattern):
    sent = frames_for(pattern)
    recv_argv = cpp_peer_argv("recv", pattern, bind="tcp://127.0.0.1", timeout=PEER_TIMEOUT,
                              expect=sent if pattern == 1 else 1,
                              options={"multiserver_mode": True})
    recv, send, label = exchange(
        spawn, recv_argv,
        lambda endpoint, port: python_peer_argv("send", flavour, pattern, endpoint=endpoint,
                                                frames=sent, dtype="uint8", shape=SMALL,
                                                message="m", timeout=PEER_TIMEOUT,
                                                await_peer=pattern == 2, multiserver=True,
                                                port_label=port, **sender_extra(pattern)),
        "cpp-recv", "vidgear-send")
    assert_clean_exit(recv, send)
    assert_received(recv, pattern, sent)
    assert all((f["port"], f["message"]) == (label, "m") for f in recv.frames), recv.describe()
    assert_lockstep_replies(send, pattern, sent, ANY_DATA_REPLY_RE.fullmatch,
                            set(MULTISERVER_TERM_REPLY.values()))


@pytest.mark.parametrize("pattern", (1, 2))
@pytest.mark.parametrize("flavour", FLAVOURS)
def test_cpp_multiserver_send_to_vidgear(spawn, flavour, pattern):
    """The C++ sender stamps its port (a string) into every header and its termination."""
    sent = frames_for(pattern)
    recv_argv = python_peer_argv("recv", flavour, pattern, timeout=PEER_TIMEOUT, dtype="uint8",
                                 shape=SMALL, expect=sent if pattern == 1 else 1,
                                 multiserver=True)
    recv, send, label = exchange(
        spawn, recv_argv,
        lambda endpoint, _: cpp_peer_argv("send", pattern, endpoint=endpoint, frames=sent,
                                          dtype="uint8", shape=SMALL, timeout=PEER_TIMEOUT,
                                          options={"multiserver_mode": True},
                                          **sender_extra(pattern)),
        "vidgear-recv", "cpp-send")
    assert_clean_exit(recv, send)
    assert_received(recv, pattern, sent)  # terminated: vidgear's port list emptied by our port
    for frame in recv.frames:
        assert frame["port"] == label and frame["returned"] == ["port", "frame"], frame
        assert list(frame["header"])[0] == "port", frame["header"]  # 0.3 order; 0.1 reads any
    assert_lockstep_replies(send, pattern, sent, DATA_REPLY_RE[flavour].fullmatch,
                            {MULTISERVER_TERM_REPLY[flavour]})


def test_cpp_multiserver_waits_for_every_server(spawn):
    """Two vidgear senders (labels A, B) on one C++ receiver: A's termination does not end the
    stream while B, which has delivered frames, is still sending (WIRE.md 4)."""
    recv = spawn(cpp_peer_argv("recv", 2, bind="tcp://127.0.0.1", timeout=PEER_TIMEOUT,
                               options={"multiserver_mode": True}), "cpp-recv")
    endpoint = endpoint_for(recv.read_port())

    def sender(label, frames, pace_ms):
        return spawn(python_peer_argv("send", "0.3", 2, endpoint=endpoint, frames=frames,
                                      dtype="uint8", shape=SMALL, timeout=PEER_TIMEOUT,
                                      await_peer=True, pace_ms=pace_ms, multiserver=True,
                                      port_label=label), f"vidgear-send-{label}")

    slow = sender("B", 40, 20)          # ~0.8 s of frames
    first = recv.read_json(PEER_TIMEOUT)
    assert first.get("port") == "B", first
    fast = sender("A", 10, 5)
    fast_result, slow_result = fast.finish(), slow.finish()
    result = recv.finish()
    assert_clean_exit(fast_result, slow_result, result)
    frames = [first] + result.frames
    ports = [f["port"] for f in frames]
    assert result.summary == {"frames": len(frames), "terminated": True}, result.describe()
    assert ports[-1] == "B" and "A" in ports, ports


# ---------------------------------------------------------------- multi-server + bidirectional


def test_vidgear_03_multiserver_bidirectional_send_to_cpp(spawn):
    """vidgear 0.3 allows bidirectional mode with multi-server (0.1 switches it off): the C++
    receiver gets (port, message, frame) and the 0.3 sender gets the return data back."""
    recv_argv = cpp_peer_argv("recv", 1, bind="tcp://127.0.0.1", timeout=PEER_TIMEOUT, expect=FRAMES,
                              options={"multiserver_mode": True, "bidirectional_mode": True},
                              return_data={"ok": 1})
    recv, send, label = exchange(
        spawn, recv_argv,
        lambda endpoint, port: python_peer_argv("send", "0.3", 1, endpoint=endpoint, frames=FRAMES,
                                                dtype="uint8", shape=SMALL, message="m",
                                                timeout=PEER_TIMEOUT, multiserver=True,
                                                port_label=port, bidirectional=True),
        "cpp-recv", "vidgear-send")
    assert_clean_exit(recv, send)
    assert_received(recv, 1, FRAMES)
    assert all((f["port"], f["message"]) == (label, "m") for f in recv.frames), recv.describe()
    assert send.summary["replies"][:FRAMES] == [{"ok": 1}] * FRAMES, send.describe()


def test_cpp_multiserver_bidirectional_send_to_vidgear_03(spawn):
    """And the other way: a C++ multi-server sender in bidirectional mode into a vidgear 0.3
    multi-server receiver gets that receiver's return data."""
    recv_argv = python_peer_argv("recv", "0.3", 1, timeout=PEER_TIMEOUT, dtype="uint8", shape=SMALL,
                                 expect=FRAMES, multiserver=True, bidirectional=True,
                                 return_data={"seen": True})
    recv, send, label = exchange(
        spawn, recv_argv,
        lambda endpoint, _: cpp_peer_argv("send", 1, endpoint=endpoint, frames=FRAMES, dtype="uint8",
                                          shape=SMALL, timeout=PEER_TIMEOUT,
                                          options={"multiserver_mode": True, "bidirectional_mode": True}),
        "vidgear-recv", "cpp-send")
    assert_clean_exit(recv, send)
    assert_received(recv, 1, FRAMES)
    assert all(f["port"] == label for f in recv.frames), recv.describe()
    assert send.summary["replies"][:FRAMES] == [{"seen": True}] * FRAMES, send.describe()
