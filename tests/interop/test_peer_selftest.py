"""Self-tests of vidgear_peer.py: peer against peer, and each mode against raw pyzmq sockets
checked byte for byte against the captures in WIRE.md (Appendix).

Run: /usr/bin/python3 -m pytest -q tests/interop/test_peer_selftest.py
"""

import json
import time

import numpy as np
import pytest
import zmq

from peer_util import (
    DATA_REPLY_RE, PEER_TIMEOUT, TERM_REPLY, assert_clean_exit, assert_frames, assert_replies,
    endpoint_for, python_peer_argv, run_exchange,
)

FLAVOURS = ("0.1", "0.3")
PATTERNS = (0, 1, 2)
DTYPES = ("uint8", "uint16", "float32", "int8", "float64")
SHAPES = ((4, 5, 3), (7, 9), (2, 3, 4, 5))
MESSAGES = ({"a": [1, 2], "b": "x"}, [1, "two", None], "hello")
FRAMES = 5            # patterns 0/1: every frame arrives, in order
FRAMES_PUBSUB = 20    # pattern 2: early frames may be lost (subscription still in flight)
PACE_MS = 5           # pattern 2: 20 x 5 ms leaves the subscription 100 ms even on a busy machine
RAW_TIMEOUT = 10.0


def frames_for(pattern):
    return FRAMES_PUBSUB if pattern == 2 else FRAMES


def exchange(spawn, pattern, dtype, shape, message=None, send_flavour="0.1",
             recv_flavour="0.1", frames=None, await_peer=True, expect=None):
    """python recv (binder) <- python send (connector); returns (recv, send) results."""
    frames = frames or frames_for(pattern)
    recv_argv = python_peer_argv("recv", recv_flavour, pattern, timeout=PEER_TIMEOUT,
                                 dtype=dtype, shape=shape, expect=expect)

    def send_argv(endpoint):
        return python_peer_argv("send", send_flavour, pattern, endpoint=endpoint,
                                frames=frames, dtype=dtype, shape=shape, message=message,
                                timeout=PEER_TIMEOUT, await_peer=await_peer and pattern == 2,
                                pace_ms=PACE_MS if pattern == 2 else None)

    return run_exchange(spawn, recv_argv, send_argv)


def check_exchange(recv, send, pattern, dtype, shape, message, send_flavour, recv_flavour):
    """Frames arrived intact, replies have the receiver flavour's texts, headers the sender's."""
    assert_clean_exit(recv, send)
    sent = frames_for(pattern)
    assert_frames(recv, pattern, sent, dtype, shape, message)
    assert_replies(send, pattern, sent, DATA_REPLY_RE[recv_flavour],
                   {TERM_REPLY[recv_flavour]})
    data_replies = set(send.summary["replies"][:sent])
    assert len(data_replies) <= 1, "device id must be fixed per run"
    compression = "" if send_flavour == "0.1" else False
    for frame in recv.frames:
        assert list(frame["header"].items()) == [
            ("terminate_flag", False), ("compression", compression), ("message", message),
            ("pattern", str(pattern)), ("dtype", dtype), ("shape", list(shape)),
        ]


# ---------------------------------------------------------------- peer <-> peer


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize("flavour", FLAVOURS)
def test_dtypes(spawn, flavour, pattern, dtype):
    recv, send = exchange(spawn, pattern, dtype, (4, 5, 3), None, flavour, flavour)
    check_exchange(recv, send, pattern, dtype, (4, 5, 3), None, flavour, flavour)


@pytest.mark.parametrize("shape,message", list(zip(SHAPES, MESSAGES)),
                         ids=("4x5x3-dict", "7x9-list", "2x3x4x5-str"))
@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize("flavour", FLAVOURS)
def test_shapes_and_messages(spawn, flavour, pattern, shape, message):
    dtype = DTYPES[(len(shape) + pattern) % len(DTYPES)]
    recv, send = exchange(spawn, pattern, dtype, shape, message, flavour, flavour)
    check_exchange(recv, send, pattern, dtype, shape, message, flavour, flavour)


