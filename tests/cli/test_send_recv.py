"""`netgear send` and `netgear recv`, the real binary on tcp loopback: every
pattern, file and test-pattern sources, the receiver's outputs, Ctrl+C on
either side, and errors as one line with a non-zero exit code."""
import glob
import os
import pty
import re
import subprocess

import cv2
import pytest

from conftest import receiver_port, run, summaries, write_clip

RECV = ["recv", "--json", "-a", "127.0.0.1", "-p", "0"]


def start_pair(netgear, recv_args=(), send_args=(), source="test:320x240"):
    """A receiver on a free port, then a sender to it; returns both."""
    receiver = netgear(*RECV, *recv_args)
    port = receiver_port(receiver.read_event("listening"))
    sender = netgear("send", source, "--json", "-a", "127.0.0.1", "-p", port, *send_args)
    return receiver, sender


def finish_both(receiver, sender):
    s_code, s_lines, s_err = sender.finish()
    r_code, r_lines, r_err = receiver.finish()
    assert s_code == 0, s_err
    assert r_code == 0, r_err
    return summaries(sender.lines)[-1], summaries(receiver.lines)[-1]


@pytest.mark.parametrize("pattern", ["0", "1", "2"])
def test_test_pattern_streams_to_the_end_in_every_pattern(netgear, pattern):
    wait = ["--wait", "10"] if pattern == "2" else []
    receiver, sender = start_pair(netgear, ["--pattern", pattern],
                                  ["--pattern", pattern, "--frames", "60", "--fps", "200", *wait])
    sent, got = finish_both(receiver, sender)
    assert sent["frames"] == 60 and sent["end"] == "--frames reached"
    assert got["end"] == "the sender ended the stream"
    # REQ/REP: the receiver acknowledges the end, in vidgear's words.
    acknowledged = "Termination signal successfully received at Client's end!"
    assert sent["termination_reply"] == (acknowledged if pattern == "1" else None)
    assert got["frames"] == 60 if pattern != "2" else 0 < got["frames"] <= 60
    assert got["bytes"] >= got["frames"] * 320 * 240 * 3
    assert got["latency_p50_ms"] is not None and got["latency_p99_ms"] >= got["latency_p50_ms"]
    assert got["bad"] == 0


def test_status_events_carry_rates_latency_drops_and_queue(netgear):
    receiver, sender = start_pair(netgear, [], ["--seconds", "2.5", "--fps", "50"])
    status = receiver.read_event("status", where=lambda s: s["frames"] > 0)
    for key in ("fps", "mbps", "latency_p50_ms", "latency_p99_ms", "dropped", "queued", "elapsed_s"):
        assert key in status, key
    assert status["fps"] > 0 and status["mbps"] > 0
    sent, got = finish_both(receiver, sender)
    assert sent["end"] == "--seconds reached"
    assert got["frames"] == sent["frames"] > 0
    long_numbers = [n for line in receiver.lines + sender.lines for n in re.findall(r"\d+\.\d{4,}", line)]
    assert not long_numbers, "figures are rounded for people reading the JSON"


def test_the_summary_rate_is_the_streams_not_the_idle_time_before_it(netgear):
    receiver = netgear(*RECV)
    port = receiver_port(receiver.read_event("listening"))
    receiver.read_event("status")  # a second with no sender
    sender = netgear("send", "test:160x120", "--json", "-a", "127.0.0.1", "-p", port, "--frames", "30", "--fps", "100")
    sent, got = finish_both(receiver, sender)
    assert got["frames"] == 30
    assert got["streaming_s"] <= got["elapsed_s"] - 0.9, "the idle second is not part of the stream"
    assert abs(got["fps"] * got["streaming_s"] - 29) < 1.5, "fps is 29 intervals over streaming_s"


