# A vidgear 0.3 client program, written as vidgear's documentation shows its NetGear usage
# (Client end, bidirectional mode). tests/python/test_vidgear_program.py runs it unchanged but
# for the import line. argv: port. It counts frames instead of cv2.imshow (no display here).
import sys

from vidgear.gears import NetGear

options = {"bidirectional_mode": True, "jpeg_compression": True, "max_retries": 10, "request_timeout": 10}

client = NetGear(address="127.0.0.1", port=sys.argv[1], protocol="tcp", pattern=1, receive_mode=True,
                 logging=True, **options)

frames = 0
messages = set()
while True:
    target_data = "Hi, I am a Client here."
    data = client.recv(return_data=target_data)
    if data is None:
        break
    server_data, frame = data
    if frame is None:
        break
    messages.add(server_data)
    frames += 1
    shape = frame.shape

client.close(kill=True)
print(f"received {frames} shape {list(shape)} messages {sorted(messages)}")