@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize("send_flavour,recv_flavour", (("0.1", "0.3"), ("0.3", "0.1")))
def test_cross_flavour(spawn, send_flavour, recv_flavour, pattern):
    recv, send = exchange(spawn, pattern, "float32", (2, 3, 4, 5), "x", send_flavour,
                          recv_flavour)
    check_exchange(recv, send, pattern, "float32", (2, 3, 4, 5), "x", send_flavour,
                   recv_flavour)


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_pattern2_without_await_peer(spawn, flavour):
    """vidgear timing (no handshake wait): the PUB may drop early frames, never reorders."""
    frames = 40
    recv, send = exchange(spawn, 2, "uint8", (4, 5, 3), None, flavour, flavour,
                          frames=frames, await_peer=False, expect=1)
    assert_clean_exit(recv, send)
    indices = [f["matches"] for f in recv.frames]
    assert indices and None not in indices and indices == sorted(set(indices)), indices
    assert indices[-1] < frames


def test_expect_not_met_exits_5(spawn):
    recv, send = exchange(spawn, 0, "uint8", (4, 5, 3), expect=FRAMES + 1)
    assert_clean_exit(send)
    assert recv.returncode == 5, recv.describe()
    assert recv.summary == {"frames": FRAMES, "terminated": True}


def test_recv_expectation_mismatch_reports_no_match(spawn):
    recv_argv = python_peer_argv("recv", "0.3", 0, timeout=PEER_TIMEOUT, dtype="uint16",
                                 shape=(4, 5, 3))

    def send_argv(endpoint):
        return python_peer_argv("send", "0.3", 0, endpoint=endpoint, frames=2, dtype="uint8",
                                shape=(4, 5, 3), timeout=PEER_TIMEOUT)

    recv, send = run_exchange(spawn, recv_argv, send_argv)
    assert_clean_exit(recv, send)
    assert [f["matches"] for f in recv.frames] == [None, None]


# ---------------------------------------------------------------- sender vs raw sockets

# Exact header bytes captured from vidgear (WIRE.md Appendix), 4x5x3 uint8 frame 0.
CAPTURED_HEADERS = [
    ("0.1", 0, None, b'{"terminate_flag": false, "compression": "", "message": null, '
                     b'"pattern": "0", "dtype": "uint8", "shape": [4, 5, 3]}'),
    ("0.1", 1, None, b'{"terminate_flag": false, "compression": "", "message": null, '
                     b'"pattern": "1", "dtype": "uint8", "shape": [4, 5, 3]}'),
    ("0.1", 2, "hello", b'{"terminate_flag": false, "compression": "", "message": "hello", '
                        b'"pattern": "2", "dtype": "uint8", "shape": [4, 5, 3]}'),
    ("0.1", 0, {"a": [1, 2]}, b'{"terminate_flag": false, "compression": "", "message": '
                              b'{"a": [1, 2]}, "pattern": "0", "dtype": "uint8", '
                              b'"shape": [4, 5, 3]}'),
    ("0.3", 0, None, b'{"terminate_flag": false, "compression": false, "message": null, '
                     b'"pattern": "0", "dtype": "uint8", "shape": [4, 5, 3]}'),
    ("0.3", 1, None, b'{"terminate_flag": false, "compression": false, "message": null, '
                     b'"pattern": "1", "dtype": "uint8", "shape": [4, 5, 3]}'),
    ("0.3", 2, "hello", b'{"terminate_flag": false, "compression": false, "message": "hello", '
                        b'"pattern": "2", "dtype": "uint8", "shape": [4, 5, 3]}'),
    ("0.3", 0, {"a": [1, 2]}, b'{"terminate_flag": false, "compression": false, "message": '
                              b'{"a": [1, 2]}, "pattern": "0", "dtype": "uint8", '
                              b'"shape": [4, 5, 3]}'),
]
TERMINATION = b'{"terminate_flag": true}'
RAW_RECEIVER = {0: zmq.PAIR, 1: zmq.ROUTER, 2: zmq.SUB}


@pytest.fixture
def zctx():
    ctx = zmq.Context()
    yield ctx
    ctx.destroy(linger=0)


def raw_recv(sock, what):
    """One whole multipart message within RAW_TIMEOUT."""
    assert sock.poll(int(RAW_TIMEOUT * 1000)), f"timeout waiting for {what}"
    return sock.recv_multipart()


