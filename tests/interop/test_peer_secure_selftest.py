"""Self-tests of vidgear_peer.py secure mode (ZeroMQ CURVE, WIRE.md 6): peer against peer over
tcp 127.0.0.1 with key stores in pytest's tmp_path — delivery in every flavour, pattern and
secure mode, the generated key store and its reuse / overwrite rules, and the failure paths
(foreign client key, wrong server key, plain against secure, whitelist).

Run: /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/interop/test_peer_secure_selftest.py
"""

import os

import pytest
import zmq
import zmq.auth
from zmq.auth.thread import ThreadAuthenticator

import vidgear_peer
from peer_util import (
    DATA_REPLY_RE, PEER_TIMEOUT, TERM_REPLY, assert_clean_exit, assert_frames, assert_replies,
    python_peer_argv, run_exchange,
)

pytestmark = pytest.mark.skipif(not zmq.has("curve"), reason="this libzmq has no CURVE")

FLAVOURS = ("0.1", "0.3")
PATTERNS = (0, 1, 2)
STONEHOUSE, IRONHOUSE = 1, 2
DTYPE = "uint8"
SHAPE = (4, 5, 3)
FRAMES = 5            # patterns 0/1: every frame arrives, in order
FRAMES_PUBSUB = 20    # pattern 2: early frames may be lost (subscription still in flight)
PACE_MS = 5
FAIL_TIMEOUT = 1.5    # --timeout where nothing is expected to arrive

KEY_FILES = {
    "public_keys": {"server.key", "client.key"},
    "private_keys": {"server.key_secret", "client.key_secret"},
}


def frames_for(pattern):
    return FRAMES_PUBSUB if pattern == 2 else FRAMES


def keys_dir(location):
    return location / ".vidgear" / "keys"


def server_key_file(location):
    return keys_dir(location) / "public_keys" / "server.key"


def secure(location, mode, **extra):
    """Peer options for secure mode `mode` with the key store under `location`."""
    return dict(secure_mode=mode, cert_location=location, **extra)


def exchange(spawn, flavour, pattern, recv_options, send_options, timeout=PEER_TIMEOUT,
             send_host=None):
    """python recv (binder) <- python send (connector); returns (recv, send) results.

    send_host: connect to this host instead of 127.0.0.1 (the receiver must bind there).
    """
    frames = frames_for(pattern)
    recv_argv = python_peer_argv("recv", flavour, pattern, timeout=timeout, dtype=DTYPE,
                                 shape=SHAPE, **recv_options)

    def send_argv(endpoint):
        if send_host is not None:
            endpoint = f"tcp://{send_host}:{endpoint.rsplit(':', 1)[1]}"
        return python_peer_argv("send", flavour, pattern, endpoint=endpoint, frames=frames,
                                dtype=DTYPE, shape=SHAPE, timeout=timeout,
                                await_peer=pattern == 2,
                                pace_ms=PACE_MS if pattern == 2 else None, **send_options)

    return run_exchange(spawn, recv_argv, send_argv)


def check_delivered(recv, send, flavour, pattern):
    """Clean exits, every frame (pattern 2: at least one) intact, the flavour's replies."""
    assert_clean_exit(recv, send)
    assert_frames(recv, pattern, frames_for(pattern), DTYPE, SHAPE, None)
    assert_replies(send, pattern, frames_for(pattern), DATA_REPLY_RE[flavour],
                   {TERM_REPLY[flavour]})


def check_nothing_delivered(recv, send):
    """The receiver got no frame and timed out (exit 3); so did the sender (no reply /
    no handshake)."""
    assert recv.returncode == 3, recv.describe()
    assert recv.frames == [], recv.describe()
    assert "timeout" in recv.stderr, recv.describe()
    assert send.returncode == 3, send.describe()


def store_contents(location):
    """{relative path: bytes} of every file under the key store."""
    root = keys_dir(location)
    return {str(path.relative_to(root)): path.read_bytes()
            for path in sorted(root.rglob("*")) if path.is_file()}


