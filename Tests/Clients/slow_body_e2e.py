"""A client that sends its body too slowly, against `vigil serve --read-timeout 2`: it is answered with
408 and RequestTimeoutException once the two seconds are up, however steadily it trickles, while other
clients are served meanwhile. Usage: slow_body_e2e.py ENDPOINT"""
import json
import socket
import sys
import time
import urllib.parse

from vigil_clients import client, expect, wait_for

endpoint = sys.argv[1]
wait_for(endpoint)
url = urllib.parse.urlparse(endpoint)
body = json.dumps({"logGroupNamePrefix": "x" * 150}).encode()
slow = socket.create_connection((url.hostname, url.port), timeout=10)
slow.sendall(b"POST / HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-amz-json-1.1\r\n"
             b"X-Amz-Target: Logs_20140328.DescribeLogGroups\r\nContent-Length: %d\r\n\r\n"
             % (url.netloc.encode(), len(body)))
started = time.monotonic()
answer = b""
slow.setblocking(False)
for byte in body:
    try:
        slow.send(bytes([byte]))
    except OSError:
        break
    time.sleep(0.1)
    try:
        answer += slow.recv(4096)
    except BlockingIOError:
        pass
    if answer:
        break
    if byte == body[len(body) // 2]:
        # Meanwhile another client is served at once.
        expect(client("logs", endpoint).describe_log_groups()["logGroups"] == [], "another client is served")
slow.setblocking(True)
while b"\r\n\r\n" not in answer:
    answer += slow.recv(4096)
elapsed = time.monotonic() - started
expect(answer.startswith(b"HTTP/1.1 408"), f"answer {answer[:200]!r}")
expect(b"RequestTimeoutException" in answer or b"RequestTimeoutException" in slow.recv(4096), f"{answer!r}")
# The whole body takes 17 s to trickle in; the bound is loose above because this shares two cores with
# the whole test suite, whose pauses a CI run measured at 5 s.
expect(1.8 <= elapsed <= 10, f"answered after {elapsed:.1f} s")
print("ok")
