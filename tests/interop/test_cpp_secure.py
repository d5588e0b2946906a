"""C++ netgear peer against the vidgear emulation in secure mode (ZeroMQ CURVE, WIRE.md 6).

Both directions, both flavours, patterns 0/1/2, StoneHouse and IronHouse, with one key store in
pytest's tmp_path that whichever side starts first generates (the C++ receiver when it binds,
the vidgear receiver likewise), so stores made by netgear are used by pyzmq's CURVE and the
other way round. Then the refusals across the boundary: a foreign client key (IronHouse), a
wrong server key (StoneHouse), plain against secure. The C++ receiver prints
``{"rejected": n}`` (refused handshakes) before its summary in secure mode.

Run: NETGEAR_INTEROP_PEER=build/tests/interop/netgear_interop_peer \\
     /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/interop/test_cpp_secure.py
"""

import shutil
from pathlib import Path

import pytest
import zmq

from peer_util import (
    PEER_TIMEOUT, assert_clean_exit, assert_frames, cpp_peer_argv, cpp_peer_path,
    python_peer_argv, run_exchange,
)

pytestmark = [
    pytest.mark.skipif(not cpp_peer_path(), reason="NETGEAR_INTEROP_PEER is not set"),
    pytest.mark.skipif(not zmq.has("curve"), reason="this libzmq has no CURVE"),
]

FLAVOURS = ("0.1", "0.3")
PATTERNS = (0, 1, 2)
MODES = (1, 2)
DTYPE, SHAPE = "uint8", (32, 24, 3)
FAIL_TIMEOUT = 2.0


def frames_for(pattern):
    return 20 if pattern == 2 else 5


def cpp_options(mode, location):
    return {"secure_mode": mode, "custom_cert_location": str(location)}


def rejected(result):
    """The C++ receiver's count of refused handshakes."""
    return next(r["rejected"] for r in result.records if "rejected" in r)


def server_key_of(location):
    return str(Path(location) / ".vidgear" / "keys" / "public_keys" / "server.key")


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize("flavour", FLAVOURS)
def test_vidgear_sender_to_netgear_receiver(spawn, tmp_path, flavour, pattern, mode):
    frames = frames_for(pattern)
    recv, send = run_exchange(
        spawn,
        cpp_peer_argv("recv", pattern, bind="tcp://127.0.0.1", timeout=PEER_TIMEOUT,
                      options=cpp_options(mode, tmp_path)),
        lambda endpoint: python_peer_argv(
            "send", flavour, pattern, endpoint=endpoint, frames=frames, dtype=DTYPE, shape=SHAPE,
            secure_mode=mode, cert_location=tmp_path, timeout=PEER_TIMEOUT,
            pace_ms=5 if pattern == 2 else None, await_peer=pattern == 2))
    assert_clean_exit(recv, send)
    assert rejected(recv) == 0
    assert_frames(recv, pattern, frames, DTYPE, SHAPE, None)


def vidgear_receives(flavour, pattern):
    """vidgear >= 0.2 keeps set_hwm(1) on its SUB and pyzmq's authenticator sends a User-Id:
    on libzmq 4.3.4 that SUB never delivers a frame (docs/protocol.md 6.6)."""
    return not (flavour == "0.3" and pattern == 2)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize("flavour", FLAVOURS)
def test_netgear_sender_to_vidgear_receiver(spawn, tmp_path, flavour, pattern, mode):
    frames = frames_for(pattern)
    works = vidgear_receives(flavour, pattern)
    timeout = PEER_TIMEOUT if works else FAIL_TIMEOUT
    recv, send = run_exchange(
        spawn,
        python_peer_argv("recv", flavour, pattern, bind="tcp://127.0.0.1", timeout=timeout,
                         secure_mode=mode, cert_location=tmp_path),
        lambda endpoint: cpp_peer_argv(
            "send", pattern, endpoint=endpoint, frames=frames, dtype=DTYPE, shape=SHAPE,
            timeout=timeout, pace_ms=5 if pattern == 2 else None,
            options=cpp_options(mode, tmp_path)))
    if works:
        assert_clean_exit(recv, send)
        assert_frames(recv, pattern, frames, DTYPE, SHAPE, None)
    else:
        assert recv.frames == [] and recv.returncode == 3, recv.describe()


def test_netgear_ironhouse_refuses_a_vidgear_client_key_it_does_not_list(spawn, tmp_path):
    home, other = tmp_path / "home", tmp_path / "other"
    home.mkdir()
    other.mkdir()
    recv = spawn(cpp_peer_argv("recv", 1, bind="tcp://127.0.0.1", timeout=FAIL_TIMEOUT,
                               options=cpp_options(2, home)), "recv")
    port = recv.read_port()  # the C++ receiver has generated the home store by now
    send = spawn(python_peer_argv("send", "0.3", 1, endpoint=f"tcp://127.0.0.1:{port}", frames=3,
                                  dtype=DTYPE, shape=SHAPE, secure_mode=2, cert_location=other,
                                  server_key=server_key_of(home), timeout=FAIL_TIMEOUT), "send")
    send_result, recv_result = send.finish(), recv.finish()
    assert send_result.returncode == 3, send_result.describe()
    assert recv_result.frames == [] and recv_result.returncode == 3, recv_result.describe()
    assert rejected(recv_result) > 0, recv_result.describe()


