"""GET /_vigil/tail as Server-Sent Events, read through curl as a person would (`curl -N`): events while
writes go on, a reconnect with Last-Event-ID (and one with ?since=) that sees every event exactly once,
and the refusals. Usage: live_tail_sse_e2e.py ENDPOINT"""
import json
import subprocess
import threading
import time

import sys

from vigil_clients import client, expect, wait_for

endpoint = sys.argv[1]
wait_for(endpoint)
logs = client("logs", endpoint)
logs.create_log_group(logGroupName="app")
logs.create_log_stream(logGroupName="app", logStreamName="web-1")


def curl(*arguments):
    return subprocess.Popen(["curl", "-sN", "-G", endpoint + "/_vigil/tail", *arguments],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)


def events(process, until):
    """Reads SSE events from `process` until `until(received)` holds; (id, data) pairs."""
    received, current = [], {}
    for line in process.stdout:
        line = line.rstrip("\n")
        if line == "":
            if "data" in current:
                received.append((int(current["id"]), json.loads(current["data"])))
                if until(received):
                    return received
            current = {}
        elif not line.startswith(":"):
            name, _, value = line.partition(": ")
            current[name] = value
    return received


# Writes go on throughout: 40 batches of 50, every other event an ERROR.
def write():
    for batch in range(40):
        logs.put_log_events(logGroupName="app", logStreamName="web-1", logEvents=[
            {"timestamp": int(time.time() * 1000), "message": f"{'ERROR' if k % 2 == 0 else 'INFO'} {batch * 50 + k}"}
            for k in range(50)])
        time.sleep(0.02)


first = curl("--data-urlencode", "logGroup=app", "--data-urlencode", "filterPattern=ERROR")
time.sleep(0.5)
writer = threading.Thread(target=write)
writer.start()
before = events(first, lambda r: len(r) >= 250)
first.kill()
last_id = before[-1][0]
time.sleep(0.3)  # away while writes continue
second = curl("--data-urlencode", "logGroup=app", "--data-urlencode", "filterPattern=ERROR",
              "-H", f"Last-Event-ID: {last_id}")
after = events(second, lambda r: r[-1][1]["message"] == "ERROR 1998")
second.kill()
writer.join()
messages = [d["message"] for _, d in before + after]
expect(messages == [f"ERROR {k}" for k in range(0, 2000, 2)], f"{len(messages)} events, first {messages[:3]}")
ids = [i for i, _ in before + after]
expect(ids == sorted(ids) and len(set(ids)) == len(ids), "ids in order, each once")
expect(all(d["logGroup"] == "app" and d["logStream"] == "web-1" and d["ingestionTime"] >= d["timestamp"]
           for _, d in before + after), "fields")

# ?since= resumes the same way; without a filter every event comes.
since = curl("--data-urlencode", "logGroup=app", "--data-urlencode", f"since={ids[-2]}")
tail = events(since, lambda r: len(r) >= 2)
since.kill()
expect([d["message"] for _, d in tail] == ["INFO 1997", "ERROR 1998"], f"since {tail}")


def refused(*arguments, headers=()):
    out = subprocess.run(["curl", "-s", "-G", "-o", "-", "-w", "\n%{http_code}", endpoint + "/_vigil/tail",
                          *arguments, *[h for header in headers for h in ("-H", header)]],
                         capture_output=True, text=True, timeout=10).stdout
    body, _, status = out.rpartition("\n")
    return int(status), json.loads(body)


status, body = refused("--data-urlencode", "logGroup=nope")
expect(status == 400 and body["__type"] == "ResourceNotFoundException", f"{status} {body}")
status, body = refused()
expect(status == 400 and body["__type"] == "InvalidParameterException", f"{status} {body}")
status, body = refused("--data-urlencode", "logGroup=app", headers=["Last-Event-ID: yesterday"])
expect(status == 400 and "event id" in body["message"], f"{status} {body}")
status, body = refused("--data-urlencode", "logGroup=app", "--data-urlencode", "colour=blue")
expect(status == 400 and "Unknown parameter colour" in body["message"], f"{status} {body}")
print("ok")
