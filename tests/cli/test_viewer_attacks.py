"""`netgear recv --http` under attack: request bodies it never reads, slow
clients (slow loris) that must neither starve /frame.jpg nor hold the process
open, and DNS rebinding (a foreign Host header)."""
import http.client
import socket
import threading
import time
import urllib.parse
import urllib.request

import pytest

from conftest import receiver_port

# Generous bounds: each is what a broken server misses by far (forever, or a
# read timeout of 5 s per trickled byte), not a speed figure.
ANSWER_TIMEOUT = 10
EXIT_BOUND = 5


def http_port(listening):
    return urllib.parse.urlsplit(listening["http"]).port


def start_streaming(netgear, *recv_args):
    """A receiver with the viewer on a free loopback port and a test-pattern sender; waits for a frame."""
    receiver = netgear("recv", "--json", "-a", "127.0.0.1", "-p", "0", "--http", "127.0.0.1:0", *recv_args)
    listening = receiver.read_event("listening")
    sender = netgear("send", "test:160x120", "--json", "-a", "127.0.0.1", "-p", receiver_port(listening),
                     "--fps", "30")
    receiver.read_event("status", where=lambda s: s["frames"] > 0)
    return receiver, sender, http_port(listening)


def get(port, path, host=None, timeout=ANSWER_TIMEOUT):
    """(status, headers, body) of GET path with this Host header (default 127.0.0.1:port)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.putrequest("GET", path, skip_host=True)
        conn.putheader("Host", host if host is not None else f"127.0.0.1:{port}")
        conn.endheaders()
        r = conn.getresponse()
        return r.status, r.headers, r.read()
    finally:
        conn.close()


def wait_for_frame(port):
    deadline = time.monotonic() + ANSWER_TIMEOUT
    while time.monotonic() < deadline:
        status, _, _ = get(port, "/frame.jpg")
        if status == 200:
            return
        time.sleep(0.05)
    raise AssertionError("/frame.jpg never had a frame")


class SlowLoris:
    """Clients that send a request line, then one header byte every `interval` s, never finishing."""

    def __init__(self, port, count, interval=0.3):
        self.socks = []
        for _ in range(count):
            s = socket.create_connection(("127.0.0.1", port), timeout=ANSWER_TIMEOUT)
            s.sendall(b"GET /frame.jpg HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            self.socks.append(s)
        self.closed_by_server = set()
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._trickle, args=(interval,), daemon=True)
        self.thread.start()

    def _trickle(self, interval):
        while not self.stop_event.wait(interval):
            for i, s in enumerate(self.socks):
                if i in self.closed_by_server:
                    continue
                try:
                    s.sendall(b"X")
                except OSError:
                    self.closed_by_server.add(i)

    def close(self):
        self.stop_event.set()
        self.thread.join()
        for s in self.socks:
            s.close()


def test_a_post_with_a_huge_body_is_refused_at_once_without_reading_it(netgear):
    receiver, sender, port = start_streaming(netgear)
    s = socket.create_connection(("127.0.0.1", port), timeout=ANSWER_TIMEOUT)
    s.sendall(f"POST /frame.jpg HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 104857600\r\n\r\n".encode())
    s.sendall(b"x" * 4096)  # the start of the body; the rest never comes
    reply = b""
    while b"\r\n\r\n" not in reply:
        chunk = s.recv(4096)
        if not chunk:
            break
        reply += chunk
    s.close()
    head = reply.split(b"\r\n\r\n")[0].decode()
    assert head.startswith("HTTP/1.1 405"), head
    assert "Allow: GET, HEAD" in head, head
    # Another method with no body is refused the same way; GET still works.
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=ANSWER_TIMEOUT)
    conn.request("DELETE", "/")
    r = conn.getresponse()
    assert r.status == 405 and r.headers["Allow"] == "GET, HEAD"
    conn.close()
    assert get(port, "/stats.json")[0] == 200
    sender.interrupt()
    sender.finish()
    receiver.finish()


def test_twenty_slow_clients_neither_starve_frame_jpg_nor_stay_connected(netgear):
    receiver, sender, port = start_streaming(netgear)
    wait_for_frame(port)
    loris = SlowLoris(port, 20)
    try:
        for _ in range(3):
            status, headers, body = get(port, "/frame.jpg")
            assert status == 200 and headers["Content-Type"] == "image/jpeg" and body[:2] == b"\xff\xd8"
        # The server hangs up on clients that never finish their headers, though they keep sending.
        deadline = time.monotonic() + ANSWER_TIMEOUT
        while len(loris.closed_by_server) < len(loris.socks) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(loris.closed_by_server) == len(loris.socks), f"{len(loris.closed_by_server)} of 20 cut off"
    finally:
        loris.close()
    sender.interrupt()
    sender.finish()
    receiver.finish()


def open_stream_client(port):
    """A browser watching /stream.mjpg that reads its first part, then stops reading."""
    s = socket.create_connection(("127.0.0.1", port), timeout=ANSWER_TIMEOUT)
    s.sendall(f"GET /stream.mjpg HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    got = b""
    while b"image/jpeg" not in got:
        chunk = s.recv(65536)
        assert chunk, "the stream closed"
        got += chunk
    return s


@pytest.mark.parametrize("ending", ["the sender ends the stream", "Ctrl+C"])
def test_recv_exits_promptly_whatever_the_viewers_do(netgear, ending):
    receiver, sender, port = start_streaming(netgear)
    wait_for_frame(port)
    watcher = open_stream_client(port)
    loris = SlowLoris(port, 5)
    try:
        if ending == "Ctrl+C":
            receiver.interrupt()
            start = time.monotonic()
        else:
            sender.interrupt()
            sender.finish()
            start = time.monotonic()
        code, _, err = receiver.finish(timeout=30)
        took = time.monotonic() - start
        assert code == 0, err
        assert took < EXIT_BOUND, f"recv took {took:.1f} s to exit with viewers connected"
    finally:
        loris.close()
        watcher.close()
        sender.kill()


def test_a_foreign_host_header_is_refused(netgear):
    receiver, sender, port = start_streaming(netgear)
    for host in ("evil.example", f"evil.example:{port}", "localhost.evil.example", "127.0.0.1.nip.io"):
        status, _, body = get(port, "/frame.jpg", host=host)
        assert status == 421, (host, status)
        assert b"--http-allow-host" in body
    for host in ("localhost", f"localhost:{port}", "127.0.0.1", f"127.0.0.1:{port}", f"[::1]:{port}",
                 "LOCALHOST"):
        assert get(port, "/stats.json", host=host)[0] == 200, host
    sender.interrupt()
    sender.finish()
    receiver.finish()


def test_allowed_host_names_are_opt_in(netgear):
    receiver, sender, port = start_streaming(netgear, "--http-allow-host", "camera.lan",
                                             "--http-allow-host", "Box")
    for host in ("camera.lan", f"camera.lan:{port}", f"box:{port}"):
        assert get(port, "/stats.json", host=host)[0] == 200, host
    assert get(port, "/stats.json", host="evil.example")[0] == 421
    sender.interrupt()
    sender.finish()
    receiver.finish()

    receiver, sender, port = start_streaming(netgear, "--http-any-host")
    assert get(port, "/stats.json", host="anything.example")[0] == 200
    sender.interrupt()
    sender.finish()
    receiver.finish()
