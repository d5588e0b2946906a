#!/usr/bin/python3
"""A two-tier relay tree across network namespaces (run as root):

    [cam ns] netgear send --pattern 2 ──veth 198.18.1.0/30──▶ [r1 ns] netgear relay (tier 1) ◀─ viewers
                                                                 ▲ veth 198.18.2.0/30
                                                  [r2 ns] netgear relay --dial (tier 2)  ◀─ viewers

Tier 1 takes the camera; tier 2 dials tier 1's viewer face; --viewers viewers (`netgear recv
--pattern 2 --dial`) run behind each relay, in its namespace. The camera streams the test pattern
(720p JPEG at 30 fps by default) for --seconds, then ends the stream: the end travels down the
tree and every viewer prints its summary. Optional --rate MBIT puts a tbf rate limit on the
camera's link. Namespaces and veth pairs are named after this process's pid and removed on exit,
Ctrl+C and SIGTERM.

    tree.py --netgear build/bin/netgear [--seconds 10] [--viewers 2] [--rate 50] [--json]

Prints per viewer: tier, frames, fps, latency p50/p99 (one machine, one clock). Exits 77 when it
cannot create a namespace (not root, no `ip`), 1 when a viewer got nothing.
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time

SKIP = 77
PID = os.getpid()
NS = {name: f"ngrt-{PID}-{name}" for name in ("cam", "r1", "r2")}
# veth pairs: (end in ns A, address, end in ns B, address); /30 each, from 198.18.0.0/15.
LINKS = [("cam", f"ngrc{PID}", "198.18.1.1", "r1", f"ngr1{PID}", "198.18.1.2"),
         ("r1", f"ngrs{PID}", "198.18.2.1", "r2", f"ngr2{PID}", "198.18.2.2")]
INPUT_PORT, FACE_PORT = "5555", "5556"


def sh(*args, ns=None, check=True):
    cmd = (["ip", "netns", "exec", NS[ns]] if ns else []) + list(args)
    return subprocess.run(cmd, check=check, capture_output=True, text=True)


class Tree:
    def __init__(self):
        self.procs = []

    def up(self, rate):
        for name in NS.values():
            sh("ip", "netns", "add", name)
        for a, dev_a, addr_a, b, dev_b, addr_b in LINKS:
            sh("ip", "link", "add", dev_a, "type", "veth", "peer", "name", dev_b)
            for ns, dev, addr in ((a, dev_a, addr_a), (b, dev_b, addr_b)):
                sh("ip", "link", "set", dev, "netns", NS[ns])
                sh("ip", "addr", "add", f"{addr}/30", "dev", dev, ns=ns)
                sh("ip", "link", "set", dev, "up", ns=ns)
        for ns in NS:
            sh("ip", "link", "set", "lo", "up", ns=ns)
        if rate:
            for ns, dev in (("cam", LINKS[0][1]), ("r1", LINKS[0][4])):
                sh("tc", "qdisc", "replace", "dev", dev, "root", "tbf", "rate", f"{rate}mbit", "burst", "32kb",
                   "latency", "50ms", ns=ns)

    def start(self, ns, *args):
        p = subprocess.Popen(["ip", "netns", "exec", NS[ns], *args], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, start_new_session=True)
        self.procs.append(p)
        return p

    def down(self):
        for p in self.procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
        for name in NS.values():  # a namespace takes its veth ends with it
            subprocess.run(["ip", "netns", "del", name], capture_output=True)


def read_event(proc, event, where=lambda e: True, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        obj = json.loads(line)
        if obj.get("event") == event and where(obj):
            return obj
    raise RuntimeError(f"no {event!r} event from {proc.args[4:]}: {proc.stderr.read() if proc.poll() is not None else ''}")


def run(a):
    tree = Tree()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        tree.up(a.rate)
        relay = [a.netgear, "relay", "--pattern", "2", "--json", "--interval", "0.2", "--viewer-port", FACE_PORT]
        r1 = tree.start("r1", *relay, "-a", LINKS[0][5], "-p", INPUT_PORT)
        read_event(r1, "relaying")
        r2 = tree.start("r2", *relay, "--dial", "-a", LINKS[1][2], "-p", FACE_PORT)
        read_event(r2, "relaying")
        viewers = []
        for tier, ns in ((1, "r1"), (2, "r2")):
            for _ in range(a.viewers):
                v = tree.start(ns, a.netgear, "recv", "--pattern", "2", "--dial", "-a", "127.0.0.1", "-p", FACE_PORT,
                               "--json")
                viewers.append((tier, v))
        read_event(r1, "stats", lambda s: len(s["viewers"]) == a.viewers + 1)  # its viewers and tier 2
        read_event(r2, "stats", lambda s: len(s["viewers"]) == a.viewers)
        camera = tree.start("cam", a.netgear, "send", f"test:{a.size}", "--jpeg", "--pattern", "2", "-a", LINKS[0][5],
                            "-p", INPUT_PORT, "--fps", str(a.fps), "--seconds", str(a.seconds), "--wait", "10",
                            "--json")
        camera.wait(timeout=a.seconds + 30)
        rows = []
        for tier, v in viewers:
            summary = read_event(v, "summary", timeout=30)
            rows.append({"tier": tier, "frames": summary["frames"], "fps": summary["fps"],
                         "latency_p50_ms": summary.get("latency_p50_ms"), "latency_p99_ms": summary.get("latency_p99_ms"),
                         "end": summary["end"]})
        return rows
    finally:
        tree.down()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--netgear", required=True)
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--viewers", type=int, default=2)
    p.add_argument("--fps", type=float, default=30)
    p.add_argument("--size", default="1280x720")
    p.add_argument("--rate", type=int, default=0, help="tbf rate limit on the camera's link, Mbit/s (0: none)")
    p.add_argument("--json", action="store_true")
    a = p.parse_args()
    if os.geteuid() != 0 or not shutil.which("ip"):
        print("skipped: needs root and iproute2 (ip) to create network namespaces", file=sys.stderr)
        return SKIP
    if a.rate and not shutil.which("tc"):
        print("skipped: --rate needs tc", file=sys.stderr)
        return SKIP
    rows = run(a)
    if a.json:
        print(json.dumps({"rows": rows, "namespaces": list(NS.values())}))
    else:
        print(f"two-tier tree: camera ({a.size} JPEG, {a.fps:g} fps, {a.seconds:g} s"
              f"{f', {a.rate} Mbit/s link' if a.rate else ''}) -> relay 1 -> relay 2; "
              f"{a.viewers} viewers behind each, each in its relay's namespace")
        print(f"{'tier':>4} {'frames':>7} {'fps':>6} {'lat p50 ms':>11} {'lat p99 ms':>11}  end")
        for r in rows:
            print(f"{r['tier']:>4} {r['frames']:>7} {r['fps']:>6.1f} {r['latency_p50_ms']:>11} {r['latency_p99_ms']:>11}"
                  f"  {r['end']}")
    return 0 if all(r["frames"] > 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
