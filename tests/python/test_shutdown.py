"""The interpreter exits cleanly while netgear still holds sent arrays: frames in flight, objects
never closed, daemon threads inside send()/recv(), close() from a finalizer. Each case runs in
its own interpreter, several times (the failures it guards against were races), and must exit
with status 0 within a deadline, without a fatal error on stderr."""
import os
import subprocess
import sys

import pytest

RUNS = 5  # per case; the old code failed about one run in two
DEADLINE = 60  # seconds per run; a clean one takes well under 2

# The child: builds a receiver and a sender in one process and exits in the way `case` names.
# Frames are lent to ZeroMQ (copy=False, the default), so netgear holds the arrays until
# ZeroMQ's threads let go of them, which may be after the interpreter began to finalize.
CHILD = r"""
import atexit
import os
import sys
import threading
import time

import numpy as np
import netgear

case = sys.argv[1]

def pub_pair(**receiver_options):
    receiver_options.setdefault("receive_timeout", 30)
    client = netgear.NetGear(address="127.0.0.1", port=0, pattern=2, receive_mode=True, **receiver_options)
    port = client.endpoints[0].rsplit(":", 1)[1]
    server = netgear.NetGear(address="127.0.0.1", port=port, pattern=2)
    assert server.wait_for_receiver(10), "no subscriber"
    return client, server

def stream(server, count=None, shape=(128, 128, 3)):
    i = 0
    while count is None or i < count:
        server.send(np.full(shape, i % 250, np.uint8))  # a new array each time, dropped at once
        i += 1

if case == "frames_in_flight":
    # 300 large frames published to a receiver that reads none; nothing is closed.
    client, server = pub_pair()
    stream(server, 300, (256, 256, 3))
elif case == "frames_queued_inproc":
    # inproc hands the sender's buffers to the receiver's queue, which drops the oldest.
    address = f"netgear-exit-{os.getpid()}"
    client = netgear.NetGear(address=address, protocol="inproc", pattern=2, receive_mode=True,
                             queue_size=4, overflow_policy="drop_oldest", receive_timeout=30)
    server = netgear.NetGear(address=address, protocol="inproc", pattern=2)
    assert server.wait_for_receiver(10), "no subscriber"
    stream(server, 300)
elif case == "daemon_thread_sending":
    client, server = pub_pair()
    threading.Thread(target=stream, args=(server,), daemon=True).start()
    while server.stats()["frames_sent"] < 50:
        time.sleep(0.01)
elif case == "daemon_thread_receiving":
    client, server = pub_pair()
    def consume():
        while client.recv() is not None:
            pass
    threading.Thread(target=consume, daemon=True).start()
    threading.Thread(target=stream, args=(server,), daemon=True).start()
    while client.stats()["delivered"] < 20:
        time.sleep(0.01)
elif case == "closed_by_atexit":
    client, server = pub_pair()
    atexit.register(client.close)
    atexit.register(server.close)
    stream(server, 300)
elif case == "closed_by_a_finalizer":
    # A reference cycle the last collection at shutdown finalizes, after netgear's atexit hook.
    class Holder:
        def __init__(self, netgear_object):
            self.netgear_object = netgear_object
            self.me = self
        def __del__(self):
            self.netgear_object.close()
    import gc
    gc.disable()  # so that no collection before the exit finds the cycles
    client, server = pub_pair()
    stream(server, 300, (256, 256, 3))
    Holder(server), Holder(client)
    del client, server
else:
    raise SystemExit(f"unknown case {case}")
print("exiting", flush=True)
"""

CASES = ["frames_in_flight", "frames_queued_inproc", "daemon_thread_sending", "daemon_thread_receiving",
         "closed_by_atexit", "closed_by_a_finalizer"]


@pytest.mark.parametrize("case", CASES)
def test_the_interpreter_exits_cleanly_with_arrays_still_lent(case):
    for run in range(RUNS):
        try:
            done = subprocess.run([sys.executable, "-c", CHILD, case], capture_output=True, text=True,
                                  timeout=DEADLINE, env=os.environ.copy())
        except subprocess.TimeoutExpired as e:
            raise AssertionError(f"run {run}: the interpreter did not exit within {DEADLINE} s; "
                                 f"stderr: {e.stderr!r}") from None
        where = f"run {run}: exit status {done.returncode}, stderr:\n{done.stderr}"
        assert done.returncode == 0, where
        assert done.stdout == "exiting\n", where
        assert "Fatal Python error" not in done.stderr and "terminate called" not in done.stderr, where
