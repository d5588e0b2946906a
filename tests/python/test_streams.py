"""Frames over real sockets in every pattern: every dtype and shape intact, messages, the end
of stream after every queued frame, zero-copy arrays, the GIL released while blocking,
KeyboardInterrupt and close() from another thread waking a blocked recv()."""
import os
import signal
import threading
import time

import numpy as np
import pytest

import netgear
from conftest import WAIT, Background, drain, eventually, frame, publish

DTYPES = [np.uint8, np.int8, np.uint16, np.int16, np.int32, np.float16, np.float32, np.float64, np.bool_,
          np.uint32, np.int64, np.uint64, np.complex64]
SHAPES = [(48, 64, 3), (48, 64), (7,), (2, 3, 4, 5), (4, 5, 1), ()]


def stream(receiver, sender, pattern, frames, **options):
    """Sends `frames` (a list of (array, message)) from a sender to a receiver, then closes the
    sender; returns what recv() gave until None."""
    client, port = receiver(pattern=pattern, **options)
    server = sender(port, pattern=pattern, **options)
    if pattern == 2:  # frames published before the subscription reach nobody
        assert server.wait_for_receiver(WAIT)
    got = Background(drain, client)
    for array, message in frames:
        if pattern == 2:
            publish(server, array, message)
        else:
            server.send(array, message=message)
    server.close()
    return got.result()


@pytest.mark.parametrize("pattern", [0, 1, 2])
def test_every_dtype_and_shape_arrives_intact_in_every_pattern(receiver, sender, pattern):
    sent = [(frame(i, shape, dtype), None) for i, (dtype, shape) in
            enumerate((d, s) for d in DTYPES for s in SHAPES)]
    got = stream(receiver, sender, pattern, sent, queue_size=len(sent) + 1,
                 overflow_policy="block" if pattern != 2 else "drop_oldest")
    assert len(got) == len(sent)
    for (array, _), received in zip(sent, got):
        assert received.dtype == array.dtype and received.shape == array.shape
        np.testing.assert_array_equal(received, array)


def test_a_message_rides_along_in_bidirectional_mode_and_is_dropped_otherwise(receiver, sender):
    got = stream(receiver, sender, 0, [(frame(0), {"camera": 1, "tags": ["a", None, 2.5]})])
    assert isinstance(got[0], np.ndarray)  # vidgear drops the message in normal mode


def test_queued_frames_arrive_before_the_end_of_stream(receiver, sender):
    client, port = receiver(queue_size=64)
    server = sender(port)
    for i in range(20):
        server.send(frame(i))
    server.close()
    eventually(lambda: client.stats()["received"] == 20, what="20 frames queued")
    got = drain(client)
    assert len(got) == 20
    for i, array in enumerate(got):
        np.testing.assert_array_equal(array, frame(i))
    assert client.recv() is None, "stays ended"


def test_a_received_array_is_writeable_and_outlives_its_netgear(receiver, sender):
    client, port = receiver()
    server = sender(port)
    server.send(frame(3))
    array = client.recv()
    server.close()
    client.close()
    del client
    assert array.flags.writeable
    array[0, 0, 0] = 99
    assert array[0, 0, 0] == 99
    np.testing.assert_array_equal(array[1:], frame(3)[1:])


def test_a_non_contiguous_array_is_sent_as_its_values(receiver, sender):
    big = frame(1, (60, 80, 3))
    view = big[10:40:2, 5:70:3, ::-1]
    assert not view.flags.c_contiguous
    got = stream(receiver, sender, 1, [(view, None)])
    np.testing.assert_array_equal(got[0], view)


def test_the_sender_may_reuse_its_array_once_send_returns_with_copy_false(receiver, sender):
    client, port = receiver()
    server = sender(port, copy=False)
    buffer = frame(0)
    server.send(buffer)
    buffer[:] = 7  # PAIR: send() returned after the reply, ZeroMQ is done with it
    server.send(buffer)
    np.testing.assert_array_equal(client.recv(), frame(0))
    assert (client.recv() == 7).all()


