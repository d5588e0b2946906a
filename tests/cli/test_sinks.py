"""`netgear recv` sinks (--save-dir, --write, --http) given every frame shape a
peer can legally send: zero-size, 1-D, 4-D, 2 channels, float64. What a sink
cannot write is skipped and counted; the stream goes on."""
import json
import os
import urllib.parse
import urllib.request

import numpy as np
import pytest
import zmq

from conftest import receiver_port, summaries

GOOD = np.full((4, 6, 3), 100, np.uint8)
ODD = [
    np.zeros((0, 5, 3), np.uint8),         # zero-size
    np.arange(7, dtype=np.uint8),          # 1-D
    np.ones((2, 3, 4, 3), np.uint8),       # 4-D
    np.ones((4, 5, 2), np.uint8),          # 2 channels
    np.linspace(0, 1, 60).reshape(4, 5, 3),  # float64
    np.zeros((5, 0), np.uint16),           # zero-size, 2-D
]


def send_raw(port, frames):
    """Sends frames as a vidgear 0.3 sender does on pattern 0, then the termination."""
    ctx = zmq.Context()
    s = ctx.socket(zmq.PAIR)
    s.setsockopt(zmq.LINGER, 5000)
    s.connect(f"tcp://127.0.0.1:{port}")
    for frame in frames:
        header = {"terminate_flag": False, "compression": False, "message": None, "pattern": "0",
                  "dtype": str(frame.dtype), "shape": list(frame.shape)}
        s.send_json(header, zmq.SNDMORE)
        s.send(np.ascontiguousarray(frame).tobytes())
        # Read the reply, as vidgear does: a peer that closes with replies
        # unread makes its TCP stack answer the next reply with a reset,
        # which discards frames the receiver's kernel still held.
        assert s.poll(10000), "no reply"
        s.recv()
    s.send_json({"terminate_flag": True})
    s.close()
    ctx.term()


@pytest.mark.parametrize("sink", ["save-dir", "write", "http"])
def test_odd_frames_are_skipped_and_counted_and_the_stream_goes_on(netgear, tmp_path, sink):
    args = {"save-dir": ["--save-dir", str(tmp_path / "frames")],
            "write": ["--write", str(tmp_path / "out.avi")],
            "http": ["--http", "127.0.0.1:0"]}[sink]
    receiver = netgear("recv", "--json", "-a", "127.0.0.1", "-p", "0", *args)
    listening = receiver.read_event("listening")
    frames = [GOOD, *ODD, GOOD]
    send_raw(receiver_port(listening), frames)
    code, rest, err = receiver.finish(timeout=30)
    assert code == 0, err
    summary = summaries(receiver.lines)[-1]
    assert summary["frames"] == len(frames), summary
    assert summary["end"] == "the sender ended the stream", summary
    if sink == "save-dir":
        saved = sorted(os.listdir(tmp_path / "frames"))
        # Both good frames (the first and the last) were written; zero-size frames were not.
        assert "frame_000000.png" in saved and f"frame_{len(frames) - 1:06}.png" in saved, saved
        assert summary["unwritable"] == 2, summary
    elif sink == "write":
        assert os.path.getsize(tmp_path / "out.avi") > 0
        assert summary["unwritable"] == 2, summary
    else:
        assert "unwritable" not in summary  # the viewer shows what it can and ignores the rest


def test_a_zero_size_first_frame_does_not_stop_the_video_file(netgear, tmp_path):
    receiver = netgear("recv", "--json", "-a", "127.0.0.1", "-p", "0", "--write", str(tmp_path / "out.avi"),
                       "--save-dir", str(tmp_path / "frames"), "--save-format", "jpg")
    listening = receiver.read_event("listening")
    send_raw(receiver_port(listening), [ODD[0], np.zeros((1, 70000, 3), np.uint8), GOOD, GOOD])
    code, rest, err = receiver.finish(timeout=30)
    assert code == 0, err
    summary = summaries(receiver.lines)[-1]
    assert summary["frames"] == 4 and summary["end"] == "the sender ended the stream", summary
    # The zero-size frame for both sinks; the 70000-pixel-wide one at least for JPEG (too wide for it).
    assert summary["unwritable"] >= 2, summary
    assert "frame_000002.jpg" in os.listdir(tmp_path / "frames")
