"""pytest fixtures for the interop tests: spawn peers, always kill stragglers on teardown."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from peer_util import Peer  # noqa: E402  (needs the path above)


@pytest.fixture
def spawn():
    """spawn(argv, name) -> running Peer; every peer is killed (if alive) after the test."""
    peers = []

    def _spawn(argv, name="peer", env=None):
        peer = Peer(list(argv), name, env)
        peers.append(peer)
        return peer

    yield _spawn
    for peer in peers:
        peer.kill()
