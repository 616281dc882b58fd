"""Prometheus' text at GET /metrics against a running `vigil serve`: requests counted by operation and
status, latency histograms, events ingested and metric-filter matches equal to what was sent, and an
operation name a client made up counted as `unknown` (so no client can grow the label set). Usage:
metrics_e2e.py ENDPOINT"""
import sys
import time
import urllib.error
import urllib.request

from vigil_clients import client, expect, scrape, wait_for

endpoint = sys.argv[1]
wait_for(endpoint)
logs = client("logs", endpoint)
logs.create_log_group(logGroupName="app")
logs.create_log_stream(logGroupName="app", logStreamName="web")
logs.put_metric_filter(logGroupName="app", filterName="errors", filterPattern="ERROR", metricTransformations=[
    {"metricName": "Errors", "metricNamespace": "App", "metricValue": "1"}])
logs.put_metric_filter(logGroupName="app", filterName="everything", filterPattern="", metricTransformations=[
    {"metricName": "Lines", "metricNamespace": "App", "metricValue": "1"}])
now = int(time.time() * 1000)
events = [{"timestamp": now + i, "message": ("ERROR %d" if i % 3 == 0 else "info %d") % i}
          for i in range(10)]
result = logs.put_log_events(logGroupName="app", logStreamName="web", logEvents=events)
expect("rejectedLogEventsInfo" not in result, f"{result}")
logs.put_log_events(logGroupName="app", logStreamName="web", logEvents=events[:2])
try:
    logs.describe_log_streams(logGroupName="missing")
except logs.exceptions.ResourceNotFoundException:
    pass
request = urllib.request.Request(endpoint + "/", data=b"{}", method="POST", headers={
    "X-Amz-Target": "Logs_20140328.Made<Up>Operation", "Content-Type": "application/x-amz-json-1.1"})
try:
    urllib.request.urlopen(request, timeout=5)
except urllib.error.HTTPError as e:
    expect(e.code == 400, f"unknown operation status {e.code}")

m = scrape(endpoint)
expect(m.get("vigil_log_events_ingested_total") == 12, f"events ingested {m}")
# 4 + 1 events with ERROR match "errors"; all 12 match "everything".
expect(m.get("vigil_metric_filter_matches_total") == 4 + 1 + 12, f"filter matches {m}")
expect(m.get('vigil_http_requests_total{operation="PutLogEvents",status="200"}') == 2, f"requests {m}")
expect(m.get('vigil_http_requests_total{operation="DescribeLogStreams",status="400"}') == 1, f"requests {m}")
expect(m.get('vigil_http_requests_total{operation="unknown",status="400"}') == 1, f"requests {m}")
expect(m.get('vigil_http_request_duration_seconds_count{operation="PutLogEvents"}') == 2, f"latency {m}")
expect(m.get('vigil_http_request_duration_seconds_bucket{operation="PutLogEvents",le="+Inf"}') == 2, f"latency {m}")
expect(not any("Made" in name for name in m), "a made-up operation is not a label")
print("ok")