def test_a_video_file_is_sent_whole_and_written_to_a_video_file(netgear, tmp_path):
    source = write_clip(tmp_path / "in.avi", 40, 25, (160, 120), 6)
    out = str(tmp_path / "out.avi")
    receiver, sender = start_pair(netgear, ["--write", out, "--write-fps", "25"], [], source=source)
    sent, got = finish_both(receiver, sender)
    assert sent["end"] == "the source ended" and sent["frames"] == 40
    assert got["frames"] == 40
    written = cv2.VideoCapture(out)
    count = 0
    while True:
        ok, frame = written.read()
        if not ok:
            break
        assert frame.shape == (120, 160, 3)
        count += 1
    assert count == 40


def test_realtime_plays_a_file_at_its_own_rate(netgear, tmp_path):
    source = write_clip(tmp_path / "in.avi", 26, 25, (160, 120), 6)
    receiver, sender = start_pair(netgear, [], ["--realtime"], source=source)
    sent, got = finish_both(receiver, sender)
    assert sent["frames"] == got["frames"] == 26
    assert sent["elapsed_s"] >= 0.95, "26 frames at 25 fps take at least 25 periods of 40 ms"


def test_frames_are_saved_as_images(netgear, tmp_path):
    folder = tmp_path / "frames"
    receiver, sender = start_pair(netgear, ["--save-dir", str(folder), "--save-every", "2"],
                                  ["--frames", "10", "--fps", "0"])
    finish_both(receiver, sender)
    files = sorted(glob.glob(str(folder / "frame_*.png")))
    # Numbered as the sender numbers its frames, from 0 ("netgear #0" is drawn in frame_000000).
    assert [os.path.basename(f) for f in files] == [f"frame_{i:06}.png" for i in (0, 2, 4, 6, 8)]
    first = cv2.imread(files[0], cv2.IMREAD_UNCHANGED)
    assert first.shape == (240, 320, 3) and first.std() > 0


def test_recv_frames_stops_the_receiver(netgear):
    receiver, sender = start_pair(netgear, ["--frames", "5"], ["--fps", "100"])
    r_code, _, r_err = receiver.finish()
    assert r_code == 0, r_err
    got = summaries(receiver.lines)[-1]
    assert got["frames"] == 5 and got["end"] == "--frames reached"
    sender.interrupt()
    sender.finish()


def test_ctrl_c_on_the_sender_ends_the_stream_cleanly(netgear):
    receiver, sender = start_pair(netgear, [], ["--fps", "50"])  # endless test pattern
    receiver.read_event("status", where=lambda s: s["frames"] >= 5)
    sender.interrupt()
    sent, got = finish_both(receiver, sender)
    assert sent["end"] == "interrupted (Ctrl+C)"
    assert got["end"] == "the sender ended the stream"
    assert got["frames"] == sent["frames"]


def test_ctrl_c_on_the_receiver_prints_its_summary(netgear):
    receiver = netgear(*RECV)
    receiver.read_event("listening")
    receiver.interrupt()
    code, _, err = receiver.finish()
    assert code == 0, err
    assert summaries(receiver.lines)[-1]["end"] == "interrupted (Ctrl+C)"


def test_jpeg_and_secure_mode_through_the_cli(netgear, tmp_path):
    secure = ["--secure", "2", "--cert-dir", str(tmp_path)]
    assert run("keys", "generate", "--location", str(tmp_path))[0] == 0
    receiver, sender = start_pair(netgear, secure, [*secure, "--jpeg-quality", "80", "--frames", "20", "--fps", "0"])
    sent, got = finish_both(receiver, sender)
    assert got["frames"] == 20
    assert sent["bytes"] < 20 * 320 * 240 * 3 / 4  # on the wire: JPEG-sized, not raw
    assert got["bytes"] == sent["bytes"], "both sides count the bytes on the wire"


