"""A real OpenSSH server (Debian's openssh-server) for the Python SSH tunnel tests.

Sshd(tmp_path) generates a host key, an authorized user key and a stranger key, writes its own
sshd_config and starts `sshd -D -e -f <config>` on 127.0.0.1 on a free port, then waits (with a
deadline) until it accepts connections. stop() kills it and every session process under it (a
server that went away); it is always called by the `sshd` fixtures of the tests that use it.
The C++ twin is tests/support/sshd.{hpp,cpp}.
"""

import os
import pwd
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

WAIT = 20.0  # seconds sshd may take to start


def _program(name):
    for folder in ("/usr/sbin", "/usr/bin", "/sbin", "/bin"):
        path = Path(folder) / name
        if os.access(path, os.X_OK):
            return str(path)
    raise RuntimeError(f"{name} not found: install openssh-server and openssh-client "
                       "(scripts/install-deps.sh)")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _accepts(port):
    with socket.socket() as s:
        s.settimeout(1.0)
        return s.connect_ex(("127.0.0.1", port)) == 0


def children_of(pid, comm=None):
    """Pids whose parent is `pid` (and whose command is `comm`, if given)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.find("(") + 1:stat.rfind(")")]
        ppid = int(stat[stat.rfind(")") + 2:].split()[1])
        if ppid == pid and (comm is None or name == comm):
            found.append(int(entry.name))
    return found


class Sshd:
    def __init__(self, folder):
        self.dir = Path(folder)
        self.dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.dir, 0o700)
        self.user = pwd.getpwuid(os.getuid()).pw_name
        if os.getuid() == 0 and not os.path.isdir("/run/sshd"):
            os.makedirs("/run/sshd", mode=0o755, exist_ok=True)  # privilege separation
        for key in ("host_key", "other_host_key", "user_key", "stranger_key"):
            subprocess.run([_program("ssh-keygen"), "-q", "-t", "ed25519", "-N", "", "-C",
                            "netgear-test", "-f", str(self.dir / key)], check=True, timeout=30)
        shutil.copy(self.dir / "user_key.pub", self.dir / "authorized_keys")
        (self.dir / "empty_known_hosts").write_text("")
        self.proc = None
        self._log = None
        for _ in range(5):
            if self._start():
                return
        raise RuntimeError("sshd did not start on a free port in 5 attempts: " + self.log())

    def _start(self):
        self.port = _free_port()
        host = f"[127.0.0.1]:{self.port} "
        (self.dir / "known_hosts").write_text(host + (self.dir / "host_key.pub").read_text())
        (self.dir / "wrong_known_hosts").write_text(
            host + (self.dir / "other_host_key.pub").read_text())
        (self.dir / "sshd_config").write_text(
            f"Port {self.port}\nListenAddress 127.0.0.1\nHostKey {self.dir / 'host_key'}\n"
            f"AuthorizedKeysFile {self.dir / 'authorized_keys'}\nPidFile none\nUsePAM no\n"
            "StrictModes no\nPermitRootLogin yes\nPasswordAuthentication yes\n"
            "KbdInteractiveAuthentication no\nAllowTcpForwarding yes\nPermitOpen any\n"
            "X11Forwarding no\nPrintMotd no\nMaxStartups 100\nLogLevel VERBOSE\n")
        self._log = open(self.dir / "sshd.log", "wb")
        self.proc = subprocess.Popen([_program("sshd"), "-D", "-e", "-f",
                                      str(self.dir / "sshd_config")],
                                     stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log)
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                if "Address already in use" in self.log():
                    return False
                raise RuntimeError("sshd exited at start: " + self.log())
            if _accepts(self.port):
                return True
            time.sleep(0.01)
        self.stop()
        raise RuntimeError(f"sshd did not accept connections within {WAIT} s: " + self.log())

    @property
    def target(self):
        """user@127.0.0.1:port, for ssh_tunnel_mode."""
        return f"{self.user}@127.0.0.1:{self.port}"

    def path(self, name):
        """user_key, stranger_key, known_hosts, wrong_known_hosts, empty_known_hosts."""
        return str(self.dir / name)

    def tunnel_options(self):
        """NetGear options for a tunnel through this server with the right key."""
        return dict(ssh_tunnel_mode=self.target, ssh_tunnel_keyfile=self.path("user_key"),
                    ssh_tunnel_known_hosts=self.path("known_hosts"))

    def ssh_wrapper_dir(self):
        """A folder holding an `ssh` that runs the real one against this server's known_hosts,
        without config files or prompts: put it first on PATH for a program that runs plain
        `ssh` itself (pyzmq's tunnel, as vidgear uses it) and reads ~/.ssh/known_hosts.

        It also ignores SIGHUP: pyzmq runs `ssh -f` under pexpect, and when that ssh forks into the
        background and its parent (the pty's session leader) exits, the kernel hangs up the pty's
        foreground group, which the child is still in until it calls setsid(): about half the
        tunnels die at once (sshd logs "Broken pipe"). That race is pyzmq's, vidgear users meet it
        too; ignoring SIGHUP lets the test check the wire instead."""
        folder = self.dir / "bin"
        folder.mkdir(exist_ok=True)
        wrapper = folder / "ssh"
        wrapper.write_text("#!/bin/sh\ntrap '' HUP\n"
                           f"exec {_program('ssh')} -F none -o BatchMode=yes "
                           f"-o StrictHostKeyChecking=yes -o UserKnownHostsFile={self.path('known_hosts')} "
                           '"$@"\n')
        wrapper.chmod(0o700)
        return str(folder)

    def log(self):
        try:
            return (self.dir / "sshd.log").read_text(errors="replace")
        except OSError:
            return ""

    def stop(self):
        """Kills sshd and its session processes, deepest first (each reaped by its parent)."""
        if self.proc is None or self.proc.poll() is not None:
            return
        family = [self.proc.pid]
        for pid in family:
            family.extend(children_of(pid))
        for pid in reversed(family[1:]):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                continue
            deadline = time.monotonic() + 2
            while os.path.exists(f"/proc/{pid}") and time.monotonic() < deadline:
                time.sleep(0.002)
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._log.close()