def frame_bytes(index, shape=(4, 5, 3), dtype="uint8"):
    return ((np.arange(int(np.prod(shape)), dtype=np.int64) + index) % 127).astype(
        dtype).reshape(shape).tobytes()


def strip_envelope(parts, pattern, last_request_id):
    """Pattern 1 (ROUTER view of a REQ_CORRELATE REQ): check and drop the envelope."""
    if pattern != 1:
        return parts, None, last_request_id
    routing_id, request_id, delimiter, *body = parts
    assert len(request_id) == 4 and delimiter == b""
    rid = int.from_bytes(request_id, "little")
    if last_request_id is not None:
        assert rid == (last_request_id + 1) % 2**32, "request id increments by one"
    return body, [routing_id, request_id, b""], rid


@pytest.mark.parametrize("flavour,pattern,message,captured", CAPTURED_HEADERS,
                         ids=[f"{f}-p{p}-{type(m).__name__}" for f, p, m, _ in CAPTURED_HEADERS])
def test_sender_bytes_match_capture(spawn, zctx, flavour, pattern, message, captured):
    sock = zctx.socket(RAW_RECEIVER[pattern])
    if pattern == 2:
        sock.setsockopt(zmq.SUBSCRIBE, b"")
    port = sock.bind_to_random_port("tcp://127.0.0.1")
    frames = frames_for(pattern)
    sender = spawn(python_peer_argv("send", flavour, pattern, endpoint=endpoint_for(port),
                                    frames=frames, dtype="uint8", shape=(4, 5, 3),
                                    message=message, timeout=PEER_TIMEOUT,
                                    await_peer=pattern == 2,
                                    pace_ms=PACE_MS if pattern == 2 else None),
                   "send")
    received, last_rid = [], None
    while True:
        parts = raw_recv(sock, "sender message")
        body, envelope, last_rid = strip_envelope(parts, pattern, last_rid)
        if body == [TERMINATION]:
            break
        header, payload = body
        index = payload[0]  # frame i starts with i % 127
        assert header == captured
        assert payload == frame_bytes(index)
        received.append(index)
        if pattern != 2:
            sock.send_multipart((envelope or []) + [b"reply %d" % index])
    if pattern == 1:
        sock.send_multipart(envelope + [TERM_REPLY[flavour].encode()])
    result = sender.finish()
    assert_clean_exit(result)
    if pattern == 2:
        assert received and received == sorted(set(received))
    else:
        assert received == list(range(frames))
    expected_replies = [f"reply {i}" for i in range(frames)] if pattern != 2 else []
    if pattern == 1:
        expected_replies.append(TERM_REPLY[flavour])
    assert result.summary == {"sent": frames, "replies": expected_replies}


def test_sender_times_out_without_reply(spawn, zctx):
    sock = zctx.socket(zmq.PAIR)
    port = sock.bind_to_random_port("tcp://127.0.0.1")
    sender = spawn(python_peer_argv("send", "0.1", 0, endpoint=endpoint_for(port), frames=2,
                                    dtype="uint8", shape=(2, 2), timeout=0.5), "send")
    raw_recv(sock, "first frame")
    result = sender.finish()
    assert result.returncode == 3, result.describe()
    assert "timeout" in result.stderr


def test_sender_rejects_multipart_reply(spawn, zctx):
    sock = zctx.socket(zmq.PAIR)
    port = sock.bind_to_random_port("tcp://127.0.0.1")
    sender = spawn(python_peer_argv("send", "0.3", 0, endpoint=endpoint_for(port), frames=1,
                                    dtype="uint8", shape=(2, 2), timeout=PEER_TIMEOUT), "send")
    raw_recv(sock, "first frame")
    sock.send_multipart([b"a", b"b"])
    result = sender.finish()
    assert result.returncode == 4, result.describe()


# ---------------------------------------------------------------- receiver vs raw sockets

RAW_SENDER = {0: zmq.PAIR, 1: zmq.REQ}


def start_receiver(spawn, flavour, pattern, timeout=PEER_TIMEOUT):
    peer = spawn(python_peer_argv("recv", flavour, pattern, timeout=timeout), "recv")
    return peer, endpoint_for(peer.read_port())


