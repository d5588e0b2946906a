"""Data that rides with the frames is visible through the tool: `recv` shows the sender's
--message (when it changes, and the last one in its summary), `send` shows the receiver's
--reply in bidirectional mode; a bare word is a string, as in -o; --reply without
bidirectional mode is a command-line error."""
import json

from conftest import receiver_port, run, summaries

RECV = ["recv", "-a", "127.0.0.1", "-p", "0"]
BI = ["-o", "bidirectional_mode=true"]


def data_events(lines, key):
    events = [json.loads(l) for l in lines if l.startswith("{")]
    return [e[key] for e in events if e.get("event") == "data" and key in e]


def stream(netgear, recv_args, send_args, frames=10):
    receiver = netgear(*RECV, "--json", *recv_args)
    port = receiver_port(receiver.read_event("listening"))
    sender = netgear("send", "test:64x48", "--json", "-a", "127.0.0.1", "-p", port, "--frames", str(frames),
                     "--fps", "0", *send_args)
    s_code, _, s_err = sender.finish(timeout=60)
    r_code, _, r_err = receiver.finish(timeout=60)
    assert s_code == 0, s_err
    assert r_code == 0, r_err
    return sender, receiver


def test_recv_shows_the_senders_message_once_and_in_its_summary(netgear):
    _, receiver = stream(netgear, [], ["--message", '{"camera": 1}'])
    assert data_events(receiver.lines, "message") == [{"camera": 1}], "shown once, not per frame"
    assert summaries(receiver.lines)[-1]["last_message"] == {"camera": 1}


def test_a_bare_word_message_is_a_string_as_in_dash_o(netgear):
    _, receiver = stream(netgear, [], ["--message", "hello"])
    assert data_events(receiver.lines, "message") == ["hello"]


def test_send_shows_the_receivers_reply_in_bidirectional_mode(netgear):
    sender, receiver = stream(netgear, [*BI, "--reply", "seen"], [*BI, "--message", '{"camera": 2}'])
    assert data_events(sender.lines, "reply") == ["seen"]
    assert summaries(sender.lines)[-1]["last_reply"] == "seen"
    assert summaries(receiver.lines)[-1]["last_message"] == {"camera": 2}


def test_text_output_shows_message_and_reply_lines(netgear):
    receiver = netgear(*RECV, *BI, "--reply", '{"ok": true}')
    port = None
    line = receiver.read_line(15)
    assert line and line.startswith("netgear recv: listening on tcp://127.0.0.1:"), line
    port = line.split("tcp://127.0.0.1:")[1].split()[0]
    code, out, err = run("send", "test:64x48", "-a", "127.0.0.1", "-p", port, "--frames", "5", "--fps", "0",
                         *BI, "--message", "cam-7", timeout=60)
    assert code == 0, err
    assert 'sender: reply {"ok":true}' in out.splitlines(), out
    r_code, _, r_err = receiver.finish(timeout=60)
    assert r_code == 0, r_err
    assert 'receiver: message "cam-7"' in receiver.lines, receiver.lines


def test_reply_without_bidirectional_mode_is_a_command_line_error():
    code, _, err = run(*RECV, "--reply", "seen", timeout=30)
    assert code == 2, err
    assert "bidirectional_mode=true" in err and err.count("\n") == 1, err
