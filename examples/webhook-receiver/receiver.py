#!/usr/bin/env python3
"""A webhook receiver for Vigil's SNS-style notifications that checks every message before trusting it.

Usage: receiver.py [--port 9000] [--cert-url-prefix http://127.0.0.1:4566/] [--secret S ...]

Two checks, either of which a receiver may use:
  * the SNS signature (SignatureVersion 1: SHA1withRSA, 2: SHA256withRSA) against the certificate at
    SigningCertURL, fetched only from an allowed prefix (AWS's own validators allow only
    sns.*.amazonaws.com; point them, or this, at Vigil's instead);
  * the x-vigil-signature header: HMAC-SHA256 of the body with the subscription's shared secret
    (`v1=<hex>`; during a rotation two values separated by commas, either may match).
It confirms subscriptions by fetching SubscribeURL, and prints each notification's Message.
Needs the `cryptography` package (pip install cryptography).
"""
import argparse
import base64
import hashlib
import hmac
import json
import sys
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

NOTIFICATION_KEYS = ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
CONFIRMATION_KEYS = ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"]


def string_to_sign(envelope):
    """SNS's string to sign: `Name\\nValue\\n` per signed member present, in this order."""
    keys = NOTIFICATION_KEYS if envelope.get("Type") == "Notification" else CONFIRMATION_KEYS
    return "".join(f"{k}\n{envelope[k]}\n" for k in keys if k in envelope).encode("utf-8")


def verify_signature(envelope, certificate_pem):
    """Raises unless Signature is the certificate's key's signature of the string to sign."""
    certificate = x509.load_pem_x509_certificate(certificate_pem)
    digest = {"1": hashes.SHA1(), "2": hashes.SHA256()}[envelope["SignatureVersion"]]
    certificate.public_key().verify(
        base64.b64decode(envelope["Signature"]), string_to_sign(envelope), padding.PKCS1v15(), digest
    )


def verify_hmac(body, header, secrets):
    """Whether `x-vigil-signature: v1=<hex>[,v1=<hex>]` matches the body under one of the secrets."""
    offered = [part.strip()[3:] for part in (header or "").split(",") if part.strip().startswith("v1=")]
    for secret in secrets:
        expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        if any(hmac.compare_digest(expected, o) for o in offered):
            return True
    return False


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=9000)
    parser.add_argument("--cert-url-prefix", default="http://127.0.0.1:4566/")
    parser.add_argument("--secret", action="append", default=[])
    args = parser.parse_args()
    certificates = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            try:
                if args.secret and not verify_hmac(body, self.headers.get("x-vigil-signature"), args.secret):
                    raise ValueError("x-vigil-signature does not match")
                envelope = json.loads(body)
                url = envelope["SigningCertURL"]
                if not url.startswith(args.cert_url_prefix):
                    raise ValueError(f"SigningCertURL {url} is not under {args.cert_url_prefix}")
                if url not in certificates:
                    certificates[url] = urllib.request.urlopen(url, timeout=10).read()
                verify_signature(envelope, certificates[url])
            except Exception as error:  # noqa: a receiver refuses whatever it cannot check
                print(f"refused: {error}", file=sys.stderr)
                self.send_response(400)
                self.end_headers()
                return
            if envelope["Type"] == "SubscriptionConfirmation":
                urllib.request.urlopen(envelope["SubscribeURL"], timeout=10).read()
                print(f"confirmed {envelope['TopicArn']}")
            elif envelope["Type"] == "Notification":
                print(f"{envelope.get('Subject', '')}: {envelope['Message']}")
            sys.stdout.flush()
            self.send_response(200)
            self.end_headers()

        def log_message(self, *_):
            pass

    ThreadingHTTPServer(("127.0.0.1", args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
