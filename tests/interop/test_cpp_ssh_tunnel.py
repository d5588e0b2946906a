"""SSH tunnelling (vidgear 0.3's ssh_tunnel_mode) between netgear and vidgear's wire format, through
a real sshd on 127.0.0.1 that each test starts with generated keys (tests/support/sshd.py):

- the C++ netgear sender, tunnelled, feeds the vidgear_peer.py receiver of both flavours (the
  tunnel is the sender's business: any receiver works);
- the vidgear 0.3 sender, tunnelled as vidgear does it (zmq.ssh.tunnel_connection, through
  pexpect and the system's ssh), feeds the C++ netgear receiver.
"""

import os
import sys
from pathlib import Path

import pytest

from peer_util import (
    DATA_REPLY_RE, PEER_TIMEOUT, TERM_REPLY, assert_clean_exit, assert_frames, assert_replies,
    cpp_peer_argv, cpp_peer_path, endpoint_for, pattern2_pace_ms, python_peer_argv,
    ANY_DATA_REPLY_RE,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from sshd import Sshd  # noqa: E402  (needs the path above)

pytestmark = pytest.mark.skipif(not cpp_peer_path(), reason="NETGEAR_INTEROP_PEER is not set")

DTYPE, SHAPE, MESSAGE = "uint8", (48, 64, 3), {"through": "ssh"}


@pytest.fixture
def sshd(tmp_path):
    server = Sshd(tmp_path / "sshd")
    yield server
    server.stop()


def frames_for(pattern):
    return 20 if pattern == 2 else 5


def peer_options(pattern):
    return dict(frames=frames_for(pattern), dtype=DTYPE, shape=SHAPE, message=MESSAGE,
                pace_ms=pattern2_pace_ms(DTYPE, SHAPE) if pattern == 2 else None,
                timeout=PEER_TIMEOUT)


@pytest.mark.parametrize("pattern", (0, 1, 2))
@pytest.mark.parametrize("flavour", ("0.1", "0.3"))
def test_tunnelled_cpp_sender_to_vidgear_recv(spawn, sshd, flavour, pattern):
    sent = frames_for(pattern)
    recv = spawn(python_peer_argv("recv", flavour, pattern, timeout=PEER_TIMEOUT, dtype=DTYPE,
                                  shape=SHAPE, expect=sent if pattern in (0, 1) else 1),
                 "vidgear-recv")
    port = recv.read_port()
    # The receiver's address and port, as the SSH server sees them; the sender itself only
    # reaches the SSH server.
    send = spawn(cpp_peer_argv("send", pattern, endpoint=endpoint_for(port),
                               options=sshd.tunnel_options(), **peer_options(pattern)),
                 "cpp-send-tunnelled")
    send_result, recv_result = send.finish(), recv.finish()
    assert_clean_exit(recv_result, send_result)
    assert_frames(recv_result, pattern, sent, DTYPE, SHAPE, MESSAGE)
    assert_replies(send_result, pattern, sent, DATA_REPLY_RE[flavour], {TERM_REPLY[flavour]})
    assert "Accepted publickey" in sshd.log()  # it did go through sshd


@pytest.mark.parametrize("pattern", (0, 1))
def test_vidgear_sender_tunnelled_as_vidgear_does_to_cpp_recv(spawn, sshd, pattern):
    pytest.importorskip("pexpect", reason="pyzmq's ssh tunnel needs python3-pexpect")
    sent = frames_for(pattern)
    recv = spawn(cpp_peer_argv("recv", pattern, bind="tcp://127.0.0.1", timeout=PEER_TIMEOUT,
                               expect=sent), "cpp-recv")
    port = recv.read_port()
    env = dict(os.environ, PATH=sshd.ssh_wrapper_dir() + os.pathsep + os.environ.get("PATH", ""))
    send = spawn(python_peer_argv("send", "0.3", pattern, endpoint=endpoint_for(port),
                                  ssh_tunnel=sshd.target, ssh_keyfile=sshd.path("user_key"),
                                  **peer_options(pattern)),
                 "vidgear-send-tunnelled", env)
    send_result, recv_result = send.finish(), recv.finish()
    assert_clean_exit(recv_result, send_result)
    assert_frames(recv_result, pattern, sent, DTYPE, SHAPE, MESSAGE)
    assert_replies(send_result, pattern, sent, ANY_DATA_REPLY_RE, set(TERM_REPLY.values()))
    assert "Accepted publickey" in sshd.log()
