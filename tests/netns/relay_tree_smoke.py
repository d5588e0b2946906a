"""netns.relay_tree_smoke: bench/relay/tree.py (a camera, two relay tiers and viewers, each
in its own network namespace) run briefly and checked for behaviour only (the benchmark holds the
figures).

    relay_tree_smoke.py NETGEAR_BIN TREE_PY

1. A 2 s stream reaches the viewers of both tiers, and its end does too (each viewer ends with
   "the sender ended the stream"); the namespaces are gone afterwards.
2. A run sent SIGTERM in the middle still removes its namespaces and their veth pairs.

Exits 77 (CTest: skipped) with the reason when it cannot create a namespace: not root, no `ip`.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import time

SKIP = 77


def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def leftovers(pid):
    out = subprocess.run(["ip", "netns", "list"], check=True, capture_output=True, text=True).stdout
    names = [line.split()[0] for line in out.splitlines() if line.startswith(f"ngrt-{pid}-")]
    links = subprocess.run(["ip", "-o", "link", "show"], check=True, capture_output=True, text=True).stdout
    return names + [dev for dev in (f"ngrc{pid}", f"ngrs{pid}") if dev in links]


def main():
    netgear, tree = sys.argv[1], sys.argv[2]
    if os.geteuid() != 0 or not shutil.which("ip"):
        print("skipped: needs root and iproute2 to create network namespaces")
        return SKIP
    run = subprocess.Popen([sys.executable, tree, "--netgear", netgear, "--seconds", "2", "--viewers", "1",
                            "--size", "640x360", "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = run.communicate(timeout=120)
    if run.returncode != 0:
        fail(f"tree.py exited {run.returncode}: {err}")
    rows = json.loads(out)["rows"]
    if sorted(r["tier"] for r in rows) != [1, 2]:
        fail(f"expected one viewer per tier: {rows}")
    for r in rows:
        if r["frames"] < 10 or r["end"] != "the sender ended the stream":
            fail(f"a viewer of tier {r['tier']} did not get the stream and its end: {r}")
    if leftovers(run.pid):
        fail(f"left behind: {leftovers(run.pid)}")

    run = subprocess.Popen([sys.executable, tree, "--netgear", netgear, "--seconds", "60", "--viewers", "1",
                            "--size", "320x240"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while len(leftovers(run.pid)) < 3 and time.monotonic() < deadline:  # its namespaces are up
        time.sleep(0.05)
    if not leftovers(run.pid):
        fail("the second run never made its namespaces")
    run.send_signal(signal.SIGTERM)
    run.communicate(timeout=60)
    if leftovers(run.pid):
        fail(f"SIGTERM left behind: {leftovers(run.pid)}")
    print("ok: both tiers got the stream and its end; everything was torn down, also on SIGTERM")
    return 0


if __name__ == "__main__":
    sys.exit(main())
