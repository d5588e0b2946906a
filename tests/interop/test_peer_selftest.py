"""Self-tests of vidgear_peer.py: peer against peer, and each mode against raw pyzmq sockets
checked byte for byte against the captures in WIRE.md (Appendix) — raw frames, compression
(0.1 OpenCV formats, 0.3 JPEG), bidirectional and multi-server mode.

Run: /usr/bin/python3 -m pytest -q tests/interop/test_peer_selftest.py
"""

import json
import time

import numpy as np
import pytest
import zmq

from peer_util import (
    DATA_REPLY_RE, JPEG_MIN_PSNR_OPENCV, JPEG_SHAPE, MULTISERVER_TERM_REPLY, PEER_TIMEOUT,
    TERM_REPLY, assert_clean_exit, assert_frames, assert_replies, endpoint_for, python_peer_argv,
    run_exchange,
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


def start_receiver(spawn, flavour, pattern, timeout=PEER_TIMEOUT, **options):
    peer = spawn(python_peer_argv("recv", flavour, pattern, timeout=timeout, **options), "recv")
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


# ================================================================ modes (WIRE.md 3.2, 4, 5)

JPEG_DICT = {"dct": True, "ups": False, "colorspace": "BGR"}
JPEG_DICT_TEXT = b'{"dct": true, "ups": false, "colorspace": "BGR"}'
FLAVOUR_PAIRS = (("0.1", "0.1"), ("0.3", "0.3"), ("0.1", "0.3"), ("0.3", "0.1"))
FLAVOUR_PAIR_IDS = [f"{s}-to-{r}" for s, r in FLAVOUR_PAIRS]
HEADER_KEYS = {
    ("0.1", False): ["terminate_flag", "compression", "message", "pattern", "dtype", "shape"],
    ("0.3", False): ["terminate_flag", "compression", "message", "pattern", "dtype", "shape"],
    ("0.1", True): ["terminate_flag", "compression", "port", "pattern", "message", "dtype",
                    "shape"],
    ("0.3", True): ["port", "terminate_flag", "compression", "message", "pattern", "dtype",
                    "shape"],
}


def opencv():
    """cv2, or skip the test (compression needs it)."""
    return pytest.importorskip("cv2")


def ramp(index, shape=JPEG_SHAPE):
    """Frame `index` as uint8 (what the peers send)."""
    return np.frombuffer(frame_bytes(index, shape), np.uint8).reshape(shape)


def pattern_options(pattern):
    """Sender options for pattern 2 (handshake wait, pacing)."""
    return dict(await_peer=pattern == 2, pace_ms=PACE_MS if pattern == 2 else None)


def python_exchange(spawn, pattern, send_flavour, recv_flavour, frames, send_options=None,
                    recv_options=None, shape=(4, 5, 3), multiserver=False):
    """peer recv <- peer send with extra options; multi-server stamps the bound port.

    Returns (recv result, send result, port label).
    """
    label = {}
    send_options = dict(send_options or {})
    recv_options = dict(recv_options or {})
    if multiserver:
        send_options["multiserver"] = recv_options["multiserver"] = True
    recv_options.setdefault("timeout", PEER_TIMEOUT)
    recv_argv = python_peer_argv("recv", recv_flavour, pattern, dtype="uint8", shape=shape,
                                 **recv_options)

    def send_argv(endpoint):
        label["port"] = endpoint.rsplit(":", 1)[1]
        if multiserver:
            send_options["port_label"] = label["port"]
        return python_peer_argv("send", send_flavour, pattern, endpoint=endpoint, frames=frames,
                                dtype="uint8", shape=shape, timeout=PEER_TIMEOUT,
                                **pattern_options(pattern), **send_options)

    recv, send = run_exchange(spawn, recv_argv, send_argv)
    return recv, send, label["port"]


def assert_indices(frames, pattern, sent, key="matches"):
    """Patterns 0/1: every frame in order; pattern 2: some, increasing."""
    indices = [f[key] for f in frames]
    if pattern in (0, 1):
        assert indices == list(range(sent)), indices
    else:
        assert indices and None not in indices, indices
        assert indices == sorted(set(indices)) and indices[-1] < sent, indices


def capture_sender(spawn, zctx, flavour, pattern, frames, shape=(4, 5, 3), reply=None,
                   term_reply=None, **send_options):
    """A vidgear_peer sender against a raw socket.

    `reply(i)` -> list of reply parts for frame i (default b"reply i").  Returns (frame bodies
    [[header, payload], ...], termination bodies [bytes, ...], sender result).
    """
    reply = reply or (lambda i: [b"reply %d" % i])
    sock = zctx.socket(RAW_RECEIVER[pattern])
    if pattern == 2:
        sock.setsockopt(zmq.SUBSCRIBE, b"")
    port = sock.bind_to_random_port("tcp://127.0.0.1")
    sender = spawn(python_peer_argv("send", flavour, pattern, endpoint=endpoint_for(port),
                                    frames=frames, dtype="uint8", shape=shape,
                                    timeout=PEER_TIMEOUT, **pattern_options(pattern),
                                    **send_options), "send")
    bodies, terminations, last_rid, envelope = [], [], None, None
    while not terminations:
        body, envelope, last_rid = strip_envelope(raw_recv(sock, "sender message"), pattern,
                                                  last_rid)
        if len(body) == 1:
            terminations.append(body[0])
        else:
            bodies.append(body)
            if pattern != 2:
                sock.send_multipart((envelope or []) + reply(len(bodies) - 1))
    if term_reply is not None:
        sock.send_multipart(envelope + [term_reply])
    result = sender.finish()
    while sock.poll(200):  # force close: the other copies (the sender has flushed and exited)
        body, _, last_rid = strip_envelope(sock.recv_multipart(), pattern, last_rid)
        assert len(body) == 1, body
        terminations.append(body[0])
    return bodies, terminations, result


# ---------------------------------------------------------------- compression


COMPRESSED = (
    pytest.param("0.1", {"compression_format": ".jpg"}, ".jpg", False, id="0.1-jpg"),
    pytest.param("0.1", {"compression_format": " .JPEG"}, ".jpeg", False, id="0.1-JPEG"),
    pytest.param("0.1", {"compression_format": ".png"}, ".png", True, id="0.1-png"),
    pytest.param("0.1", {"compression_format": ".bmp"}, ".bmp", True, id="0.1-bmp"),
    pytest.param("0.3", {"jpeg": True}, JPEG_DICT, False, id="0.3-jpeg"),
)


@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize("flavour,options,compression,lossless", COMPRESSED)
def test_compressed_frames(spawn, flavour, options, compression, lossless, pattern):
    opencv()
    sent = frames_for(pattern)
    recv, send, _ = python_exchange(spawn, pattern, flavour, flavour, sent, options,
                                    shape=JPEG_SHAPE)
    assert_clean_exit(recv, send)
    assert_replies(send, pattern, sent, DATA_REPLY_RE[flavour], {TERM_REPLY[flavour]})
    assert recv.summary == {"frames": len(recv.frames), "terminated": True}
    assert_indices(recv.frames, pattern, sent, "psnr_frame")
    for frame in recv.frames:
        header = frame["header"]
        assert frame["compressed"] is True
        assert (frame["dtype"], frame["shape"]) == ("uint8", list(JPEG_SHAPE))
        assert list(header) == HEADER_KEYS[flavour, False]
        assert header["compression"] == compression
        if flavour == "0.1":
            assert (header["dtype"], header["shape"]) == ("uint8", [frame["payload_len"]])
        else:
            assert (header["dtype"], header["shape"]) == ("", "")
        if lossless:
            assert frame["matches"] == frame["psnr_frame"] and frame["psnr"] == 100.0, frame
        else:
            assert frame["matches"] is None, frame
            assert frame["psnr"] > JPEG_MIN_PSNR_OPENCV, frame["psnr"]


@pytest.mark.parametrize("send_flavour,options,recv_flavour,error", (
    pytest.param("0.3", {"jpeg": True}, "0.1", "cannot rebuild", id="0.3-jpeg-to-0.1"),
    pytest.param("0.1", {"compression_format": ".png"}, "0.3", "compression['colorspace']",
                 id="0.1-png-to-0.3"),
    pytest.param("0.1", {"compression_format": ".jpg"}, "0.3", "compression['colorspace']",
                 id="0.1-jpg-to-0.3"),
))
def test_compression_not_understood_across_generations(spawn, send_flavour, options,
                                                       recv_flavour, error):
    """Why netgear's JPEG header carries both forms: each generation reads only its own."""
    opencv()
    recv, send, _ = python_exchange(spawn, 0, send_flavour, recv_flavour, 1, options,
                                    shape=JPEG_SHAPE)
    assert_clean_exit(send)  # the reply goes out before decoding, as in vidgear
    assert DATA_REPLY_RE[recv_flavour].fullmatch(send.summary["replies"][0])
    assert recv.returncode == 4 and error in recv.stderr, recv.describe()


def test_01_receiver_with_vidgear_default_flag_gets_grayscale(spawn):
    opencv()
    recv, send, _ = python_exchange(spawn, 0, "0.1", "0.1", 2, {"compression_format": ".png"},
                                    {"compression_param": 0}, shape=JPEG_SHAPE)
    assert_clean_exit(recv, send)
    assert [f["shape"] for f in recv.frames] == [list(JPEG_SHAPE[:2])] * 2


def compressed_payload(extension, index, shape, params=()):
    """What cv2.imencode makes of frame `index`."""
    ok, buffer = opencv().imencode(extension, ramp(index, shape), list(params))
    assert ok
    return buffer.tobytes()


# (flavour, pattern, sender options, header bytes with %d for the payload size or None,
#  termination bytes, payload for frame i)
def _jpeg03(i):
    return compressed_payload(".jpg", i, (4, 5, 3), (1, 90))  # cv2.IMWRITE_JPEG_QUALITY == 1


MODE_CAPTURES = [
    pytest.param(
        "0.1", 0, {"compression_format": ".jpg"},
        b'{"terminate_flag": false, "compression": ".jpg", "message": null, "pattern": "0", '
        b'"dtype": "uint8", "shape": [%d]}',
        TERMINATION, lambda i: compressed_payload(".jpg", i, (4, 5, 3)), id="0.1-p0-jpg"),
    pytest.param(
        "0.1", 2, {"compression_format": ".png"},
        b'{"terminate_flag": false, "compression": ".png", "message": null, "pattern": "2", '
        b'"dtype": "uint8", "shape": [%d]}',
        TERMINATION, lambda i: compressed_payload(".png", i, (4, 5, 3)), id="0.1-p2-png"),
    pytest.param(
        "0.3", 0, {"jpeg": True},
        # WIRE.md Appendix, 0.3.5 jpeg_compression=True (149 bytes)
        b'{"terminate_flag": false, "compression": {"dct": true, "ups": false, '
        b'"colorspace": "BGR"}, "message": null, "pattern": "0", "dtype": "", "shape": ""}',
        TERMINATION, _jpeg03, id="0.3-p0-jpeg"),
    pytest.param(
        "0.1", 1, {"multiserver": True, "port_label": "5716"},
        # WIRE.md Appendix, 0.1.7 multi-server p1
        b'{"terminate_flag": false, "compression": "", "port": "5716", "pattern": "1", '
        b'"message": null, "dtype": "uint8", "shape": [4, 5, 3]}',
        b'{"terminate_flag": true, "port": "5716"}', frame_bytes, id="0.1-p1-multiserver"),
    pytest.param(
        "0.3", 1, {"multiserver": True, "port_label": "5716"},
        # WIRE.md Appendix, 0.3.5 multi-server p1
        b'{"port": "5716", "terminate_flag": false, "compression": false, "message": null, '
        b'"pattern": "1", "dtype": "uint8", "shape": [4, 5, 3]}',
        b'{"terminate_flag": true, "port": "5716"}', frame_bytes, id="0.3-p1-multiserver"),
    pytest.param(
        "0.1", 2, {"multiserver": True, "port_label": "P1"},
        b'{"terminate_flag": false, "compression": "", "port": "P1", "pattern": "2", '
        b'"message": null, "dtype": "uint8", "shape": [4, 5, 3]}',
        b'{"terminate_flag": true, "port": "P1"}', frame_bytes, id="0.1-p2-multiserver"),
    pytest.param(
        "0.3", 2, {"multiserver": True, "port_label": "P1"},
        b'{"port": "P1", "terminate_flag": false, "compression": false, "message": null, '
        b'"pattern": "2", "dtype": "uint8", "shape": [4, 5, 3]}',
        b'{"terminate_flag": true, "port": "P1"}', frame_bytes, id="0.3-p2-multiserver"),
    pytest.param(
        "0.1", 1, {"multiserver": True, "port_label": "5716", "compression_format": ".jpg"},
        b'{"terminate_flag": false, "compression": ".jpg", "port": "5716", "pattern": "1", '
        b'"message": null, "dtype": "uint8", "shape": [%d]}',
        b'{"terminate_flag": true, "port": "5716"}',
        lambda i: compressed_payload(".jpg", i, (4, 5, 3)), id="0.1-p1-multiserver-jpg"),
    pytest.param(
        "0.3", 1, {"multiserver": True, "port_label": "5716", "jpeg": True},
        b'{"port": "5716", "terminate_flag": false, "compression": {"dct": true, "ups": false, '
        b'"colorspace": "BGR"}, "message": null, "pattern": "1", "dtype": "", "shape": ""}',
        b'{"terminate_flag": true, "port": "5716"}', _jpeg03, id="0.3-p1-multiserver-jpeg"),
]


@pytest.mark.parametrize("flavour,pattern,options,header,termination,payload_for", MODE_CAPTURES)
def test_sender_mode_bytes(spawn, zctx, flavour, pattern, options, header, termination,
                           payload_for):
    """Header key order and values, byte for byte, for compression and multi-server mode."""
    if options.get("compression_format") or options.get("jpeg"):
        opencv()
    frames = frames_for(pattern)
    bodies, terminations, result = capture_sender(
        spawn, zctx, flavour, pattern, frames,
        term_reply=MULTISERVER_TERM_REPLY[flavour].encode() if pattern == 1 else None, **options)
    assert_clean_exit(result)
    assert terminations == [termination]
    indices = []
    for head, payload in bodies:
        index = len(indices) if pattern != 2 else None
        if index is None:  # pattern 2 may lose early frames: find which one this is
            index = next(i for i in range(frames) if payload_for(i) == payload)
        indices.append(index)
        assert payload == payload_for(index)
        assert head == (header % len(payload) if b"%d" in header else header)
    if header.startswith(b'{"terminate_flag": false, "compression": {'):
        assert len(header) == 149  # the size of the Appendix capture
    assert_indices([{"i": i} for i in indices], pattern, frames, "i")


# ---------------------------------------------------------------- bidirectional

BI_REPLIES = (
    (None, b'{"data": null}', b'{"return_type": "NoneType", "data": null}'),
    ([1, "x"], b'{"data": [1, "x"]}', b'{"return_type": "list", "data": [1, "x"]}'),
    ("x", b'{"data": "x"}', b'{"return_type": "str", "data": "x"}'),
    ({"a": 1}, b'{"data": {"a": 1}}', b'{"return_type": "dict", "data": {"a": 1}}'),
    (2.5, b'{"data": 2.5}', b'{"return_type": "float", "data": 2.5}'),
    (7, b'{"data": 7}', b'{"return_type": "int", "data": 7}'),
    (True, b'{"data": true}', b'{"return_type": "bool", "data": true}'),
)


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("case", range(len(BI_REPLIES)),
                         ids=[type(v).__name__ for v, _, _ in BI_REPLIES])
def test_receiver_bidirectional_replies(spawn, zctx, flavour, case):
    """Reply bytes (WIRE.md 3.2 / Appendix) and recv()'s return shape (WIRE.md 7)."""
    return_data, reply_01, reply_03 = BI_REPLIES[case]
    pattern = case % 2
    peer, endpoint = start_receiver(spawn, flavour, pattern, bidirectional=True,
                                    return_data=return_data)
    sock = zctx.socket(RAW_SENDER[pattern])
    sock.connect(endpoint)
    replies = []
    for index, message in enumerate(("m", None)):
        sock.send_multipart(hand_made_frame(pattern, index, message))
        replies.append(raw_recv(sock, "bidirectional reply"))
    sock.send(TERMINATION)
    if pattern == 1:
        assert raw_recv(sock, "termination reply") == [TERM_REPLY[flavour].encode()]
    result = peer.finish()
    assert_clean_exit(result)
    expected = reply_01 if flavour == "0.1" else reply_03
    assert replies == [[expected], [expected]]
    # 0.1 returns (message, frame) only for a truthy message; 0.3 always a tuple
    second = ["frame"] if flavour == "0.1" else ["message", "frame"]
    assert [(f["matches"], f["message"], f["returned"]) for f in result.frames] == [
        (0, "m", ["message", "frame"]), (1, None, second)]


def bi_reply_03(i):
    """Frame i's reply from a raw 0.3 receiver: str, ndarray (raw), ndarray (JPEG), None."""
    if i % 4 == 0:
        return [b'{"return_type": "str", "data": "back"}']
    if i % 4 == 1:
        return [b'{"return_type": "ndarray", "compression": false, "array_dtype": "uint8", '
                b'"array_shape": [4, 5, 3], "data": null}', frame_bytes(7)]
    if i % 4 == 2:
        jpeg = compressed_payload(".jpg", 3, JPEG_SHAPE, (1, 90))
        return [b'{"return_type": "ndarray", "compression": ' + JPEG_DICT_TEXT +
                b', "array_dtype": "", "array_shape": "", "data": null}', jpeg]
    return [b'{"return_type": "NoneType", "data": null}']


def bi_reply_01(i):
    """Frame i's reply from a raw 0.1 receiver: data, empty dict (falsy -> None), a list."""
    return [(b'{"data": "back"}', b"{}", b'{"data": [1, 2]}')[i % 3]]


@pytest.mark.parametrize("pattern", (0, 1))
@pytest.mark.parametrize("flavour", FLAVOURS)
def test_sender_bidirectional_reads_replies(spawn, zctx, flavour, pattern):
    """send() results as vidgear returns them; 0.1 bidirectional force-closes (500 copies)."""
    opencv()
    frames = 4
    term_reply = TERM_REPLY[flavour].encode() if pattern == 1 and flavour == "0.3" else None
    bodies, terminations, result = capture_sender(
        spawn, zctx, flavour, pattern, frames, bidirectional=True, message="msg",
        reply=bi_reply_01 if flavour == "0.1" else bi_reply_03, term_reply=term_reply)
    assert_clean_exit(result)
    assert [json.loads(head)["message"] for head, _ in bodies] == ["msg"] * frames
    assert set(terminations) == {TERMINATION}
    summary = result.summary
    if flavour == "0.1":
        assert summary["replies"] == ["back", None, [1, 2], "back"]
        assert summary["terminations"] == len(terminations) == 500
    else:
        assert summary["replies"] == [
            "back", {"frame_shape": [4, 5, 3], "dtype": "uint8", "compressed": False,
                     "matches": 7},
            {"frame_shape": list(JPEG_SHAPE), "dtype": "uint8", "compressed": True,
             "matches": None}, None] \
            + ([TERM_REPLY[flavour]] if pattern == 1 else [])
        assert "terminations" not in summary and len(terminations) == 1


def test_force_terminate_sends_500_terminations(spawn, zctx):
    bodies, terminations, result = capture_sender(spawn, zctx, "0.1", 0, 2,
                                                  force_terminate=True)
    assert_clean_exit(result)
    assert len(bodies) == 2 and terminations == [TERMINATION] * 500
    assert result.summary == {"sent": 2, "replies": ["reply 0", "reply 1"], "terminations": 500}


@pytest.mark.parametrize("flavour,reply", (
    ("0.1", b"Data received on device: 0A336 !"),  # a non-bidirectional receiver
    ("0.3", b'{"data": 1}'),                          # no return_type
    ("0.3", b'{"return_type": "ndarray", "compression": false, "array_dtype": "uint8", '
            b'"array_shape": [4, 5, 3], "data": null}'),  # array part missing
))
def test_sender_bidirectional_rejects_bad_replies(spawn, zctx, flavour, reply):
    sock = zctx.socket(zmq.PAIR)
    port = sock.bind_to_random_port("tcp://127.0.0.1")
    sender = spawn(python_peer_argv("send", flavour, 0, endpoint=endpoint_for(port), frames=1,
                                    dtype="uint8", shape=(4, 5, 3), timeout=PEER_TIMEOUT,
                                    bidirectional=True), "send")
    raw_recv(sock, "frame")
    sock.send(reply)
    result = sender.finish()
    assert result.returncode == 4, result.describe()


BI_PAIRS = FLAVOUR_PAIRS[:3]  # 0.3 -> 0.1: see test_bidirectional_03_sender_rejects_01_reply


@pytest.mark.parametrize("pattern", (0, 1))
@pytest.mark.parametrize("send_flavour,recv_flavour", BI_PAIRS, ids=FLAVOUR_PAIR_IDS[:3])
def test_bidirectional_exchange(spawn, send_flavour, recv_flavour, pattern):
    recv, send, _ = python_exchange(spawn, pattern, send_flavour, recv_flavour, FRAMES,
                                    {"bidirectional": True, "message": "hi"},
                                    {"bidirectional": True, "return_data": [1, "x"]})
    assert_clean_exit(recv, send)
    assert_frames(recv, pattern, FRAMES, "uint8", (4, 5, 3), "hi")
    assert all(f["returned"] == ["message", "frame"] for f in recv.frames)
    replies = send.summary["replies"]
    assert replies[:FRAMES] == [[1, "x"]] * FRAMES
    if send_flavour == "0.1":  # force close: no termination reply read
        assert replies[FRAMES:] == [] and 1 <= send.summary["terminations"] <= 500
    else:
        assert replies[FRAMES:] == ([TERM_REPLY[recv_flavour]] if pattern == 1 else [])


def test_bidirectional_03_sender_rejects_01_reply(spawn):
    """vidgear 0.3 reads reply['return_type']: a 0.1 receiver's {"data": ...} breaks it."""
    recv, send, _ = python_exchange(spawn, 0, "0.3", "0.1", 2, {"bidirectional": True},
                                    {"bidirectional": True, "timeout": 1})
    assert send.returncode == 4 and "lacks 'return_type'" in send.stderr, send.describe()
    assert recv.returncode == 3 and len(recv.frames) == 1, recv.describe()


# ---------------------------------------------------------------- multi-server


@pytest.mark.parametrize("pattern", (1, 2))
@pytest.mark.parametrize("send_flavour,recv_flavour", FLAVOUR_PAIRS, ids=FLAVOUR_PAIR_IDS)
def test_multiserver_exchange(spawn, send_flavour, recv_flavour, pattern):
    sent = frames_for(pattern)
    recv, send, label = python_exchange(spawn, pattern, send_flavour, recv_flavour, sent,
                                        {"message": "hi"}, multiserver=True)
    assert_clean_exit(recv, send)
    assert_frames(recv, pattern, sent, "uint8", (4, 5, 3), "hi")
    assert_replies(send, pattern, sent, DATA_REPLY_RE[recv_flavour],
                   {MULTISERVER_TERM_REPLY[recv_flavour]})
    for frame in recv.frames:
        assert frame["port"] == label and frame["returned"] == ["port", "message", "frame"]
        assert list(frame["header"]) == HEADER_KEYS[send_flavour, True]


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_multiserver_with_bidirectional(spawn, flavour):
    """0.3 keeps both modes; 0.1 switches bidirectional off (text replies, frames (port, frame))."""
    recv, send, label = python_exchange(spawn, 1, flavour, flavour, FRAMES,
                                        {"bidirectional": True},
                                        {"bidirectional": True, "return_data": "r"},
                                        multiserver=True)
    assert_clean_exit(recv, send)
    replies = send.summary["replies"]
    if flavour == "0.1":
        assert all(DATA_REPLY_RE["0.1"].fullmatch(r) for r in replies[:FRAMES]), replies
    else:
        assert replies[:FRAMES] == ["r"] * FRAMES
    assert replies[FRAMES:] == [MULTISERVER_TERM_REPLY[flavour]]
    assert "terminations" not in send.summary  # 0.1: no bidirectional, so no force close
    assert [(f["port"], f["returned"]) for f in recv.frames] == [
        (label, ["port", "frame"])] * FRAMES


def ms_frame(label, index, message=None):
    header = {"port": label, "terminate_flag": False, "compression": False, "message": message,
              "pattern": "1", "dtype": "uint8", "shape": [4, 5, 3]}
    return [json.dumps(header).encode(), frame_bytes(index)]


def ms_term(label):
    return [json.dumps({"terminate_flag": True, "port": label}).encode()]


def request(sock, parts):
    sock.send_multipart(parts)
    return raw_recv(sock, "reply")


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_multiserver_receiver_waits_for_every_server(spawn, zctx, flavour):
    peer, endpoint = start_receiver(spawn, flavour, 1, multiserver=True)
    a, b = zctx.socket(zmq.REQ), zctx.socket(zmq.REQ)
    a.connect(endpoint)
    b.connect(endpoint)
    ms_reply = [MULTISERVER_TERM_REPLY[flavour].encode()]
    assert DATA_REPLY_RE[flavour].fullmatch(request(a, ms_frame("A", 0))[0].decode())
    assert DATA_REPLY_RE[flavour].fullmatch(request(b, ms_frame("B", 1, "hi"))[0].decode())
    assert request(a, ms_term("A")) == ms_reply
    request(b, ms_frame("B", 2))
    assert peer.proc.poll() is None, "must wait for B"
    assert request(b, ms_term("B")) == ms_reply
    result = peer.finish()
    assert_clean_exit(result)
    assert [(f["port"], f["matches"], f["returned"]) for f in result.frames] == [
        ("A", 0, ["port", "frame"]), ("B", 1, ["port", "message", "frame"]),
        ("B", 2, ["port", "frame"])]
    assert result.summary == {"frames": 3, "terminated": True}


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_multiserver_termination_before_any_frame_ends_at_once(spawn, zctx, flavour):
    peer, endpoint = start_receiver(spawn, flavour, 1, multiserver=True)
    sock = zctx.socket(zmq.REQ)
    sock.connect(endpoint)
    sock.send_multipart(ms_term("A"))
    result = peer.finish()
    assert_clean_exit(result)
    assert result.summary == {"frames": 0, "terminated": True}
    assert not sock.poll(100), "no reply: port A was never listed"


def test_multiserver_termination_from_unlisted_port_breaks_rep(spawn, zctx):
    peer, endpoint = start_receiver(spawn, "0.3", 1, multiserver=True)
    a, c = zctx.socket(zmq.REQ), zctx.socket(zmq.REQ)
    a.connect(endpoint)
    c.connect(endpoint)
    request(a, ms_frame("A", 0))
    c.send_multipart(ms_term("C"))
    result = peer.finish()
    assert result.returncode == 4 and "unlisted port" in result.stderr, result.describe()


def test_multiserver_receiver_needs_port_in_frames(spawn, zctx):
    peer, endpoint = start_receiver(spawn, "0.1", 1, multiserver=True)
    sock = zctx.socket(zmq.REQ)
    sock.connect(endpoint)
    request(sock, hand_made_frame(1, 0))  # replied before the port is looked at
    result = peer.finish()
    assert result.returncode == 4 and "without 'port'" in result.stderr, result.describe()


# ---------------------------------------------------------------- multi-client (0.3)


def test_multiclient_exchange_splits_frames_and_terminates_each(spawn):
    """0.3 multi-client REQ sender -> two 0.3 receivers: round-robin, one termination each."""
    recvs = [spawn(python_peer_argv("recv", "0.3", 1, multiclient=True, timeout=PEER_TIMEOUT,
                                    dtype="uint8", shape=(4, 5, 3)), f"recv{k}")
             for k in range(2)]
    ports = [peer.read_port() for peer in recvs]
    send = spawn(python_peer_argv("send", "0.3", 1, multiclient=True,
                                  endpoint=endpoint_for(ports[0]),
                                  also_endpoint=endpoint_for(ports[1]), frames=4,
                                  dtype="uint8", shape=(4, 5, 3), timeout=PEER_TIMEOUT),
                 "send").finish()
    results = [peer.finish() for peer in recvs]
    assert_clean_exit(send, *results)
    assert sorted(f["matches"] for r in results for f in r.frames) == [0, 1, 2, 3]
    for result in results:
        assert result.summary == {"frames": 2, "terminated": True}, result.describe()
        assert all(f["returned"] == ["frame"] for f in result.frames)
    replies = send.summary["replies"]
    assert {r["port"] for r in replies[:4]} == {str(p) for p in ports}, replies
    assert [r["data"] for r in replies[:4]] == [None] * 4
    assert replies[4:] == [TERM_REPLY["0.3"]]


@pytest.mark.parametrize("label", (None, "5723"))
def test_multiclient_receiver_reply_bytes(spawn, zctx, label):
    """WIRE.md Appendix: {"port": "5723", "return_type": "NoneType", "data": null}."""
    peer, endpoint = start_receiver(spawn, "0.3", 1, multiclient=True, port_label=label,
                                    return_data=None)
    port = label or endpoint.rsplit(":", 1)[1]
    sock = zctx.socket(zmq.REQ)
    sock.connect(endpoint)
    sock.send_multipart(hand_made_frame(1, 0))
    assert raw_recv(sock, "reply") == [
        b'{"port": "%s", "return_type": "NoneType", "data": null}' % port.encode()]
    sock.send(TERMINATION)
    assert raw_recv(sock, "termination reply") == [TERM_REPLY["0.3"].encode()]
    result = peer.finish()
    assert_clean_exit(result)
    assert [f["matches"] for f in result.frames] == [0]


def test_multiclient_sender_needs_port_in_reply(spawn, zctx):
    sock = zctx.socket(zmq.REP)
    port = sock.bind_to_random_port("tcp://127.0.0.1")
    sender = spawn(python_peer_argv("send", "0.3", 1, multiclient=True,
                                    endpoint=endpoint_for(port), frames=1, dtype="uint8",
                                    shape=(4, 5, 3), timeout=PEER_TIMEOUT), "send")
    raw_recv(sock, "frame")
    sock.send(b'{"return_type": "NoneType", "data": null}')
    result = sender.finish()
    assert result.returncode == 4 and "lacks 'port'" in result.stderr, result.describe()


def test_multiclient_pattern2_sender_sends_no_termination(spawn, zctx):
    """vidgear 0.3.5 learns no port over PUB, so close() sends nothing (WIRE.md 4)."""
    sock = zctx.socket(zmq.SUB)
    sock.setsockopt(zmq.SUBSCRIBE, b"")
    port = sock.bind_to_random_port("tcp://127.0.0.1")
    sender = spawn(python_peer_argv("send", "0.3", 2, multiclient=True,
                                    endpoint=endpoint_for(port), frames=10, dtype="uint8",
                                    shape=(4, 5, 3), timeout=PEER_TIMEOUT, await_peer=True,
                                    pace_ms=PACE_MS), "send")
    messages = []  # read while the sender runs (its pipe goes once it exits)
    deadline = time.monotonic() + RAW_TIMEOUT
    while time.monotonic() < deadline and (sender.proc.poll() is None or sock.poll(0)):
        if sock.poll(100):
            messages.append(sock.recv_multipart())
    result = sender.finish()
    assert_clean_exit(result)
    assert result.summary == {"sent": 10, "replies": []}
    assert messages and all(len(m) == 2 for m in messages), messages


# ---------------------------------------------------------------- usage errors


@pytest.mark.parametrize("mode,flavour,pattern,options", (
    ("send", "0.1", 0, {"multiserver": True, "port_label": "1"}),
    ("recv", "0.3", 0, {"multiserver": True}),
    ("send", "0.3", 2, {"bidirectional": True}),
    ("recv", "0.1", 2, {"bidirectional": True}),
    ("send", "0.1", 1, {"multiserver": True}),            # no --port-label
    ("send", "0.3", 0, {"compression_format": ".png"}),   # 0.1 option
    ("send", "0.1", 0, {"jpeg": True}),                   # 0.3 option
    ("send", "0.1", 0, {"compression_format": ".gif"}),
    ("send", "0.3", 0, {"force_terminate": True}),        # removed in 0.1.8
    ("send", "0.1", 1, {"multiclient": True}),            # multi-client is 0.1.8+
    ("recv", "0.1", 2, {"multiclient": True}),
    ("send", "0.3", 0, {"multiclient": True}),
    ("recv", "0.3", 1, {"multiclient": True, "multiserver": True}),
    ("send", "0.3", 1, {"also_endpoint": "tcp://127.0.0.1:2"}),  # needs --multiclient
), ids=lambda v: v if isinstance(v, str) else None)
def test_usage_errors(spawn, mode, flavour, pattern, options):
    if mode == "send":
        options = dict(options, endpoint="tcp://127.0.0.1:1", frames=1, dtype="uint8",
                       shape=(4, 5, 3))
    result = spawn(python_peer_argv(mode, flavour, pattern, **options), mode).finish()
    assert result.returncode == 2, result.describe()
