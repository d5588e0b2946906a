"""asyncio front end of NetGear: awaitable send/recv and `async for` over frames.

For applications built on asyncio (vidgear's NetGear_Async users)::

    from netgear.aio import AsyncNetGear

    async with AsyncNetGear(port=5454, pattern=1, receive_mode=True) as client:
        async for frame in client:          # ends at the end of the stream
            ...

    async with AsyncNetGear(address="192.168.1.20", port=5454, pattern=1) as server:
        await server.send(frame, message={"camera": 1})

The wire is NetGear's (not NetGear_Async's msgpack protocol), so the other side is any NetGear:
netgear's, vidgear's (0.1 or 0.3), or another AsyncNetGear.

How it stays off the event loop: every send()/recv() runs on one worker thread of this object
(so calls keep their order), and the C++ side releases the GIL while it waits, so the loop and
its other tasks go on meanwhile. close() runs on another thread and wakes a waiting recv().

Cancellation loses nothing: a cancelled `await recv()` leaves its read running; the frame it
brings is what the next recv() returns (that call's return_data then goes with the reply after
it). A cancelled `await send()` still sends its frame, once; the next send() waits for it first.
"""
import asyncio
import concurrent.futures

from ._netgear import NetGear

__all__ = ["AsyncNetGear"]


class AsyncNetGear:
    """NetGear with coroutine methods; takes exactly NetGear's arguments and options."""

    def __init__(self, *args, **kwargs):
        self._netgear = NetGear(*args, **kwargs)
        self._worker = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="netgear-aio")
        self._pending_recv = None  # asyncio future of a read whose awaiting recv() was cancelled
        self._pending_send = None

    @property
    def netgear(self):
        """The underlying (blocking) NetGear: stats(), endpoints, end_reason, ..."""
        return self._netgear

    def _run(self, function, *args):
        return asyncio.get_running_loop().run_in_executor(self._worker, function, *args)

    async def recv(self, return_data=None):
        """The next frame (or tuple, as NetGear.recv), or None at the end of the stream."""
        if self._pending_recv is None:
            self._pending_recv = self._run(self._netgear.recv, return_data)
        read = self._pending_recv
        try:
            # shield: a cancellation of this await leaves the read running for the next recv()
            return await asyncio.shield(read)
        finally:
            if read.done():
                self._pending_recv = None

    async def send(self, frame, message=None):
        """Sends a frame (as NetGear.send) and returns what NetGear.send returns."""
        if self._pending_send is not None:
            previous, self._pending_send = self._pending_send, None
            await asyncio.gather(previous, return_exceptions=True)  # its outcome was the cancelled caller's
        sending = self._pending_send = self._run(self._netgear.send, frame, message)
        try:
            return await asyncio.shield(sending)
        finally:
            if sending.done():
                self._pending_send = None

    async def wait_for_receiver(self, timeout, count=0):
        """PUB/SUB: waits (off the loop) until `count` receivers subscribed; False on timeout."""
        return await self._run(self._netgear.wait_for_receiver, timeout, count)

    async def close(self, kill=False):
        """Closes (as NetGear.close) without blocking the loop; wakes a waiting recv()."""
        await asyncio.get_running_loop().run_in_executor(None, self._netgear.close, kill)
        self._worker.shutdown(wait=False)

    def __aiter__(self):
        return self

    async def __anext__(self):
        item = await self.recv()
        if item is None:
            raise StopAsyncIteration
        return item

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        await self.close()
        return False

    def __repr__(self):
        return f"Async{self._netgear!r}"
