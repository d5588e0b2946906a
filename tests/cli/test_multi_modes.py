"""Multi-server and multi-client modes end to end through `netgear send` / `netgear recv`:
two senders into one receiver that binds both ports, and one sender to two receivers, each
receiver on a port of its own (free ports, read back from the "listening" event)."""
import pytest

from conftest import summaries

MS = ["-o", "multiserver_mode=true"]
MC = ["-o", "multiclient_mode=true"]


def ports_of(listening):
    return [endpoint.rsplit(":", 1)[1] for endpoint in listening["endpoints"]]


def finished(proc):
    code, _, err = proc.finish(timeout=60)
    assert code == 0, err
    return summaries(proc.lines)[-1]


@pytest.mark.parametrize("pattern", ["1", "2"])
def test_two_senders_into_one_multiserver_receiver(netgear, pattern):
    receiver = netgear("recv", "--json", "-a", "127.0.0.1", "-p", "0,0", "--pattern", pattern, *MS)
    ports = ports_of(receiver.read_event("listening"))
    assert len(ports) == 2 and ports[0] != ports[1]
    wait = ["--wait", "10"] if pattern == "2" else []
    senders = [netgear("send", "test:160x120", "--json", "-a", "127.0.0.1", "-p", port, "--pattern", pattern,
                       "--frames", "30", "--fps", "100", *wait, *MS) for port in ports]
    sent = [finished(s) for s in senders]
    got = finished(receiver)
    assert all(s["frames"] == 30 for s in sent)
    assert got["end"] == "the sender ended the stream"
    if pattern == "1":
        assert got["frames"] == 60  # REQ/REP loses nothing
    else:
        assert 0 < got["frames"] <= 60


@pytest.mark.parametrize("pattern", ["1", "2"])
def test_one_multiclient_sender_to_two_receivers(netgear, pattern):
    receivers = [netgear("recv", "--json", "-a", "127.0.0.1", "-p", "0", "--pattern", pattern, *MC)
                 for _ in range(2)]
    ports = [ports_of(r.read_event("listening"))[0] for r in receivers]
    wait = ["--wait", "10"] if pattern == "2" else []
    sender = netgear("send", "test:160x120", "--json", "-a", "127.0.0.1", "-p", ",".join(ports),
                     "--pattern", pattern, "--frames", "40", "--fps", "100", *wait, *MC)
    sent = finished(sender)
    assert sent["frames"] == 40
    if pattern == "2":  # a PUB/SUB multi-client sender knows no receiver to terminate (as vidgear)
        for r in receivers:
            r.interrupt()
    got = [finished(r) for r in receivers]
    if pattern == "1":
        assert sum(g["frames"] for g in got) == 40 and all(g["frames"] > 0 for g in got)  # round robin
    else:
        assert all(0 < g["frames"] <= 40 for g in got)  # each subscriber gets the frames


def test_several_ports_on_the_wrong_side_are_a_command_line_error(netgear):
    receiver = netgear("recv", "-a", "127.0.0.1", "-p", "0,0", *MC)
    code, _, err = receiver.finish()
    assert code == 2 and "multiserver_mode" in err
