"""Helpers for the S3 client tests: boto3 clients and resources on a test server,
checksums computed independently of the SDK and the server, raw requests, and
name resolution for virtual-hosted addressing (bucket.localhost).

The expected values in the S3 tests come from AWS's documented behaviour (the S3
API reference, the error-code list, docs/AWS-FACTS.md), never from
what mockaws answers.
"""
import base64
import contextlib
import hashlib
import http.client
import os
import socket
import urllib.parse
import xml.etree.ElementTree as ET
import zlib

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from .server import DEFAULT_ACCOUNT, ServerTestCase, fake_auth

S3_NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"
OTHER_ACCOUNT = "111122223333"
MIB = 1024 * 1024

# Keys that break naive servers: every one must survive put, get, head, copy,
# list (with and without EncodingType=url) and delete unchanged.
ODD_KEYS = [
    "with space.txt",
    "plus+sign.txt",
    "amp&ersand",
    "question?mark=1&x=2",
    "percent%20not-a-space%2B",
    "caf\u00e9/cr\u00e8me br\u00fbl\u00e9e.txt",
    "\u65e5\u672c/\u8a9e.txt",
    "folder/",
    "hash#tag;semi,comma'quote\"(paren)!*~$@:=",
    "a b+c&d?e%f\u00e9\u65e5\u672c/",
    "<xml>&amp;</xml>",
    "/leading-slash",
    "double//slash",
]


# ---------------------------------------------------------------- checksums
def md5_hex(data):
    return hashlib.md5(data).hexdigest()


def etag_of(data):
    """The ETag S3 gives a single PUT: the quoted MD5 of the bytes."""
    return f'"{md5_hex(data)}"'


def multipart_etag(parts):
    """The ETag of a completed multipart upload: the MD5 of the concatenated binary
    part MD5s, a dash and the part count, quoted."""
    digest = hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest()
    return f'"{digest}-{len(parts)}"'


def b64(raw):
    return base64.b64encode(raw).decode()


def content_md5(data):
    return b64(hashlib.md5(data).digest())


def crc32_raw(data):
    return (zlib.crc32(data) & 0xFFFFFFFF).to_bytes(4, "big")


def _crc_table(poly, width):
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ poly if c & 1 else c >> 1
        table.append(c & ((1 << width) - 1))
    return table


_CRC32C_TABLE = _crc_table(0x82F63B78, 32)
_CRC64NVME_TABLE = _crc_table(0x9A6C9329AC4BC9B5, 64)


def crc32c_raw(data):
    c = 0xFFFFFFFF
    t = _CRC32C_TABLE
    for byte in data:
        c = t[(c ^ byte) & 0xFF] ^ (c >> 8)
    return (c ^ 0xFFFFFFFF).to_bytes(4, "big")


def crc64nvme_raw(data):
    c = 0xFFFFFFFFFFFFFFFF
    t = _CRC64NVME_TABLE
    for byte in data:
        c = t[(c ^ byte) & 0xFF] ^ (c >> 8)
    return (c ^ 0xFFFFFFFFFFFFFFFF).to_bytes(8, "big")


assert crc32c_raw(b"123456789").hex() == "e3069283", "CRC-32C check value"
assert crc64nvme_raw(b"123456789").hex() == "ae8b14860a799888", "CRC-64/NVME check value"

CHECKSUMS = {
    "CRC32": lambda d: b64(crc32_raw(d)),
    "CRC32C": lambda d: b64(crc32c_raw(d)),
    "CRC64NVME": lambda d: b64(crc64nvme_raw(d)),
    "SHA1": lambda d: b64(hashlib.sha1(d).digest()),
    "SHA256": lambda d: b64(hashlib.sha256(d).digest()),
}
_RAW = {
    "CRC32": crc32_raw,
    "CRC32C": crc32c_raw,
    "SHA1": lambda d: hashlib.sha1(d).digest(),
    "SHA256": lambda d: hashlib.sha256(d).digest(),
}


def composite_checksum(algorithm, parts):
    """A multipart object's COMPOSITE checksum: the checksum of the concatenated
    binary part checksums, a dash and the part count."""
    raw = _RAW[algorithm]
    return f"{b64(raw(b''.join(raw(p) for p in parts)))}-{len(parts)}"


def body_of(size, seed=0):
    """Deterministic, incompressible-looking bytes."""
    out = bytearray()
    block = hashlib.sha256(f"seed-{seed}".encode()).digest()
    while len(out) < size:
        block = hashlib.sha256(block).digest()
        out += block
    return bytes(out[:size])


# ---------------------------------------------------------------- errors
def error_of(exc):
    """(code, http status, the parsed Error dict) of a botocore ClientError."""
    err = exc.response.get("Error", {})
    return err.get("Code"), exc.response["ResponseMetadata"]["HTTPStatusCode"], err


