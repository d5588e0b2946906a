#!/usr/bin/python3
"""Wire-exact stand-in for a Python vidgear NetGear peer (no vidgear, no OpenCV needed).

This script reproduces, byte for byte on the ZeroMQ wire, what vidgear's NetGear sends and
replies (see shared/WIRE.md sections 2, 3, 4, 7, 8 and the Appendix), so the C++ netgear
library can be tested against "vidgear" without installing it.

Modes
-----
``send``  = vidgear "Server" (``receive_mode=False``): creates the sender socket of the pattern
            (0: PAIR, 1: REQ with REQ_RELAXED=1 + REQ_CORRELATE=1, 2: PUB with ``set_hwm(1)``),
            **connects** to ``--endpoint``, sends N frame messages and then the termination
            message.  A frame message is two parts: the JSON header via ``send_json`` (pyzmq
            ``json.dumps`` defaults: ``", "``/``": "`` separators, ASCII escapes) with SNDMORE,
            then the raw C-contiguous array bytes.  Patterns 0/1 wait for exactly one reply per
            frame; pattern 1 also waits for the reply to the termination message.
``recv``  = vidgear "Client" (``receive_mode=True``): creates PAIR / REP / SUB (``set_hwm(1)``,
            SUBSCRIBE "") and **binds**.  It reads header + payload, replies (patterns 0/1)
            *before* decoding as vidgear does, and stops on ``{"terminate_flag": true}``
            (pattern 1 answers it with the flavour's termination text).

Flavours
--------
``0.1`` = vidgear 0.1.7: header ``"compression": ""``; reply ``Data received on device: <ID> !``
          with ID = 5 random chars of 0-9A-F; termination reply
          ``Termination signal received at client!``.
``0.3`` = vidgear 0.3.5 with ``jpeg_compression=False``: header ``"compression": false``; ID = 8
          random chars of A-Z0-9; termination reply
          ``Termination signal successfully received at Client's end!``.
Header key order (both): terminate_flag, compression, message, pattern (string), dtype, shape.

Deliberate, wire-invisible deviations from vidgear (all for testability)
-----------------------------------------------------------------------
* Every wait is bounded by ``--timeout`` (vidgear 0.1.x blocks forever; 0.3.x retries with new
  sockets).  A missing reply / silence exits 3 instead.
* ``LINGER`` defaults to ``--linger-ms 1000`` so the last message (termination, or the pattern-1
  termination reply) is flushed before exit; vidgear uses 0 (``--linger-ms 0`` reproduces it,
  including the risk of losing the last message).
* 0.3.x ``close()`` polls 800 ms for a reply even in pattern 0 (where none ever comes); we only
  wait in pattern 1, where the reply is part of the protocol.
* Pattern 2 (PUB, no flow control): ``--pace-ms`` (default 2) sleeps between sends, standing in
  for the application's frame rate; without it HWM=1 makes the PUB drop most frames.  Before the
  termination it pauses ``--term-delay-ms`` (default 50): a PUB silently drops a message while
  the previous one still sits in its HWM=1 queue, and a lost termination leaves the receiver
  waiting (vidgear has the same hazard; a real application rarely closes 2 ms after a frame).
* ``--await-peer`` (opt-in, pattern 2) waits, via a socket monitor bounded by ``--timeout``, for
  the ZMTP handshake before the first send, narrowing the slow-joiner window (vidgear does not;
  frames sent before the subscription reaches the PUB are dropped by it, with or without this).

Frame i (0-based) is ``((arange(prod(shape), int64) + i) % 127).astype(dtype).reshape(shape)``.

Output (stdout, one JSON object per line)
-----------------------------------------
send: ``{"sent": N, "replies": [<reply text>...]}``
recv: ``{"port": P}`` first (only with a random port), then per frame ``{"frame": k, "dtype",
      "shape", "message", "header", "matches", "compressed", "payload_len"}``, then
      ``{"frames": K, "terminated": bool}``.

Exit codes: 0 ok, 2 usage, 3 timeout/silence, 4 protocol violation, 5 fewer than --expect frames.
"""

import argparse
import json
import random
import string
import sys
import time

import numpy as np
import zmq
from zmq.utils.monitor import recv_monitor_message

EXIT_TIMEOUT = 3
EXIT_PROTOCOL = 4
EXIT_TOO_FEW = 5

FRAME_MODULUS = 127

