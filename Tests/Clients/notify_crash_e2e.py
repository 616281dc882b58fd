"""Notifications survive `kill -9`: 10,000 deliveries (1,000 messages to 10 subscribers) to a slow receiver;
the test kills the server part-way and restarts it; every message must arrive at every subscriber, counted
by MessageId. Usage: notify_crash_e2e.py ENDPOINT SERVER_PID
Kills the server (SIGKILL) itself when 2,000 deliveries have arrived, so the kill falls inside the burst
however loaded the machine is; the test restarts it. Waits for all deliveries across the restart and
prints `ok`, then how many arrived twice (at least once: a delivery in flight at the kill is sent again)."""
import json
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from vigil_clients import client, expect, wait_for

endpoint, server_pid = sys.argv[1], int(sys.argv[2])
killed_at = []
wait_for(endpoint)
sns = client("sns", endpoint)
seen = {}  # (path, message id) -> times received
lock = threading.Lock()
gate = threading.Event()  # closed while publishing: the burst is queued whole before any of it is taken


class Slow(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if not gate.is_set():
            self.send_response(500)
            self.end_headers()
            return
        time.sleep(0.002)
        if self.headers.get("x-amz-sns-message-type") == "Notification":
            with lock:
                key = (self.path, self.headers["x-amz-sns-message-id"])
                seen[key] = seen.get(key, 0) + 1
                if len(seen) >= 2000 and not killed_at:
                    os.kill(server_pid, signal.SIGKILL)
                    killed_at.append(len(seen))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *_):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
threading.Thread(target=server.serve_forever, daemon=True).start()
hook = f"http://127.0.0.1:{server.server_address[1]}"
arn = sns.create_topic(Name="burst")["TopicArn"]
paths = [f"/s{k}" for k in range(10)]
for path in paths:
    # Refused deliveries are retried every second until the gate opens.
    sns.subscribe(TopicArn=arn, Protocol="http", Endpoint=hook + path, Attributes={
        "VigilConfirmed": "true", "DeliveryPolicy": json.dumps({"healthyRetryPolicy": {
            "minDelayTarget": 1, "maxDelayTarget": 1, "numRetries": 100}})})
published = []
for batch in range(100):
    r = sns.publish_batch(TopicArn=arn, PublishBatchRequestEntries=[
        {"Id": f"m{k}", "Message": f"burst {batch} {k}"} for k in range(10)])
    expect(not r.get("Failed"), f"{r}")
    published += [e["MessageId"] for e in r["Successful"]]
expect(len(set(published)) == 1000, "1,000 distinct message ids")
gate.set()
expected = {(p, m) for p in paths for m in published}
deadline = time.time() + 240
while time.time() < deadline:
    with lock:
        got = set(seen) & expected
        extra = set(seen) - expected
    if len(got) == len(expected):
        break
    time.sleep(0.1)
expect(not extra, f"{len(extra)} deliveries of messages never published")
expect(len(got) == len(expected), f"{len(expected) - len(got)} of {len(expected)} deliveries never arrived")
expect(killed_at == [2000], f"the server was not killed part-way ({killed_at})")
print("ok")
print("twice", sum(1 for v in seen.values() if v > 1))
