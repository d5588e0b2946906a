"""`netgear recv --keep-listening`: a receiver service that outlives its senders. When one
sender ends its stream, the receiver listens again on the same port for the next, with a
summary per stream, until Ctrl+C (or --frames)."""
from conftest import receiver_port, summaries


def send(netgear, port, frames):
    sender = netgear("send", "test:64x48", "--json", "-a", "127.0.0.1", "-p", port, "--frames", str(frames),
                     "--fps", "0")
    code, _, err = sender.finish(timeout=60)
    assert code == 0, err


def test_two_senders_one_after_the_other_into_one_receiver(netgear):
    receiver = netgear("recv", "--json", "-a", "127.0.0.1", "-p", "0", "--keep-listening")
    first = receiver.read_event("listening")
    port = receiver_port(first)
    assert first["stream"] == 1
    send(netgear, port, 5)
    second = receiver.read_event("listening", timeout=30)
    assert second["stream"] == 2 and second["endpoints"] == first["endpoints"], "the same port, again"
    send(netgear, port, 7)
    receiver.read_event("listening", timeout=30, where=lambda e: e["stream"] == 3)
    receiver.interrupt()
    code, _, err = receiver.finish()
    assert code == 0, err
    done = summaries(receiver.lines)
    assert [(s["stream"], s["frames"], s["end"]) for s in done] == [
        (1, 5, "the sender ended the stream"),
        (2, 7, "the sender ended the stream"),
        (3, 0, "interrupted (Ctrl+C)"),
    ]


def test_frames_counts_across_streams(netgear):
    receiver = netgear("recv", "--json", "-a", "127.0.0.1", "-p", "0", "--keep-listening", "--frames", "8")
    port = receiver_port(receiver.read_event("listening"))
    send(netgear, port, 5)
    receiver.read_event("listening", timeout=30, where=lambda e: e["stream"] == 2)
    sender = netgear("send", "test:64x48", "--json", "-a", "127.0.0.1", "-p", port, "--fps", "100")
    code, _, err = receiver.finish(timeout=60)
    assert code == 0, err
    assert summaries(receiver.lines)[-1]["end"] == "--frames reached"
    sender.interrupt()
    sender.finish(timeout=30)
