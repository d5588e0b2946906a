#!/usr/bin/python3
"""Wire-exact stand-in for a Python vidgear NetGear peer (no vidgear needed).

This script reproduces, byte for byte on the ZeroMQ wire, what vidgear's NetGear sends and
replies (see shared/WIRE.md sections 2 to 8 and the Appendix), so the C++ netgear
library can be tested against "vidgear" without installing it.  OpenCV (``cv2``) is imported
only when a frame is compressed or decoded.

Modes
-----
``send``  = vidgear "Server" (``receive_mode=False``): creates the sender socket of the pattern
            (0: PAIR, 1: REQ with REQ_RELAXED=1 + REQ_CORRELATE=1, 2: PUB with ``set_hwm(1)``),
            **connects** to ``--endpoint``, sends N frame messages and then the termination
            message.  A frame message is two parts: the JSON header via ``send_json`` (pyzmq
            ``json.dumps`` defaults: ``", "``/``": "`` separators, ASCII escapes) with SNDMORE,
            then the payload (raw C-contiguous array bytes, or the encoded image).  Patterns 0/1
            wait for exactly one reply per frame; pattern 1 also waits for the reply to the
            termination message (unless force-terminating, see below).
``recv``  = vidgear "Client" (``receive_mode=True``): creates PAIR / REP / SUB (``set_hwm(1)``,
            SUBSCRIBE "") and **binds**.  It reads header + payload, replies (patterns 0/1)
            *before* decoding as vidgear does, decodes compressed frames, and stops on
            ``{"terminate_flag": true}`` (pattern 1 answers it with the flavour's text).

Flavours
--------
``0.1`` = vidgear 0.1.7: raw header ``"compression": ""``; reply ``Data received on device: <ID> !``
          with ID = 5 random chars of 0-9A-F; termination reply
          ``Termination signal received at client!`` (multi-server too).
``0.3`` = vidgear 0.3.5 (``jpeg_compression=False`` unless ``--jpeg``): raw header
          ``"compression": false``; ID = 8 random chars of A-Z0-9; termination reply
          ``Termination signal successfully received at Client's end!``, in multi-server mode
          ``Termination signal successfully received at client!``.
Header key order: terminate_flag, compression, message, pattern (string), dtype, shape; in
multi-server mode 0.1 sends terminate_flag, compression, **port**, pattern, message, dtype, shape
and 0.3 sends **port**, terminate_flag, compression, message, pattern, dtype, shape.

Options (per flavour, as vidgear)
---------------------------------
Compression, send:
  ``--compression-format .jpg|.jpeg|.png|.bmp`` (0.1 only): ``cv2.imencode(fmt, frame,
  --compression-param)``; header ``compression`` = the extension, ``dtype`` "uint8", ``shape`` =
  the encoded buffer's shape (``[N]`` with OpenCV 4.6); payload = the encoded file.
  ``--jpeg`` (0.3 only): header ``compression`` = ``{"dct": true, "ups": false, "colorspace":
  "BGR"}``, ``dtype`` "", ``shape`` ""; payload = a JPEG from ``cv2.imencode(".jpg", frame,
  [IMWRITE_JPEG_QUALITY, --jpeg-quality (90)])`` standing in for simplejpeg (same format on the
  wire; OpenCV subsamples 4:2:0 where simplejpeg uses 4:2:2 — invisible to a decoder).
Compression, recv (any truthy ``compression``):
  0.1: ``np.frombuffer(payload, header dtype).reshape(header shape)`` then ``cv2.imdecode(buf,
  --compression-param)`` — so a header with ``dtype ""`` (0.3 style) fails, as in vidgear.
  0.3: needs ``compression`` to be a dict with ``colorspace`` and the payload to be a JPEG
  (simplejpeg); decoded with ``cv2.imdecode`` in that colorspace (BGR, RGB or GRAY).
  Any decoding failure is a protocol violation (vidgear's receiver thread raises).
Bidirectional (``--bidirectional``, patterns 0/1):
  recv replies ``{"data": <return data>}`` (0.1) or ``{"return_type": <python type name>,
  "data": <return data>}`` (0.3) with ``--return-data JSON`` (default null) — the value stored as
  if the application called ``recv(return_data=...)`` before the first frame arrived.
  send records each reply's ``data`` in ``replies`` (0.3: a two-part ``ndarray`` reply is
  recorded as ``{"frame_shape": [...], "dtype": d, "compressed": bool, "matches": i}``;
  ``compressed``: the header's ``compression`` was a dict, the part a JPEG).  0.1 bidirectional switches on force
  close (below).  0.1 ignores ``--bidirectional`` together with ``--multiserver`` (vidgear
  switches it off with a critical log); 0.3 allows both.
Multi-server (``--multiserver``, patterns 1/2):
  send: ``--port-label P`` (a string, as vidgear users pass ports) stamped into every frame
  header and into the termination ``{"terminate_flag": true, "port": P}``.
  recv: every frame header must carry ``port``; keeps vidgear's port list: a frame adds its
  port, a termination removes its port (pattern 1: replying only if the port was listed) and
  ends the stream once the list is empty (so a termination before any frame ends it at once).
  A pattern-1 termination from an unlisted port, while other ports remain, gets no reply; the
  REP socket is then out of step and vidgear's thread dies on its next recv: exit 4 here.
Multi-client (``--multiclient``, 0.3 only, patterns 1/2):
  send: one socket (REQ / PUB) connected to ``--endpoint`` and every ``--also-endpoint``
  (repeatable); REQ round-robins the frames over the receivers, PUB fans them out.  Every
  pattern-1 reply is JSON ``{"port", "return_type", "data"}`` (``port`` missing: exit 4) and is
  recorded as ``{"port": p, "data": d}``; the port is remembered.  ``close()`` sends one
  ``{"terminate_flag": true}`` per remembered port through the same socket, then (pattern 1)
  reads one reply (REQ_CORRELATE drops the earlier ones).  Pattern 2 never learns a port, so —
  as vidgear 0.3.5 — it sends no termination at all (the receivers must time out).
  recv: binds one port; pattern 1 replies ``{"port": P, "return_type": ..., "data": ...}``
  with P = ``--port-label`` (default: the bound port as a string, as vidgear's ``port``).
Force close (``--force-terminate``, 0.1 only; implied by 0.1 ``--bidirectional``):
  ``close()`` sends the termination message 500 times without waiting for anything.
Secure mode (``--secure-mode 1`` StoneHouse, ``2`` IronHouse; ZeroMQ CURVE, WIRE.md 6):
  keys: vidgear's ``generate_auth_certificates`` (ported below) under ``<--cert-location>/
  .vidgear/keys`` (default location ``~``; no second ``.vidgear`` when the path ends in one):
  ``public_keys/server.key``, ``public_keys/client.key``, ``private_keys/server.key_secret``,
  ``private_keys/client.key_secret``, made by ``zmq.auth.create_certificates``.  Existing keys
  are reused when each dir holds exactly its server and client file (other names are ignored,
  a lone server or client file is deleted and the pairs are regenerated).  ``--overwrite-cert``
  (overwrite_cert) regenerates both pairs — on send only: vidgear forces it off at the receiver
  (recv accepts it and says so on stderr).  ``--cert-location`` must be a writable directory
  (vidgear asserts it; exit 2 here).
  recv = CURVE server: ``curve_secretkey``/``curve_publickey`` = the server pair from
  ``private_keys/server.key_secret``, ``curve_server``.  0.3 first starts a
  ``ThreadAuthenticator`` on the context, kept until exit: ``allow(<host of --bind /
  --endpoint>)`` — an IP whitelist, so only senders whose source address is the receiver's
  own bind address get in (``tcp://*`` whitelists the string "*": nobody) — and
  ``configure_curve(domain="*")`` with ``CURVE_ALLOW_ANY`` (StoneHouse) or the public_keys dir
  (IronHouse: only the client key found there).  0.1 starts none: vidgear 0.1.7's
  authenticator is a local that is stopped when its constructor returns, so no ZAP handler
  remains and any CURVE client holding the server key gets in (no whitelist, no client-key
  check).
  send = CURVE client: the client pair from ``private_keys/client.key_secret``,
  ``curve_serverkey`` = the public key in ``public_keys/server.key``.
  Pattern 2: 0.1 skips ``set_hwm(1)`` on both sides in secure mode; 0.3 keeps it — and libzmq
  queues the ZAP user id as a credential message that takes the SUB's only RCVHWM slot for
  good (it is counted when written, never when read), so a 0.3 secure pattern-2 receiver
  never delivers a frame while its sender sees a good handshake [observed, libzmq 4.3.4].
  A failed handshake (wrong server key, unknown client key in 0.3 IronHouse, an address off
  the 0.3 whitelist, plain against secure) is silence: recv exits 3, and so does send in
  patterns 0/1 (no reply) or pattern 2 with ``--await-peer``.

Deliberate, wire-invisible deviations from vidgear (all for testability)
-----------------------------------------------------------------------
* Every wait is bounded by ``--timeout`` (vidgear 0.1.x blocks forever; 0.3.x retries with new
  sockets).  A missing reply / silence exits 3 instead.
* ``LINGER`` defaults to ``--linger-ms 1000`` so the last message (termination, or the pattern-1
  termination reply) is flushed before exit; vidgear uses 0 (``--linger-ms 0`` reproduces it,
  including the risk of losing the last message).
* 0.3.x ``close()`` polls 800 ms for a reply even in pattern 0 (where none ever comes); we only
  wait in pattern 1, where the reply is part of the protocol, and a missing one fails (exit 3).
* Force close sends with NOBLOCK and stops at the first copy the socket refuses (vidgear would
  block forever once the receiver has gone); the count is printed as ``terminations``.  The
  linger is then cut to 200 ms (copies the receiver never reads would hold the exit for the
  whole linger).
* 0.1 recv decodes with ``--compression-param`` defaulting to -1 (IMREAD_UNCHANGED); vidgear's
  default (None, i.e. IMREAD_GRAYSCALE) is ``--compression-param 0``.
* Pattern 2 (PUB, no flow control): ``--pace-ms`` (default 2) sleeps between sends, standing in
  for the application's frame rate; without it HWM=1 makes the PUB drop most frames.  Before the
  termination it pauses ``--term-delay-ms`` (default 50): a PUB silently drops a message while
  the previous one still sits in its HWM=1 queue, and a lost termination leaves the receiver
  waiting (vidgear has the same hazard; a real application rarely closes 2 ms after a frame).
* ``--lose-termination`` (a test hook, pattern 2) closes right after the last frame without the
  termination: what vidgear's PUB does by accident when its HWM=1 queue still holds a frame and
  linger 0 discards the termination behind it.  Made certain here so a test can rely on it.
* ``--await-peer`` (opt-in, pattern 2) waits, via a socket monitor bounded by ``--timeout``, for
  the ZMTP handshake before the first send, narrowing the slow-joiner window (vidgear does not;
  frames sent before the subscription reaches the PUB are dropped by it, with or without this).
  In secure mode it waits for the CURVE handshake (and the receiver's ZAP verdict).
* Secure mode: vidgear 0.3's sender also starts an authenticator, but only the CURVE server's
  (the receiver's) ZAP handler is ever consulted, so the sender here starts none.  Key trouble
  (generation failure, unreadable certificate) exits 2, where vidgear would log it and carry on
  without security.  ``--server-key FILE`` (send, a test hook) takes the server public key from
  the certificate FILE instead of ``public_keys/server.key``, to play a sender holding the
  wrong server key.

Frame i (0-based) is ``((arange(prod(shape), int64) + i) % 127).astype(dtype).reshape(shape)``
(compression needs uint8, and H x W x 3 for JPEG).

Output (stdout, one JSON object per line)
-----------------------------------------
send: ``{"sent": N, "replies": [...]}`` — replies are the reply texts, or in bidirectional mode
      the reply data; plus ``"terminations": k`` (copies sent) when force-terminating.
recv: ``{"port": P}`` first (only with a random port), then per frame ``{"frame": k, "dtype",
      "shape" (of the decoded array), "message", "port" (header ``port`` or null), "header",
      "matches", "compressed", "payload_len", "psnr", "psnr_frame", "returned"}``, then
      ``{"frames": K, "terminated": bool}``.  ``matches``: index i if the array is exactly frame
      i.  ``psnr`` (compressed frames only, when the decoded dtype/shape agree with --dtype/
      --shape): PSNR in dB (capped at 100 for identical arrays) against frame ``psnr_frame``,
      the closest candidate frame.  ``returned``: what vidgear's ``recv()`` would return, e.g.
      ``["frame"]``, ``["message", "frame"]``, ``["port", "message", "frame"]``.

Exit codes: 0 ok, 2 usage (or frame encoding failure), 3 timeout/silence, 4 protocol violation,
5 fewer than --expect frames.
"""

