"""What the end-to-end client scripts share: waiting for a `vigil serve` to answer, a boto3 client for it,
and two checks that end the script with a message naming what failed."""
import sys
import time
import urllib.request

import boto3
from botocore.config import Config


def wait_for(endpoint):
    """Returns once GET /_vigil/health answers ok (15 s at most)."""
    for _ in range(300):
        try:
            if urllib.request.urlopen(endpoint + "/_vigil/health", timeout=1).read() == b"ok\n":
                return
        except OSError:
            time.sleep(0.05)
    sys.exit("the server did not come up")


def client(service, endpoint, **config):
    """A boto3 client for `service` at `endpoint`, any credentials; no retries unless asked for."""
    config.setdefault("retries", {"total_max_attempts": 1})
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test",
                        aws_secret_access_key="test", config=Config(**config))


def expect(condition, what):
    if not condition:
        sys.exit("FAILED: " + what)


def raises(exception, call, **kwargs):
    """The error response of `call`, which must raise the modeled `exception`."""
    try:
        call(**kwargs)
    except exception as e:
        return e.response["Error"]
    sys.exit(f"FAILED: {call.__name__} did not raise {exception.__name__}")


def scrape(endpoint):
    """GET /metrics as {'name{labels}': value}, comments left out."""
    text = urllib.request.urlopen(endpoint + "/metrics", timeout=5).read().decode()
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            samples[name] = float(value)
    return samples
