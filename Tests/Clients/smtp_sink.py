"""An SMTP sink for the e-mail tests (aiosmtpd): `smtp_sink.py DIR [--tls] [--auth USER:PASSWORD]
[--reject CODE]` listens on a free loopback port, writes DIR/port when it is ready (and DIR/ca.pem, a
self-signed certificate for 127.0.0.1 and localhost, with --tls), and writes each accepted message to
DIR/mail-N.json: the envelope, the raw data, whether it came over TLS and who logged in. With --tls it
requires STARTTLS before AUTH and mail; with --auth it requires that login; --reject answers RCPT
with CODE. It runs until its standard input closes."""
import argparse
import asyncio
import datetime
import ipaddress
import json
import os
import socket
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

parser = argparse.ArgumentParser()
parser.add_argument("dir")
parser.add_argument("--tls", action="store_true")
parser.add_argument("--auth")
parser.add_argument("--reject", type=int)
args = parser.parse_args()


def self_signed(directory):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = os.path.join(directory, "ca.pem"), os.path.join(directory, "key.pem")
    with open(cert_path, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(key_path, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    return context


class Handler:
    count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if args.reject:
            return f"{args.reject} {'try again later' if args.reject < 500 else 'no such mailbox'}"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        Handler.count += 1
        record = {
            "mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
            "data": envelope.original_content.decode("utf-8", "replace"),
            "tls": session.ssl is not None,
            "login": session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None,
        }
        path = os.path.join(args.dir, f"mail-{Handler.count}.json")
        with open(path + ".tmp", "w") as f:
            json.dump(record, f)
        os.rename(path + ".tmp", path)
        return "250 Message accepted for delivery"


def authenticator(server, session, envelope, mechanism, auth_data):
    if not args.auth or not isinstance(auth_data, LoginPassword):
        return AuthResult(success=False, handled=False)
    user, password = args.auth.split(":", 1)
    ok = auth_data.login.decode() == user and auth_data.password.decode() == password
    return AuthResult(success=ok, handled=False, auth_data=auth_data)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


port = free_port()
options = {}
if args.tls:
    options.update(tls_context=self_signed(args.dir), require_starttls=True)
if args.auth:
    options.update(authenticator=authenticator, auth_required=True, auth_require_tls=args.tls)
controller = Controller(Handler(), hostname="127.0.0.1", port=port, **options)
controller.start()
with open(os.path.join(args.dir, "port"), "w") as f:
    f.write(str(port))
sys.stdin.read()
controller.stop()
