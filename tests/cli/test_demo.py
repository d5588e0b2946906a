"""`netgear demo`: with no arguments it writes a test video, streams it over
loopback, prints what happened and ends by itself."""
import json

import pytest

from conftest import run, write_clip


def test_demo_with_no_arguments_streams_a_generated_video_and_ends():
    code, out, err = run("demo", timeout=60)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("netgear demo: streaming ") and "640x480, 30 fps" in lines[0]
    assert any(l.startswith("[") and "receiver" in l and "fps" in l for l in lines), out
    assert any(l.startswith("sender: 150 frames") for l in lines), out
    assert any(l.startswith("receiver: 150 frames") for l in lines), out
    assert lines[-1] == ("netgear demo: done: all 150 frames arrived, in order; "
                         "the receiver saw the end of the stream"), out


@pytest.mark.parametrize("extra", [["--pattern", "1", "--fast"], ["--pattern", "2"], ["--jpeg", "--fast"]])
def test_demo_json_reports_a_complete_stream(extra):
    code, out, err = run("demo", "--json", *extra, timeout=60)
    assert code == 0, err
    events = [json.loads(l) for l in out.splitlines()]
    result = events[-1]
    assert result["event"] == "result" and result["ok"] is True and result["in_order"] is True
    assert result["frames"] == 150
    if extra[:2] == ["--pattern", "2"]:  # PUB/SUB: a receiver that lags (a loaded machine) loses frames
        assert result["sent"] + result["dropped"] == 150 and result["received"] <= result["sent"]
    else:
        assert result["sent"] == result["received"] == 150 and result["dropped"] == 0
    kinds = {e["event"] for e in events}
    assert {"start", "summary", "result"} <= kinds


def test_demo_streams_a_given_video(tmp_path):
    video = write_clip(tmp_path / "mine.avi", 25, 50, (64, 48), 10)
    code, out, err = run("demo", "--video", video, timeout=60)
    assert code == 0, err
    assert video in out.splitlines()[0] and "64x48, 50 fps" in out
    assert "all 25 frames arrived" in out.splitlines()[-1]


def test_demo_with_a_missing_video_is_one_line_error():
    code, out, err = run("demo", "--video", "/nonexistent/clip.mp4", timeout=30)
    assert code != 0
    assert len(err.strip().splitlines()) == 1 and "/nonexistent/clip.mp4" in err


def test_demo_port_picks_the_loopback_port():
    import socket
    with socket.socket() as probe:  # a port free now; the demo binds it a moment later
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code, out, err = run("demo", "--json", "--fast", "--port", str(port), timeout=60)
    if "Address already in use" in err:
        pytest.skip("the probed port was taken in between")
    assert code == 0, err
    start = json.loads(out.splitlines()[0])
    assert start["endpoint"] == f"tcp://127.0.0.1:{port}"
