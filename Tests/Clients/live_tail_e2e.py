"""StartLiveTail against a running `vigil serve`: through boto3 (which checks every frame's CRCs itself) and
through a frame decoder of this script's own over a raw HTTP connection, which checks both CRCs of every
frame with zlib. Usage: live_tail_e2e.py ENDPOINT [--timeout-server ENDPOINT2]"""
import http.client
import json
import struct
import sys
import threading
import time
import urllib.parse
import zlib

from vigil_clients import client, expect, raises, wait_for

endpoint = sys.argv[1]
wait_for(endpoint)
logs = client("logs", endpoint, inject_host_prefix=False)
now = lambda: int(time.time() * 1000)

logs.create_log_group(logGroupName="app")
logs.create_log_group(logGroupName="other")
for stream in ["web-1", "web-2", "worker"]:
    logs.create_log_stream(logGroupName="app", logStreamName=stream)
logs.create_log_stream(logGroupName="other", logStreamName="web-1")
arn = logs.describe_log_groups(logGroupNamePrefix="app")["logGroups"][0]["logGroupArn"]


def put(group, stream, messages):
    logs.put_log_events(logGroupName=group, logStreamName=stream,
                        logEvents=[{"timestamp": now(), "message": m} for m in messages])


# --- Refusals come as modeled exceptions before any stream starts.
start = logs.start_live_tail
raises(logs.exceptions.ResourceNotFoundException, start, logGroupIdentifiers=["nope"])
raises(logs.exceptions.InvalidParameterException, start, logGroupIdentifiers=["app"] * 11)
raises(logs.exceptions.InvalidParameterException, start, logGroupIdentifiers=["app"], logStreamNames=["web-1"],
       logStreamNamePrefixes=["web"])
raises(logs.exceptions.InvalidParameterException, start, logGroupIdentifiers=["app", "other"],
       logStreamNamePrefixes=["web"])
raises(logs.exceptions.InvalidParameterException, start, logGroupIdentifiers=["app"],
       logEventFilterPattern='{ $.a = ')
raises(logs.exceptions.InvalidParameterException, start, logGroupIdentifiers=[arn + ":*"])
error = raises(logs.exceptions.InvalidParameterException, start, logGroupIdentifiers=["app"], logStreamNames=["a:b"])
expect("logStreamNames" in error["Message"], error["Message"])


# --- boto3: events, the filter, stream prefixes, an ARN, and an update every second.
response = start(logGroupIdentifiers=[arn], logStreamNamePrefixes=["web"], logEventFilterPattern="ERROR")
stream = response["responseStream"]
received = []  # (arrival time, event)
def read():
    try:
        for event in stream:
            received.append((time.time(), event))
    except Exception as e:  # the stream is closed at the end
        received.append((time.time(), {"closed": str(e)}))
reader = threading.Thread(target=read, daemon=True)
reader.start()
time.sleep(0.3)
latencies = []
for k in range(10):
    put("app", "worker", [f"ERROR not a web stream {k}"])
    put("other", "web-1", [f"ERROR another group {k}"])
    put("app", "web-1", [f"INFO not an error {k}"])
    put("app", "web-2" if k % 2 else "web-1", [f"ERROR {k}"])
    acknowledged = time.time()
    deadline = acknowledged + 10
    while time.time() < deadline:
        hits = [t for t, e in received if any(r["message"] == f"ERROR {k}"
                                              for r in e.get("sessionUpdate", {}).get("sessionResults", []))]
        if hits:
            latencies.append(hits[0] - acknowledged)
            break
        time.sleep(0.002)
    time.sleep(0.05)
time.sleep(8)  # idle: updates keep coming
stream.close()
reader.join(timeout=5)
events = [e for _, e in received if "closed" not in e]
expect("sessionStart" in events[0], f"first event {events[0]}")
session = events[0]["sessionStart"]
expect(session["logGroupIdentifiers"] == [arn] and session["logStreamNamePrefixes"] == ["web"]
       and session["logEventFilterPattern"] == "ERROR" and session["sessionId"] and session["requestId"],
       f"sessionStart {session}")
results = [r for e in events for r in e.get("sessionUpdate", {}).get("sessionResults", [])]
expect([r["message"] for r in results] == [f"ERROR {k}" for k in range(10)], f"results {results}")
expect(all(r["logGroupIdentifier"] == arn and r["logStreamName"].startswith("web")
           and r["ingestionTime"] >= r["timestamp"] for r in results), f"results {results}")