def test_netgear_ironhouse_admits_a_vidgear_client_key_added_to_its_store(spawn, tmp_path):
    home, other = tmp_path / "home", tmp_path / "other"
    home.mkdir()
    other.mkdir()
    # The vidgear side makes its own store first; its client key is then listed in ours.
    python_store = spawn(python_peer_argv("recv", "0.3", 0, bind="tcp://127.0.0.1", timeout=0.5,
                                          secure_mode=1, cert_location=other), "keys")
    python_store.finish()
    probe = spawn(cpp_peer_argv("recv", 1, bind="tcp://127.0.0.1", timeout=0.5,
                                options=cpp_options(2, home)), "probe")
    probe.finish()  # generated the home store
    client_key = other / ".vidgear" / "keys" / "public_keys" / "client.key"
    shutil.copy(client_key, home / ".vidgear" / "keys" / "public_keys" / "camera.key")
    recv, send = run_exchange(
        spawn,
        cpp_peer_argv("recv", 1, bind="tcp://127.0.0.1", timeout=PEER_TIMEOUT, options=cpp_options(2, home)),
        lambda endpoint: python_peer_argv("send", "0.3", 1, endpoint=endpoint, frames=3, dtype=DTYPE,
                                          shape=SHAPE, secure_mode=2, cert_location=other,
                                          server_key=server_key_of(home), timeout=PEER_TIMEOUT))
    assert_clean_exit(recv, send)
    assert_frames(recv, 1, 3, DTYPE, SHAPE, None)


def test_vidgear_ironhouse_refuses_a_netgear_client_key_it_does_not_list(spawn, tmp_path):
    home, other = tmp_path / "home", tmp_path / "other"
    home.mkdir()
    other.mkdir()
    recv = spawn(python_peer_argv("recv", "0.3", 1, bind="tcp://127.0.0.1", timeout=FAIL_TIMEOUT,
                                  secure_mode=2, cert_location=home), "recv")
    port = recv.read_port()
    probe = spawn(cpp_peer_argv("recv", 1, bind="tcp://127.0.0.1", timeout=0.2,
                                options=cpp_options(1, other)), "probe")
    probe.finish()  # generated the other store
    shutil.copy(server_key_of(home), server_key_of(other))
    Path(other / ".vidgear" / "keys" / "private_keys" / "server.key_secret").unlink()
    send = spawn(cpp_peer_argv("send", 1, endpoint=f"tcp://127.0.0.1:{port}", frames=3, dtype=DTYPE,
                               shape=SHAPE, timeout=FAIL_TIMEOUT, options=cpp_options(2, other)), "send")
    send_result, recv_result = send.finish(), recv.finish()
    assert send_result.returncode != 0, send_result.describe()
    assert "refused this sender's CURVE key" in send_result.stderr, send_result.describe()
    assert recv_result.frames == [], recv_result.describe()


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_wrong_server_key_gets_nothing_into_netgear(spawn, tmp_path, flavour):
    home, other = tmp_path / "home", tmp_path / "other"
    home.mkdir()
    other.mkdir()
    recv = spawn(cpp_peer_argv("recv", 0, bind="tcp://127.0.0.1", timeout=FAIL_TIMEOUT,
                               options=cpp_options(1, home)), "recv")
    port = recv.read_port()
    send = spawn(python_peer_argv("send", flavour, 0, endpoint=f"tcp://127.0.0.1:{port}", frames=3,
                                  dtype=DTYPE, shape=SHAPE, secure_mode=1, cert_location=other,
                                  timeout=FAIL_TIMEOUT), "send")
    send_result, recv_result = send.finish(), recv.finish()
    assert send_result.returncode == 3, send_result.describe()
    assert recv_result.frames == [] and rejected(recv_result) > 0, recv_result.describe()


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_plain_vidgear_sender_gets_nothing_into_a_secure_netgear(spawn, tmp_path, flavour):
    recv = spawn(cpp_peer_argv("recv", 1, bind="tcp://127.0.0.1", timeout=FAIL_TIMEOUT,
                               options=cpp_options(1, tmp_path)), "recv")
    port = recv.read_port()
    send = spawn(python_peer_argv("send", flavour, 1, endpoint=f"tcp://127.0.0.1:{port}", frames=3,
                                  dtype=DTYPE, shape=SHAPE, timeout=FAIL_TIMEOUT), "send")
    send_result, recv_result = send.finish(), recv.finish()
    assert send_result.returncode == 3, send_result.describe()
    assert recv_result.frames == [] and rejected(recv_result) > 0, recv_result.describe()
