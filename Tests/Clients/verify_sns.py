"""Checks SNS envelopes as a receiver would, with examples/webhook-receiver's own functions (Python's
`cryptography`): `verify_sns.py CERT.pem ENVELOPE.json...` prints one line per envelope, `valid` or the
error, and whether the certificate is self-signed and within its validity."""
import datetime
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "examples", "webhook-receiver"))
from receiver import verify_signature  # noqa: E402
from cryptography import x509  # noqa: E402

cert_pem = open(sys.argv[1], "rb").read()
cert = x509.load_pem_x509_certificate(cert_pem)
cert.verify_directly_issued_by(cert)
now = datetime.datetime.now(datetime.timezone.utc)
print("certificate", "current" if cert.not_valid_before_utc <= now <= cert.not_valid_after_utc else "expired",
      cert.subject.rfc4514_string())
for path in sys.argv[2:]:
    try:
        verify_signature(json.load(open(path)), cert_pem)
        print("valid")
    except Exception as error:  # noqa
        print("invalid", type(error).__name__)
