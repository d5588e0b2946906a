"""Sent arrays are let go of safely: ZeroMQ's threads never take the GIL to drop them (that
deadlocked against calls holding it), and the references they drop are freed regularly, so a
long stream does not pile them up."""
import os
import subprocess
import sys

import numpy as np
import pytest

import netgear
from conftest import frame

LOOP = 2000
IN_FLIGHT = 8  # references a stream may hold at once: a few frames in ZeroMQ's hands, not LOOP


@pytest.mark.parametrize("copy", [False, True])
def test_a_long_stream_holds_no_more_references_than_frames_in_flight(receiver, sender, copy):
    client, port = receiver()
    server = sender(port, copy=copy)
    array = frame(1)
    baseline = sys.getrefcount(array)
    most = 0
    for _ in range(LOOP):
        server.send(array)
        assert client.recv() is not None
        most = max(most, sys.getrefcount(array) - baseline)
        if copy:  # nothing was lent: send() dropped its reference before returning
            assert sys.getrefcount(array) == baseline
    assert most <= IN_FLIGHT, f"{most} references held after {LOOP} sends"
    server.close()
    assert sys.getrefcount(array) == baseline, "close() left references to the sent array"
    assert netgear._netgear._pending_releases() == 0


def test_a_returned_array_is_released_when_replaced(receiver, sender):
    """recv(return_data=array): the receiver's thread copies and drops the array it replies with."""
    client, port = receiver(bidirectional_mode=True)
    server = sender(port, bidirectional_mode=True)
    reply = frame(7, shape=(4, 4))
    baseline = sys.getrefcount(reply)
    for _ in range(200):
        server.send(frame(1))
        assert client.recv(return_data=reply) is not None
    np.testing.assert_array_equal(server.send(frame(1)), reply)
    assert client.recv(return_data="done") is not None  # replaces the array
    assert server.send(frame(1)) == "done"
    client.close()
    assert sys.getrefcount(reply) == baseline


# The receiver's thread drops frames from its queue while holding the queue's lock; over inproc
# those frames are the sender's arrays. Dropping one took the GIL there, while stats() held the
# GIL and waited for that lock: a deadlock, so the case runs in a child with a deadline.
STATS_WHILE_DROPPING = r"""
import os, threading
import numpy as np
import netgear
address = f"netgear-drop-{os.getpid()}"
client = netgear.NetGear(address=address, protocol="inproc", pattern=2, receive_mode=True,
                         queue_size=1, overflow_policy="latest_only", receive_timeout=30)
server = netgear.NetGear(address=address, protocol="inproc", pattern=2)
assert server.wait_for_receiver(10)
def pump():
    for i in range(3000):
        server.send(np.full((64, 64), i % 250, np.uint8))
sending = threading.Thread(target=pump)
sending.start()
while sending.is_alive():
    client.stats()
sending.join()
dropped = client.stats()["dropped"]
assert dropped > 0, "no frame was dropped: the case did not happen"
server.close()
client.close()
assert netgear._netgear._pending_releases() == 0
print("dropped", dropped, flush=True)
"""


def test_stats_while_the_receiver_drops_lent_frames_does_not_deadlock():
    try:
        done = subprocess.run([sys.executable, "-c", STATS_WHILE_DROPPING], capture_output=True, text=True,
                              timeout=60, env=os.environ.copy())
    except subprocess.TimeoutExpired:
        raise AssertionError("deadlock: stats() and the receiver's thread did not finish within 60 s") from None
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("dropped "), done.stdout
