#!/usr/bin/python3
"""Frames per second: the `netgear` Python module against plain pyzmq, same protocol.

What is compared
----------------
Raw (uncompressed) uint8 frames H x W x 3 go from a sender process to a receiver process over
tcp on the loopback interface, with vidgear NetGear's protocol (shared/WIRE.md sections 2-4, 7):

* ``ours``  - ``netgear.NetGear(address="127.0.0.1", port=P, pattern=p)`` calling ``send(frame)``
  N times then ``close()``, to ``netgear.NetGear(..., receive_mode=True)`` calling ``recv()``
  until it returns None.  Default options (no compression, queue_size 16, overflow "block").
* ``pyzmq`` - the same protocol written directly on pyzmq (bench/pyzmq_netgear.py, shared with
  netgear_bench_throughput's pyzmq rows), the way vidgear (0.3.x, raw frames) drives its
  sockets, minus vidgear's receiver thread and deque: the sender (PAIR, or REQ with
  REQ_RELAXED + REQ_CORRELATE) sends the JSON header with ``send_json(..., SNDMORE)`` (keys
  terminate_flag, compression, message, pattern, dtype, shape) then the array with
  ``copy=False``, and for patterns 0 and 1 polls for and reads the one-part reply; the receiver
  (PAIR / REP) polls, reads header and payload (``copy=False``, DONTWAIT as vidgear), replies
  ``Data received on device: <ID> !`` before decoding, rebuilds the frame with
  ``np.frombuffer(payload, dtype).reshape(shape)`` and stops on ``{"terminate_flag": true}``
  (pattern 1 replies to that too).  This is the best case for a Python NetGear: vidgear itself
  adds a thread hand-off (and its recv() busy-wait) on top of it.

Patterns 0 (PAIR) and 1 (REQ/REP) only: both are lock-step with a reply per frame, so every
frame must arrive.  Pattern 2 (PUB/SUB, HWM 1) drops frames by design and cannot be checked
for "exactly N frames".

How it is measured
------------------
Each run starts two fresh processes (multiprocessing, "spawn" start method): the receiver binds
tcp://127.0.0.1 on a free port and reports the port to the parent through a pipe; only then is
the sender started.  The sender pre-builds one frame and sends it N times.
The figure is measured on the RECEIVER side for both implementations: from the moment the first
frame is in the application's hands to the moment the last one is, so
``fps = (N - 1) / (t_last - t_first)`` (process start-up, connection set-up and the termination
are excluded).  MB/s = fps x frame bytes / 1e6.  The sender's send-loop time is recorded too
(JSON output).  Every case runs --repeat times, alternating ours / pyzmq, and the median fps
is reported.

Each run is verified: the receiver must get exactly N frames, each uint8 with the sent shape,
the first and last equal to the sent frame, and the stream must end by the termination
message; anything else is reported as an error (exit status 1).

Every wait is bounded: children give up after --silence seconds without progress, the parent
kills a run after --timeout seconds, and child processes are always terminated (then killed)
on the way out, also on errors and Ctrl+C.

Usage
-----
    PYTHONPATH=build/python /usr/bin/python3 bench/python_vs_pyzmq.py
        [--sizes 640x480x3,1280x720x3,1920x1080x3] [--patterns 0,1]
        [--frames N] [--repeat R] [--json] [--smoke] [--silence S] [--timeout S]

--frames defaults to a per-size count (about 1-3 s per run on a 2-core machine); --smoke runs
one tiny case (64x48x3, patterns 0 and 1, 50 frames, once) for CTest.
"""

import argparse
import json
import multiprocessing
import multiprocessing.connection
import os
import platform
import signal
import statistics
import sys
import time
import traceback

import numpy as np
import zmq

import pyzmq_netgear  # the plain-pyzmq side, shared with bench/throughput/pyzmq_peer.py

LOOPBACK = "127.0.0.1"
IMPLEMENTATIONS = ("ours", "pyzmq")
PATTERN_NAMES = {0: "PAIR", 1: "REQ/REP"}
DEFAULT_SIZES = "640x480x3,1280x720x3,1920x1080x3"
DEFAULT_PATTERNS = "0,1"
SMOKE_SHAPE = (48, 64, 3)
SMOKE_FRAMES = 50

