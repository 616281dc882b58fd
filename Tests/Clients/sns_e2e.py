"""SNS on a running `vigil serve`, as boto3 and a real webhook receiver see it: topics and subscriptions,
the confirmation flow through SubscribeURL, notifications with SNS's headers and envelope whose signatures
(versions 1 and 2) a receiver verifies against the certificate at SigningCertURL, raw delivery, an alarm's
notification, retries of a 500 with the same MessageId, and no retry of a 400.
Usage: sns_e2e.py ENDPOINT"""
import json
import os
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "examples", "webhook-receiver"))
from receiver import verify_hmac, verify_signature  # noqa: E402
from vigil_clients import client, expect, scrape, wait_for  # noqa: E402

endpoint = sys.argv[1]
wait_for(endpoint)
sns = client("sns", endpoint)
cw = client("cloudwatch", endpoint)

received = []  # (path, headers, body)
answers = {}  # path -> list of statuses to answer, in turn (then 200)


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        received.append((self.path, {k.lower(): v for k, v in self.headers.items()}, body))
        queue = answers.get(self.path, [])
        self.send_response(queue.pop(0) if queue else 200)
        self.end_headers()

    def log_message(self, *_):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
threading.Thread(target=server.serve_forever, daemon=True).start()
hook = f"http://127.0.0.1:{server.server_address[1]}"


