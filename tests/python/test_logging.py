"""logging=True hands the library's records to Python's `logging` (logger "netgear"), not to
stderr: names and levels as Python users expect, nothing when logging=False, no deadlock with a
chatty stream and close(), and a handler that raises does not break the stream."""
import logging
import subprocess
import sys
from pathlib import Path

import numpy as np

import netgear
from conftest import WAIT, frame, port_of


class Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append(record)


def stream(frames, logging_on, pattern=1):
    client = netgear.NetGear(address="127.0.0.1", port=0, pattern=pattern, receive_mode=True,
                             logging=logging_on, receive_timeout=WAIT)
    server = netgear.NetGear(address="127.0.0.1", port=port_of(client.endpoints[0]), pattern=pattern,
                             logging=logging_on)
    for i in range(frames):
        server.send(frame(i))
        assert client.recv() is not None
    server.close()
    assert client.recv() is None
    client.close()


def collecting():
    logger = logging.getLogger("netgear")
    handler = Collect()
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    return logger, handler


def test_records_reach_the_netgear_logger_with_their_levels():
    logger, handler = collecting()
    try:
        stream(3, True)
    finally:
        logger.removeHandler(handler)
    assert handler.records, "no record reached logging.getLogger('netgear')"
    assert {r.name for r in handler.records} == {"netgear"}
    by_level = {r.levelno for r in handler.records}
    assert logging.INFO in by_level and logging.DEBUG in by_level, by_level
    texts = [r.getMessage() for r in handler.records]
    assert any(t.startswith("receiver: REQ/REP over tcp bound to") for t in texts), texts
    assert any(t.startswith("sender: closed after 3 frames") for t in texts), texts


def test_nothing_is_logged_without_logging_true():
    logger, handler = collecting()
    try:
        stream(3, False)
    finally:
        logger.removeHandler(handler)
    assert handler.records == []


def test_nothing_goes_to_stderr_and_a_raising_handler_does_not_break_the_stream():
    child = r"""
import logging, sys
sys.path.insert(0, %r)
import test_logging

class Raises(logging.Handler):
    def emit(self, record):
        raise RuntimeError("handler broke")

logging.getLogger("netgear").addHandler(Raises())
logging.getLogger("netgear").setLevel(logging.DEBUG)
logging.getLogger("netgear").propagate = False
test_logging.stream(200, True)
print("streamed")
""" % str(Path(__file__).resolve().parent)
    done = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "streamed"
    # spdlog's own lines look like "[2026-...] [netgear] [info] ..." - none may appear
    assert "[netgear]" not in done.stderr, done.stderr[-2000:]
    # the raising handler is reported (as unraisable), never propagated into send()/recv()
    assert "handler broke" in done.stderr


def test_a_chatty_stream_then_close_does_not_hang():
    logger, handler = collecting()
    try:
        stream(1000, True, pattern=0)
    finally:
        logger.removeHandler(handler)
    assert len(handler.records) > 1000  # a debug line per reply, and more
