"""CloudWatch through boto3 against a running `vigil serve`, on one of the protocols CloudWatch's model
declares (awsJson 1.0 with query-compatible errors, what botocore sends by default; awsQuery; Smithy RPC
v2 CBOR): metrics in and out, alarms through their life, errors as boto3's modeled exceptions. Usage:
cloudwatch_e2e.py ENDPOINT [json|query|smithy-rpc-v2-cbor]"""
import datetime
import sys

from vigil_clients import client, expect, raises, wait_for

endpoint = sys.argv[1]
wait_for(endpoint)
protocol = sys.argv[2] if len(sys.argv) > 2 else None
cw = client("cloudwatch", endpoint, protocol)

now = datetime.datetime.now(datetime.timezone.utc).replace(second=0, microsecond=0) - datetime.timedelta(minutes=2)
host = [{"Name": "Host", "Value": "web-1"}]
cw.put_metric_data(Namespace="App", MetricData=[
    {"MetricName": "Latency", "Dimensions": host, "Timestamp": now, "Values": [10, 20, 30], "Counts": [1, 2, 1],
     "Unit": "Milliseconds"},
    {"MetricName": "Errors", "Dimensions": host, "Timestamp": now, "StatisticValues":
        {"SampleCount": 4, "Sum": 6, "Minimum": 1, "Maximum": 3}},
])
stats = cw.get_metric_statistics(
    Namespace="App", MetricName="Latency", Dimensions=host, StartTime=now - datetime.timedelta(minutes=5),
    EndTime=now + datetime.timedelta(minutes=5), Period=60, Statistics=["Sum", "SampleCount", "Maximum"],
    Unit="Milliseconds")
point = stats["Datapoints"][0]
expect(point["Sum"] == 80 and point["SampleCount"] == 4 and point["Maximum"] == 30, f"statistics {stats}")
expect(point["Timestamp"] == now, f"timestamp {point['Timestamp']} vs {now}")
data = cw.get_metric_data(MetricDataQueries=[{"Id": "e", "MetricStat": {"Metric": {
    "Namespace": "App", "MetricName": "Errors", "Dimensions": host}, "Period": 60, "Stat": "Sum"}}],
    StartTime=now - datetime.timedelta(minutes=5), EndTime=now + datetime.timedelta(minutes=5))
expect(data["MetricDataResults"][0]["Values"] == [6.0], f"data {data}")
names = sorted(m["MetricName"] for p in cw.get_paginator("list_metrics").paginate(Namespace="App")
               for m in p["Metrics"])
expect(names == ["Errors", "Latency"], f"metrics {names}")
raises(cw.exceptions.InvalidParameterValueException, cw.put_metric_data, Namespace="AWS/EC2",
       MetricData=[{"MetricName": "x", "Value": 1}])
# botocore gzips a PutMetricData body of 10 KiB or more (the model's requestcompression trait).
fleet = [{"MetricName": "Requests", "Dimensions": [{"Name": "Host", "Value": f"h{i:03}"}], "Timestamp": now,
          "Value": float(i)} for i in range(300)]
cw.put_metric_data(Namespace="Fleet", MetricData=fleet)
hosts = [m for p in cw.get_paginator("list_metrics").paginate(Namespace="Fleet") for m in p["Metrics"]]
expect(len(hosts) == 300, f"compressed PutMetricData stored {len(hosts)} metrics")

# Alarms: create, describe, change state by hand, history, tags, actions, composite, delete.
for k in range(3):
    cw.put_metric_alarm(AlarmName=f"errors-{k}", MetricName="Errors", Namespace="App", Dimensions=host,
                        Statistic="Sum", Period=60, EvaluationPeriods=1, Threshold=5 + k,
                        ComparisonOperator="GreaterThanOrEqualToThreshold", TreatMissingData="notBreaching",
                        Tags=[{"Key": "team", "Value": "sec"}] if k == 0 else [])
error = raises(cw.exceptions.InvalidParameterValueException, cw.put_metric_alarm, AlarmName="bad",
               MetricName="Errors", Namespace="App", Statistic="Sum", Period=7, EvaluationPeriods=1, Threshold=1,
               ComparisonOperator="GreaterThanThreshold")
expect("Period" in error["Message"], str(error))
pages = list(cw.get_paginator("describe_alarms").paginate(AlarmNamePrefix="errors-",
                                                          PaginationConfig={"PageSize": 2}))
alarms = [a["AlarmName"] for p in pages for a in p["MetricAlarms"]]
expect(alarms == ["errors-0", "errors-1", "errors-2"] and len(pages) == 2, f"alarms {alarms} in {len(pages)}")
cw.set_alarm_state(AlarmName="errors-0", StateValue="ALARM", StateReason="testing")
alarm = cw.describe_alarms(AlarmNames=["errors-0"])["MetricAlarms"][0]
expect(alarm["StateValue"] == "ALARM" and alarm["StateReason"] == "testing", f"alarm {alarm}")
expect(isinstance(alarm["StateUpdatedTimestamp"], datetime.datetime), "timestamps parse as datetimes")
history = cw.describe_alarm_history(AlarmName="errors-0", HistoryItemType="StateUpdate")["AlarmHistoryItems"]
expect(history[0]["HistorySummary"] == "Alarm updated from INSUFFICIENT_DATA to ALARM", f"history {history}")
for_metric = cw.describe_alarms_for_metric(MetricName="Errors", Namespace="App", Dimensions=host)["MetricAlarms"]
expect(len(for_metric) == 3, f"for metric {len(for_metric)}")
arn = alarm["AlarmArn"]
expect(cw.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "team", "Value": "sec"}], "tags")
cw.tag_resource(ResourceARN=arn, Tags=[{"Key": "env", "Value": "test"}])
cw.untag_resource(ResourceARN=arn, TagKeys=["team"])
expect(cw.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "env", "Value": "test"}], "tags after")
cw.disable_alarm_actions(AlarmNames=["errors-1"])
expect(not cw.describe_alarms(AlarmNames=["errors-1"])["MetricAlarms"][0]["ActionsEnabled"], "actions disabled")
cw.enable_alarm_actions(AlarmNames=["errors-1"])
cw.put_composite_alarm(AlarmName="any-errors", AlarmRule='ALARM("errors-0") OR ALARM("errors-1")')
composite = cw.describe_alarms(AlarmTypes=["CompositeAlarm"])["CompositeAlarms"]
expect([c["AlarmName"] for c in composite] == ["any-errors"], f"composite {composite}")
# History by alarm type: metric alarms only unless AlarmTypes asks for composites.
def history_types(**kwargs):
    items = [i for p in cw.get_paginator("describe_alarm_history").paginate(**kwargs) for i in p["AlarmHistoryItems"]]
    return {(i["AlarmName"], i["AlarmType"]) for i in items}
expect(("any-errors", "CompositeAlarm") not in history_types(), "composite history without AlarmTypes")
expect(history_types(AlarmTypes=["CompositeAlarm"]) == {("any-errors", "CompositeAlarm")}, "composite history")
raises(cw.exceptions.ResourceNotFound, cw.set_alarm_state, AlarmName="nope", StateValue="OK", StateReason="x")
cw.delete_alarms(AlarmNames=["any-errors"])
cw.delete_alarms(AlarmNames=["errors-0", "errors-1", "errors-2"])
expect(cw.describe_alarms()["MetricAlarms"] == [], "deleted")
print("ok")
