"""Video coding from Python (video_codec="h264"): arrays in, arrays out, in
order, in every pattern; the stats name the encoder; latest_only keeps only
the newest frame, decoded whole (the overflow policy acts after decoding);
bad video options are ValueErrors that name the option."""
import cv2
import numpy as np
import pytest

import netgear
from conftest import WAIT, Background, drain, publish


def scene(i, h=240, w=320):
    """Frame i of a smooth moving scene (gradients and a box)."""
    y, x = np.mgrid[0:h, 0:w]
    image = np.dstack([x * 255 // w, y * 255 // h, np.full((h, w), 120)]).astype(np.uint8)
    left = (i * 6) % (w // 2)
    image[h // 3:h // 3 + h // 4, left:left + w // 4] = (30, 200, 90)
    return image


H264 = {"video_codec": "h264", "video_encoder": "libx264"}


@pytest.mark.parametrize("pattern", [0, 1, 2])
def test_h264_frames_arrive_in_order_and_look_like_what_was_sent(receiver, sender, pattern):
    client, port = receiver(pattern=pattern, queue_size=64)
    server = sender(port, pattern=pattern, **H264)
    if pattern == 2:
        assert server.wait_for_receiver(WAIT)
    got = Background(drain, client)
    for i in range(30):
        if pattern == 2:
            publish(server, scene(i), i)
        else:
            server.send(scene(i), message=i)
    stats = server.stats()
    server.close()
    frames = got.result()
    assert len(frames) == 30
    for i, image in enumerate(frames):
        assert image.shape == (240, 320, 3) and image.dtype == np.uint8
        assert cv2.PSNR(image, scene(i)) > 32, i
    assert stats["video_encoder"] == "libx264" and stats["keyframes"] >= 1
    assert client.stats()["skipped"] == 0 and client.stats()["bad"] == 0


def test_latest_only_keeps_the_newest_frame_decoded_whole(receiver, sender):
    client, port = receiver(pattern=0, queue_size=1, overflow_policy="latest_only")
    server = sender(port, pattern=0, **H264)
    for i in range(20):
        server.send(scene(i), message=i)
    server.close()
    frames = drain(client)
    # Frames were dropped after decoding, so the decoder saw every packet: what is left is clean.
    assert 1 <= len(frames) < 20
    assert cv2.PSNR(frames[-1], scene(19)) > 32
    assert client.stats()["skipped"] == 0


@pytest.mark.parametrize("options, key", [
    ({"video_codec": "vp7"}, "video_codec"),
    ({"video_codec": "h264", "video_bitrate": "lots"}, "video_bitrate"),
    ({"video_codec": "h264", "jpeg_compression": True}, "jpeg_compression"),
    ({"video_keyframe_interval": 10}, "video_keyframe_interval"),
])
def test_bad_video_options_name_the_option(options, key):
    with pytest.raises(ValueError, match=key):
        netgear.NetGear(address="127.0.0.1", port=5555, **options)