def check_store(location):
    """The four files in vidgear's layout; each loads; secret and public files agree."""
    root = keys_dir(location)
    assert {p.name for p in root.iterdir()} == set(KEY_FILES)
    for sub, names in KEY_FILES.items():
        assert {p.name for p in (root / sub).iterdir()} == names
    publics = {}
    for name in ("server", "client"):
        public, no_secret = zmq.auth.load_certificate(root / "public_keys" / f"{name}.key")
        public2, secret = zmq.auth.load_certificate(
            root / "private_keys" / f"{name}.key_secret")
        assert no_secret is None
        assert len(public) == 40 and len(secret) == 40, (public, secret)
        assert public == public2, f"{name}: public file and secret file disagree"
        publics[name] = public
    assert publics["server"] != publics["client"]
    return publics


def server_public(location):
    return zmq.auth.load_certificate(server_key_file(location))[0]


# ---------------------------------------------------------------- delivery


@pytest.mark.parametrize("mode", (STONEHOUSE, IRONHOUSE), ids=("stonehouse", "ironhouse"))
@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize("flavour", FLAVOURS)
def test_secure_delivery(spawn, tmp_path, flavour, pattern, mode):
    """One shared key store: every frame arrives (0.3: the whitelist admits 127.0.0.1).

    Except 0.3 pattern 2: vidgear's SUB keeps set_hwm(1) under secure mode and libzmq stores
    the ZAP user id as a credential message that counts against RCVHWM and is never credited
    back, so the one-slot pipe stays full and no frame is ever delivered.  The sender's
    CURVE + ZAP handshake succeeds (--await-peer passes, exit 0).
    """
    stuck = flavour == "0.3" and pattern == 2
    recv, send = exchange(spawn, flavour, pattern, secure(tmp_path, mode),
                          secure(tmp_path, mode), timeout=FAIL_TIMEOUT if stuck else PEER_TIMEOUT)
    if stuck:
        assert_clean_exit(send)
        assert send.summary == {"sent": FRAMES_PUBSUB, "replies": []}
        assert recv.returncode == 3 and recv.frames == [], recv.describe()
    else:
        check_delivered(recv, send, flavour, pattern)
    check_store(tmp_path)


@pytest.mark.parametrize("rcvhwm,delivered", ((1, False), (2, True)))
def test_libzmq_zap_credential_blocks_rcvhwm_1(tmp_path, rcvhwm, delivered):
    """The libzmq behaviour behind 0.3 pattern 2 (raw pyzmq, no peer): a CURVE server SUB
    with a ZAP handler and RCVHWM=1 never receives; RCVHWM=2 does."""
    _, secret_dir, _ = vidgear_peer.generate_auth_certificates(str(tmp_path))
    server_public, server_secret = zmq.auth.load_certificate(
        os.path.join(secret_dir, "server.key_secret"))
    client_public, client_secret = zmq.auth.load_certificate(
        os.path.join(secret_dir, "client.key_secret"))
    ctx = zmq.Context()
    auth = ThreadAuthenticator(ctx)
    auth.start()
    sub = pub = None
    try:
        auth.configure_curve(domain="*", location=zmq.auth.CURVE_ALLOW_ANY)
        sub = ctx.socket(zmq.SUB)
        sub.rcvhwm = rcvhwm
        sub.curve_secretkey, sub.curve_publickey = server_secret, server_public
        sub.curve_server = True
        sub.setsockopt(zmq.SUBSCRIBE, b"")
        port = sub.bind_to_random_port("tcp://127.0.0.1")
        pub = ctx.socket(zmq.PUB)
        pub.curve_secretkey, pub.curve_publickey = client_secret, client_public
        pub.curve_serverkey = server_public
        pub.connect(f"tcp://127.0.0.1:{port}")
        received = False
        for _ in range(100):   # 1 s: the subscription needs a moment to reach the PUB
            pub.send(b"x")
            if sub.poll(10):
                received = True
                break
        assert received == delivered
    finally:
        for sock in (pub, sub):
            if sock is not None:
                sock.close(linger=0)
        auth.stop()
        ctx.term()


def test_key_store_layout(spawn, tmp_path):
    """Files made by the receiver (the first to start) in <location>/.vidgear/keys."""
    recv = spawn(python_peer_argv("recv", "0.3", 0, timeout=FAIL_TIMEOUT,
                                  **secure(tmp_path, IRONHOUSE)), "recv")
    recv.read_port()
    check_store(tmp_path)
    for path in keys_dir(tmp_path).rglob("*.key*"):
        text = path.read_text()
        assert "\ncurve\n" in text and "public-key = " in text
        assert ("secret-key = " in text) == path.name.endswith(".key_secret")
    assert recv.finish().returncode == 3


