"""An unchanged vidgear 0.3 program runs on netgear: vidgear_programs/server.py and client.py are
written against vidgear 0.3's NetGear API (bidirectional mode, JPEG, max_retries,
request_timeout, close(kill=True), logging=True); only their import line is changed to
`from netgear import NetGear`, and they run as two processes over loopback."""
import socket
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np

PROGRAMS = Path(__file__).resolve().parent / "vidgear_programs"
FRAMES = 40
SHAPE = (120, 160, 3)


def on_netgear(source, folder):
    text = source.read_text()
    assert text.count("from vidgear.gears import NetGear") == 1
    changed = folder / source.name
    changed.write_text(text.replace("from vidgear.gears import NetGear", "from netgear import NetGear"))
    return changed


def free_port():
    # The client binds it; the window between this probe and its bind is covered by a retry.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_vidgear_0_3_program_runs_with_only_its_import_changed(tmp_path):
    video = str(tmp_path / "input.avi")
    writer = cv2.VideoWriter(video, cv2.VideoWriter_fourcc(*"MJPG"), 30, (SHAPE[1], SHAPE[0]))
    for i in range(FRAMES):
        writer.write(np.full(SHAPE, i * 5 % 255, np.uint8))
    writer.release()
    server, client = on_netgear(PROGRAMS / "server.py", tmp_path), on_netgear(PROGRAMS / "client.py", tmp_path)
    for _ in range(3):
        port = str(free_port())
        receiving = subprocess.Popen([sys.executable, str(client), port], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        sending = subprocess.run([sys.executable, str(server), video, port], capture_output=True, text=True,
                                 timeout=120)
        out, err = receiving.communicate(timeout=120)
        if "Address already in use" not in err:
            break
    assert receiving.returncode == 0, err[-2000:]
    assert sending.returncode == 0, sending.stderr[-2000:]
    assert sending.stdout.strip() == f"sent {FRAMES} replies {FRAMES} last Hi, I am a Client here."
    assert out.strip() == f"received {FRAMES} shape {list(SHAPE)} messages ['Hello, I am a Server.']"