FLAVOURS = {
    "0.1": {
        "compression": "",
        "id_alphabet": "0123456789ABCDEF",
        "id_length": 5,
        "term_reply": "Termination signal received at client!",
    },
    "0.3": {
        "compression": False,
        "id_alphabet": string.ascii_uppercase + string.digits,
        "id_length": 8,
        "term_reply": "Termination signal successfully received at Client's end!",
    },
}

SENDER_SOCKET = {0: zmq.PAIR, 1: zmq.REQ, 2: zmq.PUB}
RECEIVER_SOCKET = {0: zmq.PAIR, 1: zmq.REP, 2: zmq.SUB}


class PeerExit(Exception):
    """Fatal condition: message for stderr and the process exit code."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


# ---------------------------------------------------------------- frames


def parse_shape(text):
    """'4,5,3' -> (4, 5, 3)."""
    try:
        shape = tuple(int(part) for part in text.split(","))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"bad shape {text!r}") from exc
    if not shape or any(dim < 0 for dim in shape):
        raise argparse.ArgumentTypeError(f"bad shape {text!r}")
    return shape


def parse_dtype(text):
    """Validated numpy dtype name (kept as the string given)."""
    try:
        np.dtype(text)
    except TypeError as exc:
        raise argparse.ArgumentTypeError(f"unknown numpy dtype {text!r}") from exc
    return text


def make_frame(index, dtype, shape):
    """Deterministic frame number `index` for the given dtype and shape."""
    count = int(np.prod(shape, dtype=np.int64))
    values = (np.arange(count, dtype=np.int64) + index) % FRAME_MODULUS
    return values.astype(dtype).reshape(shape)


def match_index(arr, lower_bound):
    """Index i >= lower_bound of the deterministic frame equal to `arr`, or None.

    arr.flat[0] == i % 127, so the candidate is the smallest i >= lower_bound with that residue
    (exact as long as fewer than 127 consecutive frames were lost).
    """
    if arr.size == 0:
        return None
    residue = int(arr.flat[0])
    if not 0 <= residue < FRAME_MODULUS:
        return None
    candidate = lower_bound + (residue - lower_bound) % FRAME_MODULUS
    expected = make_frame(candidate, arr.dtype, arr.shape)
    return candidate if np.array_equal(arr, expected) else None


# ---------------------------------------------------------------- zmq helpers


def emit(obj):
    """Print one JSON line to stdout and flush it."""
    print(json.dumps(obj), flush=True)


def wait_readable(sock, deadline, what):
    """Poll `sock` for input until the monotonic `deadline`; PeerExit(3) on timeout."""
    remaining_ms = max(0, int((deadline - time.monotonic()) * 1000))
    if not sock.poll(remaining_ms, zmq.POLLIN):
        raise PeerExit(EXIT_TIMEOUT, f"timeout waiting for {what}")


def recv_single_part(sock, what):
    """Receive one part that must be the whole message; PeerExit(4) otherwise."""
    data = sock.recv(zmq.NOBLOCK)
    if sock.getsockopt(zmq.RCVMORE):
        raise PeerExit(EXIT_PROTOCOL, f"{what} has more than one part")
    return data


def reply_text(data):
    """Reply bytes as text (vidgear only logs them; undecodable bytes are escaped)."""
    return data.decode("utf-8", errors="backslashreplace")


def await_handshake(sock, monitor, deadline):
    """Block (bounded) until `monitor` (attached before connect) reports a ZMTP handshake."""
    try:
        wait_readable(monitor, deadline, "the ZMTP handshake with the receiver")
        recv_monitor_message(monitor)
    finally:
        sock.disable_monitor()
        monitor.close(linger=0)


# ---------------------------------------------------------------- sender


def frame_header(flavour, pattern, message, frame):
    """Header dict in vidgear's key order (WIRE.md 3.1)."""
    return {
        "terminate_flag": False,
        "compression": FLAVOURS[flavour]["compression"],
        "message": message,
        "pattern": str(pattern),
        "dtype": str(frame.dtype),
        "shape": list(frame.shape),
    }


def open_sender(ctx, args):
    """Sender socket configured like vidgear, connected to --endpoint.

    Returns (socket, handshake monitor or None); the monitor exists only with --await-peer in
    pattern 2 and is attached before connecting so the event cannot be missed.
    """
    sock = ctx.socket(SENDER_SOCKET[args.pattern])
    if args.pattern == 1:
        sock.setsockopt(zmq.REQ_RELAXED, 1)
        sock.setsockopt(zmq.REQ_CORRELATE, 1)
    elif args.pattern == 2:
        sock.set_hwm(1)
    sock.setsockopt(zmq.LINGER, args.linger_ms)
    monitor = None
    if args.pattern == 2 and args.await_peer:
        monitor = sock.get_monitor_socket(zmq.EVENT_HANDSHAKE_SUCCEEDED)
    sock.connect(args.endpoint)
    return sock, monitor


