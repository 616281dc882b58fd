"""Several clients stream PutLogEvents batches to `vigil serve` until it stops answering; each batch
that got a 200 is written to the acknowledgement file (one batch id per line, flushed at once).
Usage: put_stream_e2e.py ENDPOINT ACK_FILE CLIENTS"""
import sys
import threading
import time

from vigil_clients import client as vigil_client, wait_for

endpoint, ack_path, clients = sys.argv[1], sys.argv[2], int(sys.argv[3])
wait_for(endpoint)


def client():
    # No retries: a retried batch could be stored twice, and this test counts exactly.
    return vigil_client("logs", endpoint, connect_timeout=2, read_timeout=5)


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
