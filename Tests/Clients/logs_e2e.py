"""CloudWatch Logs through boto3 against a running `vigil serve`: every operation the endpoint serves,
errors as boto3's modeled exceptions, pagination to the end. Usage: logs_e2e.py ENDPOINT"""
import sys
import time

from vigil_clients import client, expect, raises, wait_for

endpoint = sys.argv[1]
wait_for(endpoint)
logs = client("logs", endpoint)


# Groups, with pagination by limit.
for k in range(5):
    logs.create_log_group(logGroupName=f"app/{k}", tags={"team": "core"} if k == 0 else {})
error = raises(logs.exceptions.ResourceAlreadyExistsException, logs.create_log_group, logGroupName="app/0")
expect(error["Message"] == "The specified log group already exists", str(error))
pages = list(logs.get_paginator("describe_log_groups").paginate(PaginationConfig={"PageSize": 2}))
names = [g["logGroupName"] for p in pages for g in p["logGroups"]]
expect(names == [f"app/{k}" for k in range(5)] and len(pages) == 3, f"groups {names} in {len(pages)} pages")

# Retention and tags, by ARN and by the older name-based operations.
logs.put_retention_policy(logGroupName="app/1", retentionInDays=7)
expect(logs.describe_log_groups(logGroupNamePrefix="app/1")["logGroups"][0]["retentionInDays"] == 7, "retention")
raises(logs.exceptions.InvalidParameterException, logs.put_retention_policy, logGroupName="app/1",
       retentionInDays=2)
logs.delete_retention_policy(logGroupName="app/1")
arn = logs.describe_log_groups(logGroupNamePrefix="app/0")["logGroups"][0]["logGroupArn"]
logs.tag_resource(resourceArn=arn, tags={"env": "test"})
expect(logs.list_tags_for_resource(resourceArn=arn)["tags"] == {"team": "core", "env": "test"}, "tags by ARN")
logs.untag_resource(resourceArn=arn, tagKeys=["env"])
logs.tag_log_group(logGroupName="app/0", tags={"owner": "sec"})
expect(logs.list_tags_log_group(logGroupName="app/0")["tags"] == {"team": "core", "owner": "sec"}, "tags by name")
logs.untag_log_group(logGroupName="app/0", tags=["owner"])

# A metric filter, events, and what they count.
logs.put_metric_filter(
    logGroupName="app/0", filterName="errors", filterPattern="ERROR",
    metricTransformations=[{"metricName": "Errors", "metricNamespace": "App", "metricValue": "1"}])
filters = logs.describe_metric_filters(logGroupName="app/0")["metricFilters"]
expect([f["filterName"] for f in filters] == ["errors"], f"filters {filters}")
raises(logs.exceptions.InvalidParameterException, logs.put_metric_filter, logGroupName="app/0",
       filterName="bad", filterPattern="{ $.a = ", metricTransformations=filters[0]["metricTransformations"])
logs.create_log_stream(logGroupName="app/0", logStreamName="host-1")
raises(logs.exceptions.ResourceNotFoundException, logs.create_log_stream, logGroupName="nope", logStreamName="s")
now = int(time.time() * 1000)
batch = [{"timestamp": now + k, "message": f"{'ERROR' if k % 3 == 0 else 'INFO'} event {k}"} for k in range(250)]
result = logs.put_log_events(logGroupName="app/0", logStreamName="host-1", logEvents=batch)
expect("rejectedLogEventsInfo" not in result, f"put {result}")
old = logs.put_log_events(logGroupName="app/0", logStreamName="host-1",
                          logEvents=[{"timestamp": now - 15 * 86400 * 1000, "message": "too old"}])
expect(old["rejectedLogEventsInfo"] == {"tooOldLogEventEndIndex": 1}, f"rejected {old}")
# The deprecated nextSequenceToken is still answered (older agents read it), and passing it back
# (or a stale one) is accepted, as CloudWatch Logs has done since 2023.
token = result["nextSequenceToken"]
expect(len(token) == 56 and token.isdigit() and old["nextSequenceToken"] > token, f"tokens {token} {old}")
streams = logs.describe_log_streams(logGroupName="app/0")["logStreams"]
expect([s["logStreamName"] for s in streams] == ["host-1"], f"streams {streams}")
logs.create_log_stream(logGroupName="app/0", logStreamName="host-2")
again = logs.put_log_events(logGroupName="app/0", logStreamName="host-2", sequenceToken=token,
                            logEvents=[{"timestamp": now, "message": "INFO with a stale token"}])
expect(again["nextSequenceToken"] > old["nextSequenceToken"], f"tokens {again}")

# GetLogEvents forward with its tokens to the end (the token repeats when nothing is left).
seen, token = [], None
while True:
    args = {"logGroupName": "app/0", "logStreamName": "host-1", "startFromHead": True, "limit": 100}
    if token:
        args["nextToken"] = token
    page = logs.get_log_events(**args)
    seen += [e["message"] for e in page["events"]]
    if page["nextForwardToken"] == token:
        break
    token = page["nextForwardToken"]
expect(seen == [e["message"] for e in batch], f"GetLogEvents returned {len(seen)} of {len(batch)}")

# FilterLogEvents with a pattern, paginated.
matched = [e["message"] for p in logs.get_paginator("filter_log_events").paginate(
    logGroupName="app/0", filterPattern="ERROR", PaginationConfig={"PageSize": 30}) for e in p["events"]]
expect(matched == [e["message"] for e in batch if e["message"].startswith("ERROR")], f"filtered {len(matched)}")

# TestMetricFilter, and an invalid pattern as the modeled exception.
test = logs.test_metric_filter(filterPattern="[level, word, n]", logEventMessages=["ERROR event 3"])
expect(test["matches"][0]["extractedValues"] == {"$level": "ERROR", "$word": "event", "$n": "3"}, str(test))
raises(logs.exceptions.InvalidParameterException, logs.test_metric_filter, filterPattern="{ $.a = ",
       logEventMessages=["x"])

# Deletions.
logs.delete_metric_filter(logGroupName="app/0", filterName="errors")
logs.delete_log_stream(logGroupName="app/0", logStreamName="host-1")
logs.delete_log_group(logGroupName="app/4")
raises(logs.exceptions.ResourceNotFoundException, logs.delete_log_group, logGroupName="app/4")
print("ok")
