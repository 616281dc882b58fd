"""`aws logs tail` (aws CLI v2) against a running `vigil serve`, by its own protocol: the v2 CLI is not on
PyPI, so this replays exactly the calls its tail command makes (awscli/customizations/logs/tail.py):
FilterLogEvents with interleaved=true and startTime, paginated without --follow; with --follow, the
same call again and again from the newest timestamp seen, dropping eventIds already shown for that
timestamp. Every event must be shown once, including events that share a millisecond and events
written between two polls with the newest timestamp seen. Usage: aws_logs_tail_e2e.py ENDPOINT"""
import sys
import time
from collections import defaultdict

from vigil_clients import client, expect, wait_for

endpoint = sys.argv[1]
wait_for(endpoint)
logs = client("logs", endpoint)
logs.create_log_group(logGroupName="app")
for stream in ["a", "b"]:
    logs.create_log_stream(logGroupName="app", logStreamName=stream)
base = int(time.time() * 1000) - 60_000


def put(stream, pairs):
    logs.put_log_events(logGroupName="app", logStreamName=stream,
                        logEvents=[{"timestamp": base + t, "message": m} for t, m in pairs])


put("a", [(0, "a0"), (5, "a5"), (5, "a5 again")])
put("b", [(1, "b1"), (5, "b5")])

# Without --follow: the paginator, from --since.
kwargs = {"logGroupName": "app", "interleaved": True, "startTime": base - 600_000}
shown = [e["message"] for page in logs.get_paginator("filter_log_events").paginate(**kwargs, PaginationConfig={"PageSize": 2})
         for e in page["events"]]
expect(shown == ["a0", "b1", "a5", "a5 again", "b5"], f"no-follow {shown}")


# With --follow: the v2 CLI's loop (sleeping 0.1 s instead of 5).
def follow(kwargs, rounds, between):
    seen, out, polls = defaultdict(set), [], 0
    for round in range(rounds):
        response = logs.filter_log_events(**kwargs)
        for e in response["events"]:
            if e["eventId"] not in seen[e["timestamp"]]:
                seen[e["timestamp"]].add(e["eventId"])
                out.append(e["message"])
        if seen:
            newest = max(seen)
            seen = defaultdict(set, {newest: seen[newest]})
        if "nextToken" in response:
            kwargs["nextToken"] = response["nextToken"]
        else:
            if seen:
                kwargs["startTime"] = max(seen)
            kwargs.pop("nextToken", None)
            between(polls)
            polls += 1
            time.sleep(0.1)
    return out


def between(polls):
    """Writes after the first and the second poll that reached the end."""
    if polls == 0:
        put("b", [(5, "b5 later, same millisecond")])
    if polls == 1:
        put("a", [(7, "a7"), (9, "a9")])


followed = follow({"logGroupName": "app", "interleaved": True, "startTime": base - 600_000, "limit": 2}, 12, between)
expect(followed == ["a0", "b1", "a5", "a5 again", "b5", "b5 later, same millisecond", "a7", "a9"], f"follow {followed}")
print("ok")
