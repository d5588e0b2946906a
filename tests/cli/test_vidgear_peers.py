"""`netgear send` / `netgear recv` opposite Python vidgear (the wire-exact pyzmq
emulation in tests/interop): what an operator mixing the two sees."""
import json
import os
import subprocess
import sys

import pytest

from conftest import receiver_port, summaries

PEER = os.path.join(os.path.dirname(__file__), "..", "interop", "vidgear_peer.py")


@pytest.mark.parametrize("flavour, pattern", [("0.1", "0"), ("0.3", "1")])
def test_netgear_recv_takes_a_vidgear_sender(netgear, flavour, pattern):
    receiver = netgear("recv", "--json", "-a", "127.0.0.1", "-p", "0", "--pattern", pattern)
    port = receiver_port(receiver.read_event("listening"))
    peer = subprocess.run([sys.executable, PEER, "send", "--flavour", flavour, "--pattern", pattern,
                           "--endpoint", f"tcp://127.0.0.1:{port}", "--frames", "12", "--dtype", "uint8",
                           "--shape", "48,64,3", "--timeout", "10"],
                          capture_output=True, text=True, timeout=60)
    assert peer.returncode == 0, peer.stderr
    code, _, err = receiver.finish()
    assert code == 0, err
    got = summaries(receiver.lines)[-1]
    assert got["frames"] == 12 and got["end"] == "the sender ended the stream"
    assert got["latency_p50_ms"] is None  # vidgear stamps no send time


@pytest.mark.parametrize("flavour, pattern", [("0.1", "0"), ("0.3", "1")])
def test_netgear_send_feeds_a_vidgear_receiver(netgear, flavour, pattern):
    peer = netgear(PEER, "recv", "--flavour", flavour, "--pattern", pattern, "--bind", "tcp://127.0.0.1",
                   "--timeout", "10", program=sys.executable)
    line = peer.read_line(15)
    assert line is not None, peer.finish()[2]
    port = json.loads(line)["port"]
    sender = netgear("send", "test:64x48", "--json", "-a", "127.0.0.1", "-p", str(port),
                     "--pattern", pattern, "--frames", "12", "--fps", "0")
    code, _, err = sender.finish()
    assert code == 0, err
    code, rest, perr = peer.finish(40)
    records = [json.loads(l) for l in rest if l.strip()]
    assert records[-1]["frames"] == 12 and records[-1]["terminated"] is True, perr
    assert summaries(sender.lines)[-1]["frames"] == 12
