"""Fixtures for the netgear Python module tests: receivers on free loopback ports, frames whose
content names their index, and bounded waits (no sleeping for a connection)."""
import threading
import time

import numpy as np
import pytest

import netgear

WAIT = 10.0  # seconds any single expected event may take


def frame(index, shape=(48, 64, 3), dtype=np.uint8):
    """Frame `index`: a ramp offset by the index, so frame(i) differs from frame(j)."""
    size = int(np.prod(shape))
    return ((np.arange(size, dtype=np.int64) + index) % 127).astype(dtype).reshape(shape)


def drain(netgear_object):
    """Everything recv() gives until the end of the stream (None)."""
    items = []
    while (item := netgear_object.recv()) is not None:
        items.append(item)
    return items


def publish(server, array, message=None, timeout=WAIT):
    """PUB/SUB: sends until the frame is not dropped (a lagging receiver makes the sender drop
    it, counted in stats()["dropped"]); fails after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        dropped = server.stats()["dropped"]
        server.send(array, message=message)
        if server.stats()["dropped"] == dropped:
            return
        time.sleep(0.001)
    raise AssertionError(f"every publish was dropped for {timeout} s")


def port_of(endpoint):
    """The port of "tcp://127.0.0.1:PORT"."""
    return int(endpoint.rsplit(":", 1)[1])


@pytest.fixture
def receiver():
    """receiver(**options) -> (NetGear in receive mode on 127.0.0.1, its port); closed after."""
    made = []

    def make(pattern=0, port=0, **options):
        options.setdefault("receive_timeout", WAIT)
        client = netgear.NetGear(address="127.0.0.1", port=port, pattern=pattern, receive_mode=True, **options)
        made.append(client)
        return client, port_of(client.endpoints[0])

    yield make
    for client in made:
        client.close()


@pytest.fixture
def sender():
    """sender(port, **options) -> NetGear in send mode to 127.0.0.1:port; closed after."""
    made = []

    def make(port, pattern=0, **options):
        if pattern != 2:
            options.setdefault("request_timeout", WAIT)
        server = netgear.NetGear(address="127.0.0.1", port=port, pattern=pattern, **options)
        made.append(server)
        return server

    yield make
    for server in made:
        server.close()


class Background:
    """Runs fn(*args) on a thread; result() re-raises its exception or returns its value."""

    def __init__(self, fn, *args):
        self._value = None
        self._error = None
        self._thread = threading.Thread(target=self._run, args=(fn, args), daemon=True)
        self._thread.start()

    def _run(self, fn, args):
        try:
            self._value = fn(*args)
        except BaseException as e:  # noqa: BLE001 - handed back to the test thread
            self._error = e

    def result(self, timeout=WAIT * 3):
        self._thread.join(timeout)
        assert not self._thread.is_alive(), f"the background call did not finish within {timeout} s"
        if self._error is not None:
            raise self._error
        return self._value


def eventually(predicate, timeout=WAIT, what="the condition"):
    """Polls predicate() until it is true (with a deadline); fails naming `what`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.01)
    raise AssertionError(f"{what} did not happen within {timeout} s")
