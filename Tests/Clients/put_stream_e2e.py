"""Several clients stream PutLogEvents batches to `vigil serve` until it stops answering; each batch
that got a 200 is written to the acknowledgement file (one batch id per line, flushed at once).
Usage: put_stream_e2e.py ENDPOINT ACK_FILE CLIENTS"""
import sys
import threading
import time
import urllib.request

import boto3
from botocore.config import Config

endpoint, ack_path, clients = sys.argv[1], sys.argv[2], int(sys.argv[3])
for _ in range(300):
    try:
        if urllib.request.urlopen(endpoint + "/_vigil/health", timeout=1).read() == b"ok\n":
            break
    except OSError:
        time.sleep(0.05)
else:
    sys.exit("the server did not come up")


def client():
    # No retries: a retried batch could be stored twice, and this test counts exactly.
    return boto3.client("logs", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test",
                        aws_secret_access_key="test",
                        config=Config(retries={"total_max_attempts": 1}, connect_timeout=2, read_timeout=5))


setup = client()
setup.create_log_group(logGroupName="crash")
setup.put_metric_filter(logGroupName="crash", filterName="errors", filterPattern="ERROR",
                        metricTransformations=[{"metricName": "Errors", "metricNamespace": "Crash",
                                                "metricValue": "1"}])
lock = threading.Lock()
ack = open(ack_path, "a")


def stream(n):
    logs = client()
    logs.create_log_stream(logGroupName="crash", logStreamName=f"client-{n}")
    failures, batch = 0, 0
    while failures < 20:
        now = int(time.time() * 1000)
        events = [{"timestamp": now, "message": f"{'ERROR' if k % 4 == 0 else 'INFO'} c{n} b{batch} e{k}"}
                  for k in range(100)]
        try:
            logs.put_log_events(logGroupName="crash", logStreamName=f"client-{n}", logEvents=events)
            with lock:
                ack.write(f"c{n} b{batch}\n")
                ack.flush()
            failures = 0
        except Exception:
            failures += 1
            time.sleep(0.05)
        batch += 1


threads = [threading.Thread(target=stream, args=(n,)) for n in range(clients)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("stopped")