def test_dropping_the_only_reference_after_a_zero_copy_publish_is_safe(receiver, sender):
    client, port = receiver(pattern=2)
    server = sender(port, pattern=2)
    assert server.wait_for_receiver(WAIT)
    for i in range(50):
        server.send(frame(i, (120, 160, 3)))  # the array is garbage at once; ZeroMQ holds it
    server.close()
    got = [a for a in drain(client) if a.shape == (120, 160, 3)]
    assert got, "some published frames arrive"
    for array in got:
        index = int(array.flat[0])
        np.testing.assert_array_equal(array, frame(index, (120, 160, 3)))


def test_other_python_threads_run_while_recv_blocks(receiver, sender):
    client, port = receiver()
    counter = {"n": 0}
    stop = threading.Event()

    def count():
        while not stop.is_set():
            counter["n"] += 1

    blocked = Background(client.recv)
    counting = threading.Thread(target=count)
    counting.start()
    time.sleep(0.3)  # let the counter run while recv() waits: this is the measurement
    stop.set()
    counting.join()
    server = sender(port)
    server.send(frame(5))
    np.testing.assert_array_equal(blocked.result(), frame(5))
    assert counter["n"] > 1000, "the GIL was held while recv() blocked"


def test_ctrl_c_interrupts_a_blocking_recv(receiver):
    client, _ = receiver(receive_timeout=60)
    timer = threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        client.recv()
    timer.join()
    assert time.monotonic() - started < WAIT
    assert not client.closed, "an interrupted recv() leaves the stream usable"


def test_close_from_another_thread_wakes_a_blocked_recv(receiver):
    client, _ = receiver(receive_timeout=60)
    blocked = Background(client.recv)
    closer = threading.Timer(0.2, client.close)
    closer.start()
    assert blocked.result(timeout=WAIT) is None
    closer.join()


def test_recv_returns_none_once_receive_timeout_passes(receiver):
    client, _ = receiver(receive_timeout=0.3)
    started = time.monotonic()
    assert client.recv() is None
    assert 0.25 < time.monotonic() - started < WAIT


@pytest.mark.parametrize("protocol", ["ipc", "inproc"])
def test_ipc_and_inproc_carry_frames(tmp_path, protocol):
    address = str(tmp_path / "sock") if protocol == "ipc" else f"netgear-py-{os.getpid()}"
    with netgear.NetGear(address=address, port=None, protocol=protocol, receive_mode=True,
                         receive_timeout=WAIT) as client:
        with netgear.NetGear(address=address, port=None, protocol=protocol, request_timeout=WAIT) as server:
            server.send(frame(2), message="x")
        np.testing.assert_array_equal(client.recv(), frame(2))
        assert client.recv() is None


def test_a_publisher_that_vanishes_ends_the_stream_with_senders_gone(receiver):
    """vidgear's PUB (here a bare pyzmq one) sends and closes with linger 0 and no termination:
    recv() returns what came, then None once sender_gone_timeout has passed; end_reason says why."""
    import zmq
    client, port = receiver(pattern=2, receive_timeout=60, sender_gone_timeout=0.5)
    ctx = zmq.Context()
    pub = ctx.socket(zmq.XPUB)  # an XPUB sees the subscription, so the frame does not go to nobody
    pub.setsockopt(zmq.LINGER, 0)
    pub.connect(f"tcp://127.0.0.1:{port}")
    assert pub.poll(WAIT * 1000), "no subscription from the receiver"
    pub.recv()
    header = {"terminate_flag": False, "compression": False, "message": None, "pattern": "2",
              "dtype": "uint8", "shape": [2, 2]}
    pub.send_json(header, zmq.SNDMORE)
    pub.send(bytes([5, 5, 5, 5]))
    got = client.recv()
    assert got.shape == (2, 2) and (got == 5).all()
    assert client.end_reason is None
    pub.close()
    ctx.term()
    started = time.monotonic()
    assert client.recv() is None
    assert client.end_reason == "senders_gone"
    assert time.monotonic() - started < 0.5 + WAIT
    assert client.stats()["peers"] == 0


def test_end_reason_names_a_timeout_and_is_refused_in_send_mode(receiver, sender):
    client, port = receiver(receive_timeout=0.2)
    assert client.recv() is None
    assert client.end_reason == "timed_out"
    server = sender(port, force_terminate=True)
    with pytest.raises(netgear.ModeError):
        server.end_reason
