"""Signature Version 4 through boto3 against `vigil serve --credentials FILE` (the file holds the keys
below): the right key is let in, a wrong secret, an unknown key, no signature and a tampered presigned
URL are refused with AWS's codes, and a key's allowed actions bound what it may call. Usage:
auth_e2e.py ENDPOINT"""
import sys
import urllib.error
import urllib.request

import boto3
import botocore
from botocore.config import Config

from vigil_clients import expect, wait_for

endpoint = sys.argv[1]
wait_for(endpoint)
ADMIN = ("AKIAVIGILADMIN000001", "admin/secret+key")
INGEST = ("AKIAVIGILINGEST00001", "ingest-secret")


def client(service, key, secret, **config):
    config.setdefault("retries", {"total_max_attempts": 1})
    return boto3.client(service, endpoint_url=endpoint, region_name="eu-west-1", aws_access_key_id=key,
                        aws_secret_access_key=secret, config=Config(**config))


def error(call, **kwargs):
    try:
        call(**kwargs)
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"], e.response["Error"]["Message"], e.response["ResponseMetadata"]["HTTPStatusCode"]
    sys.exit(f"FAILED: {call.__name__} was let in")


sts = client("sts", *ADMIN)
identity = sts.get_caller_identity()
expect(identity["Arn"] == "arn:aws:iam::123456789012:user/admin", f"identity {identity}")
expect(identity["UserId"] == ADMIN[0], f"identity {identity}")

admin_logs = client("logs", *ADMIN)
admin_logs.create_log_group(logGroupName="signed")
admin_logs.create_log_stream(logGroupName="signed", logStreamName="s")

ingest_logs = client("logs", *INGEST)
ingest_logs.put_log_events(logGroupName="signed", logStreamName="s", logEvents=[{"timestamp": 1, "message": "m"}])
code, message, status = error(ingest_logs.delete_log_group, logGroupName="signed")
expect((code, status) == ("AccessDeniedException", 403), f"{code} {status}")
expect("user/ingest is not authorized to perform: logs:DeleteLogGroup" in message, message)
expect(len(admin_logs.describe_log_groups()["logGroups"]) == 1, "the denied delete deleted nothing")

# GetCallerIdentity needs no permission, as in AWS.
expect(client("sts", *INGEST).get_caller_identity()["Arn"].endswith("user/ingest"), "ingest identity")

ingest_cw = client("cloudwatch", *INGEST)
ingest_cw.put_metric_data(Namespace="App", MetricData=[{"MetricName": "M", "Value": 1}])
code, message, status = error(ingest_cw.describe_alarms)
expect((code, status) == ("AccessDeniedException", 403), f"{code} {status} {message}")

for service, call, kwargs in [("logs", "describe_log_groups", {}), ("cloudwatch", "list_metrics", {}),
                              ("sts", "get_caller_identity", {})]:
    code, message, status = error(getattr(client(service, ADMIN[0], "wrong"), call), **kwargs)
    expect((code, status) == ("SignatureDoesNotMatch", 403), f"{service} wrong secret: {code} {status}")
    expect(message.startswith("The request signature we calculated does not match"), message)
    code, message, status = error(getattr(client(service, "AKIANOSUCHKEY0000000", "x"), call), **kwargs)
    expect((code, status) == ("InvalidClientTokenId", 403), f"{service} unknown key: {code} {status}")
    code, message, status = error(getattr(client(service, None, None, signature_version=botocore.UNSIGNED), call),
                                  **kwargs)
    expect((code, status) == ("MissingAuthenticationToken", 403), f"{service} unsigned: {code} {status}")

# botocore signs a query operation's presigned URL as the POST it would send, with an empty body.
url = sts.generate_presigned_url("get_caller_identity", ExpiresIn=60)
expect("X-Amz-Signature=" in url and "Action=GetCallerIdentity" in url, url)
body = urllib.request.urlopen(urllib.request.Request(url, data=b"", method="POST"), timeout=5).read().decode()
expect("<Arn>arn:aws:iam::123456789012:user/admin</Arn>" in body, body)
try:
    urllib.request.urlopen(urllib.request.Request(url.replace("X-Amz-Expires=60", "X-Amz-Expires=61"), data=b"",
                                                  method="POST"), timeout=5)
    sys.exit("FAILED: a tampered presigned URL was let in")
except urllib.error.HTTPError as e:
    text = e.read().decode()
    expect(e.code == 403 and "<Code>SignatureDoesNotMatch</Code>" in text, f"{e.code} {text}")
print("ok")
