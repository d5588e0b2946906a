"""Fixtures for the `netgear` command-line tests: run the real binary, read its
JSON lines with deadlines, interrupt it like Ctrl+C does."""
import json
import os
import select
import signal
import subprocess
import time

import cv2
import numpy as np
import pytest

NETGEAR = os.environ.get("NETGEAR_CLI", "")


class Proc:
    """A running `netgear` command; stdout is read line by line with deadlines."""

    def __init__(self, args, env=None, stderr=subprocess.PIPE, program=None):
        self.args = args
        self.p = subprocess.Popen([program or NETGEAR, *args], stdout=subprocess.PIPE, stderr=stderr,
                                  env=env, start_new_session=True)
        self.lines = []  # every stdout line read so far
        self._buffer = b""

    def read_line(self, timeout):
        """The next stdout line, or None if none came within `timeout` s or the process closed stdout."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.p.stdout], [], [], left)
            if not ready:
                return None
            chunk = os.read(self.p.stdout.fileno(), 65536)
            if not chunk:
                return None
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        text = line.decode()
        self.lines.append(text)
        return text

    def read_event(self, event, timeout=15, where=None):
        """Reads JSON lines until one with this "event" (and matching `where`, a predicate) arrives."""
        deadline = time.monotonic() + timeout
        while True:
            line = self.read_line(max(0.0, deadline - time.monotonic()))
            if line is None:
                raise AssertionError(f"no {event!r} event from netgear {' '.join(self.args)}; got {self.lines}")
            obj = json.loads(line)
            if obj.get("event") == event and (where is None or where(obj)):
                return obj

    def interrupt(self):
        self.p.send_signal(signal.SIGINT)

    def finish(self, timeout=20):
        """Waits for exit; returns (exit code, remaining stdout lines, stderr text)."""
        try:
            out, err = self.p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"netgear {' '.join(self.args)} did not end within {timeout} s")
        rest = (self._buffer + out).decode().splitlines()
        self.lines.extend(rest)
        return self.p.returncode, rest, (err or b"").decode()

    def kill(self):
        if self.p.poll() is None:
            os.killpg(self.p.pid, signal.SIGKILL)
            self.p.wait()


@pytest.fixture
def netgear():
    """Starts `netgear` commands and kills whatever is left at the end of the test."""
    assert NETGEAR and os.access(NETGEAR, os.X_OK), "NETGEAR_CLI must name the netgear binary"
    started = []

    def start(*args, **kwargs):
        proc = Proc(list(args), **kwargs)
        started.append(proc)
        return proc

    yield start
    for proc in started:
        proc.kill()


def run(*args, timeout=60, env=None):
    """Runs `netgear args...` to completion: (exit code, stdout, stderr)."""
    done = subprocess.run([NETGEAR, *args], capture_output=True, text=True, timeout=timeout, env=env)
    return done.returncode, done.stdout, done.stderr


def summaries(lines):
    """The {"event": "summary"} objects among JSON lines."""
    return [json.loads(l) for l in lines if l.startswith("{") and json.loads(l).get("event") == "summary"]


def receiver_port(listening):
    """The port of the first endpoint in a "listening" event."""
    return listening["endpoints"][0].rsplit(":", 1)[1]


def write_clip(path, frames, fps, size, step):
    """An MJPG .avi of `frames` flat grey frames (frame i is grey i * step), `size` = (width, height)."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, size)
    for i in range(frames):
        writer.write(np.full((size[1], size[0], 3), i * step, np.uint8))
    writer.release()
    return str(path)