# Default frame count: about this many bytes per run, within [MIN, MAX] frames.
BYTES_PER_RUN = 4_000_000_000
MIN_FRAMES = 100
MAX_FRAMES = 5000


class TrialError(Exception):
    """A run that failed: child error, lost frames, wrong shape, timeout."""


# ---------------------------------------------------------------- frames and results


def make_frame(shape):
    """The frame every sender sends (content does not matter; a ramp, checked at the end)."""
    return (np.arange(int(np.prod(shape)), dtype=np.int64) % 251).astype(np.uint8).reshape(shape)


class Tally:
    """Receiver-side bookkeeping: count, first/last arrival times, shape errors."""

    def __init__(self, shape):
        self.shape = tuple(shape)
        self.count = 0
        self.bad = 0
        self.first = self.last = None
        self.t_first = self.t_last = None

    def add(self, frame):
        """One frame in the application's hands."""
        now = time.perf_counter()
        if self.count == 0:
            self.t_first, self.first = now, frame
        self.t_last, self.last = now, frame
        self.count += 1
        if frame.shape != self.shape or frame.dtype != np.uint8:
            self.bad += 1

    def result(self, terminated):
        """Picklable summary; the content of the first and last frames checked here."""
        expected = make_frame(self.shape)
        same = [f is not None and f.shape == expected.shape and np.array_equal(f, expected)
                for f in (self.first, self.last)]
        return {"frames": self.count, "bad_shape": self.bad, "terminated": terminated,
                "content_ok": all(same),
                "span_s": (self.t_last - self.t_first) if self.count else 0.0}


# ---------------------------------------------------------------- plain pyzmq (vidgear's way)


def recv_pyzmq(pattern, shape, silence, announce):
    """vidgear's receiver loop on a PAIR / REP socket, without its thread and queue."""
    with pyzmq_netgear.Receiver(pattern, silence) as receiver:
        announce(receiver.bind_tcp(LOOPBACK))
        tally = Tally(shape)
        while (got := receiver.recv()) is not None:
            tally.add(got[1])
        return tally.result(terminated=True)


def send_pyzmq(pattern, port, frame, count, silence):
    """vidgear's send(): JSON header (SNDMORE) + array (copy=False), then wait for the reply."""
    with pyzmq_netgear.Sender(pattern, silence) as sender:
        sender.connect(f"tcp://{LOOPBACK}:{port}")
        start = time.perf_counter()
        for _ in range(count):
            sender.send(frame)
        elapsed = time.perf_counter() - start
        sender.terminate()
        return {"sent": count, "send_s": elapsed}


# ---------------------------------------------------------------- our module


def recv_ours(pattern, shape, silence, announce):
    """netgear.NetGear(receive_mode=True): recv() until None."""
    import netgear  # pylint: disable=import-outside-toplevel
    client = netgear.NetGear(address=LOOPBACK, port=0, pattern=pattern, receive_mode=True,
                             receive_timeout=silence)
    try:
        announce(int(client.endpoints[0].rsplit(":", 1)[1]))
        tally = Tally(shape)
        while (frame := client.recv()) is not None:
            tally.add(frame)
        # The stream also ends after `silence` s without a message: that is not a termination.
        since = time.perf_counter() - (tally.t_last or 0.0)
        return tally.result(terminated=tally.count > 0 and since < 0.9 * silence)
    finally:
        client.close()


def send_ours(pattern, port, frame, count, silence):
    """netgear.NetGear sender: send(frame) N times, close() sends the termination."""
    import netgear  # pylint: disable=import-outside-toplevel
    server = netgear.NetGear(address=LOOPBACK, port=port, pattern=pattern,
                             request_timeout=silence)
    try:
        start = time.perf_counter()
        for _ in range(count):
            server.send(frame)
        elapsed = time.perf_counter() - start
        stats = server.stats()
    finally:
        server.close()
    if stats["frames_sent"] != count or stats["timeouts"]:
        raise TrialError(f"sender stats {stats} after {count} sends")
    return {"sent": count, "send_s": elapsed}


