"""What the end-to-end client scripts share: waiting for a `vigil serve` to answer, a boto3 client for it,
and two checks that end the script with a message naming what failed."""
import gzip
import json
import os
import sys
import tempfile
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


def client(service, endpoint, protocol=None, **config):
    """A boto3 client for `service` at `endpoint`, any credentials; no retries unless asked for.

    `protocol` ("query", "json", "smithy-rpc-v2-cbor") makes botocore speak that one of the protocols the
    service's model declares: the client is made from a copy of botocore's own model whose `protocols`
    lists only it (botocore otherwise picks the first it supports in its own order)."""
    config.setdefault("retries", {"total_max_attempts": 1})
    session = boto3.session.Session()
    if protocol is not None:
        session._session.get_component("data_loader").search_paths.insert(0, model_with(service, protocol))
    return session.client(service, endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test",
                          aws_secret_access_key="test", config=Config(**config))


def model_with(service, protocol):
    """A data folder holding botocore's model of `service` with `protocol` as its only protocol."""
    import botocore
    data = os.path.join(os.path.dirname(botocore.__file__), "data", service)
    version = sorted(os.listdir(data))[-1]
    source = os.path.join(data, version, "service-2.json")
    raw = open(source, "rb").read() if os.path.exists(source) else gzip.decompress(open(source + ".gz", "rb").read())
    model = json.loads(raw)
    model["metadata"]["protocols"] = [protocol]
    model["metadata"]["protocol"] = protocol
    folder = tempfile.mkdtemp(prefix="vigil-model-")
    os.makedirs(os.path.join(folder, service, version))
    with open(os.path.join(folder, service, version, "service-2.json"), "w") as f:
        json.dump(model, f)
    return folder


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
