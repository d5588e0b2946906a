"""A vidgear PUB sender that bursts and vanishes: the C++ receiver ends the stream itself.

vidgear's PUB/SUB sender (0.1.x and 0.3.x) keeps a one-message queue (HWM 1) and closes with
linger 0, so after a burst its termination is often discarded on its own side.  PUB/SUB has no
silence limit by default, so a receiver used to wait forever.  netgear's receiver sees the
connection go: once every sender is gone and none is back within ``sender_gone_timeout`` it
ends the stream ("senders_gone"), after delivering the frames that arrived.

The vidgear emulation's ``--lose-termination`` makes the loss certain (it closes at once,
linger 0, without the termination), so the test does not depend on a race.

Skipped unless NETGEAR_INTEROP_PEER names the C++ interop peer binary.
"""

import time

import pytest

from peer_util import PEER_TIMEOUT, cpp_peer_argv, cpp_peer_path, endpoint_for, python_peer_argv

pytestmark = pytest.mark.skipif(not cpp_peer_path(), reason="NETGEAR_INTEROP_PEER is not set")

FLAVOURS = ("0.1", "0.3")
BURST = 60
SHAPE = (4, 5, 3)
RECV_SILENCE_S = 60    # the receiver's receive_timeout: far beyond what the test waits for
MARGIN_S = 10          # generous: the bound is there to catch a hang, not to time the feature


def burst_and_vanish(spawn, flavour, recv_options):
    """A C++ receiver, a vidgear PUB that bursts and vanishes; returns (recv result, seconds
    from the sender's exit to the receiver's)."""
    recv = spawn(cpp_peer_argv("recv", 2, bind="tcp://127.0.0.1", timeout=RECV_SILENCE_S,
                               options=recv_options), "recv")
    port = recv.read_port()
    send = spawn(python_peer_argv("send", flavour, 2, endpoint=endpoint_for(port), frames=BURST,
                                  dtype="uint8", shape=SHAPE, pace_ms=1, linger_ms=0,
                                  lose_termination=True, await_peer=True, timeout=PEER_TIMEOUT),
                 "send")
    sent = send.finish()
    assert sent.returncode == 0, sent.describe()
    gone_at = time.monotonic()
    result = recv.finish(timeout=RECV_SILENCE_S + 20)
    return result, time.monotonic() - gone_at


def assert_ended_by_senders_gone(result, elapsed, grace):
    assert {"end": "senders_gone"} in result.records, result.describe()
    frames = result.frames
    assert result.summary == {"frames": len(frames), "terminated": False}, result.describe()
    assert result.returncode == 3, result.describe()  # the peer's "ended without a termination"
    assert 1 <= len(frames) <= BURST, result.describe()
    assert all(f["matches"] is not None for f in frames), result.describe()
    assert elapsed < grace + MARGIN_S, f"ended {elapsed:.1f} s after the sender left (grace {grace} s)"
    print(f"[figures] {len(frames)} of {BURST} frames delivered; ended {elapsed:.2f} s after the "
          f"sender exited (grace {grace} s)")


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_vanished_vidgear_publisher_ends_the_stream(spawn, flavour):
    result, elapsed = burst_and_vanish(spawn, flavour, {"sender_gone_timeout": 1})
    assert_ended_by_senders_gone(result, elapsed, 1)


def test_by_default_within_ten_seconds(spawn):
    """No option: the default grace (10 s) applies to PUB/SUB."""
    result, elapsed = burst_and_vanish(spawn, "0.3", None)
    assert_ended_by_senders_gone(result, elapsed, 10)
    assert elapsed >= 9, "the default grace is 10 s"