# ---------------------------------------------------------------- name resolution
def localhost_subdomains_resolve():
    try:
        socket.getaddrinfo("mockaws-probe.localhost", 80)
        return True
    except socket.gaierror:
        return False


@contextlib.contextmanager
def resolve_localhost_subdomains():
    """Make NAME.localhost resolve to 127.0.0.1 for this process while the block runs.

    RFC 6761 says *.localhost is loopback; glibc without nss-myhostname does not
    know that (this machine's /etc/nsswitch.conf says 'files dns'). The request still
    carries Host: bucket.localhost:PORT, which is what the server routes on."""
    if localhost_subdomains_resolve():
        yield
        return
    real = socket.getaddrinfo

    def fake(host, *args, **kwargs):
        if isinstance(host, bytes):
            host = host.decode()
        if isinstance(host, str) and host.lower().endswith(".localhost"):
            host = "127.0.0.1"
        return real(host, *args, **kwargs)

    socket.getaddrinfo = fake
    try:
        yield
    finally:
        socket.getaddrinfo = real


# ---------------------------------------------------------------- clients
def s3_client(server, key="testing", secret="testing", region="us-east-1", addressing=None,
              endpoint=None, **config):
    """A boto3 S3 client with retries off: a retried server error must not hide."""
    s3cfg = {"addressing_style": addressing} if addressing else None
    cfg = Config(retries={"total_max_attempts": 1, "mode": "standard"}, s3=s3cfg, **config)
    return boto3.session.Session().client(
        "s3", endpoint_url=endpoint or server.endpoint, region_name=region,
        aws_access_key_id=key, aws_secret_access_key=secret, config=cfg)


def s3_resource(server, key="testing", secret="testing", region="us-east-1"):
    cfg = Config(retries={"total_max_attempts": 1, "mode": "standard"})
    return boto3.session.Session().resource(
        "s3", endpoint_url=server.endpoint, region_name=region, aws_access_key_id=key,
        aws_secret_access_key=secret, config=cfg)


def quote_key(key):
    """A key as it goes into a path: every byte but unreserved characters and '/'
    percent-encoded (what the SDKs send)."""
    return urllib.parse.quote(key, safe="/~")


def raw_s3(server, method, path, body=None, headers=None, key="AKIDEXAMPLE",
           region="us-east-1", host=None, timeout=30):
    """One raw S3 request: (status, lowercase headers, body). `path` is sent as is."""
    hdrs = {"Authorization": fake_auth("s3", region, key), "X-Amz-Date": "20261129T000000Z",
            "x-amz-content-sha256": "UNSIGNED-PAYLOAD"}
    hdrs.update(headers or {})
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    try:
        if isinstance(body, str):
            body = body.encode()
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", host or f"127.0.0.1:{server.port}")
        if body is not None and not any(h.lower() == "content-length" for h in hdrs):
            hdrs["Content-Length"] = str(len(body))
        for k, v in hdrs.items():
            conn.putheader(k, v)
        conn.endheaders(body)
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
    finally:
        conn.close()


def xml_error(body):
    """(Code, Message, the Error element) of an S3 error body."""
    root = ET.fromstring(body)
    assert root.tag == "Error", f"error body root is {root.tag}: {body[:300]!r}"
    return root.findtext("Code"), root.findtext("Message"), root


class S3TestCase(ServerTestCase):
    """A fresh server per test, an S3 client (path style, as botocore uses it with an
    endpoint_url) and a resource for the default account."""

    def setUp(self):
        super().setUp()
        self.s3 = s3_client(self.server)
        self.s3r = s3_resource(self.server)

    def client(self, **kwargs):
        return s3_client(self.server, **kwargs)

    def make_bucket(self, name="bkt", client=None, region="us-east-1"):
        c = client or self.s3
        kwargs = {"Bucket": name}
        if region != "us-east-1":
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
        resp = c.create_bucket(**kwargs)
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 200)
        return name

    def assertS3Error(self, code, status, fn, *args, **kwargs):
        """Calls fn and expects a ClientError with exactly this code and status;
        returns the parsed error dict and the whole response for more checks."""
        with self.assertRaises(ClientError) as cm:
            fn(*args, **kwargs)
        got_code, got_status, err = error_of(cm.exception)
        self.assertEqual((got_code, got_status), (code, status),
                         f"expected {code}/{status}, got {got_code}/{got_status}: "
                         f"{cm.exception.response}")
        return err, cm.exception.response


def tmp_file(test, size, seed=0):
    """A file of `size` deterministic bytes in a temp dir removed after the test."""
    import tempfile
    d = tempfile.mkdtemp(prefix="mockaws-s3-")
    test.addCleanup(lambda: __import__("shutil").rmtree(d, ignore_errors=True))
    path = os.path.join(d, "src.bin")
    data = body_of(size, seed)
    with open(path, "wb") as f:
        f.write(data)
    return path, data, d


__all__ = [n for n in dir() if not n.startswith("_")] + ["DEFAULT_ACCOUNT"]
