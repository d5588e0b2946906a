#!/usr/bin/python3
"""Writes the seed corpus of the fuzz targets into fuzz/corpus/<target>/.

Run once with Debian's Python (numpy, cv2): /usr/bin/python3 fuzz/make_corpus.py
The files are committed; inputs found later (crashes that were fixed) are
added beside them by hand, named after what they reproduce. Keep it small:
tiny images, a few bytes of payload.
"""
import os
import struct
import zlib

import cv2
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def write(target, name, data):
    folder = os.path.join(HERE, "corpus", target)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


# -- fuzz_header: headers as netgear, vidgear 0.1.x and 0.3.x write them (WIRE.md,
# docs/protocol.md), terminations, and malformed ones the full parser words.
HEADERS = {
    "vidgear017_raw": '{"terminate_flag": false, "compression": "", "message": null, "pattern": "0", "dtype": "uint8", "shape": [4, 5, 3]}',
    "vidgear017_multiserver": '{"terminate_flag": false, "compression": "", "port": "5716", "pattern": "1", "message": null, "dtype": "uint8", "shape": [4, 5, 3]}',
    "vidgear017_jpg": '{"terminate_flag": false, "compression": ".jpg", "message": null, "pattern": "0", "dtype": "uint8", "shape": [629]}',
    "vidgear017_message_dict": '{"terminate_flag": false, "compression": "", "message": {"a": [1, 2]}, "pattern": "0", "dtype": "uint8", "shape": [4, 5, 3]}',
    "vidgear035_raw": '{"terminate_flag": false, "compression": false, "message": null, "pattern": "0", "dtype": "uint8", "shape": [4, 5, 3]}',
    "vidgear035_jpeg": '{"terminate_flag": false, "compression": {"dct": true, "ups": false, "colorspace": "BGR"}, "message": null, "pattern": "0", "dtype": "", "shape": ""}',
    "vidgear035_multiserver": '{"port": "5716", "terminate_flag": false, "compression": false, "message": null, "pattern": "1", "dtype": "uint8", "shape": [4, 5, 3]}',
    "vidgear035_message": '{"terminate_flag": false, "compression": "", "message": "hello", "pattern": "2", "dtype": "uint8", "shape": [4, 5, 3]}',
    "netgear_raw": '{"terminate_flag": false, "compression": false, "message": null, "pattern": "0", "dtype": "uint8", "shape": [4, 5, 3], "netgear_seq": 0, "netgear_sent_ns": 1767225600000000000}',
    "netgear_jpeg": '{"terminate_flag": false, "compression": {"dct": false, "ups": true, "colorspace": "GRAY"}, "message": true, "pattern": "0", "dtype": "uint8", "shape": [1000], "netgear_seq": 0, "netgear_sent_ns": -9223372036854775807}',
    "netgear_nd": '{"terminate_flag": false, "compression": false, "message": null, "pattern": "2", "dtype": "float32", "shape": [2, 3, 4, 5], "netgear_seq": 18446744073709551615, "netgear_sent_ns": 1700000000123456789}',
    "netgear_video_key": '{"terminate_flag": false, "compression": {"codec": "h264", "key": true, "width": 1280, "height": 720, "channels": 3}, "message": null, "pattern": "0", "dtype": "uint8", "shape": [24617], "netgear_seq": 7, "netgear_sent_ns": 1767225600000000000}',
    "netgear_video_offer": '{"terminate_flag": false, "compression": {"dct": true, "ups": false, "colorspace": "BGR"}, "message": null, "pattern": "1", "dtype": "uint8", "shape": [900], "netgear_seq": 0, "netgear_video": "h264"}',
    "video_bad_channels": '{"terminate_flag": false, "compression": {"codec": "h264", "key": false, "width": 64, "height": 64, "channels": 2}, "dtype": "uint8", "shape": [10]}',
    "video_no_key": '{"terminate_flag": false, "compression": {"codec": "h264", "width": 64, "height": 64, "channels": 3}, "dtype": "uint8", "shape": [10]}',
    "video_huge": '{"terminate_flag": false, "compression": {"codec": "h264h264h264h264h264", "key": true, "width": 65536, "height": 0, "channels": 3}, "dtype": "uint8", "shape": [10]}',
    "netgear_scalar": '{"terminate_flag": false, "compression": false, "message": null, "pattern": "0", "dtype": "uint8", "shape": [], "netgear_seq": 3}',
    "netgear_port_message": '{"port": 5716, "terminate_flag": false, "compression": false, "message": {"k": [1, "x", 2.5, -3, null, true], "caf\\u00e9": "\\u2603"}, "pattern": "1", "dtype": "<u2", "shape": [0, 2147483647]}',
    "spaced": ' \t\r\n{ "shape" :[ 7 ] ,"dtype":"int8","terminate_flag"\n:\nfalse } \n',
    "termination": '{"terminate_flag": true}',
    "termination_port": '{"terminate_flag": true, "port": "5716"}',
    "pattern_int": '{"terminate_flag": false, "dtype": "uint8", "shape": [3], "pattern": 1}',
    "bom": '\ufeff{"terminate_flag": false, "dtype": "uint8", "shape": [3]}',
    "jpeg_extra_key": '{"terminate_flag": false, "compression": {"colorspace": "BGR", "quality": 90}, "dtype": "", "shape": ""}',
    "bad_not_json": "{nope",
    "bad_not_object": "[1, 2]",
    "bad_no_flag": '{"dtype": "uint8", "shape": [1]}',
    "bad_negative_dim": '{"terminate_flag": false, "compression": false, "dtype": "uint8", "shape": [-1, 3]}',
    "bad_huge_dim": '{"terminate_flag": false, "compression": false, "dtype": "uint8", "shape": [99999999999, 3]}',
    "bad_float_dim": '{"terminate_flag": false, "compression": false, "dtype": "uint8", "shape": [1.5]}',
    "bad_too_many_dims": '{"terminate_flag": false, "compression": false, "dtype": "uint8", "shape": [' + ",".join(["1"] * 33) + "]}",
    "bad_codec": '{"terminate_flag": false, "compression": ".gif", "dtype": "uint8", "shape": [3]}',
    "bad_compression_true": '{"terminate_flag": false, "compression": true, "dtype": "uint8", "shape": [3]}',
    "bad_seq": '{"terminate_flag": false, "compression": false, "dtype": "uint8", "shape": [3], "netgear_seq": -1}',
    "bad_sent_ns": '{"terminate_flag": false, "dtype": "uint8", "shape": [3], "netgear_sent_ns": 1e3}',
    "bad_duplicate": '{"terminate_flag": false, "terminate_flag": false, "dtype": "uint8", "shape": [3]}',
    "bad_trailing": '{"terminate_flag": false, "dtype": "uint8", "shape": [3]} x',
    "bad_escape_dtype": '{"terminate_flag": false, "dtype": "uint\\u0038", "shape": [3]}',
}