import argparse
import json
import math
import os
import random
import shutil
import string
import sys
import time

import numpy as np
import zmq
import zmq.auth
from zmq.auth.thread import ThreadAuthenticator
from zmq.utils.monitor import recv_monitor_message

EXIT_USAGE = 2
EXIT_TIMEOUT = 3
EXIT_PROTOCOL = 4
EXIT_TOO_FEW = 5

FRAME_MODULUS = 127
FORCE_TERMINATE_COPIES = 500   # vidgear 0.1.x force close
FORCE_TERMINATE_LINGER_MS = 200  # linger after a force close (enough to flush on loopback)
PSNR_CAP = 100.0
PSNR_SAMPLE = 4096             # elements used to pick the closest candidate frame

FLAVOURS = {
    "0.1": {
        "compression": "",
        "id_alphabet": "0123456789ABCDEF",
        "id_length": 5,
        "term_reply": "Termination signal received at client!",
        "ms_term_reply": "Termination signal received at client!",
    },
    "0.3": {
        "compression": False,
        "id_alphabet": string.ascii_uppercase + string.digits,
        "id_length": 8,
        "term_reply": "Termination signal successfully received at Client's end!",
        "ms_term_reply": "Termination signal successfully received at client!",
    },
}

IMAGE_FORMATS = (".jpg", ".jpeg", ".png", ".bmp")
JPEG_HEADER_03 = {"dct": True, "ups": False, "colorspace": "BGR"}

