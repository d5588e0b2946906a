"""`netgear recv` whose publisher vanished (SIGKILL: no termination, and PUB/SUB has no silence
limit) ends by itself once sender_gone_timeout has passed, says why, and exits 1."""
import time

from conftest import receiver_port, summaries


def test_recv_ends_when_its_publisher_is_killed(netgear):
    receiver = netgear("recv", "--json", "-a", "127.0.0.1", "-p", "0", "--pattern", "2",
                       "-o", "sender_gone_timeout=1")
    port = receiver_port(receiver.read_event("listening"))
    sender = netgear("send", "test:160x120", "--json", "-a", "127.0.0.1", "-p", port, "--pattern", "2",
                     "--wait", "10", "--fps", "50")
    receiver.read_event("status", where=lambda status: status["frames"] > 0)
    sender.kill()
    killed = time.monotonic()
    code, _, err = receiver.finish(timeout=30)
    assert code == 1, err
    assert "disconnected without ending the stream" in err, err
    assert summaries(receiver.lines)[-1]["end"].startswith("the sender(s) disconnected"), receiver.lines[-1]
    assert time.monotonic() - killed < 1 + 15, "sender_gone_timeout is 1 s; the bound only catches a hang"