# Nesting (docs/protocol.md, "Limits"): a message may nest 128 levels, inside the
# header's own object; 129 and beyond are refused before the JSON parser runs.
def deep_message(depth, inner="[]"):
    message = "[" * (depth - 1) + inner + "]" * (depth - 1)
    return '{"terminate_flag": false, "compression": false, "message": ' + message + ', "dtype": "uint8", "shape": [3]}'


HEADERS["deep_message_128"] = deep_message(128)
HEADERS["bad_deep_message_129"] = deep_message(129)
HEADERS["bad_deep_message_130_objects"] = deep_message(130, '{"a": {}}')
HEADERS["bad_deep_message_10000"] = deep_message(10000)
HEADERS["bad_deep_unclosed_10000"] = "[" * 10000
HEADERS["deep_brackets_in_strings"] = deep_message(2, '["[[[[{{{{\\\\", "]]]]\\"["]')
HEADERS["bad_deep_reply_10000"] = '{"return_type": "list", "data": ' + "[" * 10000 + "]" * 10000 + "}"
for name, text in HEADERS.items():
    write("fuzz_header", name, text)


# -- fuzz_payload: 'H' + header + NUL + payload, or an odd byte + binary shape + payload.
def raw_seed(name, header, payload):
    write("fuzz_payload", name, b"H" + header.encode() + b"\0" + payload)


