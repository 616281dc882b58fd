"""SIGTERM to `vigil serve` with a StartLiveTail session and a `GET /_vigil/tail` stream open: the session
ends at once with a SessionStreamingException saying the server is shutting down, and the stream with a
comment saying so, so that shutdown waits for neither.
Usage: live_tail_shutdown_e2e.py ENDPOINT SERVER_PID"""
import os
import signal
import subprocess
import sys
import time

from botocore.exceptions import EventStreamError

from vigil_clients import client, expect, wait_for

endpoint, pid = sys.argv[1], int(sys.argv[2])
wait_for(endpoint)
logs = client("logs", endpoint, inject_host_prefix=False)
logs.create_log_group(logGroupName="app")
sse = subprocess.Popen(["curl", "-sN", endpoint + "/_vigil/tail?logGroup=app"], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, text=True)
expect(sse.stdout.readline() == "retry: 1000\n", "the SSE stream did not open")
stream = logs.start_live_tail(logGroupIdentifiers=["app"])["responseStream"]
kinds = []
signalled = None
try:
    for event in stream:
        kinds += list(event)
        if signalled is None and "sessionUpdate" in event:
            signalled = time.time()
            os.kill(pid, signal.SIGTERM)
    expect(False, f"the stream ended without an exception after {kinds}")
except EventStreamError as e:
    expect(e.response["Error"]["Code"] == "SessionStreamingException", f"error {e.response}")
    expect("shutting down" in e.response["Error"]["Message"], f"message {e.response}")
expect(signalled is not None and time.time() - signalled < 10, f"ended {time.time() - (signalled or 0):.2f} s after SIGTERM")
try:
    rest = sse.communicate(timeout=15)[0]
except subprocess.TimeoutExpired:
    sse.kill()
    expect(False, "the SSE stream was still open 15 s after SIGTERM")
expect(": the server is shutting down" in rest, f"the SSE stream ended with {rest[-200:]!r}")
expect(time.time() - signalled < 10, f"the SSE stream ended {time.time() - signalled:.2f} s after SIGTERM")
print("ok")
