"""Notifications survive `kill -9`: 10,000 deliveries (1,000 messages to 10 subscribers) to a slow receiver;
the test kills the server part-way and restarts it; every message must arrive at every subscriber, counted
by MessageId. Usage: notify_crash_e2e.py ENDPOINT PROGRESS_FILE
Writes the number of deliveries received so far to PROGRESS_FILE (the test kills the server once it has
seen enough), waits for all of them across the restart, and prints `ok`, then how many arrived twice
(at least once: a delivery in flight at the kill is sent again)."""
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from vigil_clients import client, expect, wait_for

endpoint, progress = sys.argv[1], sys.argv[2]
wait_for(endpoint)
sns = client("sns", endpoint)
seen = {}  # (path, message id) -> times received
lock = threading.Lock()


class Slow(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        time.sleep(0.002)
        if self.headers.get("x-amz-sns-message-type") == "Notification":
            with lock:
                key = (self.path, self.headers["x-amz-sns-message-id"])
                seen[key] = seen.get(key, 0) + 1
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
    sns.subscribe(TopicArn=arn, Protocol="http", Endpoint=hook + path, Attributes={"VigilConfirmed": "true"})
published = []
for batch in range(100):
    r = sns.publish_batch(TopicArn=arn, PublishBatchRequestEntries=[
        {"Id": f"m{k}", "Message": f"burst {batch} {k}"} for k in range(10)])
    expect(not r.get("Failed"), f"{r}")
    published += [e["MessageId"] for e in r["Successful"]]
expect(len(set(published)) == 1000, "1,000 distinct message ids")
expected = {(p, m) for p in paths for m in published}
deadline = time.time() + 240
while time.time() < deadline:
    with lock:
        got = set(seen) & expected
        extra = set(seen) - expected
    open(progress, "w").write(str(len(got)))
    if len(got) == len(expected):
        break
    time.sleep(0.1)
expect(not extra, f"{len(extra)} deliveries of messages never published")
expect(len(got) == len(expected), f"{len(expected) - len(got)} of {len(expected)} deliveries never arrived")
print("ok")
print("twice", sum(1 for v in seen.values() if v > 1))