raw_seed("vidgear035_4x5x3", HEADERS["vidgear035_raw"], bytes(range(60)))
raw_seed("vidgear017_4x5x3", HEADERS["vidgear017_raw"], bytes(range(60)))
raw_seed("netgear_float32_nd", HEADERS["netgear_nd"], np.arange(120, dtype=np.float32).tobytes())
raw_seed("scalar", HEADERS["netgear_scalar"], b"\x07")
raw_seed("zero_sized", '{"terminate_flag": false, "compression": null, "dtype": "<u2", "shape": [0, 2147483647]}', b"")
raw_seed("bool_1d", '{"terminate_flag": false, "compression": false, "dtype": "bool", "shape": [5]}', b"\x00\x01\x01\x00\x01")
raw_seed("uint16_2d", '{"terminate_flag": false, "compression": false, "dtype": "<u2", "shape": [2, 3]}', bytes(12))
raw_seed("channels_512", '{"terminate_flag": false, "compression": false, "dtype": "uint8", "shape": [1, 1, 512]}', bytes(512))
raw_seed("channels_513", '{"terminate_flag": false, "compression": false, "dtype": "uint8", "shape": [1, 1, 513]}', bytes(513))
raw_seed("hwc1", '{"terminate_flag": false, "compression": false, "dtype": "int16", "shape": [2, 2, 1]}', bytes(8))
raw_seed("size_mismatch", HEADERS["vidgear035_raw"], bytes(59))
raw_seed("termination", HEADERS["termination"], b"")
raw_seed("deep_message_128", HEADERS["deep_message_128"], b"abc")
raw_seed("bad_deep_message_129", HEADERS["bad_deep_message_129"], b"abc")


def binary_seed(name, dtype_index, dims, payload):
    # dims: small ints (< 16) as one byte each, others as 0xE0 + 4 bytes.
    out = bytes([1, dtype_index, len(dims)])
    for d in dims:
        out += bytes([d]) if d < 16 else bytes([0xE0]) + struct.pack("<I", d)
    write("fuzz_payload", name, out + payload)


binary_seed("bin_uint8_3x4x3", 0, [3, 4, 3], bytes(36))
binary_seed("bin_float64_5d", 7, [1, 2, 1, 2, 1], bytes(32))
binary_seed("bin_complex64_2", 12, [2], bytes(16))
binary_seed("bin_zero_huge", 0, [0, 2147483647, 2147483647, 2147483647], b"")
binary_seed("bin_overflow", 7, [2147483647, 2147483647, 2147483647], bytes(8))
binary_seed("bin_40_dims", 0, [1] * 40, b"\x01")
write("fuzz_payload", "bin_special_dims", bytes([1, 1, 3, 0xC0, 0xCD, 0xDC]) + bytes(16))