# ---------------------------------------------------------------- reuse and overwrite


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_keys_reused_overwritten_by_sender_only(spawn, tmp_path, flavour):
    recv, send = exchange(spawn, flavour, 1, secure(tmp_path, STONEHOUSE),
                          secure(tmp_path, STONEHOUSE))
    check_delivered(recv, send, flavour, 1)
    first = store_contents(tmp_path)
    first_server = server_public(tmp_path)

    # Re-use; the receiver ignores overwrite_cert (vidgear forces it False there).
    recv, send = exchange(spawn, flavour, 1, secure(tmp_path, STONEHOUSE, overwrite_cert=True),
                          secure(tmp_path, STONEHOUSE))
    check_delivered(recv, send, flavour, 1)
    assert store_contents(tmp_path) == first
    assert "overwrite_cert is disabled" in recv.stderr

    # The sender's overwrite regenerates the store after the receiver loaded the old server
    # pair: the handshake can only fail (as with vidgear).
    recv, send = exchange(spawn, flavour, 1, secure(tmp_path, STONEHOUSE),
                          secure(tmp_path, STONEHOUSE, overwrite_cert=True),
                          timeout=FAIL_TIMEOUT)
    check_nothing_delivered(recv, send)
    second = store_contents(tmp_path)
    assert set(second) == set(first)
    assert all(second[name] != first[name] for name in first)
    assert server_public(tmp_path) != first_server
    check_store(tmp_path)

    # Both sides now use the new store.
    recv, send = exchange(spawn, flavour, 1, secure(tmp_path, STONEHOUSE),
                          secure(tmp_path, STONEHOUSE))
    check_delivered(recv, send, flavour, 1)
    assert store_contents(tmp_path) == second


# ---------------------------------------------------------------- failure paths


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_ironhouse_foreign_client_key(spawn, tmp_path, flavour):
    """Right server key, client key not in the receiver's public_keys: 0.3 rejects it (ZAP),
    0.1 has no ZAP handler left and delivers everything."""
    store_a, store_b = tmp_path / "a", tmp_path / "b"
    store_a.mkdir()
    store_b.mkdir()
    recv, send = exchange(spawn, flavour, 1, secure(store_a, IRONHOUSE),
                          secure(store_b, IRONHOUSE, server_key=server_key_file(store_a)),
                          timeout=FAIL_TIMEOUT if flavour == "0.3" else PEER_TIMEOUT)
    check_store(store_b)
    assert check_store(store_a)["client"] != check_store(store_b)["client"]
    if flavour == "0.3":
        check_nothing_delivered(recv, send)
    else:
        check_delivered(recv, send, flavour, 1)


@pytest.mark.parametrize("pattern", (0, 2))
@pytest.mark.parametrize("flavour", FLAVOURS)
def test_stonehouse_wrong_server_key(spawn, tmp_path, flavour, pattern):
    """The sender's own client pair but another store's server key: no handshake, both
    flavours (pattern 2: --await-peer times out)."""
    other = tmp_path / "other"
    other.mkdir()
    vidgear_peer.generate_auth_certificates(str(other))
    recv, send = exchange(spawn, flavour, pattern, secure(tmp_path, STONEHOUSE),
                          secure(tmp_path, STONEHOUSE, server_key=server_key_file(other)),
                          timeout=FAIL_TIMEOUT)
    assert server_public(other) != server_public(tmp_path)
    check_nothing_delivered(recv, send)
    if pattern == 2:
        assert "handshake" in send.stderr, send.describe()


@pytest.mark.parametrize("recv_mode,send_mode", ((STONEHOUSE, 0), (0, STONEHOUSE)),
                         ids=("plain-to-secure", "secure-to-plain"))
@pytest.mark.parametrize("flavour", FLAVOURS)
def test_plain_and_secure_do_not_mix(spawn, tmp_path, flavour, recv_mode, send_mode):
    recv, send = exchange(spawn, flavour, 0, secure(tmp_path, recv_mode),
                          secure(tmp_path, send_mode), timeout=FAIL_TIMEOUT)
    check_nothing_delivered(recv, send)