# Live, not at the next update: the median within 250 ms. (The benchmark measures the p99 in a release
# build; this debug build shares two cores with the whole test suite, whose pauses a CI run measured at
# 5 s, so the slowest are let off up to the deadline.)
latencies.sort()
expect(len(latencies) == 10 and latencies[4] < 0.25, f"acknowledged -> arrived {latencies}")
updates = [t for t, e in received if "sessionUpdate" in e]
idle = [t for t in updates if t > received[-1][0] - 7.5]
gaps = [b - a for a, b in zip(updates, updates[1:])]
# About one a second while idle; loose for the same reason.
expect(len(idle) >= 4 and max(gaps) < 5, f"updates {len(updates)}, gaps {gaps}")
expect(all(e["sessionUpdate"]["sessionMetadata"]["sampled"] is False for e in events if "sessionUpdate" in e),
       "nothing sampled")


# --- Our own decoder over a raw connection, whose Host carries the SDKs' `stream-` prefix.
def frames(raw):
    """Yields (headers, payload) of each frame of `raw`, checking the prelude's and the message's CRC."""
    buffer = b""
    while True:
        chunk = raw.read1(65536) if hasattr(raw, "read1") else raw.read(65536)
        if not chunk:
            expect(buffer == b"", f"{len(buffer)} bytes left after the last frame")
            return
        buffer += chunk
        while len(buffer) >= 12:
            total, headers_length, prelude_crc = struct.unpack(">III", buffer[:12])
            expect(zlib.crc32(buffer[:8]) == prelude_crc, "prelude CRC")
            if len(buffer) < total:
                break
            frame, buffer = buffer[:total], buffer[total:]
            expect(zlib.crc32(frame[:-4]) == struct.unpack(">I", frame[-4:])[0], "message CRC")
            headers, i = {}, 12
            while i < 12 + headers_length:
                n = frame[i]
                name = frame[i + 1:i + 1 + n].decode()
                kind = frame[i + 1 + n]
                i += 2 + n
                expect(kind == 7, f"header {name} of type {kind}")
                (length,) = struct.unpack(">H", frame[i:i + 2])
                headers[name] = frame[i + 2:i + 2 + length].decode()
                i += 2 + length
            yield headers, frame[12 + headers_length:-4]


url = urllib.parse.urlparse(endpoint)
connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
connection.putrequest("POST", "/", skip_host=True)
connection.putheader("Host", f"stream-{url.hostname}:{url.port}")
connection.putheader("X-Amz-Target", "Logs_20140328.StartLiveTail")
connection.putheader("Content-Type", "application/x-amz-json-1.1")
body = json.dumps({"logGroupIdentifiers": ["app"], "logStreamNames": ["worker"]}).encode()
connection.putheader("Content-Length", str(len(body)))
connection.endheaders(body)
raw = connection.getresponse()
expect(raw.status == 200 and raw.getheader("Content-Type") == "application/vnd.amazon.eventstream",
       f"{raw.status} {raw.getheader('Content-Type')}")
decoded = frames(raw)
kinds = []
sampled = {}
for headers, payload in decoded:
    kinds.append(headers[":event-type"])
    expect(headers[":message-type"] == "event", f"headers {headers}")
    if headers[":event-type"] == "sessionStart":
        # 1,200 matching events in one batch: 500 go out in this second, the rest are left out and counted.
        put("app", "worker", [f"burst {k}" for k in range(1_200)])
    if headers[":event-type"] == "sessionUpdate":
        update = json.loads(payload)
        if update["sessionMetadata"]["sampled"]:
            sampled = update
            break
expect(kinds[:2] == ["initial-response", "sessionStart"], f"kinds {kinds[:3]}")
connection.close()
expect(sampled.get("sessionMetadata", {}).get("omittedEvents") == 700, f"sampled update {sampled}")

# --- The aws CLI's own start-live-tail, with host prefixes turned off.
if len(sys.argv) > 3 and sys.argv[2] == "--aws":
    import os
    import subprocess
    # Unbuffered, so that what it printed survives the SIGKILL that ends it (a test runner may have left
    # SIGTERM ignored, which a child inherits).
    env = dict(os.environ, PYTHONUNBUFFERED="1", AWS_DISABLE_HOST_PREFIX_INJECTION="true", AWS_ACCESS_KEY_ID="test",
               AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION="us-east-1")
    import threading
    cli = subprocess.Popen([sys.argv[3], "logs", "start-live-tail", "--endpoint-url", endpoint,
                            "--log-group-identifiers", "app", "--log-event-filter-pattern", "cli"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    lines = []
    reader = threading.Thread(target=lambda: lines.extend(cli.stdout), daemon=True)
    reader.start()
    # The CLI's start takes seconds on a loaded machine, and a session sees only what comes after it
    # opens: the pair is written every half second until the CLI has printed something.
    deadline = time.time() + 60
    while not lines and cli.poll() is None and time.time() < deadline:
        put("app", "worker", ["from the cli test", "not this one"])
        time.sleep(0.5)
    time.sleep(1)
    cli.kill()
    reader.join(timeout=10)
    err = cli.stderr.read()
    expect(lines and all(line == "from the cli test\n" for line in lines),
           f"aws logs start-live-tail printed {lines!r} {err!r}")

print("ok")
