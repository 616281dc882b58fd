"""A StartLiveTail session on a server started with --live-tail-max-session 2s ends with a
SessionTimeoutException in the stream, as AWS's do after three hours. Usage: live_tail_timeout_e2e.py ENDPOINT"""
import sys
import time

from botocore.exceptions import EventStreamError

from vigil_clients import client, expect, wait_for

endpoint = sys.argv[1]
wait_for(endpoint)
logs = client("logs", endpoint, inject_host_prefix=False)
logs.create_log_group(logGroupName="app")
started = time.time()
kinds = []
try:
    for event in logs.start_live_tail(logGroupIdentifiers=["app"])["responseStream"]:
        kinds += list(event)
    expect(False, f"the stream ended without an exception after {kinds}")
except EventStreamError as e:
    expect(e.response["Error"]["Code"] == "SessionTimeoutException", f"error {e.response}")
    expect("2 seconds" in e.response["Error"]["Message"], f"message {e.response}")
elapsed = time.time() - started
# Loose above: this shares two cores with the whole test suite, whose pauses a CI run measured at 5 s.
expect(1.9 < elapsed < 12, f"ended after {elapsed:.2f} s")
expect(kinds[0] == "sessionStart" and kinds.count("sessionUpdate") >= 1, f"events {kinds}")
print("ok")
