"""`netgear relay` as people run it: a relay process between `netgear send` and viewers that dial
in (`netgear recv --pattern 2 --dial`), through kill -9 and restarts of a viewer and of the relay,
and the end of a stream through two tiers."""
import json

from conftest import summaries

RELAY_FLAGS = ("-a", "127.0.0.1", "--viewer-address", "127.0.0.1", "--json", "--interval", "0.2")


def port_of(endpoint):
    return endpoint.rsplit(":", 1)[1]


def start_relay(netgear, *args):
    relay = netgear("relay", *RELAY_FLAGS, *args)
    start = relay.read_event("relaying")
    return relay, port_of(start["input"][0]), port_of(start["viewers"])


def viewers_served(relay, count, timeout=20):
    return relay.read_event("stats", timeout=timeout, where=lambda s: len(s["viewers"]) == count)


def start_viewer(netgear, port):
    viewer = netgear("recv", "--pattern", "2", "--dial", "-a", "127.0.0.1", "-p", port, "--json")
    viewer.read_event("listening")
    return viewer


def frames_beyond(viewer, count, timeout=20):
    """Waits for a status line of `viewer` with more than `count` frames; returns its count."""
    return viewer.read_event("status", timeout=timeout, where=lambda s: s["frames"] > count)["frames"]


def test_viewers_get_the_stream_and_its_end(netgear):
    relay, input_port, viewer_port = start_relay(netgear, "-p", "0", "--viewer-port", "0", "--pattern", "1")
    viewers = [start_viewer(netgear, viewer_port) for _ in range(3)]
    viewers_served(relay, 3)
    sender = netgear("send", "test:320x240", "--jpeg", "--pattern", "1", "-a", "127.0.0.1", "-p", input_port,
                     "--frames", "30", "--fps", "60", "--json")
    code, _, err = sender.finish(timeout=60)
    assert code == 0, err
    for viewer in viewers:
        code, _, err = viewer.finish(timeout=30)
        assert code == 0, err
        [summary] = summaries(viewer.lines)
        assert summary["end"] == "the sender ended the stream", summary
        assert summary["frames"] == 30, summary  # viewers that keep up miss nothing
    stats = relay.read_event("stats", where=lambda s: s["streams_ended"] == 1)
    assert stats["bad"] == 0


def test_a_viewer_killed_and_restarted_rejoins_and_the_others_go_on(netgear):
    relay, input_port, viewer_port = start_relay(netgear, "-p", "0", "--viewer-port", "0", "--pattern", "2")
    stays = start_viewer(netgear, viewer_port)
    killed = start_viewer(netgear, viewer_port)
    viewers_served(relay, 2)
    netgear("send", "test:160x120", "--pattern", "2", "-a", "127.0.0.1", "-p", input_port, "--fps", "30", "--json")
    frames_beyond(killed, 5)
    killed.kill()  # SIGKILL: no goodbye
    viewers_served(relay, 1)
    before = frames_beyond(stays, 0)
    assert frames_beyond(stays, before + 10) > before + 10
    back = start_viewer(netgear, viewer_port)
    viewers_served(relay, 2)
    frames_beyond(back, 5)
    stats = relay.read_event("stats")
    assert stats["viewers_joined"] == 3, stats


def test_a_relay_killed_and_restarted_is_rejoined_by_its_sender_and_viewers(netgear):
    relay, input_port, viewer_port = start_relay(netgear, "-p", "0", "--viewer-port", "0", "--pattern", "2")
    viewer = start_viewer(netgear, viewer_port)
    viewers_served(relay, 1)
    netgear("send", "test:160x120", "--pattern", "2", "-a", "127.0.0.1", "-p", input_port, "--fps", "30", "--json")
    frames_beyond(viewer, 5)
    relay.kill()
    again, _, _ = start_relay(netgear, "-p", input_port, "--viewer-port", viewer_port, "--pattern", "2")
    viewers_served(again, 1)
    seen = frames_beyond(viewer, 0)
    assert frames_beyond(viewer, seen + 10) > seen + 10  # frames through the new relay
    stats = again.read_event("stats", where=lambda s: s["streams"] and s["streams"][0]["frames"] > 0)
    assert stats["viewers"][0]["frames"] > 0


def test_the_end_of_a_stream_travels_through_two_tiers(netgear):
    tier1, input_port, face1 = start_relay(netgear, "-p", "0", "--viewer-port", "0", "--pattern", "1")
    tier2, _, face2 = start_relay(netgear, "--pattern", "2", "--dial", "-p", face1, "--viewer-port", "0")
    viewers_served(tier1, 1)
    viewer = start_viewer(netgear, face2)
    viewers_served(tier2, 1)
    sender = netgear("send", "test:160x120", "--pattern", "1", "-a", "127.0.0.1", "-p", input_port,
                     "--frames", "20", "--fps", "60", "--json")
    code, _, err = sender.finish(timeout=60)
    assert code == 0, err
    code, _, err = viewer.finish(timeout=30)
    assert code == 0, err
    [summary] = summaries(viewer.lines)
    assert summary["end"] == "the sender ended the stream", summary
    assert summary["frames"] == 20, summary
    for relay in (tier1, tier2):
        relay.read_event("stats", where=lambda s: s["streams_ended"] == 1)
    tier2.interrupt()
    code, lines, err = tier2.finish()
    assert code == 0, err
    assert json.loads(lines[-1])["event"] == "summary"


def test_bad_relay_flags_are_named(netgear):
    from conftest import run
    code, _, err = run("relay", "--viewer-backlog", "0")
    assert code == 2 and "viewer-backlog" in err, err
    code, _, err = run("relay", "--push", "nowhere")
    assert code == 2 and "push" in err and "PROTOCOL://ADDRESS:PORT" in err, err


def test_the_browser_page_runs_on_a_relay(netgear):
    import time
    import urllib.error
    import urllib.request
    relay = netgear("relay", *RELAY_FLAGS, "-p", "0", "--viewer-port", "0", "--pattern", "2", "--http", "0")
    start = relay.read_event("relaying")
    url = start["http"]
    viewers_served(relay, 1)  # the page's own viewer
    netgear("send", "test:160x120", "--pattern", "2", "-a", "127.0.0.1", "-p", port_of(start["input"][0]),
            "--fps", "30", "--json")
    deadline = time.monotonic() + 20
    while True:  # the first frame reaches the page
        try:
            with urllib.request.urlopen(url + "frame.jpg", timeout=5) as r:
                body = r.read()
                assert r.headers["Content-Type"] == "image/jpeg" and body[:2] == b"\xff\xd8"
                break
        except urllib.error.HTTPError:
            assert time.monotonic() < deadline, "the relay's page never had a frame"
            time.sleep(0.1)
    with urllib.request.urlopen(url + "stats.json", timeout=5) as r:
        stats = json.loads(r.read())
    assert stats["event"] == "stats" and stats["viewers"], stats