def hand_made_frame(pattern, index, message=None):
    header = {"terminate_flag": False, "compression": False, "message": message,
              "pattern": str(pattern), "dtype": "uint8", "shape": [4, 5, 3]}
    return [json.dumps(header).encode(), frame_bytes(index)]


@pytest.mark.parametrize("pattern", (0, 1))
@pytest.mark.parametrize("flavour", FLAVOURS)
def test_receiver_replies_like_vidgear(spawn, zctx, flavour, pattern):
    peer, endpoint = start_receiver(spawn, flavour, pattern)
    sock = zctx.socket(RAW_SENDER[pattern])
    sock.connect(endpoint)
    replies = []
    for index in range(3):
        sock.send_multipart(hand_made_frame(pattern, index, {"i": index}))
        replies.append(raw_recv(sock, "data reply"))
    sock.send(TERMINATION)
    if pattern == 1:
        assert raw_recv(sock, "termination reply") == [TERM_REPLY[flavour].encode()]
    result = peer.finish()
    assert_clean_exit(result)
    assert all(len(r) == 1 and DATA_REPLY_RE[flavour].fullmatch(r[0].decode())
               for r in replies), replies
    assert len({r[0] for r in replies}) == 1, "device id is fixed per run"
    assert [(f["matches"], f["message"]) for f in result.frames] == [
        (i, {"i": i}) for i in range(3)]
    assert result.summary == {"frames": 3, "terminated": True}


def test_receiver_accepts_extra_keys_and_any_key_order(spawn, zctx):
    peer, endpoint = start_receiver(spawn, "0.3", 0)
    sock = zctx.socket(zmq.PAIR)
    sock.connect(endpoint)
    header = {"shape": [4, 5, 3], "dtype": "uint8", "netgear_seq": 7, "pattern": "0",
              "message": None, "compression": False, "terminate_flag": False}
    sock.send_multipart([json.dumps(header, separators=(",", ":")).encode(), frame_bytes(0)])
    raw_recv(sock, "data reply")
    sock.send(TERMINATION)
    result = peer.finish()
    assert_clean_exit(result)
    assert result.frames[0]["matches"] == 0
    assert result.frames[0]["header"]["netgear_seq"] == 7


def test_receiver_records_compressed_frames(spawn, zctx):
    peer, endpoint = start_receiver(spawn, "0.3", 0)
    sock = zctx.socket(zmq.PAIR)
    sock.connect(endpoint)
    header = {"terminate_flag": False, "compression": {"dct": True, "ups": False,
                                                        "colorspace": "BGR"},
              "message": None, "pattern": "0", "dtype": "", "shape": ""}
    sock.send_multipart([json.dumps(header).encode(), b"\xff\xd8" + b"\0" * 10])
    raw_recv(sock, "data reply")
    sock.send(TERMINATION)
    result = peer.finish()
    assert_clean_exit(result)
    frame = result.frames[0]
    assert frame["compressed"] is True and frame["payload_len"] == 12
    assert frame["matches"] is None


@pytest.mark.parametrize("parts", (
    pytest.param(hand_made_frame(0, 0) + [b"extra"], id="three-parts"),
    pytest.param(hand_made_frame(0, 0)[:1], id="header-only"),
    pytest.param([b"not json", b"x"], id="not-json"),
    pytest.param([TERMINATION, b"x"], id="two-part-termination"),
    pytest.param([hand_made_frame(0, 0)[0], b"\0" * 7], id="wrong-payload-size"),
))
def test_receiver_rejects_malformed_messages(spawn, zctx, parts):
    peer, endpoint = start_receiver(spawn, "0.1", 0)
    sock = zctx.socket(zmq.PAIR)
    sock.connect(endpoint)
    sock.send_multipart(parts)
    result = peer.finish()
    assert result.returncode == 4, result.describe()


def test_receiver_times_out_on_silence(spawn):
    started = time.monotonic()
    peer, _ = start_receiver(spawn, "0.3", 2, timeout=0.5)
    result = peer.finish()
    assert result.returncode == 3, result.describe()
    assert result.records == [] and "timeout" in result.stderr
    assert time.monotonic() - started < 10
