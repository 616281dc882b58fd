"""An alarm fires in a running `vigil serve`: a breaching datapoint, an alarm on it, and at the next
minute boundary the server's scheduler moves it to ALARM. Usage: alarm_fires_e2e.py ENDPOINT"""
import datetime
import sys
import time

from vigil_clients import scrape, expect, client, wait_for

endpoint = sys.argv[1]
wait_for(endpoint)
cw = client("cloudwatch", endpoint)
now = datetime.datetime.now(datetime.timezone.utc)
cw.put_metric_data(Namespace="App", MetricData=[
    {"MetricName": "Errors", "Value": 5, "Timestamp": now - datetime.timedelta(seconds=61)},
    {"MetricName": "Errors", "Value": 5, "Timestamp": now}])
cw.put_metric_alarm(AlarmName="errors", MetricName="Errors", Namespace="App", Statistic="Sum", Period=60,
                    EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanOrEqualToThreshold")
for _ in range(150):  # the next minute boundary comes within 60 s
    alarm = cw.describe_alarms(AlarmNames=["errors"])["MetricAlarms"][0]
    if alarm["StateValue"] != "INSUFFICIENT_DATA":
        break
    time.sleep(0.5)
if alarm["StateValue"] != "ALARM" or not alarm["StateReason"].startswith("Threshold Crossed"):
    sys.exit(f"FAILED: {alarm['StateValue']}: {alarm.get('StateReason')}")
# The tick is seen in Prometheus' text: the alarm counted in its state, the tick's duration recorded.
metrics = scrape(endpoint)
expect(metrics.get('vigil_alarms{state="ALARM"}') == 1.0, f"alarm gauge {metrics}")
expect(metrics.get('vigil_alarms{state="INSUFFICIENT_DATA"}') == 0.0, f"alarm gauge {metrics}")
expect(metrics.get("vigil_alarm_tick_seconds_count", 0) >= 1, f"tick histogram {metrics}")
print("ok")
