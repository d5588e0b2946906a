"""`netgear recv --http`: the browser page served by the receiver shows the
live stream and the stats, checked in headless Chromium."""
import json
import re
import urllib.request

import cv2
import numpy as np
import pytest

import browser
from conftest import receiver_port


@pytest.fixture
def streaming(netgear):
    """A receiver with the viewer on a free loopback port, fed by an endless test pattern."""
    receiver = netgear("recv", "--json", "-a", "127.0.0.1", "-p", "0", "--http", "127.0.0.1:0")
    listening = receiver.read_event("listening")
    sender = netgear("send", "test:640x360", "--json", "-a", "127.0.0.1", "-p", receiver_port(listening),
                     "--fps", "30")
    receiver.read_event("status", where=lambda s: s["frames"] > 0)
    yield listening["http"]
    sender.interrupt()
    sender.finish()
    receiver.finish()


def test_the_page_renders_the_stream_and_the_stats_in_chromium(streaming, tmp_path):
    shot = str(tmp_path / "page.png")
    with browser.Browser(width=1024, height=768) as b:
        b.open(streaming)
        # Waits for the real events (a decoded frame, a stats refresh), with deadlines; no fixed sleep.
        b.wait_for("document.getElementById('stream').naturalWidth > 0", timeout_ms=10000)
        b.wait_for("Number((document.querySelector('[data-stat=\"frames\"]') || {}).textContent) > 0",
                   timeout_ms=10000)
        b.screenshot(shot)
        x, y, w, h = b.element_rect("#stream")
        dom = b.dom()
    image = cv2.imread(shot)
    assert image is not None and image.shape[:2] == (768, 1024)
    # The stream's <img> shows a frame: its region is not blank (the test pattern is a colourful gradient).
    assert w >= 320 and h >= 180, (x, y, w, h)
    assert not browser.image_region_is_blank(shot, (x, y, w, h))
    frames = re.search(r'data-stat="frames"[^>]*>\s*([0-9]+)', dom)
    assert frames and int(frames.group(1)) > 0, dom[:2000]
    for stat in ("fps", "mbps", "mbit_s", "latency_p50_ms", "latency_p99_ms", "dropped", "queued"):
        assert f'data-stat="{stat}"' in dom, stat
    # People read labels, in reading order: frames, then frames/s, MB/s and Mbit/s, then latency.
    labels = re.findall(r'class="key">([^<]+)<', dom)
    assert labels[:5] == ["frames", "frames/s", "MB/s", "Mbit/s", "latency p50 (ms)"], labels


def test_stats_json_and_a_single_frame_are_served(streaming):
    with urllib.request.urlopen(streaming + "stats.json", timeout=5) as r:
        stats = json.load(r)
    assert stats["frames"] > 0 and stats["side"] == "receiver"
    with urllib.request.urlopen(streaming + "frame.jpg", timeout=5) as r:
        assert r.headers["Content-Type"] == "image/jpeg"
        jpeg = r.read()
    frame = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert frame.shape == (360, 640, 3)
