"""Key stores move both ways between netgear and pyzmq's zmq.auth (what vidgear uses).

Runs the real `netgear keys` (NETGEAR_TOOL, the netgear binary) and Debian's python3-zmq:
  * a store netgear generates loads with zmq.auth.load_certificate / load_certificates, its
    secret files are 0600, and its pairs are consistent;
  * a store made the way vidgear makes it (zmq.auth.create_certificates, then moved into
    public_keys/ and private_keys/) is read by netgear with the same public keys;
  * `add` / `remove` manage IronHouse's allowed keys as zmq.auth sees them;
  * defects are one clear line naming the file, with a non-zero exit.
"""

import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
import zmq
import zmq.auth

TOOL = os.environ.get("NETGEAR_TOOL")
pytestmark = [
    pytest.mark.skipif(not TOOL, reason="NETGEAR_TOOL is not set"),
    pytest.mark.skipif(not zmq.has("curve"), reason="this libzmq has no CURVE"),
]


def keys(*args):
    """Runs `netgear keys ARGS`; returns the CompletedProcess (text)."""
    return subprocess.run([TOOL, "keys", *map(str, args)], capture_output=True, text=True, timeout=30)


def show(location):
    done = keys("show", "--json", "--location", location)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def vidgear_store(base):
    """The store vidgear's generate_auth_certificates makes, with pyzmq's own functions."""
    keys_dir = Path(base) / ".vidgear" / "keys"
    public_dir, secret_dir = keys_dir / "public_keys", keys_dir / "private_keys"
    for d in (keys_dir, public_dir, secret_dir):
        d.mkdir(parents=True, exist_ok=True)
    for name in ("server", "client"):
        zmq.auth.create_certificates(str(keys_dir), name)
    for f in keys_dir.iterdir():
        if f.suffix == ".key":
            shutil.move(str(f), str(public_dir))
        elif f.suffix == ".key_secret":
            shutil.move(str(f), str(secret_dir))
    return keys_dir


def test_a_netgear_store_loads_with_pyzmq(tmp_path):
    done = keys("generate", "--location", tmp_path)
    assert done.returncode == 0, done.stderr
    store = tmp_path / ".vidgear" / "keys"
    for name in ("server", "client"):
        public, none = zmq.auth.load_certificate(str(store / "public_keys" / f"{name}.key"))
        assert none is None
        public2, secret = zmq.auth.load_certificate(str(store / "private_keys" / f"{name}.key_secret"))
        assert public2 == public and secret is not None
        assert zmq.curve_public(secret) == public
        mode = stat.S_IMODE(os.stat(store / "private_keys" / f"{name}.key_secret").st_mode)
        assert mode == 0o600, oct(mode)
    allowed = zmq.auth.load_certificates(str(store / "public_keys"))
    assert len(allowed) == 2
    reported = show(tmp_path)
    assert reported["server"].encode() in allowed and reported["client"].encode() in allowed


def test_a_vidgear_store_is_read_by_netgear(tmp_path):
    store = vidgear_store(tmp_path)
    reported = show(tmp_path)
    assert reported["dir"] == str(store)
    for name in ("server", "client"):
        public, _ = zmq.auth.load_certificate(str(store / "public_keys" / f"{name}.key"))
        assert reported[name] == public.decode()
        assert reported[f"{name}_secret"] is True
    assert sorted(e["name"] for e in reported["allowed"]) == ["client", "server"]


def test_a_location_ending_in_dot_vidgear_is_not_nested(tmp_path):
    vidgear_store(tmp_path)
    assert show(tmp_path / ".vidgear")["dir"] == str(tmp_path / ".vidgear" / "keys")


def test_add_and_remove_manage_the_keys_zmq_auth_allows(tmp_path):
    keys("generate", "--location", tmp_path)
    guest_dir = tmp_path / "guest"
    guest_dir.mkdir()
    guest_public_file, _ = zmq.auth.create_certificates(str(guest_dir), "client")
    guest_key, _ = zmq.auth.load_certificate(guest_public_file)
    done = keys("add", "--location", tmp_path, "cam-7", guest_public_file)
    assert done.returncode == 0, done.stderr
    public_dir = tmp_path / ".vidgear" / "keys" / "public_keys"
    assert guest_key in zmq.auth.load_certificates(str(public_dir))
    raw = zmq.curve_keypair()[0].decode()
    assert keys("add", "--location", tmp_path, "cam-8", raw).returncode == 0
    assert raw.encode() in zmq.auth.load_certificates(str(public_dir))
    assert keys("remove", "--location", tmp_path, "cam-7").returncode == 0
    assert guest_key not in zmq.auth.load_certificates(str(public_dir))
    refused = keys("add", "--location", tmp_path, "server", raw)
    assert refused.returncode != 0 and "server" in refused.stderr


def test_generate_refuses_to_replace_a_store_without_force(tmp_path):
    assert keys("generate", "--location", tmp_path).returncode == 0
    before = show(tmp_path)["server"]
    again = keys("generate", "--location", tmp_path)
    assert again.returncode != 0 and "--force" in again.stderr
    assert show(tmp_path)["server"] == before
    assert keys("generate", "--force", "--location", tmp_path).returncode == 0
    assert show(tmp_path)["server"] != before


def test_a_defective_file_is_named(tmp_path):
    store = vidgear_store(tmp_path)
    broken = store / "private_keys" / "server.key_secret"
    broken.write_text("metadata\ncurve\n    public-key = \"not-a-key\"\n")
    done = keys("show", "--location", tmp_path)
    assert done.returncode != 0
    assert str(broken) in done.stderr and done.stderr.count("\n") == 1, done.stderr
    missing = keys("show", "--location", tmp_path / "nowhere")
    assert missing.returncode != 0 and "--location" in missing.stderr and "custom_cert_location" not in missing.stderr