def read_reply(sock, timeout, what):
    """Wait (bounded) for exactly one single-part reply and return it as text."""
    wait_readable(sock, time.monotonic() + timeout, what)
    return reply_text(recv_single_part(sock, what))


def send_frame(sock, args, index, message):
    """Send frame `index` as the two-part vidgear frame message."""
    frame = np.ascontiguousarray(make_frame(index, args.dtype, args.shape))
    sock.send_json(frame_header(args.flavour, args.pattern, message, frame), zmq.SNDMORE)
    sock.send(frame, copy=False)


def run_send(args):
    """vidgear Server: N frames, then the termination message."""
    message = json.loads(args.message) if args.message is not None else None
    ctx = zmq.Context.instance()
    sock, monitor = open_sender(ctx, args)
    replies = []
    try:
        if monitor is not None:
            await_handshake(sock, monitor, time.monotonic() + args.timeout)
        for index in range(args.frames):
            if args.pattern == 2 and index > 0:
                time.sleep(args.pace_ms / 1000.0)
            send_frame(sock, args, index, message)
            if args.pattern in (0, 1):
                replies.append(read_reply(sock, args.timeout, f"reply to frame {index}"))
        if args.pattern == 2 and args.frames > 0:
            time.sleep(max(args.pace_ms, args.term_delay_ms) / 1000.0)
        sock.send_json({"terminate_flag": True})
        if args.pattern == 1:
            replies.append(read_reply(sock, args.timeout, "reply to the termination"))
    finally:
        sock.close()
    emit({"sent": args.frames, "replies": replies})
    return 0


# ---------------------------------------------------------------- receiver


def device_id(flavour):
    """Per-run device id as vidgear generates it for the flavour."""
    spec = FLAVOURS[flavour]
    return "".join(random.choice(spec["id_alphabet"]) for _ in range(spec["id_length"]))


def open_receiver(ctx, args):
    """Receiver socket configured like vidgear and bound; returns (socket, port or None)."""
    sock = ctx.socket(RECEIVER_SOCKET[args.pattern])
    if args.pattern == 2:
        sock.set_hwm(1)
        sock.setsockopt(zmq.SUBSCRIBE, b"")
    sock.setsockopt(zmq.LINGER, args.linger_ms)
    if args.endpoint is not None:
        sock.bind(args.endpoint)
        return sock, None
    return sock, sock.bind_to_random_port(args.bind)


def parse_header(raw):
    """Decode the JSON header part; PeerExit(4) if it is not a JSON object with terminate_flag."""
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PeerExit(EXIT_PROTOCOL, f"header is not JSON: {raw[:200]!r}") from exc
    if not isinstance(header, dict) or "terminate_flag" not in header:
        raise PeerExit(EXIT_PROTOCOL, f"header lacks terminate_flag: {raw[:200]!r}")
    return header


def read_message(sock, deadline):
    """Read one message: (header, payload bytes or None for a termination)."""
    wait_readable(sock, deadline, "the next message (sender silent)")
    raw = sock.recv(zmq.NOBLOCK)
    more = sock.getsockopt(zmq.RCVMORE)
    header = parse_header(raw)
    if header["terminate_flag"]:
        if more:
            raise PeerExit(EXIT_PROTOCOL, "termination message has more than one part")
        return header, None
    if not more:
        raise PeerExit(EXIT_PROTOCOL, f"frame message has only one part: {raw[:200]!r}")
    return header, recv_single_part(sock, "frame message (expected exactly 2 parts)")


def decode_frame(header, payload):
    """Uncompressed: rebuild the array like vidgear; PeerExit(4) if dtype/shape/size disagree."""
    try:
        dtype = np.dtype(header["dtype"])
        return np.frombuffer(payload, dtype=dtype).reshape(header["shape"])
    except (KeyError, TypeError, ValueError) as exc:
        raise PeerExit(
            EXIT_PROTOCOL,
            f"cannot rebuild frame from header {header!r} and {len(payload)} bytes: {exc}",
        ) from exc


