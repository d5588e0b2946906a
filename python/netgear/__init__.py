"""netgear: vidgear's NetGear on a C++ core — real-time video frames over ZeroMQ.

Switching from vidgear is one line::

    # from vidgear.gears import NetGear
    from netgear import NetGear

The wire format is vidgear's, so either side can stay a vidgear NetGear.
"""
from ._netgear import (  # noqa: F401
    Error,
    FrameError,
    ModeError,
    NetGear,
    OptionError,
    PeerLostError,
    SetupError,
    __version__,
)
from .aio import AsyncNetGear  # noqa: F401  (asyncio: awaitable send/recv, async for)

__all__ = ["NetGear", "AsyncNetGear", "Error", "OptionError", "ModeError", "FrameError", "SetupError", "PeerLostError"]
