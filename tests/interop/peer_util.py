"""Helpers to run interop peers (vidgear_peer.py or the C++ netgear peer) as subprocesses.

A peer prints JSON lines on stdout: a binder first prints ``{"port": P}``; a receiver then prints
one record per frame and a final ``{"frames": K, "terminated": bool}``; a sender prints a final
``{"sent": N, "replies": [...]}``.  Every wait here has a deadline; `Peer.kill` (called by the
conftest fixture on teardown) ends anything still running.
"""

import json
import os
import queue
import re
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
PEER_SCRIPT = HERE / "vidgear_peer.py"
CPP_PEER_ENV = "NETGEAR_INTEROP_PEER"

STARTUP_TIMEOUT = 15.0   # seconds for a binder to print its port line
PEER_TIMEOUT = 10.0      # --timeout given to the peers
FINISH_TIMEOUT = 40.0    # seconds for a peer process to exit on its own

# Reply texts (WIRE.md 3.2)
DATA_REPLY_RE = {
    "0.1": re.compile(r"Data received on device: [0-9A-F]{5} !"),
    "0.3": re.compile(r"Data received on device: [A-Z0-9]{8} !"),
}
ANY_DATA_REPLY_RE = re.compile(r"Data received on device: \S+ !")
TERM_REPLY = {
    "0.1": "Termination signal received at client!",
    "0.3": "Termination signal successfully received at Client's end!",
}
MULTISERVER_TERM_REPLY = {
    "0.1": "Termination signal received at client!",
    "0.3": "Termination signal successfully received at client!",
}
ALL_TERM_REPLIES = set(TERM_REPLY.values()) | set(MULTISERVER_TERM_REPLY.values())

# Compression tests send the %127 ramp as uint8 H x W x 3.  Its wrap-around edges are hard on
# JPEG: at quality 90 this shape gives ~31.5-32 dB with TurboJPEG 4:2:2 fast DCT (netgear,
# simplejpeg) and ~30.7-31 dB with OpenCV's 4:2:0 (vidgear_peer.py --jpeg / .jpg).
JPEG_SHAPE = (32, 42, 3)
JPEG_MIN_PSNR_TURBO = 30.0
JPEG_MIN_PSNR_OPENCV = 29.0

# cli_options: values of these keys are passed as JSON text.
JSON_OPTIONS = frozenset({"message", "options", "return_data", "compression_param"})

_EOF = object()


class PeerError(AssertionError):
    """A peer misbehaved (timeout, bad output); the message carries its stderr."""


@dataclass
class PeerResult:
    """What a finished peer produced."""

    name: str
    returncode: int
    records: list           # every JSON line printed (the port line excluded)
    stderr: str

    @property
    def frames(self):
        """Per-frame records of a receiver."""
        return [r for r in self.records if "frame" in r]

    @property
    def summary(self):
        """The final line (receiver: frames/terminated; sender: sent/replies)."""
        if not self.records:
            raise PeerError(f"{self.name}: printed no JSON line; stderr:\n{self.stderr}")
        return self.records[-1]

    def describe(self):
        """Short diagnostic text for assertion messages."""
        tail = "\n".join(json.dumps(r)[:300] for r in self.records[-5:])
        return (f"{self.name}: rc={self.returncode}, {len(self.records)} stdout lines, "
                f"last:\n{tail}\nstderr:\n{self.stderr}")


