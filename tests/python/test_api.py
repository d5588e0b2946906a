"""The NetGear API as vidgear users know it: parameters, defaults, errors that name what to
change (ValueError for misuse, RuntimeError for failures), the context manager, stats."""
import numpy as np
import pytest

import netgear
from conftest import frame


def test_the_package_exports_vidgears_name_and_the_errors():
    assert netgear.NetGear.__name__ == "NetGear"
    assert netgear.__version__.count(".") == 2
    for name in ("OptionError", "ModeError", "FrameError"):
        assert issubclass(getattr(netgear, name), ValueError), name
        assert issubclass(getattr(netgear, name), netgear.Error), name
    for name in ("SetupError", "PeerLostError"):
        assert issubclass(getattr(netgear, name), RuntimeError), name
        assert issubclass(getattr(netgear, name), netgear.Error), name


def test_defaults_are_vidgears():
    with netgear.NetGear() as server:  # send mode: connects to localhost:5555 over PAIR
        assert server.endpoints == ["tcp://localhost:5555"]
        assert not server.receive_mode
        assert "sending to tcp://localhost:5555 PAIR" in repr(server)


def test_keyword_and_positional_parameters(receiver):
    client, port = receiver(pattern=1)
    assert client.receive_mode
    server = netgear.NetGear("127.0.0.1", port, "tcp", 1, False, False, request_timeout=5)
    try:
        assert server.endpoints == [f"tcp://127.0.0.1:{port}"]
        assert "REQ/REP" in repr(server)
    finally:
        server.close()


def test_a_str_port_and_a_port_list_are_accepted(receiver):
    client, port = receiver()
    with netgear.NetGear(address="127.0.0.1", port=str(port)) as server:
        assert server.endpoints == [f"tcp://127.0.0.1:{port}"]
    with netgear.NetGear(address="127.0.0.1", port=[0, "0"], pattern=1, receive_mode=True,
                         multiserver_mode=True) as multi:
        assert len(multi.endpoints) == 2


def option_error(**kwargs):
    with pytest.raises(netgear.OptionError) as caught:
        netgear.NetGear(**kwargs)
    return caught.value


def test_a_bad_option_is_a_value_error_naming_it():
    e = option_error(queue_sizee=3)
    assert isinstance(e, ValueError)
    assert e.key == "queue_sizee"
    assert "did you mean 'queue_size'?" in str(e)
    assert option_error(request_timeout="4").key == "request_timeout"
    assert "got null (None)" in str(option_error(receive_timeout=None))
    assert option_error(pattern=1, multiserver_mode=True, multiclient_mode=True, port=[5000]).key in (
        "multiserver_mode", "multiclient_mode")


def test_bad_parameters_name_themselves():
    assert option_error(pattern=7).key == "pattern"
    assert option_error(pattern="1").key == "pattern"
    assert option_error(protocol="udp").key == "protocol"
    assert option_error(protocol=5).key == "protocol"
    assert option_error(port=object()).key == "port"
    assert option_error(address=1234).key == "address"
    assert option_error(pattern=2, bidirectional_mode=True).key == "bidirectional_mode"


def test_an_option_value_that_is_not_json_is_a_type_error():
    with pytest.raises(TypeError, match="option 'filter'.*set"):
        netgear.NetGear(filter={1, 2})


def test_calling_the_other_sides_function_is_a_mode_error(receiver):
    client, port = receiver()
    with pytest.raises(ValueError, match="receive mode"):
        client.send(frame(0))
    with pytest.raises(netgear.ModeError):
        client.send(None)  # the mode is checked before the frame
    with netgear.NetGear(address="127.0.0.1", port=port) as server:
        with pytest.raises(netgear.ModeError, match="send mode"):
            server.recv()


def test_a_frame_must_be_an_array_of_a_dtype_the_wire_carries(receiver):
    client, port = receiver()
    with netgear.NetGear(address="127.0.0.1", port=port) as server:
        with pytest.raises(TypeError, match="send\\(frame\\) must be a numpy array, not NoneType"):
            server.send(None)
        with pytest.raises(TypeError, match="list"):
            server.send([[1, 2], [3, 4]])
        for bad in (np.zeros(3, np.complex128), np.zeros(2, ">u2"), np.array(["a"], dtype=object),
                    np.zeros(2, "datetime64[s]")):
            with pytest.raises(ValueError, match="cannot carry numpy dtype"):
                server.send(bad)
        with pytest.raises(netgear.FrameError):
            server.send(np.zeros((0, 4), np.uint8))
        with pytest.raises(TypeError, match="send\\(message\\).*bytes"):
            server.send(frame(0), message=b"raw")


def test_binding_a_busy_port_is_a_setup_error_naming_it(receiver):
    client, port = receiver()
    with pytest.raises(netgear.SetupError, match=str(port)) as caught:
        netgear.NetGear(address="127.0.0.1", port=port, receive_mode=True)
    assert isinstance(caught.value, RuntimeError)


def test_context_manager_closes_and_close_is_idempotent(receiver):
    client, port = receiver()
    with netgear.NetGear(address="127.0.0.1", port=port, request_timeout=5) as server:
        assert server.send(frame(0)) is None
        assert not server.closed
    assert server.closed
    server.close()
    assert "(closed)" in repr(server)
    with pytest.raises(netgear.ModeError):
        server.send(frame(1))
    assert client.recv() is not None
    assert client.recv() is None  # the context manager sent the termination


def test_stats_count_both_sides(receiver):
    client, port = receiver(pattern=1)
    with netgear.NetGear(address="127.0.0.1", port=port, pattern=1, request_timeout=5) as server:
        for i in range(3):
            server.send(frame(i))
        sent = server.stats()
    for _ in range(3):
        client.recv()
    got = client.stats()
    assert sent["frames_sent"] == 3 and sent["replies"] == 3 and sent["bytes_sent"] == 3 * 48 * 64 * 3
    assert got["received"] == 3 and got["delivered"] == 3 and got["bad"] == 0
    assert got["bytes"] == sent["bytes_sent"]


def test_the_memory_bounds_are_options_and_the_queue_reports_its_bytes(receiver):
    client, port = receiver(pattern=0, queue_max_bytes=1 << 20, max_decoded_size=1 << 24,
                            overflow_policy="drop_oldest")
    server = netgear.NetGear("127.0.0.1", port, "tcp", 0, False, False, request_timeout=5)
    try:
        for _ in range(8):  # 8 x 300,000 bytes; the application reads nothing meanwhile
            server.send(np.zeros((100, 1000, 3), np.uint8))
    finally:
        server.close()
    stats = client.stats()
    assert stats["queued_bytes"] == 900_000, stats
    assert stats["queued"] == 3, stats
    with pytest.raises(ValueError, match="max_decoded_size"):
        receiver(max_decoded_size=0)