def test_a_plain_sender_refused_by_a_secure_receiver_is_told_why(netgear, tmp_path):
    assert run("keys", "generate", "--location", str(tmp_path))[0] == 0
    receiver = netgear(*RECV, "--secure", "1", "--cert-dir", str(tmp_path))
    port = receiver_port(receiver.read_event("listening"))
    code, _, err = run("send", "test:64x48", "-a", "127.0.0.1", "-p", port, "--frames", "3",
                       "-o", "request_timeout=1", "-o", "max_retries=1", timeout=30)
    assert code == 1, err
    assert "the receiver is in secure mode (CURVE) and this sender is not" in err, err
    receiver.interrupt()
    receiver.finish()


def test_bidirectional_mode_through_the_cli(netgear):
    bi = ["-o", "bidirectional_mode=true"]
    receiver, sender = start_pair(netgear, [*bi, "--reply", '{"seen": true}'],
                                  [*bi, "--frames", "10", "--fps", "0", "--message", '{"camera": 1}'])
    sent, got = finish_both(receiver, sender)
    assert sent["replies"] >= 9 and got["frames"] >= 9


def test_the_text_output_shows_a_live_status_line_on_a_terminal(netgear):
    """On a terminal the status is one line rewritten in place on stderr; the summary goes to stdout."""
    receiver = netgear(*RECV)
    port = receiver_port(receiver.read_event("listening"))
    leader, follower = pty.openpty()
    sender = subprocess.Popen([os.environ["NETGEAR_CLI"], "send", "test:160x120", "-a", "127.0.0.1", "-p", port,
                               "--seconds", "2.5", "--fps", "40"],
                              stdout=subprocess.PIPE, stderr=follower, text=True)
    os.close(follower)
    out, _ = sender.communicate(timeout=30)
    terminal = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        terminal += chunk
    os.close(leader)
    assert sender.returncode == 0
    assert b"\r\x1b[K[" in terminal and b"fps" in terminal and b"MB/s" in terminal and b"p99" in terminal
    assert out.startswith("netgear send: test:160x120 -> tcp://127.0.0.1:")
    assert "sender: " in out and " frames in " in out and "end: --seconds reached" in out
    receiver.finish()


DEEP = "[" * 60_000 + "]" * 60_000  # JSON nested past the limit of 128, within one argument's size


COMMAND_LINE_ERRORS = {"message", "filter", "reply", "bogus_option", "novalue", "pattern", "udp", "not-a-port",
                       "frobnicate", "test:0x0", "out.xyz"}


@pytest.mark.parametrize("args, names", [
    (["send", "no-such-video.mp4"], "no-such-video.mp4"),
    (["send", "7"], "camera '7'"),  # one line: OpenCV's own warnings about /dev/video7 stay quiet
    (["send", "test", "--message", DEEP], "message"),
    (["send", "test", "-o", "filter=" + DEEP], "filter"),
    (["recv", "-a", "127.0.0.1", "-p", "0", "--reply", DEEP], "reply"),
    (["send", "test:0x0"], "test:0x0"),
    (["send", "test", "-o", "bogus_option=1"], "bogus_option"),
    (["send", "test", "-o", "novalue"], "novalue"),
    (["send", "test", "--pattern", "7"], "pattern"),
    (["send", "test", "--protocol", "udp"], "udp"),
    (["recv", "-a", "127.0.0.1", "-p", "0", "--show"], "display"),
    (["recv", "-a", "127.0.0.1", "-p", "0", "--write", "out.xyz"], "out.xyz"),
    (["recv", "-a", "127.0.0.1", "-p", "0", "--http", "not-a-port"], "not-a-port"),
    (["recv", "-a", "127.0.0.1", "-p", "0", "-o", "receive_timeout=0.3"], "timed out"),
    (["frobnicate"], "frobnicate"),
])
def test_errors_are_one_line_naming_the_problem_and_exit_non_zero(args, names, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    code, out, err = run(*args, env=env, timeout=30)
    # 2 for a bad command line (an option or value the tool refuses before it starts), else 1.
    assert code == (2 if names in COMMAND_LINE_ERRORS else 1), (code, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("netgear"), err
    assert names in lines[0], err
