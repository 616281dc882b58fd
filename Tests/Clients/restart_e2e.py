"""Requests spanning a restart of `vigil serve` on the same data directory. Usage:
restart_e2e.py ENDPOINT before TOKEN_FILE   (creates groups, stores a page token, pages part-way)
restart_e2e.py ENDPOINT after TOKEN_FILE    (run while the server is down: botocore's retries carry the
                                             first call over the restart; the old token pages on to the end)"""
import sys

from vigil_clients import client, expect, wait_for

endpoint, phase, token_file = sys.argv[1], sys.argv[2], sys.argv[3]
names = [f"group-{k:02d}" for k in range(10)]
if phase == "before":
    wait_for(endpoint)
    logs = client("logs", endpoint)
    for name in names:
        logs.create_log_group(logGroupName=name)
    page = logs.describe_log_groups(limit=4)
    expect([g["logGroupName"] for g in page["logGroups"]] == names[:4], f"first page {page}")
    open(token_file, "w").write(page["nextToken"])
else:
    # The server is stopped when this starts; standard retries with backoff wait for it to return.
    logs = client("logs", endpoint, retries={"mode": "standard", "total_max_attempts": 12})
    token = open(token_file).read()
    seen = []
    while token:
        page = logs.describe_log_groups(limit=4, nextToken=token)
        seen += [g["logGroupName"] for g in page["logGroups"]]
        token = page.get("nextToken")
    expect(seen == names[4:], f"after the restart the token pages on: {seen}")
print("ok")
