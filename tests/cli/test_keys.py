"""`netgear keys`: the key store commands mounted in the netgear tool."""
import json
import os

from conftest import run


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
