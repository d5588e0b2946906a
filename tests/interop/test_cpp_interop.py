"""C++ netgear peer against the vidgear emulation (vidgear_peer.py), both directions.

Skipped unless NETGEAR_INTEROP_PEER names the C++ interop peer binary.  Its contract (same CLI
and stdout as vidgear_peer.py, minus --flavour):

  PEER send --pattern P --endpoint E --frames N --dtype D --shape 4,5,3 [--message JSON]
            [--pace-ms MS] [--timeout S]
      connects, sends frame i = ((arange(prod(shape)) + i) % 127).astype(D).reshape(shape) with
      the message in the header, then the termination; prints {"sent": N, "replies": [...]}.
  PEER recv --pattern P [--bind tcp://127.0.0.1 | --endpoint E] [--expect N] [--timeout S]
      binds (random port: first line {"port": P}); per frame prints {"frame", "dtype", "shape",
      "message", "seq", "header" (always null: netgear keeps no raw header), "matches"};
      finally {"frames": K, "terminated": bool}.

Run: NETGEAR_INTEROP_PEER=build/netgear_interop_peer /usr/bin/python3 -m pytest -q tests/interop
"""

import pytest

from peer_util import (
    ANY_DATA_REPLY_RE, DATA_REPLY_RE, PEER_TIMEOUT, TERM_REPLY, assert_clean_exit,
    assert_frames, assert_replies, cpp_peer_argv, cpp_peer_path, pattern2_pace_ms,
    python_peer_argv, run_exchange,
)

pytestmark = pytest.mark.skipif(not cpp_peer_path(), reason="NETGEAR_INTEROP_PEER is not set")

FLAVOURS = ("0.1", "0.3")
PATTERNS = (0, 1, 2)
MESSAGES = (None, {"a": [1, 2], "b": {"c": None}}, [1, "two", 3.5, True], "h\u00e9llo \u2713")
# (dtype, shape): every dtype at 4x5x3, then the other shapes.
CASES = (
    ("uint8", (4, 5, 3)), ("uint16", (4, 5, 3)), ("float32", (4, 5, 3)),
    ("float64", (4, 5, 3)), ("int8", (4, 5, 3)),
    ("uint8", (480, 640, 3)), ("float64", (480, 640, 3)),
    ("uint16", (2, 3, 4, 5)), ("int8", (2, 3, 4, 5)),
    ("int64", (4, 5, 3)), ("complex64", (3, 4)),  # no OpenCV depth: carried bit for bit
)
CASE_IDS = [f"{d}-{'x'.join(map(str, s))}" for d, s in CASES]
CASES_WITH_MESSAGE = [(d, s, MESSAGES[i % len(MESSAGES)]) for i, (d, s) in enumerate(CASES)]

FRAMES_LOCKSTEP = 5   # patterns 0/1: every frame must arrive, in order
FRAMES_PUBSUB = 20    # pattern 2: the PUB may drop early frames (slow joiner) or under HWM=1


def frames_for(pattern):
    return FRAMES_PUBSUB if pattern == 2 else FRAMES_LOCKSTEP


def sender_options(pattern, dtype, shape, message):
    """Options common to both senders (pace only for pattern 2)."""
    return dict(frames=frames_for(pattern), dtype=dtype, shape=shape, message=message,
                pace_ms=pattern2_pace_ms(dtype, shape) if pattern == 2 else None,
                timeout=PEER_TIMEOUT)


def expected_count(pattern):
    return frames_for(pattern) if pattern in (0, 1) else 1


def assert_cpp_headers(recv_result, pattern, dtype, shape, message):
    """The raw headers the C++ sender produced, as a vidgear receiver saw them."""
    seqs = []
    for frame in recv_result.frames:
        header = frame["header"]
        assert header["terminate_flag"] is False, header
        assert header["compression"] is False, header
        assert header["pattern"] == str(pattern), header
        assert header["dtype"] == dtype, header
        assert header["shape"] == list(shape), header
        assert "message" in header and header["message"] == message, header
        for key in ("netgear_seq", "netgear_sent_ns"):
            assert type(header[key]) is int, (key, header)
        seqs.append(header["netgear_seq"])
    assert seqs == sorted(set(seqs)), f"netgear_seq must increase: {seqs}"


@pytest.mark.parametrize("dtype,shape,message", CASES_WITH_MESSAGE, ids=CASE_IDS)
@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize("flavour", FLAVOURS)
def test_cpp_send_to_vidgear_recv(spawn, flavour, pattern, dtype, shape, message):
    sent = frames_for(pattern)
    recv_argv = python_peer_argv("recv", flavour, pattern, timeout=PEER_TIMEOUT, dtype=dtype,
                                 shape=shape, expect=expected_count(pattern))

    def send_argv(endpoint):
        return cpp_peer_argv("send", pattern, endpoint=endpoint,
                             **sender_options(pattern, dtype, shape, message))

    recv, send = run_exchange(spawn, recv_argv, send_argv, "vidgear-recv", "cpp-send")
    assert_clean_exit(recv, send)
    assert_frames(recv, pattern, sent, dtype, shape, message)
    assert_cpp_headers(recv, pattern, dtype, shape, message)
    assert_replies(send, pattern, sent, DATA_REPLY_RE[flavour], {TERM_REPLY[flavour]})


@pytest.mark.parametrize("dtype,shape,message", CASES_WITH_MESSAGE, ids=CASE_IDS)
@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize("flavour", FLAVOURS)
def test_vidgear_send_to_cpp_recv(spawn, flavour, pattern, dtype, shape, message):
    sent = frames_for(pattern)
    recv_argv = cpp_peer_argv("recv", pattern, bind="tcp://127.0.0.1", timeout=PEER_TIMEOUT,
                              expect=expected_count(pattern))

    def send_argv(endpoint):
        return python_peer_argv("send", flavour, pattern, endpoint=endpoint,
                                await_peer=pattern == 2,
                                **sender_options(pattern, dtype, shape, message))

    recv, send = run_exchange(spawn, recv_argv, send_argv, "cpp-recv", "vidgear-send")
    assert_clean_exit(recv, send)
    assert_frames(recv, pattern, sent, dtype, shape, message)
    for frame in recv.frames:
        # netgear keeps no raw header; a vidgear header carries no netgear_seq.
        assert frame["seq"] is None, frame
    assert_replies(send, pattern, sent, ANY_DATA_REPLY_RE, set(TERM_REPLY.values()))