RECEIVERS = {"ours": recv_ours, "pyzmq": recv_pyzmq}
SENDERS = {"ours": send_ours, "pyzmq": send_pyzmq}


# ---------------------------------------------------------------- child processes


def child_error():
    """The current exception as text for the parent (last frames only)."""
    return traceback.format_exc(limit=-2).strip()


def report_to_parent(conn, work):
    """Runs work() in a child and sends ("done", result) or ("error", text) to the parent."""
    try:
        conn.send(("done", work()))
    except KeyboardInterrupt:
        pass
    except BaseException:  # pylint: disable=broad-except
        conn.send(("error", child_error()))
    finally:
        conn.close()


def receiver_main(impl, pattern, shape, silence, conn):
    """Receiver process: ("port", p), then ("done", tally) or ("error", text)."""
    report_to_parent(conn, lambda: RECEIVERS[impl](pattern, shape, silence, lambda port: conn.send(("port", port))))


def sender_main(impl, pattern, shape, port, count, silence, conn):
    """Sender process: ("done", {"sent", "send_s"}) or ("error", text)."""
    report_to_parent(conn, lambda: SENDERS[impl](pattern, port, make_frame(shape), count, silence))


def start_child(mp, target, args, name):
    """Starts a daemon child writing to a one-way pipe; returns (process, reading end)."""
    reader, writer = mp.Pipe(duplex=False)
    process = mp.Process(target=target, args=args + (writer,), name=name, daemon=True)
    try:
        process.start()
    finally:
        writer.close()  # the child holds the only writer: its exit means EOF here
    return process, reader


def stop_child(process):
    """Terminates (then kills) a child that is still running; always reaps it."""
    if process.pid is None:
        return
    if process.is_alive():
        process.terminate()
        process.join(2)
    if process.is_alive():
        process.kill()
    process.join(2)


def collect(children, deadline, kind):
    """Waits for one message of `kind` from every child {name: (process, reader)}; a child's
    error, death or the deadline raises TrialError at once."""
    got = {}
    while len(got) < len(children):
        left = deadline - time.monotonic()
        if left <= 0:
            missing = ", ".join(sorted(set(children) - set(got)))
            raise TrialError(f"timed out waiting for {kind} from {missing}")
        waiting = [reader for name, (_, reader) in children.items() if name not in got]
        for reader in multiprocessing.connection.wait(waiting, timeout=min(left, 1.0)):
            name = next(n for n, (_, r) in children.items() if r is reader)
            try:
                what, value = reader.recv()
            except EOFError:
                code = children[name][0].exitcode
                raise TrialError(f"{name} exited before sending {kind} (exit code {code})")
            if what == "error":
                raise TrialError(f"{name} failed:\n{value}")
            if what != kind:
                raise TrialError(f"{name} sent {what!r}, expected {kind!r}")
            got[name] = value
    return got


# ---------------------------------------------------------------- one run, one case


def verify(count, shape, sent, got):
    """Problems with a finished run (empty list when it is good)."""
    problems = []
    if sent["sent"] != count:
        problems.append(f"sender sent {sent['sent']} frames, not {count}")
    if got["frames"] != count:
        problems.append(f"receiver got {got['frames']} frames, not {count}")
    if got["bad_shape"]:
        problems.append(f"{got['bad_shape']} frames were not uint8 {list(shape)}")
    if not got["content_ok"]:
        problems.append("first/last frame content differs from the sent frame")
    if not got["terminated"]:
        problems.append("the stream did not end with the termination message")
    if count >= 2 and got["span_s"] <= 0:
        problems.append("no measurable time between first and last frame")
    return problems


def run_trial(mp, impl, pattern, shape, count, args):
    """One sender/receiver pair; returns {"fps", "send_s", "span_s"} or raises TrialError."""
    deadline = time.monotonic() + args.timeout
    children = {}
    try:
        children["receiver"] = start_child(mp, receiver_main, (impl, pattern, shape, args.silence),
                                           f"{impl}-receiver")
        port = collect(children, deadline, "port")["receiver"]
        children["sender"] = start_child(mp, sender_main,
                                         (impl, pattern, shape, port, count, args.silence),
                                         f"{impl}-sender")
        done = collect(children, deadline, "done")
        for process, _ in children.values():
            process.join(max(0.0, min(5.0, deadline - time.monotonic())))
    finally:
        for process, reader in children.values():
            stop_child(process)
            reader.close()
    sent, got = done["sender"], done["receiver"]
    problems = verify(count, shape, sent, got)
    if problems:
        raise TrialError("; ".join(problems))
    return {"fps": (count - 1) / got["span_s"], "span_s": got["span_s"],
            "send_s": sent["send_s"]}