# -- fuzz_decode: a selector byte (see fuzz_decode.cpp) + a small real image.
def image(h, w, channels, depth=np.uint8):
    y, x = np.mgrid[0:h, 0:w]
    top = np.iinfo(depth).max
    planes = [((x * 37 + y * 11 + c * 50) % 256) * (top // 255) for c in range(channels)]
    img = np.dstack(planes).astype(depth)
    return img[:, :, 0] if channels == 1 else img


def turbo(colorspace_index, dct=True, ups=False):
    return bytes([(colorspace_index << 1) | (0x20 if dct else 0) | (0x40 if ups else 0)])


def opencv(extension_index, flag_index):
    return bytes([1 | (extension_index << 1) | (flag_index << 3)])


def encoded(ext, img, params=()):
    ok, buf = cv2.imencode(ext, img, list(params))
    assert ok
    return buf.tobytes()


jpeg_bgr = encoded(".jpg", image(16, 24, 3), [cv2.IMWRITE_JPEG_QUALITY, 90])
jpeg_gray = encoded(".jpg", image(9, 13, 1))
jpeg_progressive = encoded(".jpg", image(16, 16, 3), [cv2.IMWRITE_JPEG_PROGRESSIVE, 1])
jpeg_restart = encoded(".jpg", image(8, 24, 3), [cv2.IMWRITE_JPEG_RST_INTERVAL, 1, cv2.IMWRITE_JPEG_OPTIMIZE, 1])
write("fuzz_decode", "turbo_bgr", turbo(0) + jpeg_bgr)
write("fuzz_decode", "turbo_gray", turbo(2, dct=False, ups=True) + jpeg_gray)
write("fuzz_decode", "turbo_rgba_progressive", turbo(3) + jpeg_progressive)
write("fuzz_decode", "turbo_cmyk_restart", turbo(11) + jpeg_restart)
write("fuzz_decode", "turbo_bad_colorspace", turbo(14) + jpeg_bgr)
write("fuzz_decode", "turbo_truncated", turbo(0) + jpeg_bgr[: len(jpeg_bgr) // 2])
write("fuzz_decode", "opencv_jpg", opencv(0, 0) + jpeg_bgr)
write("fuzz_decode", "opencv_jpg_gray_flag", opencv(1, 1) + jpeg_progressive)
write("fuzz_decode", "opencv_png_rgb", opencv(2, 0) + encoded(".png", image(7, 5, 3)))
write("fuzz_decode", "opencv_png_rgba16", opencv(2, 0) + encoded(".png", image(4, 6, 4, np.uint16)))
write("fuzz_decode", "opencv_png_gray_reduced", opencv(2, 10) + encoded(".png", image(8, 8, 1)))
write("fuzz_decode", "opencv_bmp_bgr", opencv(3, 0) + encoded(".bmp", image(3, 5, 3)))
write("fuzz_decode", "opencv_bmp_gray", opencv(3, 2) + encoded(".bmp", image(4, 4, 1)))
write("fuzz_decode", "opencv_bmp_bgra", opencv(3, 0) + encoded(".bmp", image(2, 3, 4)))
write("fuzz_decode", "opencv_not_an_image", opencv(2, 0) + b"GIF89a\x01\x00\x01\x00")


# Memory amplification (fixed: decoded size bounded by max_decoded_size): tiny
# images whose headers declare gigabytes. The BMP one is what libFuzzer found
# (oom_bmp_13569x65792, committed as found); these are its PNG and JPEG cousins.
def declaring(data, offset, fmt, *values):
    data = bytearray(data)
    struct.pack_into(fmt, data, offset, *values)
    return bytes(data)


# (OpenCV refuses more than 2^30 pixels itself, so these stay under that.)
png_small = encoded(".png", image(7, 5, 3))
assert png_small[12:16] == b"IHDR"  # width, height: big-endian at 16 and 20, the chunk's CRC at 29
png_huge = declaring(png_small, 16, ">II", 30000, 30000)
png_huge = declaring(png_huge, 29, ">I", zlib.crc32(png_huge[12:29]))
write("fuzz_decode", "oom_png_30000x30000", opencv(2, 0) + png_huge)
sof = jpeg_bgr.index(b"\xff\xc0")  # height, width: big-endian at +5 and +7
write("fuzz_decode", "oom_turbo_65000x65000", turbo(3) + declaring(jpeg_bgr, sof + 5, ">HH", 65000, 65000))
write("fuzz_decode", "oom_opencv_jpg_30000x30000", opencv(0, 0) + declaring(jpeg_bgr, sof + 5, ">HH", 30000, 30000))


# At the default max_decoded_size (7680 x 4320 x 3 bytes): a header declaring
# exactly 8K passes the check (the truncated data then fails to decode), one
# more column is refused before anything is allocated.
for width in (7680, 7681):
    png_8k = declaring(png_small, 16, ">II", width, 4320)
    png_8k = declaring(png_8k, 29, ">I", zlib.crc32(png_8k[12:29]))
    write("fuzz_decode", f"limit_png_{width}x4320", opencv(2, 0) + png_8k)
    write("fuzz_decode", f"limit_turbo_{width}x4320", turbo(3) + declaring(jpeg_bgr, sof + 5, ">HH", 4320, width))