@dataclass
class Peer:
    """A running peer process with non-blocking line readers on stdout and stderr."""

    argv: list
    name: str
    env: dict = None
    _lines: queue.Queue = field(default_factory=queue.Queue, init=False)
    _stderr: list = field(default_factory=list, init=False)
    port_line_read: bool = field(default=False, init=False)

    def __post_init__(self):
        self.proc = subprocess.Popen(
            [str(a) for a in self.argv], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, env=self.env, text=True, encoding="utf-8",
        )
        self._threads = [
            threading.Thread(target=self._pump_stdout, daemon=True),
            threading.Thread(target=self._pump_stderr, daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def _pump_stdout(self):
        for line in self.proc.stdout:
            self._lines.put(line)
        self._lines.put(_EOF)

    def _pump_stderr(self):
        for line in self.proc.stderr:
            self._stderr.append(line)

    def stderr_text(self):
        """stderr captured so far."""
        return "".join(self._stderr)

    def read_json(self, timeout):
        """Next stdout line parsed as JSON; PeerError on timeout, EOF or non-JSON."""
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            raise PeerError(f"{self.name}: no output line within {timeout}s; "
                            f"stderr:\n{self.stderr_text()}") from None
        if line is _EOF:
            self.proc.wait(timeout=FINISH_TIMEOUT)
            raise PeerError(f"{self.name}: exited (rc={self.proc.returncode}) before printing "
                            f"the expected line; stderr:\n{self.stderr_text()}")
        return self._parse(line)

    def _parse(self, line):
        try:
            return json.loads(line)
        except json.JSONDecodeError:
            raise PeerError(f"{self.name}: non-JSON stdout line {line!r}") from None

    def read_port(self, timeout=STARTUP_TIMEOUT):
        """The binder's first line {"port": P} -> P."""
        first = self.read_json(timeout)
        if set(first) != {"port"} or not isinstance(first["port"], int):
            raise PeerError(f"{self.name}: first line is not {{\"port\": P}}: {first!r}")
        self.port_line_read = True
        return first["port"]

    def finish(self, timeout=FINISH_TIMEOUT):
        """Wait for exit (killing it on timeout) and return a PeerResult."""
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise PeerError(f"{self.name}: still running after {timeout}s, killed; "
                            f"stderr:\n{self.stderr_text()}") from None
        for thread in self._threads:
            thread.join(timeout=timeout)
        records = []
        while True:
            try:
                line = self._lines.get(timeout=timeout)
            except queue.Empty:
                raise PeerError(f"{self.name}: stdout not closed after exit") from None
            if line is _EOF:
                break
            records.append(self._parse(line))
        if records and not self.port_line_read and set(records[0]) == {"port"}:
            records.pop(0)
        return PeerResult(self.name, self.proc.returncode, records, self.stderr_text())

    def kill(self):
        """Kill the process if it is still running and reap it."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=FINISH_TIMEOUT)


# ---------------------------------------------------------------- command lines


def cli_options(**options):
    """kwargs -> CLI flags: foo_bar=1 -> --foo-bar 1; True -> bare flag; None/False -> omitted.

    `shape` (tuple) becomes "4,5,3"; the JSON_OPTIONS keys (message, options, return_data,
    compression_param) are JSON-encoded (False included; None still means "omit").
    """
    argv = []
    for key, value in options.items():
        flag = "--" + key.replace("_", "-")
        if key in JSON_OPTIONS and value is not None:
            argv += [flag, json.dumps(value)]
            continue
        if value is None or value is False:
            continue
        if value is True:
            argv.append(flag)
        elif key == "shape":
            argv += [flag, ",".join(str(d) for d in value)]
        else:
            argv += [flag, str(value)]
    return argv


def python_peer_argv(mode, flavour, pattern, **options):
    """argv running vidgear_peer.py with /usr/bin/python3 (sys.executable)."""
    return [sys.executable, str(PEER_SCRIPT), mode, "--flavour", flavour,
            "--pattern", str(pattern)] + cli_options(**options)


def cpp_peer_path():
    """Path of the C++ peer binary from $NETGEAR_INTEROP_PEER, or None."""
    return os.environ.get(CPP_PEER_ENV) or None


def cpp_peer_argv(mode, pattern, **options):
    """argv running the C++ interop peer (same CLI as vidgear_peer.py minus --flavour)."""
    return [cpp_peer_path(), mode, "--pattern", str(pattern)] + cli_options(**options)


def endpoint_for(port):
    """Loopback TCP endpoint of a bound port."""
    return f"tcp://127.0.0.1:{port}"


def run_exchange(spawn, binder_argv, connector_argv_for, binder_name="recv",
                 connector_name="send"):
    """Start the binder, read its port, start the connector, wait for both.

    `connector_argv_for(endpoint)` builds the connector's argv.  Returns
    (binder PeerResult, connector PeerResult).
    """
    binder = spawn(binder_argv, binder_name)
    port = binder.read_port()
    connector = spawn(connector_argv_for(endpoint_for(port)), connector_name)
    connector_result = connector.finish()
    binder_result = binder.finish()
    return binder_result, connector_result


# ---------------------------------------------------------------- assertions


def pattern2_pace_ms(dtype, shape):
    """PUB pacing that lets a frame drain before the next send (HWM=1 drops otherwise)."""
    import numpy as np  # local: only the C++/selftest callers need numpy here
    nbytes = int(np.prod(shape)) * np.dtype(dtype).itemsize
    return 2 if nbytes < 100_000 else 5 + nbytes // 100_000


def assert_clean_exit(*results):
    """Every peer exited 0."""
    for result in results:
        assert result.returncode == 0, result.describe()


def assert_frames(recv_result, pattern, sent, dtype, shape, message):
    """Receiver frames: patterns 0/1 all in order; pattern 2 at least one, increasing indices."""
    frames = recv_result.frames
    summary = recv_result.summary
    assert summary == {"frames": len(frames), "terminated": True}, recv_result.describe()
    if pattern in (0, 1):
        assert [f["matches"] for f in frames] == list(range(sent)), recv_result.describe()
    else:
        indices = [f["matches"] for f in frames]
        assert frames, f"pattern 2: no frame arrived\n{recv_result.describe()}"
        assert None not in indices, indices
        assert indices == sorted(set(indices)) and indices[-1] < sent, indices
    for k, frame in enumerate(frames):
        assert frame["frame"] == k
        assert frame["dtype"] == dtype
        assert frame["shape"] == list(shape)
        assert frame["message"] == message


def assert_replies(send_result, pattern, sent, data_reply_re, term_replies):
    """Sender replies: one per frame for patterns 0/1, plus the termination reply in pattern 1."""
    summary = send_result.summary
    assert summary["sent"] == sent, send_result.describe()
    replies = summary["replies"]
    if pattern == 2:
        assert replies == []
        return
    expected_count = sent + (1 if pattern == 1 else 0)
    assert len(replies) == expected_count, replies
    for reply in replies[:sent]:
        assert data_reply_re.fullmatch(reply), reply
    if pattern == 1:
        assert replies[-1] in term_replies, replies[-1]
