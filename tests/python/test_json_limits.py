"""JSON nesting through the Python module: what json.dumps refuses (a list that contains itself,
nesting past netgear's limit of 128) raises a ValueError naming the argument, never crashes the
interpreter; JSON nested 200,000 deep from the network is dropped by the receiver and taken as
unreadable text by the sender, in the modes that turn it into Python objects. 128 levels pass."""
import threading

import numpy as np
import pytest
import zmq

import netgear
from conftest import WAIT, frame

LIMIT = 128
HOSTILE = 200_000


def nested(depth):
    value = []
    for _ in range(depth - 1):
        value = [value]
    return value


def depth_of(value):
    depth = 0
    while isinstance(value, list):
        depth += 1
        value = value[0] if value else None
    return depth


def self_referencing():
    a = []
    a.append(a)
    return a


def deep_text(depth):
    return "[" * depth + "]" * depth


def header(message_text, port=None):
    port_part = f'"port": "{port}", ' if port is not None else ""
    return (f'{{{port_part}"terminate_flag": false, "compression": false, "message": {message_text}, '
            f'"pattern": "0", "dtype": "uint8", "shape": [2, 2], "netgear_seq": 0}}').encode()


def too_deep(what):
    return pytest.raises(ValueError, match=rf"{what}.*nested deeper than {LIMIT}")


# -- arguments -----------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [self_referencing, lambda: nested(LIMIT + 1), lambda: nested(HOSTILE),
                                 lambda: {"k": self_referencing()}])
def test_a_message_json_dumps_refuses_is_a_value_error(receiver, sender, bad):
    client, port = receiver()
    server = sender(port)
    with too_deep(r"send\(message\)"):
        server.send(frame(0), message=bad())
    assert server.send(frame(1), message=nested(LIMIT)) is None  # the sender goes on
    np.testing.assert_array_equal(client.recv(), frame(1))


def test_a_message_exactly_at_the_limit_arrives_whole(receiver, sender):
    client, port = receiver(bidirectional_mode=True)
    server = sender(port, bidirectional_mode=True)
    server.send(frame(0), message=nested(LIMIT))
    message, array = client.recv()
    assert depth_of(message) == LIMIT
    np.testing.assert_array_equal(array, frame(0))


@pytest.mark.parametrize("bad", [self_referencing, lambda: nested(LIMIT + 1), lambda: nested(HOSTILE)])
def test_an_option_value_json_dumps_refuses_is_a_value_error(bad):
    with too_deep("option 'filter'"):
        netgear.NetGear(address="127.0.0.1", port=0, receive_mode=True, filter=bad())


def test_an_option_value_at_the_limit_is_only_of_the_wrong_type():
    with pytest.raises(netgear.OptionError, match="filter") as caught:
        netgear.NetGear(address="127.0.0.1", port=0, receive_mode=True, filter=nested(LIMIT))
    assert "nested deeper" not in str(caught.value)


@pytest.mark.parametrize("bad", [self_referencing, lambda: nested(LIMIT + 1), lambda: nested(HOSTILE)])
def test_return_data_json_dumps_refuses_is_a_value_error(receiver, sender, bad):
    client, port = receiver(bidirectional_mode=True)
    server = sender(port, bidirectional_mode=True)
    with too_deep(r"recv\(return_data\)"):
        client.recv(bad())
    # The receiver goes on; data at the limit goes back whole.
    server.send(frame(0))
    client.recv(nested(LIMIT))
    reply = server.send(frame(1))
    assert depth_of(reply) == LIMIT
    client.recv()


# -- from the network ----------------------------------------------------------------------------


def raw_sender(socket_type, endpoint):
    ctx = zmq.Context.instance()
    s = ctx.socket(socket_type)
    s.setsockopt(zmq.LINGER, 0)
    s.connect(endpoint)
    return s


def exchange(s, parts):
    s.send_multipart(parts)
    assert s.poll(WAIT * 1000), "no reply: did the receiver die?"
    return s.recv_multipart()


@pytest.mark.parametrize("mode", ["multiserver_mode", "bidirectional_mode"])
def test_a_deep_message_from_the_network_is_dropped_and_the_stream_goes_on(mode):
    multiserver = mode == "multiserver_mode"
    with netgear.NetGear(address="127.0.0.1", port=["*"] if multiserver else 0, pattern=1, receive_mode=True,
                         receive_timeout=WAIT, **{mode: True}) as client:
        endpoint = client.endpoints[0]
        label = endpoint.rsplit(":", 1)[1] if multiserver else None
        s = raw_sender(zmq.REQ, endpoint)
        try:
            for text in [deep_text(HOSTILE), '{"a": ' + deep_text(HOSTILE) + "}", deep_text(LIMIT + 1),
                         deep_text(LIMIT)]:
                exchange(s, [header(text, label), b"abcd"])
        finally:
            s.close()
        got = client.recv()  # (port, message, frame) or (message, frame)
        assert depth_of(got[-2]) == LIMIT
        np.testing.assert_array_equal(got[-1], np.frombuffer(b"abcd", np.uint8).reshape(2, 2))
        assert client.stats()["bad"] == 3


@pytest.mark.parametrize("pattern", [0, 1])
def test_a_deep_reply_is_unreadable_text_to_a_bidirectional_sender(sender, pattern):
    ctx = zmq.Context.instance()
    hostile = ctx.socket(zmq.PAIR if pattern == 0 else zmq.REP)
    hostile.setsockopt(zmq.LINGER, 0)
    hostile.bind("tcp://127.0.0.1:*")
    port = int(hostile.getsockopt(zmq.LAST_ENDPOINT).decode().rsplit(":", 1)[1])
    replies = [
        '{"return_type": "list", "data": ' + deep_text(LIMIT) + "}",
        '{"return_type": "list", "data": ' + deep_text(LIMIT + 1) + "}",
        '{"return_type": "list", "data": ' + deep_text(HOSTILE) + "}",
    ]

    def serve():
        for reply in replies:
            if not hostile.poll(WAIT * 1000):
                return
            hostile.recv_multipart()
            hostile.send(reply.encode())

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        server = sender(port, pattern=pattern, bidirectional_mode=True, max_retries=10)
        assert depth_of(server.send(frame(0))) == LIMIT
        assert server.send(frame(1)) == replies[1]
        assert server.send(frame(2)) in (replies[2], None)  # None: a reply-size limit refused it
    finally:
        thread.join(WAIT)
        hostile.close()
