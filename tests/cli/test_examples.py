"""examples/: vidgear's NetGear examples in C++ run in pairs, headless, and end
by themselves when the server's source ends."""
import os
import socket
import subprocess

import pytest

from conftest import write_clip

EXAMPLES = os.environ.get("NETGEAR_EXAMPLES", "")


def free_port():
    """A port the OS just handed out on loopback (the example client binds it next)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return str(s.getsockname()[1])


@pytest.fixture
def clip(tmp_path):
    """A 30-frame video, so the example servers end by themselves."""
    return write_clip(tmp_path / "clip.avi", 30, 30, (160, 120), 8)


def run_pair(client_args, server_args):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    client = subprocess.Popen([os.path.join(EXAMPLES, client_args[0]), *client_args[1:]], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        server = subprocess.run([os.path.join(EXAMPLES, server_args[0]), *server_args[1:]], env=env,
                                capture_output=True, text=True, timeout=60)
        client_out, _ = client.communicate(timeout=30)
    finally:
        client.kill()
    assert server.returncode == 0, server.stdout + server.stderr
    assert client.returncode == 0, client_out
    return server.stdout, client_out


def test_advanced_pair_with_address_port_protocol_pattern_and_options(clip):
    port = free_port()
    server, client = run_pair(["netgear_example_client_advanced", "127.0.0.1", port, "tcp", "1"],
                              ["netgear_example_server_advanced", clip, "127.0.0.1", port, "tcp", "1"])
    assert "sent 30 frames" in server
    assert "client: 30 frames, stream ended" in client


def test_advanced_pair_over_ipc_with_pair_pattern(clip, tmp_path):
    path = str(tmp_path / "ng")
    server, client = run_pair(["netgear_example_client_advanced", path, "1", "ipc", "0"],
                              ["netgear_example_server_advanced", clip, path, "1", "ipc", "0"])
    assert "client: 30 frames, stream ended" in client


def test_bidirectional_pair_exchanges_messages(clip):
    port = free_port()
    server, client = run_pair(["netgear_example_bidirectional_client", "127.0.0.1", port],
                              ["netgear_example_bidirectional_server", clip, "127.0.0.1", port])
    assert "server got:" in server and "Hi, I am a Client here." in server
    assert "server says" in client and "stream ended" in client



def test_bare_minimum_pair_runs_headless_without_a_video_on_a_port_of_its_own(tmp_path):
    """The first-run case: no test.mp4 (the server streams 150 frames of the test pattern), no
    display (the client counts), and a port given on the command line instead of 5555."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    client = subprocess.Popen([os.path.join(EXAMPLES, "netgear_example_client"), port], env=env, cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        server = subprocess.run([os.path.join(EXAMPLES, "netgear_example_server"), "", port], env=env,
                                cwd=tmp_path, capture_output=True, text=True, timeout=60)
        client_out, _ = client.communicate(timeout=30)
    finally:
        client.kill()
    assert server.returncode == 0, server.stderr
    assert "no test.mp4 here" in server.stderr
    assert client.returncode == 0, client_out
    assert "client: 150 frames, stream ended" in client_out
