"""Imports the installed netgear (not one from the source or build tree) and
sends one frame through it over tcp loopback. Usage: roundtrip.py <version> <expected path prefix>"""
import sys

import numpy

import netgear

version, prefix = sys.argv[1], sys.argv[2]
assert netgear.__file__.startswith(prefix), f"imported {netgear.__file__}, not from {prefix}"
assert netgear.__version__ == version, f"netgear.__version__ is {netgear.__version__}, expected {version}"
with netgear.NetGear(address="127.0.0.1", port="*", receive_mode=True) as client:
    port = client.endpoints[0].rsplit(":", 1)[1]
    with netgear.NetGear(address="127.0.0.1", port=port) as server:
        server.send(numpy.full((4, 6, 3), 7, numpy.uint8))
        frame = client.recv()
assert frame is not None and frame.shape == (4, 6, 3), frame
print(f"roundtrip: netgear {netgear.__version__} from {netgear.__file__}: ok")
