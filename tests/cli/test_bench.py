"""`netgear bench`: the throughput benchmark mounted in the netgear tool.

These check that the command runs and reports, never a figure."""
import json

from conftest import run


def test_bench_runs_the_benchmark_with_its_own_options():
    code, out, err = run("bench", "--smoke", "--no-python", "--mode", "threads", "--protocol", "inproc",
                         "--patterns", "0,1", "--json", timeout=120)
    assert code == 0, err
    doc = json.loads(out)
    rows = [(c["pattern"], c["protocol"], c["mode"]) for c in doc["cases"]]
    assert rows and set(rows) == {(0, "inproc", "threads"), (1, "inproc", "threads")}
    for case in doc["cases"]:
        assert case["netgear"]["fps"] > 0 and case["raw"]["fps"] > 0
        assert case["ratio"] > 0


def test_bench_encode_threads_and_a_slow_receiver_with_latest_only():
    code, out, err = run("bench", "--sizes", "320x240x3", "--frames", "40", "--warmup", "5", "--jpeg",
                         "--encode-threads", "2", "--patterns", "2", "--policy", "latest_only",
                         "--process-ms", "5", "--send-fps", "400", "--no-python", "--json", timeout=120)
    assert code == 0, err
    doc = json.loads(out)
    assert doc["config"]["encode_threads"] == 2 and doc["config"]["policy"] == "latest_only"
    (case,) = doc["cases"]
    assert case["codec"] == "jpeg" and case["netgear"]["frames"] + case["netgear"]["lost"] == 40


def test_bench_help_is_the_benchmarks():
    code, out, _ = run("bench", "--help")
    assert code == 0
    assert "--patterns" in out and "--mode" in out


def test_bench_refuses_a_bad_command_line_naming_the_option():
    code, _, err = run("bench", "--protocol", "inproc", "--mode", "process")
    assert code == 2
    assert "--protocol inproc needs --mode threads" in err
    code, _, err = run("bench", "--encode-threads", "2")
    assert code == 2 and "--encode-threads needs --jpeg" in err
