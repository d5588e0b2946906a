"""Video coding (`send --codec h264`) through the real `netgear` binary: a
stream end to end with its bitrate and encoder in the summaries, and what an
operator sees when the receiver is vidgear (the wire-exact stand-in), which
can only decode still images."""
import json
import os
import subprocess
import sys
import urllib.request

import cv2
import numpy as np
import pytest

from conftest import receiver_port, run, summaries

PEER = os.path.join(os.path.dirname(__file__), "..", "interop", "vidgear_peer.py")
RECV = ["recv", "--json", "-a", "127.0.0.1", "-p", "0"]


@pytest.mark.parametrize("pattern", ["0", "1", "2"])
def test_h264_streams_end_to_end_with_its_bitrate(netgear, pattern):
    wait = ["--wait", "10"] if pattern == "2" else []
    receiver = netgear(*RECV, "--pattern", pattern, "-o", "queue_size=64")
    port = receiver_port(receiver.read_event("listening"))
    sender = netgear("send", "test:320x240", "--json", "-a", "127.0.0.1", "-p", port, "--pattern", pattern,
                     "--codec", "h264", "--bitrate", "1M", "--frames", "45", "--fps", "30", *wait)
    s_code, _, s_err = sender.finish(60)
    r_code, _, r_err = receiver.finish(60)
    assert s_code == 0, s_err
    assert r_code == 0, r_err
    sent, got = summaries(sender.lines)[-1], summaries(receiver.lines)[-1]
    assert sent["video_encoder"] == "libx264" and sent["keyframes"] >= 1
    assert got["frames"] == 45 if pattern != "2" else 0 < got["frames"] <= 45
    assert got["bad"] == 0 and got.get("skipped", 0) == 0
    # A 1 Mbit/s target: far below raw (18 Mbit/s here) and JPEG; the first frame is a still on patterns 0/1.
    assert got["mbit_s"] < 5, got
    assert sent["bytes"] < 45 * 320 * 240 * 3 / 20


def test_a_vidgear_receiver_is_told_apart_and_the_sender_says_why(netgear):
    peer = netgear(PEER, "recv", "--flavour", "0.3", "--pattern", "0", "--bind", "tcp://127.0.0.1",
                   "--timeout", "10", program=sys.executable)
    line = peer.read_line(15)
    assert line is not None, peer.finish()[2]
    port = json.loads(line)["port"]
    sender = netgear("send", "test:64x48", "--json", "-a", "127.0.0.1", "-p", str(port), "--codec", "h264",
                     "--frames", "12", "--fps", "0")
    code, _, err = sender.finish(30)
    assert code == 1, err
    assert "does not decode h264" in err and "vidgear" in err, err
    # The vidgear side saw one still image it could show, then the end: nothing garbled.
    code, rest, perr = peer.finish(40)
    records = [json.loads(l) for l in rest if l.strip()]
    assert code == 0, perr
    assert records[-1]["frames"] == 1 and records[-1]["terminated"] is True, records


@pytest.mark.parametrize("flavour", ["0.1", "0.3"])
def test_a_vidgear_subscriber_fails_to_decode_and_the_publisher_counts_it(netgear, flavour):
    peer = netgear(PEER, "recv", "--flavour", flavour, "--pattern", "2", "--bind", "tcp://127.0.0.1",
                   "--timeout", "10", program=sys.executable)
    line = peer.read_line(15)
    assert line is not None, peer.finish()[2]
    port = json.loads(line)["port"]
    sender = netgear("send", "test:64x48", "--json", "-a", "127.0.0.1", "-p", str(port), "--pattern", "2",
                     "--codec", "h264", "--seconds", "2", "--wait", "10")
    code, _, err = sender.finish(30)
    assert code == 0, err
    assert summaries(sender.lines)[-1]["incapable_receivers"] == 1
    # vidgear cannot decode a video packet: its receiver thread fails (exit 4: protocol
    # violation), it never delivers a garbled frame.
    code, _, perr = peer.finish(40)
    assert code == 4, perr


@pytest.mark.parametrize("args, names", [
    (["send", "test", "--codec", "h265x"], "video_codec"),
    (["send", "test", "--codec", "h264", "--bitrate", "fast"], "video_bitrate"),
    (["send", "test", "--codec", "h264", "--jpeg"], "jpeg_compression"),
    (["send", "test", "--bitrate", "2M"], "video_bitrate"),
])
def test_bad_video_options_are_one_line_and_exit_2(args, names):
    code, out, err = run(*args, timeout=30)
    assert code == 2, (code, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and names in lines[0], err


def test_the_viewer_shows_an_h264_stream_and_its_bitrate(netgear):
    receiver = netgear("recv", "--json", "-a", "127.0.0.1", "-p", "0", "--http", "127.0.0.1:0")
    listening = receiver.read_event("listening")
    sender = netgear("send", "test:640x360", "--json", "-a", "127.0.0.1", "-p", receiver_port(listening),
                     "--fps", "30", "--codec", "h264", "--bitrate", "1M")
    receiver.read_event("status", where=lambda s: s["frames"] > 0)
    page = listening["http"]
    with urllib.request.urlopen(page + "frame.jpg", timeout=5) as r:
        frame = cv2.imdecode(np.frombuffer(r.read(), np.uint8), cv2.IMREAD_COLOR)
    assert frame.shape == (360, 640, 3)
    with urllib.request.urlopen(page + "stats.json", timeout=5) as r:
        stats = json.load(r)
    assert stats["frames"] > 0 and 0 < stats["mbit_s"] < 5, stats
    sender.interrupt()
    assert sender.finish()[0] == 0
    receiver.finish()