def wait(path, count, seconds=15):
    """The requests to `path`, once there are `count` of them."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        got = [r for r in received if r[0] == path]
        if len(got) >= count:
            return got
        time.sleep(0.05)
    sys.exit(f"FAILED: {path} got {len([r for r in received if r[0] == path])} requests, not {count}")


certificates = {}


def verified(body):
    envelope = json.loads(body)
    url = envelope["SigningCertURL"]
    expect(url.startswith(endpoint + "/"), f"SigningCertURL {url}")
    if url not in certificates:
        certificates[url] = urllib.request.urlopen(url).read()
    verify_signature(envelope, certificates[url])
    return envelope


# Topics: idempotent creation, attributes, listing, errors.
arn = sns.create_topic(Name="alerts", Attributes={"DisplayName": "Alerts"}, Tags=[{"Key": "team", "Value": "sec"}])["TopicArn"]
expect(arn == "arn:aws:sns:us-east-1:123456789012:alerts", arn)
expect(sns.create_topic(Name="alerts", Attributes={"DisplayName": "Alerts"})["TopicArn"] == arn, "idempotent")
try:
    sns.create_topic(Name="alerts", Attributes={"DisplayName": "Other"})
    sys.exit("FAILED: a topic with other attributes was created")
except sns.exceptions.InvalidParameterException:
    pass
attributes = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
expect(attributes["DisplayName"] == "Alerts" and attributes["SubscriptionsConfirmed"] == "0", f"{attributes}")
expect(json.loads(attributes["EffectiveDeliveryPolicy"])["http"]["defaultHealthyRetryPolicy"]["numRetries"] == 3,
       attributes["EffectiveDeliveryPolicy"])
expect([t["TopicArn"] for t in sns.list_topics()["Topics"]] == [arn], "list_topics")
expect(sns.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "sec"}], "tags")
try:
    sns.get_topic_attributes(TopicArn=arn + "-missing")
    sys.exit("FAILED: a missing topic has attributes")
except sns.exceptions.NotFoundException:
    pass
try:
    sns.subscribe(TopicArn=arn, Protocol="carrier-pigeon", Endpoint="x")
    sys.exit("FAILED: an unknown protocol was accepted")
except sns.exceptions.InvalidParameterException:
    pass

# Subscribe: pending until SubscribeURL is fetched.
expect(sns.subscribe(TopicArn=arn, Protocol="http", Endpoint=hook + "/a")["SubscriptionArn"] == "pending confirmation",
       "pending")
path, headers, body = wait("/a", 1)[0]
confirmation = verified(body)
expect(headers["x-amz-sns-message-type"] == "SubscriptionConfirmation", f"{headers}")
expect("x-amz-sns-subscription-arn" not in headers, "no subscription ARN on a confirmation")
expect(headers["content-type"] == "text/plain; charset=UTF-8", headers["content-type"])
expect("Vigil" in headers["user-agent"], headers["user-agent"])
expect("UnsubscribeURL" not in confirmation and confirmation["Token"], f"{confirmation}")
expect(sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"][0]["SubscriptionArn"] == "PendingConfirmation",
       "listed as pending")
urllib.request.urlopen(confirmation["SubscribeURL"]).read()
subscription = sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"][0]["SubscriptionArn"]
expect(subscription.startswith(arn + ":"), subscription)
expect(sns.get_subscription_attributes(SubscriptionArn=subscription)["Attributes"]["PendingConfirmation"] == "false",
       "confirmed")

# A notification: headers and envelope field for field, signature version 1.
message_id = sns.publish(TopicArn=arn, Subject="Hello", Message="world",
                         MessageAttributes={"severity": {"DataType": "String", "StringValue": "high"}})["MessageId"]
path, headers, body = wait("/a", 2)[1]
n = verified(body)
expect(headers["x-amz-sns-message-type"] == "Notification" and headers["x-amz-sns-message-id"] == message_id,
       f"{headers}")
expect(headers["x-amz-sns-topic-arn"] == arn and headers["x-amz-sns-subscription-arn"] == subscription, f"{headers}")
expect(n["Type"] == "Notification" and n["MessageId"] == message_id and n["Subject"] == "Hello"
       and n["Message"] == "world" and n["SignatureVersion"] == "1", f"{n}")
expect(n["MessageAttributes"] == {"severity": {"Type": "String", "Value": "high"}}, f"{n}")
expect(len(n["Timestamp"]) == 24 and n["Timestamp"].endswith("Z"), n["Timestamp"])

# Signature version 2, and no Subject when none was published.
sns.set_topic_attributes(TopicArn=arn, AttributeName="SignatureVersion", AttributeValue="2")
sns.publish(TopicArn=arn, Message="second")
n = verified(wait("/a", 3)[2][2])
expect(n["SignatureVersion"] == "2" and "Subject" not in n, f"{n}")

# Raw delivery: the message alone.
sns.set_subscription_attributes(SubscriptionArn=subscription, AttributeName="RawMessageDelivery", AttributeValue="true")
sns.publish(TopicArn=arn, Message="raw body")
expect(wait("/a", 4)[3][2] == b"raw body", "raw delivery")
sns.set_subscription_attributes(SubscriptionArn=subscription, AttributeName="RawMessageDelivery", AttributeValue="false")

# An alarm's notification, with CloudWatch's subject and message.
cw.put_metric_alarm(AlarmName="root-login", MetricName="RootAccountUsageCount", Namespace="CloudTrailMetrics",
                    Statistic="Sum", Period=300, EvaluationPeriods=1, Threshold=1,
                    ComparisonOperator="GreaterThanOrEqualToThreshold", AlarmActions=[arn])
cw.set_alarm_state(AlarmName="root-login", StateValue="ALARM", StateReason="test")
n = verified(wait("/a", 5)[4][2])
expect(n["Subject"] == 'ALARM: "root-login" in US East (N. Virginia)', n.get("Subject"))
alarm = json.loads(n["Message"])
expect(alarm["AlarmName"] == "root-login" and alarm["NewStateValue"] == "ALARM" and alarm["AlarmDescription"] is None,
       f"{alarm}")
expect(alarm["Trigger"]["MetricName"] == "RootAccountUsageCount" and alarm["Trigger"]["Statistic"] == "SUM",
       f"{alarm}")

# An alarm naming a topic that does not exist: accepted, and its action recorded as failed.
missing = arn + "-gone"
cw.put_metric_alarm(AlarmName="nowhere", MetricName="M", Namespace="N", Statistic="Sum", Period=60,
                    EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold", AlarmActions=[missing])
cw.set_alarm_state(AlarmName="nowhere", StateValue="ALARM", StateReason="test")
items = cw.describe_alarm_history(AlarmName="nowhere", HistoryItemType="Action")["AlarmHistoryItems"]
expect(len(items) == 1 and items[0]["HistorySummary"] == f"Failed to execute action {missing}", f"{items}")

# A 500 is retried with the same MessageId (a policy of 1 s delays); a 400 is not.
b = sns.subscribe(TopicArn=arn, Protocol="http", Endpoint=hook + "/b", ReturnSubscriptionArn=True,
                  Attributes={"DeliveryPolicy": json.dumps({"healthyRetryPolicy": {
                      "minDelayTarget": 1, "maxDelayTarget": 1, "numRetries": 2}})})["SubscriptionArn"]
token = json.loads(wait("/b", 1)[0][2])["Token"]
expect(sns.confirm_subscription(TopicArn=arn, Token=token)["SubscriptionArn"] == b, "confirm_subscription")
answers["/b"] = [500]
sent = sns.publish(TopicArn=arn, Message="retried")["MessageId"]
tries = wait("/b", 3)[1:]
expect([t[1]["x-amz-sns-message-id"] for t in tries] == [sent, sent], f"{[t[1] for t in tries]}")
answers["/b"] = [400]
sns.publish(TopicArn=arn, Message="refused")
wait("/b", 4)
time.sleep(2.5)
expect(len([r for r in received if r[0] == "/b"]) == 4, "a 400 was retried")

# A shared secret: x-vigil-signature verifies with either secret during a rotation, and is never read back.
c = sns.subscribe(TopicArn=arn, Protocol="http", Endpoint=hook + "/c", ReturnSubscriptionArn=True,
                  Attributes={"VigilConfirmed": "true", "VigilSigningSecret": "old-secret-0123456,new-secret-6543210"}
                  )["SubscriptionArn"]
expect(sns.get_subscription_attributes(SubscriptionArn=c)["Attributes"]["VigilSigningSecret"] == "****", "hidden")
sns.publish(TopicArn=arn, Message="hmac")
_, headers, body = wait("/c", 1)[0]
expect(verify_hmac(body, headers.get("x-vigil-signature"), ["new-secret-6543210"]), f"{headers}")
expect(verify_hmac(body, headers.get("x-vigil-signature"), ["old-secret-0123456"]), f"{headers}")
expect(not verify_hmac(body, headers.get("x-vigil-signature"), ["wrong-secret-000000"]), "a wrong secret verifies")
expect(not verify_hmac(body + b" ", headers.get("x-vigil-signature"), ["new-secret-6543210"]), "a changed body verifies")
sns.unsubscribe(SubscriptionArn=c)
# A confirmed webhook gets SNS's UnsubscribeConfirmation, signed; its Token brings the subscription back.
_, headers, body = wait("/c", 2)[1]
goodbye = verified(body)
expect(headers.get("x-amz-sns-message-type") == "UnsubscribeConfirmation" == goodbye["Type"], f"{headers}")
expect(goodbye["Message"].startswith(f"You have chosen to deactivate subscription {c}."), goodbye["Message"])
expect(c not in [s["SubscriptionArn"] for s in sns.list_subscriptions()["Subscriptions"]], "still listed")
restored = sns.confirm_subscription(TopicArn=arn, Token=goodbye["Token"])["SubscriptionArn"]
expect(restored == c and c in [s["SubscriptionArn"] for s in sns.list_subscriptions()["Subscriptions"]], restored)
sns.unsubscribe(SubscriptionArn=c)

# The engine's counts on /metrics (the 400 above is a dead letter).
deadline = time.time() + 10
while time.time() < deadline:
    samples = scrape(endpoint)
    if samples.get("vigil_notifications_dead", 0) >= 1 and "vigil_notifications_pending" in samples:
        break
    time.sleep(0.2)
expect(samples.get("vigil_notifications_dead", 0) >= 1, f"{[k for k in samples if 'notifications' in k]}")

# Unsubscribe and delete.
sns.unsubscribe(SubscriptionArn=b)
try:
    sns.get_subscription_attributes(SubscriptionArn=b)
    sys.exit("FAILED: an unsubscribed subscription has attributes")
except sns.exceptions.NotFoundException:
    pass
sns.delete_topic(TopicArn=arn)
expect(sns.list_topics()["Topics"] == [] and sns.list_subscriptions()["Subscriptions"] == [], "deleted")
sns.delete_topic(TopicArn=arn)  # idempotent, as SNS documents: no error for a topic that does not exist
try:
    sns.delete_topic(TopicArn="not-an-arn")
    sys.exit("FAILED: a malformed topic ARN was accepted")
except sns.exceptions.InvalidParameterException:
    pass
print("ok")
