"""`netgear relay` between vidgear programs and netgear ones (vidgear_peer.py stands in for vidgear).

- A vidgear sender (0.1 / 0.3, patterns 0/1/2) in front of a relay: a netgear viewer that dials
  the relay gets its frames, bit for bit, and the end of the stream.
- A relay pushing to a vidgear receiver that binds (patterns 0/1/2): the receiver gets the
  frames of a netgear sender and the end of the stream, as if that sender were talking to it.

Needs NETGEAR_INTEROP_PEER (the C++ peer) and NETGEAR_TOOL (the `netgear` binary).
"""

import os
import time

import pytest

from peer_util import (
    PEER_TIMEOUT, assert_frames, cpp_peer_argv, cpp_peer_path, endpoint_for, python_peer_argv,
)

TOOL = os.environ.get("NETGEAR_TOOL", "")
pytestmark = pytest.mark.skipif(not (cpp_peer_path() and TOOL), reason="NETGEAR_INTEROP_PEER / NETGEAR_TOOL not set")

FLAVOURS = ("0.1", "0.3")
PATTERNS = (0, 1, 2)
FRAMES = 20
DTYPE, SHAPE = "uint8", (48, 64, 3)


def start_relay(spawn, pattern, *extra):
    """A relay on loopback ports of its own choosing; returns (peer, input endpoint, viewer endpoint)."""
    relay = spawn([TOOL, "relay", "--pattern", str(pattern), "-a", "127.0.0.1", "-p", "0",
                   "--viewer-address", "127.0.0.1", "--viewer-port", "0", "--json", "--once",
                   "--interval", "0.1", *extra], "relay")
    start = relay.read_json(15)
    assert start["event"] == "relaying", start
    port = lambda endpoint: endpoint.rsplit(":", 1)[1]  # noqa: E731
    return relay, endpoint_for(port(start["input"][0])), endpoint_for(port(start["viewers"]))


def wait_for_viewers(relay, count, timeout=15):
    """Reads the relay's stats lines until `count` viewers are served."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = relay.read_json(deadline - time.monotonic())
        if line.get("event") == "stats" and len(line["viewers"]) >= count:
            return line
    raise AssertionError(f"the relay never served {count} viewers")


@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_vidgear_sender_in_front_of_a_relay_reaches_a_netgear_viewer(spawn, flavour, pattern):
    relay, input_endpoint, viewer_endpoint = start_relay(spawn, pattern)
    viewer = spawn(cpp_peer_argv("recv", 2, endpoint=viewer_endpoint, options={"receiver_dials": True},
                                 expect=1, timeout=PEER_TIMEOUT), "viewer")
    wait_for_viewers(relay, 1)
    sender = spawn(python_peer_argv("send", flavour, pattern, endpoint=input_endpoint, frames=FRAMES, dtype=DTYPE,
                                    shape=SHAPE,
                                    message={"from": "vidgear"}, await_peer=pattern == 2,
                                    pace_ms=20 if pattern == 2 else None, timeout=PEER_TIMEOUT), "vidgear-send")
    sent = sender.finish()
    got = viewer.finish()
    relay.finish()
    assert sent.returncode == 0, sent.describe()
    # The viewer is a PUB/SUB receiver: frames in order, none repeated, maybe not all.
    assert_frames(got, 2, FRAMES, DTYPE, SHAPE, {"from": "vidgear"})
    if pattern in (0, 1):
        assert len(got.frames) == FRAMES, got.describe()  # a viewer that keeps up misses none


@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_relay_pushes_to_a_vidgear_receiver(spawn, flavour, pattern):
    target = spawn(python_peer_argv("recv", flavour, pattern, bind="tcp://127.0.0.1", expect=1,
                                    timeout=PEER_TIMEOUT), "vidgear-recv")
    target_endpoint = endpoint_for(target.read_port())
    relay, input_endpoint, _ = start_relay(spawn, 1, "--push", target_endpoint, "--push-pattern", str(pattern))
    sender = spawn(cpp_peer_argv("send", 1, endpoint=input_endpoint, frames=FRAMES, dtype=DTYPE,
                                 shape=SHAPE, message={"from": "netgear"},
                                 pace_ms=20, timeout=PEER_TIMEOUT), "netgear-send")
    sent = sender.finish()
    got = target.finish()
    relay.finish()
    assert sent.returncode == 0, sent.describe()
    # One frame at a time is held for a push target: a newer one may replace it.
    assert_frames(got, 2, FRAMES, DTYPE, SHAPE, {"from": "netgear"})