SENDER_SOCKET = {0: zmq.PAIR, 1: zmq.REQ, 2: zmq.PUB}
RECEIVER_SOCKET = {0: zmq.PAIR, 1: zmq.REP, 2: zmq.SUB}

SECURE_MODES = {0: "Grasslands", 1: "StoneHouse", 2: "IronHouse"}
VIDGEAR_DIR = ".vidgear"
KEY_NAMES = ("server", "client")

# ThreadAuthenticators of this process (0.3 receiver): stopped by main() before Context.term().
AUTHENTICATORS = []


class PeerExit(Exception):
    """Fatal condition: message for stderr and the process exit code."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def cv2_module():
    """OpenCV, imported on first use (raw-frame runs never pay for it)."""
    import cv2  # pylint: disable=import-outside-toplevel
    return cv2


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


def parse_json(text):
    """A JSON command-line value."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise argparse.ArgumentTypeError(f"not JSON: {text!r}") from exc


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


def closest_index(arr, lower_bound):
    """Index i in [lower_bound, lower_bound + 127) whose frame is closest to `arr` (sampled MSE)."""
    flat = arr.reshape(-1).astype(np.float64)
    positions = np.arange(0, flat.size, max(1, flat.size // PSNR_SAMPLE), dtype=np.int64)
    candidates = np.arange(lower_bound, lower_bound + FRAME_MODULUS, dtype=np.int64)
    expected = (positions[None, :] + candidates[:, None]) % FRAME_MODULUS
    errors = np.mean((expected - flat[positions][None, :]) ** 2, axis=1)
    return int(candidates[int(np.argmin(errors))])


def psnr(arr, expected):
    """PSNR in dB of `arr` against `expected` (integer dtype), capped at PSNR_CAP."""
    peak = float(np.iinfo(arr.dtype).max)
    mse = float(np.mean((arr.astype(np.float64) - expected.astype(np.float64)) ** 2))
    if mse == 0:
        return PSNR_CAP
    return round(min(PSNR_CAP, 10.0 * math.log10(peak * peak / mse)), 3)


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


def await_handshake(sock, monitor, deadline, count=1):
    """Block (bounded) until `monitor` (attached before connect) reports `count` handshakes."""
    try:
        for _ in range(count):
            wait_readable(monitor, deadline, "the ZMTP handshake with the receiver")
            recv_monitor_message(monitor)
    finally:
        sock.disable_monitor()
        monitor.close(linger=0)


def python_type_name(value):
    """type(value).__name__ of a JSON-decoded value, as vidgear 0.3 puts it in replies."""
    return type(value).__name__


# ---------------------------------------------------------------- secure mode (WIRE.md 6)


def _mkdir_safe(path):
    """vidgear's mkdir_safe: makedirs, an existing directory is fine."""
    os.makedirs(path, exist_ok=True)


def _delete_file_safe(path):
    """vidgear's delete_file_safe: remove a file if it is there."""
    if os.path.isfile(path):
        os.remove(path)


def validate_auth_keys(path, extension):
    """vidgear's validate_auth_keys: does `path` hold exactly the server and client key?

    Files of other names or extensions are ignored; a lone server or client file is deleted
    (so the pair gets regenerated).
    """
    if not os.path.exists(path):
        return False
    if not os.listdir(path):
        return False
    keys_buffer = []
    for key_file in os.listdir(path):
        key = os.path.splitext(key_file)
        if key and key[0] in KEY_NAMES and key[1] == extension:
            keys_buffer.append(key_file)
    if len(keys_buffer) == 1:
        _delete_file_safe(os.path.join(path, keys_buffer[0]))
    return len(keys_buffer) == 2


def _move_new_keys(keys_dir, public_keys_dir, secret_keys_dir, keep_public, keep_secret):
    """Move freshly made ``*.key`` / ``*.key_secret`` files out of keys_dir; delete the rest.

    A kind whose directory is kept (``keep_*``) is deleted instead of moved, as vidgear does —
    so regenerating only the private pairs leaves public keys that no longer match them.
    """
    for key_file in os.listdir(keys_dir):
        source = os.path.join(keys_dir, key_file)
        if key_file.endswith(".key") and not keep_public:
            shutil.move(source, os.path.join(public_keys_dir, "."))
        elif key_file.endswith(".key_secret") and not keep_secret:
            shutil.move(source, os.path.join(secret_keys_dir, "."))
        else:
            _delete_file_safe(source)


def generate_auth_certificates(path, overwrite=False):
    """vidgear's generate_auth_certificates (same logic in 0.1.x and 0.3.x), minus logging.

    Returns (keys_dir, secret_keys_dir, public_keys_dir) under ``<path>/.vidgear/keys`` (no
    second ``.vidgear`` when `path` already ends in one).  overwrite: delete both key dirs and
    make new server and client pairs.  Otherwise reuse the dirs when both validate; else
    regenerate both pairs and keep only the kinds whose dir was invalid.  RuntimeError when the
    result still does not validate.
    """
    if os.path.basename(path) != VIDGEAR_DIR:
        path = os.path.join(path, VIDGEAR_DIR)
    keys_dir = os.path.join(path, "keys")
    _mkdir_safe(keys_dir)
    public_keys_dir = os.path.join(keys_dir, "public_keys")
    secret_keys_dir = os.path.join(keys_dir, "private_keys")

    if overwrite:
        for directory in (public_keys_dir, secret_keys_dir):
            if os.path.exists(directory):
                shutil.rmtree(directory)
            _mkdir_safe(directory)
        for name in KEY_NAMES:
            zmq.auth.create_certificates(keys_dir, name)
        _move_new_keys(keys_dir, public_keys_dir, secret_keys_dir, False, False)
    else:
        public_ok = validate_auth_keys(public_keys_dir, ".key")
        secret_ok = validate_auth_keys(secret_keys_dir, ".key_secret")
        if public_ok and secret_ok:
            return keys_dir, secret_keys_dir, public_keys_dir
        if not public_ok:
            _mkdir_safe(public_keys_dir)
        if not secret_ok:
            _mkdir_safe(secret_keys_dir)
        for name in KEY_NAMES:
            zmq.auth.create_certificates(keys_dir, name)
        _move_new_keys(keys_dir, public_keys_dir, secret_keys_dir, public_ok, secret_ok)

    if not (validate_auth_keys(public_keys_dir, ".key")
            and validate_auth_keys(secret_keys_dir, ".key_secret")):
        raise RuntimeError(f"Unable to generate valid ZMQ authentication certificates at "
                           f"`{keys_dir}`!")
    return keys_dir, secret_keys_dir, public_keys_dir


def key_store(args):
    """Key dirs for --secure-mode > 0: (secret_keys_dir, public_keys_dir); PeerExit(2) on error.

    overwrite_cert is honoured by the sender only (vidgear forces it False on the receiver).
    """
    base = args.cert_location if args.cert_location is not None else os.path.expanduser("~")
    overwrite = args.overwrite_cert and args.mode == "send"
    if args.overwrite_cert and not overwrite:
        print("vidgear_peer recv: overwrite_cert is disabled at the receiver (as vidgear)",
              file=sys.stderr, flush=True)
    try:
        _, secret_dir, public_dir = generate_auth_certificates(os.path.abspath(base), overwrite)
    except (OSError, RuntimeError, ValueError) as exc:
        raise PeerExit(EXIT_USAGE, f"cannot prepare CURVE keys under {base!r}: {exc}") from exc
    return secret_dir, public_dir


def load_key_pair(path, what):
    """zmq.auth.load_certificate(path) -> (public, secret or None); PeerExit(2) on error."""
    try:
        return zmq.auth.load_certificate(path)
    except (OSError, ValueError) as exc:
        raise PeerExit(EXIT_USAGE, f"cannot load the {what} from {path!r}: {exc}") from exc


def auth_address(endpoint):
    """Host part of a bind endpoint, as vidgear passes its ``address`` to ``auth.allow()``.

    ``tcp://127.0.0.1`` and ``tcp://127.0.0.1:5555`` -> ``127.0.0.1``; taken literally otherwise
    (``*`` whitelists the string "*", which no peer matches — as vidgear with address="*").
    """
    rest = endpoint.split("://", 1)[-1]
    if endpoint.startswith("tcp://") and rest.rsplit(":", 1)[-1].isdigit():
        rest = rest.rsplit(":", 1)[0]
    return rest


def start_authenticator(ctx, args, public_dir):
    """0.3 receiver: a ThreadAuthenticator kept until main() ends (ZAP enforced).

    Whitelist = the receiver's own bind address; CURVE: any client (StoneHouse) or the client
    keys in public_keys (IronHouse).  0.1 gets none: vidgear 0.1.7's authenticator is a local
    that is stopped when the constructor returns, so libzmq accepts every CURVE client.
    """
    if args.flavour != "0.3":
        return
    auth = ThreadAuthenticator(ctx)
    auth.start()
    AUTHENTICATORS.append(auth)
    auth.allow(auth_address(args.endpoint if args.endpoint is not None else args.bind))
    location = public_dir if args.secure_mode == 2 else zmq.auth.CURVE_ALLOW_ANY
    auth.configure_curve(domain="*", location=location)


def stop_authenticators():
    """Stop every authenticator this process started (before the context terminates)."""
    while AUTHENTICATORS:
        AUTHENTICATORS.pop().stop()


def apply_curve_server(sock, secret_dir):
    """Receiver = CURVE server with the server pair from private_keys/server.key_secret."""
    public, secret = load_key_pair(os.path.join(secret_dir, "server.key_secret"),
                                   "server key pair")
    sock.curve_secretkey = secret
    sock.curve_publickey = public
    sock.curve_server = True


def apply_curve_client(sock, args, secret_dir, public_dir):
    """Sender = CURVE client: client pair, server public key from public_keys/server.key
    (or from --server-key)."""
    public, secret = load_key_pair(os.path.join(secret_dir, "client.key_secret"),
                                   "client key pair")
    sock.curve_secretkey = secret
    sock.curve_publickey = public
    server_file = args.server_key or os.path.join(public_dir, "server.key")
    server_public, _ = load_key_pair(server_file, "server public key")
    sock.curve_serverkey = server_public


def pubsub_hwm_one(args):
    """Pattern 2 uses set_hwm(1): 0.3 always, 0.1 only without secure mode."""
    return args.pattern == 2 and (args.flavour == "0.3" or not args.secure_mode)


# ---------------------------------------------------------------- arrays on the wire


def rebuild_raw(dtype, shape, payload, what):
    """np.frombuffer(payload, dtype).reshape(shape) as vidgear does; PeerExit(4) if impossible."""
    try:
        if not isinstance(dtype, str):
            raise TypeError(f"dtype must be a string, not {type(dtype).__name__}")
        return np.frombuffer(payload, dtype=np.dtype(dtype)).reshape(shape)
    except (TypeError, ValueError) as exc:
        raise PeerExit(
            EXIT_PROTOCOL,
            f"cannot rebuild {what} from dtype {dtype!r}, shape {shape!r} and {len(payload)} "
            f"bytes: {exc}",
        ) from exc


def decode_jpeg_03(compression, payload, what):
    """vidgear 0.3: simplejpeg.decode_jpeg(payload, colorspace=compression['colorspace'])."""
    cv2 = cv2_module()
    if not isinstance(compression, dict) or not isinstance(compression.get("colorspace"), str):
        raise PeerExit(EXIT_PROTOCOL, f"{what}: vidgear 0.3 reads compression['colorspace'] and "
                                      f"cannot decode compression={compression!r}")
    if not payload.startswith(b"\xff\xd8"):
        raise PeerExit(EXIT_PROTOCOL, f"{what}: payload is not a JPEG (simplejpeg decodes JPEG "
                                      f"only): {payload[:8].hex()}")
    colorspace = compression["colorspace"].upper()
    flags = {"BGR": cv2.IMREAD_COLOR, "RGB": cv2.IMREAD_COLOR, "GRAY": cv2.IMREAD_GRAYSCALE}
    if colorspace not in flags:
        raise PeerExit(EXIT_PROTOCOL, f"{what}: colorspace {colorspace!r} is not emulated")
    image = cv2.imdecode(np.frombuffer(payload, np.uint8), flags[colorspace])
    if image is None:
        raise PeerExit(EXIT_PROTOCOL, f"{what}: JPEG decoding failed ({len(payload)} bytes)")
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB) if colorspace == "RGB" else image


def decode_image_01(dtype, shape, payload, flag, what):
    """vidgear 0.1: rebuild the buffer from dtype/shape, then cv2.imdecode(buffer, flag)."""
    buffer = rebuild_raw(dtype, shape, payload, what)
    image = cv2_module().imdecode(buffer, flag)
    if image is None:
        raise PeerExit(EXIT_PROTOCOL, f"{what}: decoding failed with flag {flag}")
    return image


# ---------------------------------------------------------------- sender


def frame_header(args, message, compression, dtype, shape):
    """Header dict in the flavour's key order (WIRE.md 3.1 and Appendix)."""
    if not args.multiserver:
        return {"terminate_flag": False, "compression": compression, "message": message,
                "pattern": str(args.pattern), "dtype": dtype, "shape": shape}
    if args.flavour == "0.1":
        return {"terminate_flag": False, "compression": compression, "port": args.port_label,
                "pattern": str(args.pattern), "message": message, "dtype": dtype,
                "shape": shape}
    return {"port": args.port_label, "terminate_flag": False, "compression": compression,
            "message": message, "pattern": str(args.pattern), "dtype": dtype, "shape": shape}


def termination_message(args):
    """{"terminate_flag": true} (multi-server: plus the port label)."""
    if args.multiserver:
        return {"terminate_flag": True, "port": args.port_label}
    return {"terminate_flag": True}


def encode_frame(args, frame):
    """(compression, dtype, shape, payload) of `frame` as the flavour sends it."""
    if args.compression_format or args.jpeg:
        cv2 = cv2_module()
        if args.jpeg:
            extension, params = ".jpg", [cv2.IMWRITE_JPEG_QUALITY, args.jpeg_quality]
        else:
            extension = args.compression_format
            params = args.compression_param if isinstance(args.compression_param,
                                                          (list, tuple)) else []
        try:
            ok, buffer = cv2.imencode(extension, frame, params)
        except cv2.error as exc:
            raise PeerExit(EXIT_USAGE, f"frame encoding failed ({extension}): {exc}") from exc
        if not ok:
            raise PeerExit(EXIT_USAGE, f"frame encoding failed ({extension}, {params})")
        if args.jpeg:
            return dict(JPEG_HEADER_03), "", "", buffer
        return extension, str(buffer.dtype), list(buffer.shape), buffer
    return FLAVOURS[args.flavour]["compression"], str(frame.dtype), list(frame.shape), frame


def open_sender(ctx, args):
    """Sender socket configured like vidgear, connected to --endpoint.

    Returns (socket, handshake monitor or None); the monitor exists only with --await-peer in
    pattern 2 and is attached before connecting so the event cannot be missed.
    """
    keys = key_store(args) if args.secure_mode else None
    sock = ctx.socket(SENDER_SOCKET[args.pattern])
    if args.pattern == 1:
        sock.setsockopt(zmq.REQ_RELAXED, 1)
        sock.setsockopt(zmq.REQ_CORRELATE, 1)
    elif pubsub_hwm_one(args):
        sock.set_hwm(1)
    if keys is not None:
        try:
            apply_curve_client(sock, args, *keys)
        except PeerExit:
            sock.close(linger=0)
            raise
    sock.setsockopt(zmq.LINGER, args.linger_ms)
    monitor = None
    if args.pattern == 2 and args.await_peer:
        monitor = sock.get_monitor_socket(zmq.EVENT_HANDSHAKE_SUCCEEDED)
    if args.ssh_tunnel:
        # vidgear 0.3's ssh_tunnel_mode: pyzmq forwards a local port with the system's ssh (through
        # pexpect) and connects the socket to it; the receiver's address is the SSH server's view.
        from zmq import ssh
        ssh.tunnel_connection(sock, args.endpoint, args.ssh_tunnel, keyfile=args.ssh_keyfile,
                              paramiko=False)
        return sock, monitor
    for endpoint in sender_endpoints(args):
        sock.connect(endpoint)
    return sock, monitor


def sender_endpoints(args):
    """--endpoint, then (multi-client) every --also-endpoint."""
    return [args.endpoint] + list(args.also_endpoint or [])


def read_reply(sock, timeout, what):
    """Wait (bounded) for exactly one single-part reply and return it as text.

    A REQ_CORRELATE socket can poll readable for a stale reply (e.g. to the first of several
    multi-client terminations) that recv() then drops: keep waiting until the deadline.
    """
    deadline = time.monotonic() + timeout
    while True:
        wait_readable(sock, deadline, what)
        try:
            return reply_text(recv_single_part(sock, what))
        except zmq.Again:
            continue


def read_data_reply(sock, args, lower_bound, what):
    """Bidirectional / multi-client reply -> the value vidgear's send() returns (module doc).

    Multi-client: ``{"port": p, "data": d}`` (vidgear returns the tuple (port, data)).
    """
    wait_readable(sock, time.monotonic() + args.timeout, what)
    raw = sock.recv(zmq.NOBLOCK)
    more = sock.getsockopt(zmq.RCVMORE)
    try:
        reply = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PeerExit(EXIT_PROTOCOL, f"{what} is not JSON (recv_json fails): {raw[:200]!r}") \
            from exc
    if args.flavour == "0.1":
        # 0.1.x: return_dict = recv_json(); return return_dict['data'] if return_dict else None
        if more:
            raise PeerExit(EXIT_PROTOCOL, f"{what} has more than one part (0.1 reads one)")
        if not reply:
            return None
        if not isinstance(reply, dict) or "data" not in reply:
            raise PeerExit(EXIT_PROTOCOL, f"{what} lacks 'data': {raw[:200]!r}")
        return reply["data"]
    if not isinstance(reply, dict) or "return_type" not in reply:
        raise PeerExit(EXIT_PROTOCOL, f"{what} lacks 'return_type': {raw[:200]!r}")
    if args.multiclient:
        if "port" not in reply:
            raise PeerExit(EXIT_PROTOCOL, f"multi-client {what} lacks 'port': {raw[:200]!r}")
        return {"port": reply["port"], "data": _reply_value(sock, reply, raw, more, lower_bound,
                                                             what)}
    return _reply_value(sock, reply, raw, more, lower_bound, what)


def _reply_value(sock, reply, raw, more, lower_bound, what):
    """0.3 reply JSON (+ array part) -> data, or the record of a returned ndarray."""
    if reply["return_type"] != "ndarray":
        if more:
            raise PeerExit(EXIT_PROTOCOL, f"{what} has a second part but is no ndarray reply")
        if "data" not in reply:
            raise PeerExit(EXIT_PROTOCOL, f"{what} lacks 'data': {raw[:200]!r}")
        return reply["data"]
    if not more:
        raise PeerExit(EXIT_PROTOCOL, f"{what}: ndarray reply without its array part")
    payload = recv_single_part(sock, f"{what} (array part)")
    if reply.get("compression"):
        array = decode_jpeg_03(reply["compression"], payload, what)
    else:
        array = rebuild_raw(reply.get("array_dtype"), reply.get("array_shape"), payload, what)
    return {"frame_shape": list(array.shape), "dtype": str(array.dtype),
            "compressed": bool(reply.get("compression")),
            "matches": match_index(array, lower_bound)}


def send_frame(sock, args, index, message):
    """Send frame `index` as the two-part vidgear frame message."""
    frame = np.ascontiguousarray(make_frame(index, args.dtype, args.shape))
    compression, dtype, shape, payload = encode_frame(args, frame)
    sock.send_json(frame_header(args, message, compression, dtype, shape), zmq.SNDMORE)
    sock.send(payload, copy=False)


def force_terminate(sock, term):
    """vidgear 0.1.x force close: the termination 500 times, no wait (NOBLOCK: stop when full)."""
    for count in range(FORCE_TERMINATE_COPIES):
        try:
            sock.send_json(term, zmq.NOBLOCK)
        except zmq.Again:
            return count
    return FORCE_TERMINATE_COPIES


def close_multiclient(sock, args, replies, term):
    """vidgear 0.3 multi-client close(): one termination per known receiver port (WIRE.md 4)."""
    ports = []
    for reply in replies:
        if isinstance(reply, dict) and reply["port"] not in ports:
            ports.append(reply["port"])
    for _ in ports:
        sock.send_json(term)
    if ports and args.pattern == 1:
        replies.append(read_reply(sock, args.timeout, "reply to the terminations"))


def run_send(args):
    """vidgear Server: N frames, then the termination message."""
    bidirectional = args.bidirectional and not (args.flavour == "0.1" and args.multiserver)
    if args.bidirectional and not bidirectional:
        print("vidgear_peer send: 0.1 switches bidirectional mode off in multi-server mode",
              file=sys.stderr, flush=True)
    force = args.force_terminate or (args.flavour == "0.1" and bidirectional)
    message = args.message
    ctx = zmq.Context.instance()
    sock, monitor = open_sender(ctx, args)
    replies = []
    summary = {"sent": args.frames, "replies": replies}
    try:
        if monitor is not None:
            await_handshake(sock, monitor, time.monotonic() + args.timeout,
                            len(sender_endpoints(args)))
        for index in range(args.frames):
            if args.pattern == 2 and index > 0:
                time.sleep(args.pace_ms / 1000.0)
            send_frame(sock, args, index, message)
            what = f"reply to frame {index}"
            if args.pattern in (0, 1) and (bidirectional or args.multiclient):
                replies.append(read_data_reply(sock, args, 0, what))
            elif args.pattern in (0, 1):
                replies.append(read_reply(sock, args.timeout, what))
        if args.pattern == 2 and args.frames > 0 and not args.lose_termination:
            time.sleep(max(args.pace_ms, args.term_delay_ms) / 1000.0)
        term = termination_message(args)
        if args.lose_termination:
            pass  # closed at once, as when vidgear's PUB drops its own termination
        elif args.multiclient:
            close_multiclient(sock, args, replies, term)
        elif force:
            summary["terminations"] = force_terminate(sock, term)
            # The receiver stops reading after the first copy; a connecting socket keeps the
            # rest for a reconnect, so the full linger would only delay the exit.
            sock.setsockopt(zmq.LINGER, min(args.linger_ms, FORCE_TERMINATE_LINGER_MS))
        else:
            sock.send_json(term)
            if args.pattern == 1:
                replies.append(read_reply(sock, args.timeout, "reply to the termination"))
    finally:
        sock.close()
    emit(summary)
    return 0


# ---------------------------------------------------------------- receiver


def device_id(flavour):
    """Per-run device id as vidgear generates it for the flavour."""
    spec = FLAVOURS[flavour]
    return "".join(random.choice(spec["id_alphabet"]) for _ in range(spec["id_length"]))


def open_receiver(ctx, args):
    """Receiver socket configured like vidgear and bound; returns (socket, port or None).

    Secure mode: keys are prepared and (0.3) the authenticator started before the socket
    exists, as vidgear does; the CURVE server options are set before binding.
    """
    keys = key_store(args) if args.secure_mode else None
    if keys is not None:
        start_authenticator(ctx, args, keys[1])
    sock = ctx.socket(RECEIVER_SOCKET[args.pattern])
    if pubsub_hwm_one(args):
        sock.set_hwm(1)
    if keys is not None:
        try:
            apply_curve_server(sock, keys[0])
        except PeerExit:
            sock.close(linger=0)
            raise
    if args.pattern == 2:
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


def decode_frame(args, header, payload):
    """The array vidgear's receiver makes of a frame message (raw or compressed)."""
    if not header.get("compression"):
        return rebuild_raw(header.get("dtype"), header.get("shape"), payload, "frame")
    if args.flavour == "0.1":
        return decode_image_01(header.get("dtype"), header.get("shape"), payload,
                               args.compression_param, "compressed frame")
    return decode_jpeg_03(header["compression"], payload, "compressed frame")


def expectation_met(args, arr):
    """True unless --dtype/--shape were given and the array disagrees with them."""
    if args.dtype is not None and str(arr.dtype) != args.dtype:
        return False
    if args.shape is not None and list(arr.shape) != list(args.shape):
        return False
    return True


def returned_shape(args, bidirectional, message):
    """Names of the items vidgear's recv() returns for this frame (WIRE.md 7)."""
    if args.multiserver:
        return ["port", "message", "frame"] if message else ["port", "frame"]
    if bidirectional and (message or args.flavour == "0.3"):
        return ["message", "frame"]
    return ["frame"]


def frame_record(args, bidirectional, index, lower_bound, header, payload):
    """Per-frame JSON record (see module doc)."""
    arr = decode_frame(args, header, payload)
    record = {
        "frame": index,
        "dtype": str(arr.dtype),
        "shape": list(arr.shape),
        "message": header.get("message"),
        "port": header.get("port"),
        "header": header,
        "matches": None,
        "compressed": bool(header.get("compression")),
        "payload_len": len(payload),
        "psnr": None,
        "psnr_frame": None,
        "returned": returned_shape(args, bidirectional, header.get("message")),
    }
    if not expectation_met(args, arr):
        return record
    record["matches"] = match_index(arr, lower_bound)
    if record["compressed"] and arr.size and np.issubdtype(arr.dtype, np.integer):
        expected_index = record["matches"]
        if expected_index is None:
            expected_index = closest_index(arr, lower_bound)
        record["psnr_frame"] = expected_index
        record["psnr"] = psnr(arr, make_frame(expected_index, arr.dtype, arr.shape))
    return record


def data_reply(args, bidirectional, device, label=None):
    """The reply bytes to a frame message, sent before decoding (WIRE.md 3.2)."""
    if args.multiclient:
        return json.dumps({"port": label, "return_type": python_type_name(args.return_data),
                           "data": args.return_data}).encode()
    if not bidirectional:
        return f"Data received on device: {device} !".encode()
    if args.flavour == "0.1":
        reply = {"data": args.return_data}
    else:
        reply = {"return_type": python_type_name(args.return_data), "data": args.return_data}
    return json.dumps(reply).encode()


class PortBook:
    """vidgear's multi-server port list (WIRE.md 4)."""

    def __init__(self):
        self.ports = []

    def frame_from(self, header):
        """Record the port of a frame header; PeerExit(4) without one (vidgear: KeyError)."""
        if "port" not in header:
            raise PeerExit(EXIT_PROTOCOL, f"multi-server frame header without 'port': {header!r}")
        if header["port"] not in self.ports:
            self.ports.append(header["port"])

    def terminate(self, header):
        """A termination: (was the port listed -> reply, is the stream over)."""
        if "port" not in header:
            raise PeerExit(EXIT_PROTOCOL, f"multi-server termination without 'port': {header!r}")
        listed = header["port"] in self.ports
        if listed:
            self.ports.remove(header["port"])
        return listed, not self.ports


def run_recv(args):
    """vidgear Client: receive until termination, replying like the flavour."""
    bidirectional = args.bidirectional and not (args.flavour == "0.1" and args.multiserver)
    ctx = zmq.Context.instance()
    sock, port = open_receiver(ctx, args)
    if port is not None:
        emit({"port": port})
    label = args.port_label
    if label is None and args.multiclient:
        label = str(port) if port is not None else args.endpoint.rsplit(":", 1)[1]
    reply = data_reply(args, bidirectional, device_id(args.flavour), label)
    book = PortBook()
    spec = FLAVOURS[args.flavour]
    frames = 0
    lower_bound = 0
    terminated = False
    try:
        while not terminated:
            header, payload = read_message(sock, time.monotonic() + args.timeout)
            if payload is None:
                if not args.multiserver:
                    terminated = True
                    if args.pattern == 1:
                        sock.send_string(spec["term_reply"])
                    continue
                listed, terminated = book.terminate(header)
                if args.pattern == 1 and listed:
                    sock.send_string(spec["ms_term_reply"])
                elif args.pattern == 1 and not terminated:
                    raise PeerExit(EXIT_PROTOCOL,
                                   f"termination from unlisted port {header.get('port')!r} got "
                                   f"no reply; vidgear's REP is now out of step (EFSM)")
                continue
            if args.pattern in (0, 1):
                sock.send(reply)
            record = frame_record(args, bidirectional, frames, lower_bound, header, payload)
            if args.multiserver:
                book.frame_from(header)
            found = record["matches"] if record["matches"] is not None else record["psnr_frame"]
            if found is not None:
                lower_bound = found + 1
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
    parser.add_argument("--bidirectional", action="store_true",
                        help="bidirectional_mode (patterns 0/1)")
    parser.add_argument("--multiserver", action="store_true",
                        help="multiserver_mode (patterns 1/2)")
    parser.add_argument("--multiclient", action="store_true",
                        help="0.3: multiclient_mode (patterns 1/2)")
    parser.add_argument("--secure-mode", type=int, choices=sorted(SECURE_MODES), default=0,
                        help="secure_mode: 0 none, 1 StoneHouse, 2 IronHouse (ZeroMQ CURVE)")
    parser.add_argument("--cert-location", default=None,
                        help="custom_cert_location: keys go to DIR/.vidgear/keys (default: ~)")
    parser.add_argument("--overwrite-cert", action="store_true",
                        help="overwrite_cert: regenerate the keys (honoured by send only)")


def build_parser():
    """argparse parser with the send and recv subcommands."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    modes = parser.add_subparsers(dest="mode", required=True)

    send = modes.add_parser("send", help="act as a vidgear Server (connects, sends frames)")
    add_common(send)
    send.add_argument("--endpoint", required=True)
    send.add_argument("--also-endpoint", action="append", default=[],
                      help="multi-client: a further receiver endpoint (repeatable)")
    send.add_argument("--frames", type=int, required=True)
    send.add_argument("--dtype", type=parse_dtype, required=True)
    send.add_argument("--shape", type=parse_shape, required=True)
    send.add_argument("--message", type=parse_json, default=None,
                      help="JSON value put in every header")
    send.add_argument("--pace-ms", type=float, default=2.0, help="pattern 2: pause between sends")
    send.add_argument("--term-delay-ms", type=float, default=50.0,
                      help="pattern 2: pause before the termination message")
    send.add_argument("--lose-termination", action="store_true",
                      help="pattern 2: close without the termination, as vidgear's PUB (HWM 1, "
                           "linger 0) often loses it after a burst")
    send.add_argument("--await-peer", action="store_true",
                      help="pattern 2: wait for the ZMTP handshake before the first send")
    send.add_argument("--compression-format", type=lambda text: text.strip().lower(),
                      default=None,
                      help="0.1: .jpg, .jpeg, .png or .bmp (cv2.imencode)")
    send.add_argument("--compression-param", type=parse_json, default=None,
                      help="0.1: JSON list of cv2.imencode parameters")
    send.add_argument("--jpeg", action="store_true", help="0.3: jpeg_compression=True")
    send.add_argument("--jpeg-quality", type=int, default=90, help="0.3: JPEG quality")
    send.add_argument("--port-label", default=None,
                      help="multi-server: this sender's port, stamped into every message")
    send.add_argument("--force-terminate", action="store_true",
                      help="0.1: close() sends the termination 500 times without waiting")
    send.add_argument("--ssh-tunnel", default=None,
                      help="0.3: ssh_tunnel_mode user@host[:port] (zmq.ssh.tunnel_connection)")
    send.add_argument("--ssh-keyfile", default=None, help="0.3: ssh_tunnel_keyfile")
    send.add_argument("--server-key", default=None,
                      help="secure mode test hook: the server public key from this "
                           "certificate file instead of public_keys/server.key")

    recv = modes.add_parser("recv", help="act as a vidgear Client (binds, receives frames)")
    add_common(recv)
    recv.add_argument("--bind", default="tcp://127.0.0.1",
                      help="interface for bind_to_random_port (ignored with --endpoint)")
    recv.add_argument("--endpoint", default=None, help="bind exactly this endpoint")
    recv.add_argument("--expect", type=int, default=None)
    recv.add_argument("--dtype", type=parse_dtype, default=None)
    recv.add_argument("--shape", type=parse_shape, default=None)
    recv.add_argument("--compression-param", type=int, default=-1,
                      help="0.1: cv2.imdecode flag (default -1; vidgear's default is 0)")
    recv.add_argument("--port-label", default=None,
                      help="multi-client: port put in every reply (default: the bound port)")
    recv.add_argument("--return-data", type=parse_json, default=None,
                      help="bidirectional: JSON value returned with every reply")
    return parser


def check_args(parser, args):
    """Combinations vidgear refuses (ValueError) or that do not exist in the flavour."""
    if args.multiserver and args.pattern == 0:
        parser.error("multi-server mode needs pattern 1 or 2")
    if args.bidirectional and args.pattern == 2:
        parser.error("bidirectional mode needs pattern 0 or 1")
    if args.multiclient:
        if args.flavour != "0.3":
            parser.error("multi-client mode exists in 0.3 only (vidgear 0.1.8+)")
        if args.pattern == 0:
            parser.error("multi-client mode needs pattern 1 or 2")
        if args.multiserver:
            parser.error("multi-server and multi-client mode exclude each other")
    if args.mode == "send" and args.ssh_tunnel:
        if args.flavour != "0.3":
            parser.error("ssh_tunnel_mode exists in 0.3 only")
        if args.multiserver or args.multiclient:
            parser.error("SSH tunnelling and multi-server/multi-client mode exclude each other")
    if args.mode == "send" and args.also_endpoint and not args.multiclient:
        parser.error("--also-endpoint needs --multiclient")
    if args.cert_location is not None:
        # vidgear 0.1.7 / latest assert these on custom_cert_location (AssertionError)
        if not os.access(args.cert_location, os.W_OK):
            parser.error(f"--cert-location {args.cert_location!r} is not writable")
        if not os.path.isdir(os.path.abspath(args.cert_location)):
            parser.error(f"--cert-location {args.cert_location!r} is not a directory")
    if args.mode == "send" and args.server_key is not None and not args.secure_mode:
        parser.error("--server-key needs --secure-mode 1 or 2")
    if args.mode != "send":
        return
    if args.multiserver and args.port_label is None:
        parser.error("multi-server mode needs --port-label")
    if args.compression_format is not None:
        if args.flavour != "0.1":
            parser.error("--compression-format exists in 0.1 only (0.3: --jpeg)")
        if args.compression_format not in IMAGE_FORMATS:
            parser.error(f"--compression-format must be one of {', '.join(IMAGE_FORMATS)}")
    if args.jpeg and args.flavour != "0.3":
        parser.error("--jpeg exists in 0.3 only (0.1: --compression-format)")
    if args.force_terminate and args.flavour != "0.1":
        parser.error("--force-terminate exists in 0.1 only")


def main(argv=None):
    """Entry point: run the selected mode, map PeerExit to stderr + exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    check_args(parser, args)
    try:
        return run_send(args) if args.mode == "send" else run_recv(args)
    except PeerExit as exc:
        print(f"vidgear_peer {args.mode}: error: {exc}", file=sys.stderr, flush=True)
        return exc.code
    finally:
        stop_authenticators()
        zmq.Context.instance().term()


if __name__ == "__main__":
    sys.exit(main())