def default_frames(shape):
    """About BYTES_PER_RUN bytes per run, within [MIN_FRAMES, MAX_FRAMES]."""
    return max(MIN_FRAMES, min(MAX_FRAMES, BYTES_PER_RUN // int(np.prod(shape))))


def run_case(mp, shape, pattern, args, log):
    """--repeat runs of each implementation, alternating; medians and every sample."""
    count = args.frames or default_frames(shape)
    frame_bytes = int(np.prod(shape))
    samples = {impl: [] for impl in IMPLEMENTATIONS}
    errors = {impl: [] for impl in IMPLEMENTATIONS}
    for run in range(args.repeat):
        for impl in IMPLEMENTATIONS:
            try:
                samples[impl].append(run_trial(mp, impl, pattern, shape, count, args))
            except TrialError as exc:
                errors[impl].append(str(exc))
                log(f"ERROR {size_text(shape)} pattern {pattern} {impl} run {run + 1}: {exc}")
    case = {"size": size_text(shape), "shape": list(shape), "pattern": pattern,
            "pattern_name": PATTERN_NAMES[pattern], "frames": count, "frame_bytes": frame_bytes}
    for impl in IMPLEMENTATIONS:
        fps = [s["fps"] for s in samples[impl]]
        median = statistics.median(fps) if fps and not errors[impl] else None
        case[impl] = {"fps": median, "mb_s": median * frame_bytes / 1e6 if median else None,
                      "runs": samples[impl], "errors": errors[impl]}
    ours, theirs = case["ours"]["fps"], case["pyzmq"]["fps"]
    case["ratio"] = ours / theirs if ours and theirs else None
    return case


# ---------------------------------------------------------------- report


def size_text(shape):
    """(720, 1280, 3) -> '1280x720x3' (width first, as screens are named)."""
    return "x".join(str(d) for d in (shape[1], shape[0]) + tuple(shape[2:]))


def parse_size(text):
    """'1280x720x3' or '1280x720' -> numpy shape (720, 1280, 3)."""
    parts = [int(p) for p in text.lower().split("x")]
    if len(parts) == 2:
        parts.append(3)
    if len(parts) != 3 or min(parts) < 1:
        raise argparse.ArgumentTypeError(f"bad size {text!r} (want WxH or WxHxC)")
    return (parts[1], parts[0], parts[2])


def cpu_model():
    """The CPU's model name from /proc/cpuinfo, or the platform's processor string."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_info():
    """Where and with what the figures were taken."""
    import netgear  # pylint: disable=import-outside-toplevel
    return {"nproc": len(os.sched_getaffinity(0)), "cpu": cpu_model(),
            "system": f"{platform.system()} {platform.release()} {platform.machine()}",
            "loadavg": [round(x, 2) for x in os.getloadavg()],
            "python": platform.python_version(), "python_executable": sys.executable,
            "numpy": np.__version__, "pyzmq": zmq.pyzmq_version(), "libzmq": zmq.zmq_version(),
            "netgear": netgear.__version__}


def print_header(info, args):
    """The lines above the table."""
    print("netgear Python module vs plain pyzmq: raw uint8 frames over tcp://127.0.0.1, "
          "sender and receiver in separate processes")
    print(f"machine: nproc {info['nproc']}, {info['cpu']}, {info['system']}, "
          f"load average {info['loadavg'][0]} at start")
    print(f"python {info['python']} ({info['python_executable']}), numpy {info['numpy']}, "
          f"pyzmq {info['pyzmq']} (libzmq {info['libzmq']}), netgear {info['netgear']}")
    print(f"fps = (N-1) / receiver time from first to last frame; median of {args.repeat} "
          f"run(s); MB/s = fps x frame bytes / 1e6")
    print()
    print(f"{'size':<14}{'pattern':<10}{'frames':>7}{'ours fps':>11}{'pyzmq fps':>11}"
          f"{'ours/pyzmq':>12}{'ours MB/s':>11}{'pyzmq MB/s':>12}")
    sys.stdout.flush()


def print_row(case):
    """One table row; a failed side shows ERROR."""
    def num(value, fmt):
        return "ERROR" if value is None else format(value, fmt)
    ratio = "-" if case["ratio"] is None else f"{case['ratio']:.2f}"
    print(f"{case['size']:<14}{case['pattern']} {case['pattern_name']:<8}{case['frames']:>7}"
          f"{num(case['ours']['fps'], '.1f'):>11}{num(case['pyzmq']['fps'], '.1f'):>11}"
          f"{ratio:>12}{num(case['ours']['mb_s'], '.0f'):>11}"
          f"{num(case['pyzmq']['mb_s'], '.0f'):>12}", flush=True)


# ---------------------------------------------------------------- main


def parse_args(argv):
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES,
                        help=f"comma-separated WxH[xC] (default {DEFAULT_SIZES})")
    parser.add_argument("--patterns", default=DEFAULT_PATTERNS,
                        help="comma-separated: 0 (PAIR), 1 (REQ/REP) (default 0,1)")
    parser.add_argument("--frames", type=int, default=None,
                        help=f"frames per run (default: ~{BYTES_PER_RUN / 1e9:g} GB per run, "
                             f"{MIN_FRAMES}-{MAX_FRAMES} frames)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per case; median reported")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--smoke", action="store_true",
                        help=f"one tiny case: {size_text(SMOKE_SHAPE)}, patterns 0 and 1, "
                             f"{SMOKE_FRAMES} frames, once")
    parser.add_argument("--silence", type=float, default=15.0,
                        help="children give up after this many seconds without progress")
    parser.add_argument("--timeout", type=float, default=120.0,
                        help="seconds one run (both processes) may take before it is killed")
    args = parser.parse_args(argv)
    try:
        args.shapes = [parse_size(s) for s in args.sizes.split(",") if s.strip()]
        args.pattern_list = [int(p) for p in args.patterns.split(",") if p.strip()]
    except (ValueError, argparse.ArgumentTypeError) as exc:
        parser.error(str(exc))
    if any(p not in PATTERN_NAMES for p in args.pattern_list):
        parser.error("--patterns: only 0 (PAIR) and 1 (REQ/REP) are lossless and comparable")
    if args.smoke:
        args.shapes, args.frames, args.repeat = [SMOKE_SHAPE], SMOKE_FRAMES, 1
    if args.frames is not None and args.frames < 2:
        parser.error("--frames must be at least 2")
    if args.silence <= 0 or args.timeout <= 0:
        parser.error("--silence and --timeout must be > 0")
    if args.repeat < 1 or not args.shapes or not args.pattern_list:
        parser.error("nothing to run")
    return args


def exit_on_sigterm(signum, _frame):
    """SIGTERM unwinds like Ctrl+C does, so the children are stopped on the way out."""
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv=None):
    """Runs every case; exit status 0 when every run passed its checks, 1 otherwise."""
    args = parse_args(argv)
    try:
        info = machine_info()
    except ImportError as exc:
        print(f"cannot import the netgear module ({exc}); run with "
              f"PYTHONPATH=<build>/python /usr/bin/python3", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, exit_on_sigterm)
    mp = multiprocessing.get_context("spawn")
    log = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
    if not args.json:
        print_header(info, args)
    cases = []
    try:
        for shape in args.shapes:
            for pattern in args.pattern_list:
                cases.append(run_case(mp, shape, pattern, args, log))
                if not args.json:
                    print_row(cases[-1])
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    ok = all(not case[impl]["errors"] for case in cases for impl in IMPLEMENTATIONS)
    if args.json:
        json.dump({"machine": info, "method": "receiver-side first-to-last frame, median of "
                   "repeats", "repeat": args.repeat, "ok": ok, "cases": cases},
                  sys.stdout, indent=2)
        print()
    elif not ok:
        print("\nsome runs FAILED (details on stderr)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