def loopback_alias_usable():
    """Can we bind 127.0.0.2 (Linux routes all of 127/8 to lo)?"""
    ctx = zmq.Context()
    sock = ctx.socket(zmq.PAIR)
    try:
        sock.bind_to_random_port("tcp://127.0.0.2")
        return True
    except zmq.ZMQError:
        return False
    finally:
        sock.close(linger=0)
        ctx.term()


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_whitelist_is_the_receivers_bind_address(spawn, tmp_path, flavour):
    """Receiver bound to 127.0.0.2 whitelists "127.0.0.2"; the sender's source address is
    127.0.0.1: 0.3 rejects it, 0.1 (no ZAP handler) delivers."""
    if not loopback_alias_usable():
        pytest.skip("cannot bind 127.0.0.2")
    recv, send = exchange(spawn, flavour, 0,
                          secure(tmp_path, STONEHOUSE, bind="tcp://127.0.0.2"),
                          secure(tmp_path, STONEHOUSE), send_host="127.0.0.2",
                          timeout=FAIL_TIMEOUT if flavour == "0.3" else PEER_TIMEOUT)
    if flavour == "0.3":
        check_nothing_delivered(recv, send)
    else:
        check_delivered(recv, send, flavour, 0)


# ---------------------------------------------------------------- key generation (in process)


def test_generate_appends_vidgear_once(tmp_path):
    keys, secret, public = vidgear_peer.generate_auth_certificates(str(tmp_path))
    assert keys == str(keys_dir(tmp_path))
    assert (secret, public) == (os.path.join(keys, "private_keys"),
                                os.path.join(keys, "public_keys"))
    again = vidgear_peer.generate_auth_certificates(str(tmp_path / ".vidgear"))
    assert again == (keys, secret, public)
    assert not (tmp_path / ".vidgear" / ".vidgear").exists()


def test_generate_ignores_extra_files(tmp_path):
    vidgear_peer.generate_auth_certificates(str(tmp_path))
    extra = keys_dir(tmp_path) / "public_keys" / "notes.txt"
    extra.write_text("not a key")
    before = store_contents(tmp_path)
    vidgear_peer.generate_auth_certificates(str(tmp_path))
    assert store_contents(tmp_path) == before
    assert vidgear_peer.validate_auth_keys(str(extra.parent), ".key")


def test_generate_replaces_lone_key(tmp_path):
    """A lone public key is deleted and only the public pair regenerated — vidgear then keeps
    the old private pairs, so public and private keys no longer match."""
    vidgear_peer.generate_auth_certificates(str(tmp_path))
    before = store_contents(tmp_path)
    (keys_dir(tmp_path) / "public_keys" / "client.key").unlink()
    assert not vidgear_peer.validate_auth_keys(str(keys_dir(tmp_path) / "public_keys"), ".key")
    assert not (keys_dir(tmp_path) / "public_keys" / "server.key").exists()
    vidgear_peer.generate_auth_certificates(str(tmp_path))
    after = store_contents(tmp_path)
    assert set(after) == set(before)
    for name in after:
        assert (after[name] == before[name]) == name.startswith("private_keys"), name
    assert {p.name for p in keys_dir(tmp_path).iterdir()} == set(KEY_FILES)
    with pytest.raises(AssertionError, match="disagree"):
        check_store(tmp_path)


def test_generate_overwrite_replaces_everything(tmp_path):
    vidgear_peer.generate_auth_certificates(str(tmp_path))
    before = store_contents(tmp_path)
    (keys_dir(tmp_path) / "private_keys" / "stray.key_secret").write_text("x")
    vidgear_peer.generate_auth_certificates(str(tmp_path), overwrite=True)
    after = store_contents(tmp_path)
    assert set(after) == set(before)
    assert all(after[name] != before[name] for name in before)
    check_store(tmp_path)


def test_bad_cert_location_is_a_usage_error(spawn, tmp_path):
    missing = tmp_path / "missing"
    result = spawn(python_peer_argv("recv", "0.3", 0, timeout=FAIL_TIMEOUT,
                                    **secure(missing, STONEHOUSE)), "recv").finish()
    assert result.returncode == 2, result.describe()
    assert not missing.exists()
