"""SSH tunnelling from Python, as vidgear 0.3 takes it (ssh_tunnel_mode, ssh_tunnel_keyfile,
ssh_tunnel_pwd) plus ssh_tunnel_known_hosts, against a real sshd on 127.0.0.1 that each test
starts with generated keys (tests/support/sshd.py)."""
import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

import netgear
from conftest import WAIT, frame, publish

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from sshd import Sshd, children_of  # noqa: E402  (needs the path above)


@pytest.fixture
def sshd(tmp_path):
    server = Sshd(tmp_path / "sshd")
    yield server
    server.stop()


def ssh_children():
    return children_of(os.getpid(), "ssh")


def tunnel_sender(sshd, port, pattern=0, **options):
    return netgear.NetGear(address="127.0.0.1", port=port, pattern=pattern,
                           **sshd.tunnel_options(), **options)


@pytest.mark.parametrize("pattern", [0, 1, 2])
def test_frames_go_through_the_tunnel(sshd, receiver, pattern):
    client, port = receiver(pattern=pattern)
    server = tunnel_sender(sshd, port, pattern)
    assert len(ssh_children()) == 1
    assert server.endpoints[0] != client.endpoints[0]  # the tunnel's local end
    if pattern == 2:
        assert server.wait_for_receiver(WAIT)
    for i in range(5):
        if pattern == 2:
            publish(server, frame(i))
        else:
            server.send(frame(i))
        array = client.recv()
        assert array is not None, sshd.log()
        assert np.array_equal(array, frame(i))
    server.close()
    assert ssh_children() == [], "an ssh process outlived close()"


def test_bidirectional_and_kill(sshd, receiver):
    client, port = receiver(pattern=1, bidirectional_mode=True)
    server = tunnel_sender(sshd, port, 1, bidirectional_mode=True)
    got = []
    thread = threading.Thread(target=lambda: got.append(client.recv(return_data={"ok": 1})))
    thread.start()  # waiting before the frame comes: the reply to it carries the data
    reply = server.send(frame(1), message="hi")
    thread.join(WAIT)
    message, array = got[0]
    assert message == "hi" and np.array_equal(array, frame(1))
    assert reply == {"ok": 1}
    server.close(kill=True)
    assert ssh_children() == []


def test_wrong_key_is_a_login_refusal(sshd, receiver):
    _, port = receiver()
    options = sshd.tunnel_options()
    options["ssh_tunnel_keyfile"] = sshd.path("stranger_key")
    with pytest.raises(netgear.SetupError, match="refused the login"):
        netgear.NetGear(address="127.0.0.1", port=port, **options)
    assert ssh_children() == []


def test_unknown_host_key_is_refused(sshd, receiver):
    _, port = receiver()
    options = sshd.tunnel_options()
    options["ssh_tunnel_known_hosts"] = sshd.path("empty_known_hosts")
    with pytest.raises(netgear.SetupError, match="host key is not in known_hosts"):
        netgear.NetGear(address="127.0.0.1", port=port, **options)


def test_wrong_password_is_refused(sshd, receiver):
    _, port = receiver()
    with pytest.raises(netgear.SetupError, match="refused the login") as error:
        netgear.NetGear(address="127.0.0.1", port=port, ssh_tunnel_mode=sshd.target,
                        ssh_tunnel_pwd="wrong-password-5e2",
                        ssh_tunnel_known_hosts=sshd.path("known_hosts"))
    assert "wrong-password-5e2" not in str(error.value)
    assert "Failed password" in sshd.log()  # it reached sshd, through the askpass helper


@pytest.mark.parametrize("options,key,text", [
    (dict(receive_mode=True), "ssh_tunnel_mode", "only applies to a sender"),
    (dict(pattern=1, multiclient_mode=True, port=[5555, 5556]), "ssh_tunnel_mode",
     "cannot be combined with multiclient_mode"),
    (dict(pattern=1, multiserver_mode=True), "ssh_tunnel_mode", "cannot be combined with multiserver_mode"),
    (dict(protocol="ipc", port="x"), "ssh_tunnel_mode", "needs protocol tcp"),
    (dict(ssh_tunnel_mode="-oProxyCommand=touch /tmp/pwned"), "ssh_tunnel_mode", "cannot start with '-'"),
    (dict(ssh_tunnel_mode="me@host:70000"), "ssh_tunnel_mode", "'70000' is not a TCP port"),
    (dict(ssh_tunnel_keyfile="/nonexistent/key"), "ssh_tunnel_keyfile",
     "'/nonexistent/key' is not an existing file"),
    (dict(ssh_tunnel_mode=None, ssh_tunnel_pwd="x"), "ssh_tunnel_pwd", "has no effect unless ssh_tunnel_mode"),
])
def test_option_errors(options, key, text):
    given = dict(ssh_tunnel_mode="me@127.0.0.1:22", port=5555)
    given.update(options)
    given = {k: v for k, v in given.items() if v is not None}
    with pytest.raises(netgear.OptionError) as error:
        netgear.NetGear(address="127.0.0.1", **given)
    assert isinstance(error.value, ValueError)
    assert f"'{key}'" in str(error.value) and text in str(error.value), str(error.value)
    assert ssh_children() == []


CLI = os.environ.get("NETGEAR_CLI")


@pytest.mark.skipif(not CLI, reason="NETGEAR_CLI is not set")
def test_the_tool_sends_through_the_tunnel(sshd, receiver):
    client, port = receiver()
    options = []
    for key, value in sshd.tunnel_options().items():
        options += ["-o", f"{key}={value}"]
    done = subprocess.run([CLI, "send", "test:64x48", "-n", "3", "-a", "127.0.0.1", "-p", str(port),
                           *options], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    frames = []
    while (array := client.recv()) is not None:
        frames.append(array)
    assert len(frames) == 3 and frames[0].shape == (48, 64, 3)
    assert ssh_children() == []


@pytest.mark.skipif(not CLI, reason="NETGEAR_CLI is not set")
def test_the_tool_refuses_a_target_that_would_be_an_ssh_option():
    done = subprocess.run([CLI, "send", "test", "-n", "1", "-o", "ssh_tunnel_mode=-oProxyCommand=sh"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert "ssh_tunnel_mode" in done.stderr and "cannot start with '-'" in done.stderr, done.stderr
