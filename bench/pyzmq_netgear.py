"""vidgear 0.3's NetGear protocol written directly on pyzmq, raw frames only.

The best case for a Python NetGear: vidgear's socket usage without its receiver thread, its deque
and its sleeps.  Shared by the benchmarks that compare netgear with plain pyzmq:
bench/python_vs_pyzmq.py (the Python module) and bench/throughput/pyzmq_peer.py (the "pyzmq"
rows of netgear_bench_throughput).  tests/interop/vidgear_peer.py is the wire-exact emulator of
every vidgear version and option; this module is only the fast path of one of them.

The protocol (shared/WIRE.md sections 2-4, 7):

* Sender: PAIR, or REQ with REQ_RELAXED + REQ_CORRELATE; it connects.  A frame is the JSON
  header via ``send_json(..., SNDMORE)`` (keys terminate_flag, compression, message, pattern,
  dtype, shape, then any extra keys of the caller such as a send time) and the array with
  ``copy=False``; patterns 0 and 1 then poll for and read the one-part reply.  The end is
  ``{"terminate_flag": true}``; pattern 1 reads its reply too.
* Receiver: PAIR / REP / SUB; it binds.  It polls, reads header and payload (DONTWAIT, the
  payload with ``copy=False``), replies ``Data received on device: <ID> !`` before decoding
  (patterns 0 and 1), rebuilds ``np.frombuffer(payload, dtype).reshape(shape)`` and stops on
  the termination (pattern 1 answers it).
* Pattern 2: the subscriber is vidgear's (SUB, HWM 1, subscribed to everything).  vidgear's
  publisher is a PUB with HWM 1, which silently drops what its pipe cannot take at once, the
  termination included.  Here the publisher is an XPUB with HWM 1 and XPUB_NODROP: it waits for
  the subscription, then each send waits until the pipe takes the message.  That is lossless
  like the netgear and raw-libzmq senders of the C++ benchmark, and the same on the wire.

Every wait is bounded by ``silence`` seconds: a silent peer raises TimeoutError.
"""

import random
import string

import numpy as np
import zmq

TERMINATION_REPLY = "Termination signal successfully received at Client's end!"
LINGER_MS = 2000  # lets the termination (and its pattern-1 reply) leave before a socket closes
PATTERNS = (0, 1, 2)

RECEIVER_SOCKET = {0: zmq.PAIR, 1: zmq.REP, 2: zmq.SUB}
SENDER_SOCKET = {0: zmq.PAIR, 1: zmq.REQ, 2: zmq.XPUB}


def device_id():
    """vidgear >= 0.2.2's receiver id: 8 random characters of A-Z0-9."""
    return "".join(random.choices(string.ascii_uppercase + string.digits, k=8))


def wait_readable(poller, silence):
    """vidgear polls before every read; here the poll is also the bound on every wait."""
    if not poller.poll(int(silence * 1000)):
        raise TimeoutError(f"peer silent for {silence} s")


class _Side:
    """One socket on its own context, closed (with LINGER_MS) by close() or the with block."""

    def __init__(self, pattern, socket_type, silence):
        if pattern not in PATTERNS:
            raise ValueError(f"pattern {pattern!r} is not 0, 1 or 2")
        self.pattern = pattern
        self.silence = silence
        self.ctx = zmq.Context()
        self.sock = self.ctx.socket(socket_type)
        self.sock.setsockopt(zmq.SNDTIMEO, int(silence * 1000))
        self.poller = zmq.Poller()
        self.poller.register(self.sock, zmq.POLLIN)

    def close(self):
        """Closes the socket and terminates the context."""
        self.sock.close(linger=LINGER_MS)
        self.ctx.term()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Receiver(_Side):
    """vidgear's receiver loop (receive_mode=True), without its thread and queue."""

    def __init__(self, pattern, silence):
        super().__init__(pattern, RECEIVER_SOCKET[pattern], silence)
        if pattern == 2:
            self.sock.set_hwm(1)
            self.sock.setsockopt(zmq.SUBSCRIBE, b"")
        self.reply = f"Data received on device: {device_id()} !"

    def bind_tcp(self, host):
        """Binds tcp://host on a free port; returns the port."""
        return self.sock.bind_to_random_port(f"tcp://{host}")

    def bind(self, endpoint):
        """Binds `endpoint` ("tcp://127.0.0.1:*", "ipc:///tmp/x"); returns the bound endpoint."""
        self.sock.bind(endpoint)
        return self.sock.getsockopt_string(zmq.LAST_ENDPOINT)

    def recv(self):
        """(header dict, frame array) of the next frame, or None at the termination message.
        The array wraps the received message (no copy)."""
        wait_readable(self.poller, self.silence)
        header = self.sock.recv_json(flags=zmq.DONTWAIT)
        if header["terminate_flag"]:
            if self.pattern == 1:
                self.sock.send_string(TERMINATION_REPLY)
            return None
        payload = self.sock.recv(flags=zmq.DONTWAIT, copy=False)
        if self.pattern != 2:
            self.sock.send_string(self.reply)  # vidgear replies before decoding
        return header, np.frombuffer(payload, dtype=header["dtype"]).reshape(header["shape"])


class Sender(_Side):
    """vidgear's send() (receive_mode=False); pattern 2 lossless, see the module text."""

    def __init__(self, pattern, silence):
        super().__init__(pattern, SENDER_SOCKET[pattern], silence)
        if pattern == 1:
            self.sock.setsockopt(zmq.REQ_RELAXED, 1)
            self.sock.setsockopt(zmq.REQ_CORRELATE, 1)
        if pattern == 2:
            self.sock.set_hwm(1)
            self.sock.setsockopt(zmq.XPUB_NODROP, 1)

    def connect(self, endpoint):
        """Connects; pattern 2 also waits for the subscriber's subscription."""
        self.sock.connect(endpoint)
        if self.pattern == 2:
            wait_readable(self.poller, self.silence)
            self.sock.recv()

    def send(self, frame, **extra_header):
        """Sends one frame (header keys after vidgear's: `extra_header`, in order); patterns 0
        and 1 return the receiver's reply, pattern 2 None."""
        if not frame.flags["C_CONTIGUOUS"]:
            frame = np.ascontiguousarray(frame)
        header = dict(terminate_flag=False, compression=False, message=None,
                      pattern=str(self.pattern), dtype=str(frame.dtype), shape=frame.shape,
                      **extra_header)
        try:
            self.sock.send_json(header, zmq.SNDMORE)
            self.sock.send(frame, copy=False)
        except zmq.Again:
            raise TimeoutError(f"the socket took no frame for {self.silence} s") from None
        if self.pattern == 2:
            return None
        wait_readable(self.poller, self.silence)
        return self.sock.recv()

    def terminate(self):
        """Sends the termination message; pattern 1 waits for its reply."""
        try:
            self.sock.send_json({"terminate_flag": True})
        except zmq.Again:
            raise TimeoutError(f"the socket took no termination for {self.silence} s") from None
        if self.pattern == 1:
            wait_readable(self.poller, self.silence)
            self.sock.recv()