def expectation_met(args, header):
    """True unless --dtype/--shape were given and the header disagrees with them."""
    if args.dtype is not None and header.get("dtype") != args.dtype:
        return False
    if args.shape is not None and header.get("shape") != list(args.shape):
        return False
    return True


def frame_record(args, index, lower_bound, header, payload):
    """Per-frame JSON record (compressed frames are only recorded, not decoded)."""
    record = {
        "frame": index,
        "dtype": header.get("dtype"),
        "shape": header.get("shape"),
        "message": header.get("message"),
        "header": header,
        "matches": None,
        "compressed": bool(header.get("compression")),
        "payload_len": len(payload),
    }
    if record["compressed"]:
        return record
    arr = decode_frame(header, payload)
    record["dtype"] = str(arr.dtype)
    record["shape"] = list(arr.shape)
    if expectation_met(args, header):
        record["matches"] = match_index(arr, lower_bound)
    return record


def run_recv(args):
    """vidgear Client: receive until termination, replying like the flavour."""
    ctx = zmq.Context.instance()
    sock, port = open_receiver(ctx, args)
    if port is not None:
        emit({"port": port})
    data_reply = f"Data received on device: {device_id(args.flavour)} !".encode()
    frames = 0
    lower_bound = 0
    terminated = False
    try:
        while not terminated:
            header, payload = read_message(sock, time.monotonic() + args.timeout)
            if payload is None:
                terminated = True
                if args.pattern == 1:
                    sock.send_string(FLAVOURS[args.flavour]["term_reply"])
                continue
            if args.pattern in (0, 1):
                sock.send(data_reply)
            record = frame_record(args, frames, lower_bound, header, payload)
            if record["matches"] is not None:
                lower_bound = record["matches"] + 1
            emit(record)
            frames += 1
    finally:
        sock.close()
    emit({"frames": frames, "terminated": terminated})
    if args.expect is not None and frames < args.expect:
        raise PeerExit(EXIT_TOO_FEW, f"received {frames} frames, expected at least {args.expect}")
    return 0


# ---------------------------------------------------------------- CLI


def add_common(parser):
    """Options shared by both modes."""
    parser.add_argument("--flavour", choices=sorted(FLAVOURS), required=True)
    parser.add_argument("--pattern", type=int, choices=(0, 1, 2), required=True)
    parser.add_argument("--timeout", type=float, default=10.0,
                        help="seconds for every wait (recv: silence since the last message)")
    parser.add_argument("--linger-ms", type=int, default=1000,
                        help="ZMQ_LINGER; vidgear uses 0 (default 1000 flushes the last message)")


def build_parser():
    """argparse parser with the send and recv subcommands."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    modes = parser.add_subparsers(dest="mode", required=True)

    send = modes.add_parser("send", help="act as a vidgear Server (connects, sends frames)")
    add_common(send)
    send.add_argument("--endpoint", required=True)
    send.add_argument("--frames", type=int, required=True)
    send.add_argument("--dtype", type=parse_dtype, required=True)
    send.add_argument("--shape", type=parse_shape, required=True)
    send.add_argument("--message", default=None, help="JSON value put in every header")
    send.add_argument("--pace-ms", type=float, default=2.0, help="pattern 2: pause between sends")
    send.add_argument("--term-delay-ms", type=float, default=50.0,
                      help="pattern 2: pause before the termination message")
    send.add_argument("--await-peer", action="store_true",
                      help="pattern 2: wait for the ZMTP handshake before the first send")

    recv = modes.add_parser("recv", help="act as a vidgear Client (binds, receives frames)")
    add_common(recv)
    recv.add_argument("--bind", default="tcp://127.0.0.1",
                      help="interface for bind_to_random_port (ignored with --endpoint)")
    recv.add_argument("--endpoint", default=None, help="bind exactly this endpoint")
    recv.add_argument("--expect", type=int, default=None)
    recv.add_argument("--dtype", type=parse_dtype, default=None)
    recv.add_argument("--shape", type=parse_shape, default=None)
    return parser


def main(argv=None):
    """Entry point: run the selected mode, map PeerExit to stderr + exit code."""
    args = build_parser().parse_args(argv)
    try:
        return run_send(args) if args.mode == "send" else run_recv(args)
    except PeerExit as exc:
        print(f"vidgear_peer {args.mode}: error: {exc}", file=sys.stderr, flush=True)
        return exc.code
    finally:
        zmq.Context.instance().term()


if __name__ == "__main__":
    sys.exit(main())
