"""netns.link_smoke: bench/link/run.sh over a real throttled link, checked for
behaviour only (the benchmark holds the figures).

    link_smoke.py NETGEAR_BENCH_LINK RUN_SH

1. Every case this build has (raw, jpeg90, and h264 once built) runs 2 s at
   10 Mbit/s: each delivered frames, in order, of the size and type sent (raw
   bit for bit), the stream ended by its termination, and the namespace and
   veth pair are gone afterwards.
2. A run sent SIGTERM while a stream is going still removes its namespace,
   its veth pair and the processes it started.

Exits 77 (CTest: skipped) with the reason when it cannot create a namespace:
not root, or no `ip` / `tc`.
"""
import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import time

SKIP = 77


def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def namespaces():
    out = subprocess.run(["ip", "netns", "list"], check=True, capture_output=True, text=True).stdout
    return {line.split()[0] for line in out.splitlines() if line.strip()}


def links():
    out = subprocess.run(["ip", "-o", "link", "show"], check=True, capture_output=True, text=True).stdout
    return out


def assert_gone(pid):
    """The run's namespace (ngbl-PID), veth (nglPIDa) and nothing else of it remain."""
    if f"ngbl-{pid}" in namespaces():
        fail(f"namespace ngbl-{pid} is still there: {sorted(namespaces())}")
    if f"ngl{pid}a" in links():
        fail(f"veth ngl{pid}a is still there")


def built_cases(program):
    out = subprocess.run([program, "cases"], check=True, capture_output=True, text=True, timeout=30).stdout
    rows = [line.split("\t", 1) for line in out.splitlines()]
    for name, status in rows:
        if status != "built":
            print(f"note: case {name} is {status}; not run")
    return [name for name, status in rows if status == "built"]


def check_full_run(program, run_sh):
    cases = [c for c in built_cases(program) if c in ("raw", "jpeg90", "h264")]
    if "raw" not in cases or "jpeg90" not in cases:
        fail(f"raw and jpeg90 must be built, got {cases}")
    run = subprocess.Popen([run_sh, "--bin", program, "--rates", "10", "--cases", ",".join(cases), "--seconds", "2",
                            "--json"], stdout=subprocess.PIPE, text=True)
    try:
        out, _ = run.communicate(timeout=150)
    except subprocess.TimeoutExpired:
        run.terminate()
        run.wait(timeout=30)
        fail("run.sh did not finish within 150 s")
    if run.returncode == SKIP:
        sys.exit(SKIP)
    if run.returncode != 0:
        fail(f"run.sh exited {run.returncode}")
    doc = json.loads(out)
    assert_gone(run.pid)

    rows = {r["case"]: r for r in doc["rows"]}
    if sorted(rows) != sorted(cases):
        fail(f"rows for {sorted(rows)}, asked for {sorted(cases)}")
    for name, row in rows.items():
        recv, send = row["recv"], row["send"]
        what = f"case {name}"
        if not isinstance(recv, dict) or not isinstance(send, dict):
            fail(f"{what}: no result from a side: {row}")
        if "error" in send:
            fail(f"{what}: the sender failed: {send['error']}")
        if recv["delivered"] < 1:
            fail(f"{what}: no frame delivered")
        if recv["delivered"] != send["delivered"]:
            fail(f"{what}: the sender saw {send['delivered']} replies, the receiver {recv['delivered']} frames")
        if recv["out_of_order"] != 0:
            fail(f"{what}: {recv['out_of_order']} frames out of order")
        if recv["end_reason"] != "terminated":
            fail(f"{what}: the stream ended by '{recv['end_reason']}', not its termination")
        if recv["mismatched_frames"] or recv["without_index"]:
            fail(f"{what}: frames of another size/type or without their index: {recv}")
        compared = recv["identical_frames"] + recv["psnr_frames"]
        if compared != recv["delivered"]:
            fail(f"{what}: {compared} of {recv['delivered']} frames compared with the frame sent")
        if name == "raw" and recv["identical_frames"] != recv["delivered"]:
            fail(f"raw frames arrived changed: {recv['identical_frames']} of {recv['delivered']} identical")
    for ceiling in doc["ceilings"]:
        if not isinstance(ceiling["ceiling"], dict) or ceiling["ceiling"]["end_reason"] != "terminated":
            fail(f"the plain ZeroMQ ceiling stream did not end by its termination: {ceiling}")
    counts = ", ".join(f"{n} {rows[n]['recv']['delivered']} frames" for n in cases)
    print(f"full run: {counts}; torn down")


def check_sigterm(program, run_sh):
    """SIGTERM once the receiver and sender of a long case are both running."""
    run = subprocess.Popen([run_sh, "--bin", program, "--rates", "10", "--cases", "jpeg90", "--seconds", "60",
                            "--no-ceiling"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    pids = {}
    pending = b""
    deadline = time.monotonic() + 60
    with selectors.DefaultSelector() as sel:
        sel.register(run.stderr, selectors.EVENT_READ)
        while "sender" not in pids:
            left = deadline - time.monotonic()
            if left <= 0 or not sel.select(timeout=left):
                run.kill()
                fail("run.sh did not start its sender within 60 s")
            chunk = os.read(run.stderr.fileno(), 4096)  # unbuffered: select() sees every byte
            if not chunk:
                fail(f"run.sh ended before its sender started (exit {run.wait()})")
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in (raw.decode() for raw in lines):
                print(line)
                for role in ("receiver", "sender"):
                    if line.startswith(f"run.sh: {role} pid "):
                        pids[role] = int(line.split()[3].rstrip(":"))
    if f"ngbl-{run.pid}" not in namespaces():
        fail(f"namespace ngbl-{run.pid} not there while its stream runs")
    run.send_signal(signal.SIGTERM)
    try:
        code = run.wait(timeout=30)
    except subprocess.TimeoutExpired:
        run.kill()
        fail("run.sh did not exit within 30 s of SIGTERM")
    if code != 143:
        fail(f"run.sh exited {code} on SIGTERM, not 143")
    assert_gone(run.pid)
    for role, pid in pids.items():
        try:
            os.kill(pid, 0)
            fail(f"the {role} (pid {pid}) outlived run.sh")
        except ProcessLookupError:
            pass
    print("SIGTERM mid-stream: namespace, veth and both sides gone")


def main():
    program, run_sh = sys.argv[1], sys.argv[2]
    if os.geteuid() != 0:
        print("SKIP: not root: creating a network namespace needs root")
        return SKIP
    for tool in ("ip", "tc"):
        if shutil.which(tool) is None:
            print(f"SKIP: no '{tool}' (iproute2; scripts/install-deps.sh installs it)")
            return SKIP
    check_full_run(program, run_sh)
    check_sigterm(program, run_sh)
    return 0


if __name__ == "__main__":
    sys.exit(main())
