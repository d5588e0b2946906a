#!/usr/bin/python3
"""One side of a plain-pyzmq NetGear run: the "pyzmq" rows of netgear_bench_throughput.

The C++ benchmark (bench/throughput/python_peer.cpp) starts this script twice per case, as two
processes, receiver first:

    pyzmq_peer.py recv --bind ENDPOINT --pattern P --shape H,W[,C] --dtype D --warmup W --frames N
    pyzmq_peer.py send --endpoint ENDPOINT --pattern P --shape ... --dtype ... --warmup W --frames N

ENDPOINT to bind is tcp://127.0.0.1:* or ipc://PATH.  The protocol is bench/pyzmq_netgear.py
(vidgear 0.3 on plain pyzmq, no sleeps) with two header keys netgear adds too: netgear_seq and
netgear_sent_ns, the send time as integer nanoseconds of the system clock (time.time_ns(),
the clock the C++ sides stamp with; both processes are on one machine).

Output: JSON objects, one per line, on stdout (flushed at once).
  receiver: {"endpoint": E} once bound; at the end {"frames": N, "seconds": s, "cpu": s,
            "latency_ms_samples": [...]}.
  sender:   at the end {"frames": N, "cpu": s}.
The figures cover the timed frames exactly as the C++ meters (meters.hpp) do: the receiver's
clock and CPU run from its W-th frame to its last, the sender's CPU from its W-th send to its
last; CPU is getrusage(RUSAGE_SELF) user+sys of the whole process (pyzmq's ZeroMQ I/O thread
included); a latency sample is the system clock when recv() has rebuilt the array minus the
header's netgear_sent_ns.  Peak RSS is left to the parent (wait4).
A frame of another dtype or shape, a silent peer (--silence s) or any other failure prints
"error: <text>" (traceback on stderr) and exits 1.
"""

import argparse
import json
import resource
import sys
import time
import traceback
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # bench/: the shared protocol
import pyzmq_netgear  # noqa: E402  pylint: disable=wrong-import-position


def say(record):
    """One JSON line to the parent, flushed (stdout is a pipe: block-buffered otherwise)."""
    print(json.dumps(record), flush=True)


def cpu_seconds():
    """User + system CPU seconds of this process (all its threads) so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class ReceiverMeter:
    """meters.hpp's ReceiverMeter: clock and CPU from the warmup-th frame to the last."""

    def __init__(self, warmup):
        self.warmup = warmup
        self.seen = 0
        self.start = self.last = 0.0
        self.cpu_start = self.cpu_last = 0.0
        self.latencies_ms = []

    def frame(self, sent_ns):
        """One frame in the application's hands, stamped `sent_ns` by its sender."""
        now_ns = time.time_ns()
        self.seen += 1
        if self.seen <= self.warmup:
            if self.seen == self.warmup:
                self.start = self.last = time.perf_counter()
                self.cpu_start = self.cpu_last = cpu_seconds()
            return
        self.latencies_ms.append((now_ns - sent_ns) / 1e6)
        self.last = time.perf_counter()
        self.cpu_last = cpu_seconds()

    def report(self):
        """The receiver's figures line."""
        return {"frames": len(self.latencies_ms), "seconds": self.last - self.start,
                "cpu": self.cpu_last - self.cpu_start, "latency_ms_samples": self.latencies_ms}


def receive(args):
    """Binds, announces the endpoint, receives until the termination, reports."""
    shape, dtype = tuple(args.shape), np.dtype(args.dtype)
    with pyzmq_netgear.Receiver(args.pattern, args.silence) as receiver:
        say({"endpoint": receiver.bind(args.bind)})
        meter = ReceiverMeter(args.warmup)
        while (got := receiver.recv()) is not None:
            header, frame = got
            if frame.dtype != dtype or frame.shape != shape:
                raise ValueError(f"a frame {frame.dtype} {list(frame.shape)}, expected "
                                 f"{dtype} {list(shape)}")
            meter.frame(header["netgear_sent_ns"])
        say(meter.report())


def send(args):
    """Connects, sends warm-up and timed frames and the termination, reports."""
    shape, dtype = tuple(args.shape), np.dtype(args.dtype)
    frame = np.resize(np.arange(251, dtype=dtype), shape)  # a ramp; no temporaries to inflate peak RSS
    with pyzmq_netgear.Sender(args.pattern, args.silence) as sender:
        sender.connect(args.endpoint)
        cpu_start = 0.0
        total = args.warmup + args.frames
        for seq in range(total):
            sender.send(frame, netgear_seq=seq, netgear_sent_ns=time.time_ns())
            if seq + 1 == args.warmup:
                cpu_start = cpu_seconds()
        figures = {"frames": args.frames, "cpu": cpu_seconds() - cpu_start}
        sender.terminate()
    say(figures)


def shape_arg(text):
    """'480,640,3' -> [480, 640, 3]."""
    try:
        shape = [int(d) for d in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad shape {text!r}") from None
    if not 2 <= len(shape) <= 3 or min(shape) < 1:
        raise argparse.ArgumentTypeError(f"bad shape {text!r} (want H,W or H,W,C)")
    return shape


def parse_args(argv):
    """Command line (see the module text)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("mode", choices=("recv", "send"))
    parser.add_argument("--bind", help="recv: endpoint to bind (tcp://127.0.0.1:* or ipc://PATH)")
    parser.add_argument("--endpoint", help="send: endpoint to connect")
    parser.add_argument("--pattern", type=int, choices=pyzmq_netgear.PATTERNS, required=True)
    parser.add_argument("--shape", type=shape_arg, required=True)
    parser.add_argument("--dtype", choices=("uint8", "uint16"), required=True)
    parser.add_argument("--warmup", type=int, required=True)
    parser.add_argument("--frames", type=int, required=True)
    parser.add_argument("--silence", type=float, default=15.0,
                        help="seconds without progress before giving up")
    args = parser.parse_args(argv)
    if args.mode == "recv" and not args.bind:
        parser.error("recv needs --bind")
    if args.mode == "send" and not args.endpoint:
        parser.error("send needs --endpoint")
    if args.warmup < 1 or args.frames < 1 or args.silence <= 0:
        parser.error("--warmup and --frames must be >= 1, --silence > 0")
    return args


def main(argv=None):
    """Runs one side; exit status 0, or 1 with an "error: " line."""
    args = parse_args(argv)
    try:
        (receive if args.mode == "recv" else send)(args)
    except Exception as exc:  # pylint: disable=broad-except
        traceback.print_exc()
        print(f"error: pyzmq {args.mode}: {type(exc).__name__}: {exc}", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
