# A vidgear 0.3 server program, written as vidgear's documentation shows its NetGear usage
# (Server end, bidirectional mode, JPEG frame compression). tests/python/test_vidgear_program.py
# runs it unchanged but for the import line. argv: video file, port.
import sys

import cv2
from vidgear.gears import NetGear

options = {
    "bidirectional_mode": True,
    "jpeg_compression": True,
    "jpeg_compression_quality": 90,
    "jpeg_compression_fastdct": True,
    "jpeg_compression_fastupsample": True,
    "max_retries": 10,
    "request_timeout": 10,
}

stream = cv2.VideoCapture(sys.argv[1])
server = NetGear(address="127.0.0.1", port=sys.argv[2], protocol="tcp", pattern=1, logging=True, **options)

sent = 0
replies = []
while True:
    try:
        (grabbed, frame) = stream.read()
        if not grabbed:
            break
        target_data = "Hello, I am a Server."
        recv_data = server.send(frame, message=target_data)
        if recv_data is not None:
            replies.append(recv_data)
        sent += 1
    except KeyboardInterrupt:
        break

stream.release()
server.close()
print(f"sent {sent} replies {len(replies)} last {replies[-1] if replies else None}")
