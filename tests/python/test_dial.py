"""receiver_dials through the Python module: the sender listens and the receiver dials it, for a
viewer behind NAT; the NetGear keyword is the same option as in C++ and on the command line."""
import numpy as np
import pytest

import netgear
from conftest import WAIT, drain, frame, port_of, publish


@pytest.mark.parametrize("pattern", [0, 1, 2])
def test_a_receiver_dials_a_sender_that_listens(pattern):
    with netgear.NetGear(address="127.0.0.1", port=0, pattern=pattern, receiver_dials=True) as server:
        port = port_of(server.endpoints[0])
        assert port != 0, "the listening sender reports its real port"
        client = netgear.NetGear(address="127.0.0.1", port=port, pattern=pattern, receive_mode=True,
                                 receiver_dials=True, receive_timeout=WAIT)
        if pattern == 2:
            assert server.wait_for_receiver(WAIT)
        for i in range(3):
            if pattern == 2:
                publish(server, frame(i), message=i)
            else:
                server.send(frame(i), message=i)
            array = client.recv()
            assert array is not None, client.end_reason
            np.testing.assert_array_equal(array, frame(i))
        server.close()
        assert drain(client) == []
        assert client.end_reason == "terminated"
        client.close()


def test_a_sender_that_connects_cannot_take_any_free_port():
    with pytest.raises(netgear.OptionError, match="port"):
        netgear.NetGear(address="127.0.0.1", port=0, pattern=0)


def test_receiver_dials_cannot_go_with_an_ssh_tunnel():
    with pytest.raises(netgear.OptionError, match="receiver_dials"):
        netgear.NetGear(address="127.0.0.1", port=5555, pattern=0, receiver_dials=True,
                        ssh_tunnel_mode="user@example.org")
