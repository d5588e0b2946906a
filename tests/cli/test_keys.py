"""`netgear keys`: the key store commands mounted in the netgear tool."""
import json
import os
import shutil
import stat
import subprocess

from conftest import NETGEAR, run


def test_keys_generate_show_add_remove(tmp_path):
    loc = str(tmp_path)
    code, out, err = run("keys", "generate", "--location", loc)
    assert code == 0, err
    assert os.path.isfile(tmp_path / ".vidgear" / "keys" / "public_keys" / "server.key")
    code, out, err = run("keys", "show", "--location", loc, "--json")
    assert code == 0, err
    shown = json.loads(out)
    assert len(shown["server"]) == 40 and shown["server_secret"] is True
    code, _, err = run("keys", "add", "camera-1", shown["client"], "--location", loc)
    assert code == 0, err
    names = [a["name"] for a in json.loads(run("keys", "show", "--location", loc, "--json")[1])["allowed"]]
    assert "camera-1" in names
    assert run("keys", "remove", "camera-1", "--location", loc)[0] == 0


def test_keys_generate_refuses_to_overwrite_in_one_line(tmp_path):
    assert run("keys", "generate", "--location", str(tmp_path))[0] == 0
    code, out, err = run("keys", "generate", "--location", str(tmp_path))
    assert code != 0
    assert len(err.strip().splitlines()) == 1 and "--force" in err


def test_keys_needs_a_subcommand():
    code, out, err = run("keys")
    assert code != 0


def run_under_umask(mask, *args):
    """`netgear args...` with this umask (the test's own umask is left alone)."""
    done = subprocess.run([NETGEAR, *args], capture_output=True, text=True, timeout=60,
                          preexec_fn=lambda: os.umask(mask))
    return done.returncode, done.stdout, done.stderr


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_generate_under_umask_000_keeps_the_store_private(tmp_path):
    code, _, err = run_under_umask(0o000, "keys", "generate", "--location", str(tmp_path))
    assert code == 0, err
    base = tmp_path / ".vidgear"
    for folder in (base, base / "keys", base / "keys" / "public_keys", base / "keys" / "private_keys"):
        assert mode(folder) == 0o700, (folder, oct(mode(folder)))
    for name in ("server", "client"):
        assert mode(base / "keys" / "private_keys" / f"{name}.key_secret") == 0o600
    assert "warning" not in err
    shown = json.loads(run("keys", "show", "--location", str(tmp_path), "--json")[1])
    assert shown["warnings"] == []
    # `add` into a store whose public_keys/ was deleted recreates it private too.
    shutil.rmtree(base / "keys" / "public_keys")
    code, _, err = run_under_umask(0o000, "keys", "add", "camera-1", shown["client"], "--location", str(tmp_path))
    assert code == 0, err
    assert mode(base / "keys" / "public_keys") == 0o700


def test_show_warns_about_a_store_others_can_write_or_read(tmp_path):
    assert run("keys", "generate", "--location", str(tmp_path))[0] == 0
    keys = tmp_path / ".vidgear" / "keys"
    os.chmod(keys / "public_keys", 0o777)
    os.chmod(keys / "private_keys" / "server.key_secret", 0o644)
    code, out, err = run("keys", "show", "--location", str(tmp_path))
    assert code == 0, err
    assert "public_keys" in err and "writable by other users" in err, err
    assert "server.key_secret" in err and "readable by other users" in err, err
    shown = json.loads(run("keys", "show", "--location", str(tmp_path), "--json")[1])
    assert len(shown["warnings"]) == 2, shown["warnings"]
    # A secure stream using the store warns on stderr too, without -v.
    code, _, err = run("send", "test", "-n", "1", "--secure", "1", "--cert-dir", str(tmp_path), "-a", "127.0.0.1",
                       "-p", "1", "-o", "max_retries=0", "-o", "request_timeout=0.2", timeout=60)
    assert "public_keys" in err and "writable by other users" in err, err


def test_keys_errors_name_the_command_once_and_the_flag(tmp_path):
    code, _, err = run("keys", "show", "--location", str(tmp_path / "missing"))
    assert code == 2, err
    assert err.startswith("netgear keys: ") and "netgear keys: netgear" not in err, err
    assert "--location" in err and "custom_cert_location" not in err, err
    code, _, err = run("keys", "show", "--location", str(tmp_path))
    assert code == 1 and err.startswith("netgear keys: no key store"), err
