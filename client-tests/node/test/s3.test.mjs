// S3 through the AWS SDK for JavaScript v3 with its DEFAULT settings: flexible checksums
// on (CRC32 on every PutObject/UploadPart, checksum validation on GetObject), streaming
// bodies sent as aws-chunked with STREAMING-UNSIGNED-PAYLOAD-TRAILER and the checksum in
// a trailer; path-style (forcePathStyle) and virtual-hosted addressing.
//
// Expected values come from AWS's documented behaviour and are computed here (MD5,
// CRC32, CRC32C, SHA-256), not taken from what the server answers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { Readable } from 'node:stream';
import http from 'node:http';
import dns from 'node:dns';
import {
  S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand, HeadObjectCommand,
  DeleteObjectCommand, DeleteObjectsCommand, CopyObjectCommand, ListObjectsV2Command,
  CreateMultipartUploadCommand, UploadPartCommand, CompleteMultipartUploadCommand,
  AbortMultipartUploadCommand, ListPartsCommand, HeadBucketCommand,
  paginateListObjectsV2, NoSuchKey, NoSuchBucket, NotFound,
} from '@aws-sdk/client-s3';
import { startServer } from './server.mjs';

const MIB = 1024 * 1024;
const ODD_KEYS = [
  'with space.txt', 'plus+sign.txt', 'amp&ersand', 'question?mark=1&x=2',
  'percent%20not-a-space%2B', 'caf\u00e9/cr\u00e8me br\u00fbl\u00e9e.txt', '\u65e5\u672c/\u8a9e.txt',
  'folder/', "hash#tag;semi,comma'quote\"(paren)!*~$@:=", 'a b+c&d?e%f\u00e9\u65e5\u672c/',
  '<xml>&amp;</xml>',
];

let server;
before(async () => { server = await startServer(); });
after(async () => {
  const code = await server.stop();
  assert.equal(code, 0, `mockaws exit code after SIGTERM:\n${server.logs()}`);
});

// ---- independent checksums ----
const md5 = (b) => createHash('md5').update(b).digest();
const etagOf = (b) => `"${md5(b).toString('hex')}"`;
const multipartEtag = (parts) =>
  `"${md5(Buffer.concat(parts.map((p) => md5(p)))).toString('hex')}-${parts.length}"`;
const crc32b64 = (b) => { const o = Buffer.alloc(4); o.writeUInt32BE(crc32(b) >>> 0); return o.toString('base64'); };
const sha256b64 = (b) => createHash('sha256').update(b).digest('base64');
const CRC32C_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();
const crc32cb64 = (b) => {
  let c = 0xffffffff;
  for (const byte of b) c = CRC32C_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  const o = Buffer.alloc(4); o.writeUInt32BE((c ^ 0xffffffff) >>> 0); return o.toString('base64');
};
assert.equal(Buffer.from(crc32cb64(Buffer.from('123456789')), 'base64').toString('hex'), 'e3069283');

function bytes(size, seed = 0) {
  const out = Buffer.alloc(size);
  let block = createHash('sha256').update(`seed-${seed}`).digest();
  for (let off = 0; off < size; off += 32) {
    block = createHash('sha256').update(block).digest();
    block.copy(out, off, 0, Math.min(32, size - off));
  }
  return out;
}
const utf8Sorted = (keys) => [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));

// ---- clients ----
// Records the final headers of every request (after checksums and signing).
function recordRequests(client) {
  const seen = [];
  client.middlewareStack.add((next) => async (args) => {
    seen.push({ hostname: args.request.hostname, port: args.request.port, path: args.request.path,
      headers: { ...args.request.headers } });
    return next(args);
  }, { step: 'deserialize', name: 'recordRequests', priority: 'low' });
  return seen;
}

function s3({ region = 'us-east-1', key = 'AKIDEXAMPLE', forcePathStyle = true, ...rest } = {}) {
  const client = new S3Client({
    endpoint: server.endpoint, region, forcePathStyle,
    credentials: { accessKeyId: key, secretAccessKey: 'secret' },
    maxAttempts: 1, // a retried server error must not hide
    ...rest,
  });
  return client;
}

// NAME.localhost must reach 127.0.0.1: glibc here (nsswitch 'files dns') does not map
// *.localhost to loopback as RFC 6761 allows, so the agent resolves it itself.
function localhostLookup(hostname, options, callback) {
  if (typeof options === 'function') { callback = options; options = {}; }
  if (/(^|\.)localhost$/i.test(hostname)) {
    if (options && options.all) return callback(null, [{ address: '127.0.0.1', family: 4 }]);
    return callback(null, '127.0.0.1', 4);
  }
  return dns.lookup(hostname, options, callback);
}

async function bucket(client, name, region = 'us-east-1') {
  const input = { Bucket: name };
  if (region !== 'us-east-1') input.CreateBucketConfiguration = { LocationConstraint: region };
  const r = await client.send(new CreateBucketCommand(input));
  assert.equal(r.$metadata.httpStatusCode, 200);
  return name;
}

async function rejectsWith(promise, name, status, check) {
  await assert.rejects(promise, (err) => {
    assert.equal(err.name, name, `error name (${err.name}: ${err.message})`);
    assert.equal(err.$metadata?.httpStatusCode, status, 'HTTP status');
    if (check) check(err);
    return true;
  });
}

// ---- tests ----
test('PutObject with a string body: CRC32 header by default, GetObject validates it', async () => {
  const client = s3();
  const seen = recordRequests(client);
  await bucket(client, 'defaults');
  const body = 'hello from the JS SDK\n'.repeat(100);
  const put = await client.send(new PutObjectCommand({ Bucket: 'defaults', Key: 'greeting.txt',
    Body: body, ContentType: 'text/plain', Metadata: { Owner: 'node' } }));
  assert.equal(put.ETag, etagOf(Buffer.from(body)));
  assert.equal(put.ChecksumCRC32, crc32b64(Buffer.from(body)));
  const putReq = seen.find((r) => r.path.endsWith('/greeting.txt'));
  assert.equal(putReq.headers['x-amz-checksum-crc32'], crc32b64(Buffer.from(body)),
    'the SDK sent its default CRC32');

  const got = await client.send(new GetObjectCommand({ Bucket: 'defaults', Key: 'greeting.txt' }));
  const getReq = seen.at(-1);
  assert.equal(getReq.headers['x-amz-checksum-mode'], 'ENABLED', 'the SDK asked for checksums');
  assert.equal(await got.Body.transformToString(), body);
  assert.equal(got.ChecksumCRC32, crc32b64(Buffer.from(body)));
  assert.equal(got.ContentType, 'text/plain');
  assert.deepEqual(got.Metadata, { owner: 'node' });
  assert.equal(got.ETag, etagOf(Buffer.from(body)));
  assert.ok(got.$metadata.requestId, 'x-amz-request-id surfaced');
  assert.ok(got.$metadata.extendedRequestId, 'x-amz-id-2 surfaced');
});

test('PutObject with a stream body: aws-chunked with a trailing checksum, exact bytes stored', async () => {
  const client = s3();
  const seen = recordRequests(client);
  await bucket(client, 'streams');
  const data = bytes(3 * MIB + 12345, 1);
  const chunks = [];
  for (let off = 0; off < data.length; off += 100_000) chunks.push(data.subarray(off, off + 100_000));
  const put = await client.send(new PutObjectCommand({ Bucket: 'streams', Key: 'streamed.bin',
    Body: Readable.from(chunks), ContentLength: data.length }));
  const req = seen.find((r) => r.path.endsWith('/streamed.bin'));
  assert.match(req.headers['content-encoding'], /aws-chunked/);
  assert.equal(req.headers['x-amz-content-sha256'], 'STREAMING-UNSIGNED-PAYLOAD-TRAILER');
  assert.equal(req.headers['x-amz-trailer'], 'x-amz-checksum-crc32');
  assert.equal(req.headers['x-amz-decoded-content-length'], String(data.length));
  assert.equal(put.ETag, etagOf(data));
  assert.equal(put.ChecksumCRC32, crc32b64(data));

  const head = await client.send(new HeadObjectCommand({ Bucket: 'streams', Key: 'streamed.bin',
    ChecksumMode: 'ENABLED' }));
  assert.equal(head.ContentLength, data.length);
  assert.equal(head.ChecksumCRC32, crc32b64(data));
  assert.equal(head.ContentEncoding, undefined, 'aws-chunked is not stored as Content-Encoding');
  const got = await client.send(new GetObjectCommand({ Bucket: 'streams', Key: 'streamed.bin' }));
  const back = Buffer.from(await got.Body.transformToByteArray());
  assert.equal(back.length, data.length);
  assert.ok(back.equals(data), 'the stored bytes are the decoded payload');
});

test('streamed uploads with SHA256 and CRC32C trailers', async () => {
  const client = s3();
  await bucket(client, 'stream-algos');
  const data = bytes(200_000, 2);
  for (const [algo, want] of [['SHA256', sha256b64(data)], ['CRC32C', crc32cb64(data)]]) {
    const put = await client.send(new PutObjectCommand({ Bucket: 'stream-algos', Key: algo,
      Body: Readable.from([data.subarray(0, 70_000), data.subarray(70_000)]),
      ContentLength: data.length, ChecksumAlgorithm: algo }));
    assert.equal(put[`Checksum${algo}`], want, `${algo} in the PutObject answer`);
    const head = await client.send(new HeadObjectCommand({ Bucket: 'stream-algos', Key: algo,
      ChecksumMode: 'ENABLED' }));
    assert.equal(head[`Checksum${algo}`], want, `${algo} stored`);
    const got = await client.send(new GetObjectCommand({ Bucket: 'stream-algos', Key: algo }));
    assert.ok(Buffer.from(await got.Body.transformToByteArray()).equals(data));
  }
});

test('a wrong trailer checksum is BadDigest and stores nothing', async () => {
  const client = s3();
  await bucket(client, 'bad-trailer');
  const payload = Buffer.from('payload whose trailer lies');
  const wrong = crc32b64(Buffer.from('something else'));
  const body = Buffer.concat([
    Buffer.from(`${payload.length.toString(16)}\r\n`), payload, Buffer.from('\r\n'),
    Buffer.from(`0\r\nx-amz-checksum-crc32:${wrong}\r\n\r\n`),
  ]);
  const { status, text } = await new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, method: 'PUT',
      path: '/bad-trailer/lie', headers: {
        authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00',
        'x-amz-date': '20261129T000000Z',
        'content-encoding': 'aws-chunked',
        'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
        'x-amz-decoded-content-length': String(payload.length),
        'x-amz-trailer': 'x-amz-checksum-crc32',
        'content-length': String(body.length),
      } }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
  assert.equal(status, 400, text);
  assert.match(text, /<Code>BadDigest<\/Code>/);
  await rejectsWith(client.send(new GetObjectCommand({ Bucket: 'bad-trailer', Key: 'lie' })),
    'NoSuchKey', 404);
});

test('multipart upload by hand: parts as buffers and streams, md5-of-md5s ETag', async () => {
  const client = s3();
  const seen = recordRequests(client);
  await bucket(client, 'mpu');
  const parts = [bytes(5 * MIB, 10), bytes(5 * MIB, 11), bytes(1000, 12)];
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: 'mpu',
    Key: 'big file+\u00e9.bin', ContentType: 'application/x-test' }));
  assert.ok(UploadId);
  const done = [];
  for (const [i, p] of parts.entries()) {
    // the middle part goes as a stream (aws-chunked), the others as buffers
    const Body = i === 1 ? Readable.from([p.subarray(0, MIB), p.subarray(MIB)]) : p;
    const r = await client.send(new UploadPartCommand({ Bucket: 'mpu', Key: 'big file+\u00e9.bin',
      UploadId, PartNumber: i + 1, Body, ContentLength: p.length }));
    assert.equal(r.ETag, etagOf(p), `part ${i + 1} ETag`);
    assert.equal(r.ChecksumCRC32, crc32b64(p), `part ${i + 1} CRC32`);
    done.push({ PartNumber: i + 1, ETag: r.ETag });
  }
  assert.equal(seen.filter((r) => r.headers['x-amz-content-sha256'] === 'STREAMING-UNSIGNED-PAYLOAD-TRAILER').length, 1);

  // ListParts by hand: S3 sets NextPartNumberMarker on every page, so a client must stop
  // on IsTruncated (the SDK's token-only paginateListParts would ask once more)
  const pages = [];
  let marker;
  for (;;) {
    const page = await client.send(new ListPartsCommand({ Bucket: 'mpu', Key: 'big file+\u00e9.bin',
      UploadId, MaxParts: 2, PartNumberMarker: marker }));
    pages.push(page.Parts.map((p) => [p.PartNumber, p.Size, p.ETag]));
    if (!page.IsTruncated) break;
    marker = page.NextPartNumberMarker;
  }
  assert.deepEqual(pages, [[[1, 5 * MIB, etagOf(parts[0])], [2, 5 * MIB, etagOf(parts[1])]],
    [[3, 1000, etagOf(parts[2])]]]);

  const complete = await client.send(new CompleteMultipartUploadCommand({ Bucket: 'mpu',
    Key: 'big file+\u00e9.bin', UploadId, MultipartUpload: { Parts: done } }));
  assert.equal(complete.ETag, multipartEtag(parts));
  assert.equal(complete.Key, 'big file+\u00e9.bin');

  const got = await client.send(new GetObjectCommand({ Bucket: 'mpu', Key: 'big file+\u00e9.bin' }));
  assert.equal(got.ETag, multipartEtag(parts));
  assert.equal(got.ContentType, 'application/x-test');
  assert.ok(Buffer.from(await got.Body.transformToByteArray()).equals(Buffer.concat(parts)));
});

test('multipart errors: EntityTooSmall, InvalidPartOrder, NoSuchUpload', async () => {
  const client = s3();
  await bucket(client, 'mpu-errors');
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: 'mpu-errors', Key: 'k' }));
  const up = async (n, b) => ({ PartNumber: n, ETag: (await client.send(new UploadPartCommand({
    Bucket: 'mpu-errors', Key: 'k', UploadId, PartNumber: n, Body: b }))).ETag });
  const small1 = await up(1, Buffer.from('tiny one'));
  const small2 = await up(2, Buffer.from('tiny two'));
  await rejectsWith(client.send(new CompleteMultipartUploadCommand({ Bucket: 'mpu-errors', Key: 'k',
    UploadId, MultipartUpload: { Parts: [small1, small2] } })), 'EntityTooSmall', 400);
  const big1 = await up(1, bytes(5 * MIB, 1));
  const big2 = await up(2, bytes(5 * MIB, 2));
  await rejectsWith(client.send(new CompleteMultipartUploadCommand({ Bucket: 'mpu-errors', Key: 'k',
    UploadId, MultipartUpload: { Parts: [big2, big1] } })), 'InvalidPartOrder', 400);
  await client.send(new AbortMultipartUploadCommand({ Bucket: 'mpu-errors', Key: 'k', UploadId }));
  await rejectsWith(client.send(new ListPartsCommand({ Bucket: 'mpu-errors', Key: 'k', UploadId })),
    'NoSuchUpload', 404);
});

test('paginateListObjectsV2 walks every key once, in UTF-8 order', async () => {
  const client = s3();
  await bucket(client, 'paging');
  const keys = Array.from({ length: 25 }, (_, i) => `p${i % 4}/key ${String(i).padStart(2, '0')}+&\u00e9`);
  await Promise.all(keys.map((Key) => client.send(new PutObjectCommand({ Bucket: 'paging', Key, Body: Key }))));
  const sizes = [];
  const listed = [];
  for await (const page of paginateListObjectsV2({ client, pageSize: 7 }, { Bucket: 'paging' })) {
    sizes.push(page.KeyCount);
    listed.push(...page.Contents.map((o) => o.Key));
  }
  assert.deepEqual(sizes, [7, 7, 7, 4]);
  assert.deepEqual(listed, utf8Sorted(keys));

  const prefixes = [];
  for await (const page of paginateListObjectsV2({ client, pageSize: 1 },
    { Bucket: 'paging', Delimiter: '/' })) {
    prefixes.push(...(page.CommonPrefixes ?? []).map((p) => p.Prefix));
  }
  assert.deepEqual(prefixes, ['p0/', 'p1/', 'p2/', 'p3/']);
});

test('odd keys: put, get, head, list, copy, delete', async () => {
  const client = s3();
  await bucket(client, 'odd');
  for (const Key of ODD_KEYS) {
    await client.send(new PutObjectCommand({ Bucket: 'odd', Key, Body: `body of ${Key}` }));
    const got = await client.send(new GetObjectCommand({ Bucket: 'odd', Key }));
    assert.equal(await got.Body.transformToString(), `body of ${Key}`, Key);
    const head = await client.send(new HeadObjectCommand({ Bucket: 'odd', Key }));
    assert.equal(head.ContentLength, Buffer.byteLength(`body of ${Key}`), Key);
  }
  const listed = await client.send(new ListObjectsV2Command({ Bucket: 'odd' }));
  assert.deepEqual(listed.Contents.map((o) => o.Key), utf8Sorted(ODD_KEYS));

  // x-amz-copy-source is URL-encoded by the caller in SDK v3
  for (const Key of ODD_KEYS) {
    const CopySource = `odd/${Key.split('/').map(encodeURIComponent).join('/')}`;
    const r = await client.send(new CopyObjectCommand({ Bucket: 'odd', Key: `copy/${Key}`, CopySource }));
    assert.equal(r.CopyObjectResult.ETag, etagOf(Buffer.from(`body of ${Key}`)), Key);
  }
  const del = await client.send(new DeleteObjectsCommand({ Bucket: 'odd', Delete: {
    Objects: ODD_KEYS.map((Key) => ({ Key })) } }));
  assert.deepEqual(del.Deleted.map((d) => d.Key).sort(), [...ODD_KEYS].sort());
  assert.equal(del.Errors, undefined);
  const left = await client.send(new ListObjectsV2Command({ Bucket: 'odd' }));
  assert.deepEqual(left.Contents.map((o) => o.Key), utf8Sorted(ODD_KEYS.map((k) => `copy/${k}`)));
});

test('errors surface as the SDK exception classes', async () => {
  const client = s3();
  await bucket(client, 'errs');
  await rejectsWith(client.send(new GetObjectCommand({ Bucket: 'errs', Key: 'nope' })), 'NoSuchKey', 404,
    (err) => assert.ok(err instanceof NoSuchKey));
  await rejectsWith(client.send(new HeadObjectCommand({ Bucket: 'errs', Key: 'nope' })), 'NotFound', 404,
    (err) => assert.ok(err instanceof NotFound));
  await rejectsWith(client.send(new GetObjectCommand({ Bucket: 'no-such-bucket', Key: 'k' })),
    'NoSuchBucket', 404, (err) => assert.ok(err instanceof NoSuchBucket));
  await rejectsWith(client.send(new PutObjectCommand({ Bucket: 'errs', Key: 'md5', Body: 'abc',
    ContentMD5: md5(Buffer.from('abd')).toString('base64') })), 'BadDigest', 400);
  await rejectsWith(client.send(new PutObjectCommand({ Bucket: 'errs', Key: 'crc', Body: 'abc',
    ChecksumCRC32: crc32b64(Buffer.from('abd')) })), 'BadDigest', 400);
  await rejectsWith(client.send(new GetObjectCommand({ Bucket: 'errs', Key: 'crc' })), 'NoSuchKey', 404);

  const eu = s3({ region: 'eu-west-1' });
  await bucket(eu, 'errs-eu', 'eu-west-1');
  await rejectsWith(eu.send(new CreateBucketCommand({ Bucket: 'errs-eu',
    CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } })), 'BucketAlreadyOwnedByYou', 409);
  await rejectsWith(s3({ key: '111122223333' }).send(new CreateBucketCommand({ Bucket: 'errs' })),
    'BucketAlreadyExists', 409);
});

test('ranges and conditional GETs', async () => {
  const client = s3();
  await bucket(client, 'ranges');
  const put = await client.send(new PutObjectCommand({ Bucket: 'ranges', Key: 'abc',
    Body: 'abcdefghijklmnopqrstuvwxyz' }));
  const part = await client.send(new GetObjectCommand({ Bucket: 'ranges', Key: 'abc', Range: 'bytes=2-4' }));
  assert.equal(part.$metadata.httpStatusCode, 206);
  assert.equal(part.ContentRange, 'bytes 2-4/26');
  assert.equal(await part.Body.transformToString(), 'cde');
  await rejectsWith(client.send(new GetObjectCommand({ Bucket: 'ranges', Key: 'abc', Range: 'bytes=30-' })),
    'InvalidRange', 416);
  await rejectsWith(client.send(new GetObjectCommand({ Bucket: 'ranges', Key: 'abc', IfMatch: '"nope"' })),
    'PreconditionFailed', 412);
  await assert.rejects(client.send(new GetObjectCommand({ Bucket: 'ranges', Key: 'abc', IfNoneMatch: put.ETag })),
    (err) => { assert.equal(err.$metadata.httpStatusCode, 304); return true; });
});

test('virtual-hosted addressing: bucket.localhost:PORT', async () => {
  const agent = new http.Agent({ keepAlive: true, lookup: localhostLookup });
  const client = new S3Client({
    endpoint: `http://localhost:${server.port}`, region: 'us-east-1', forcePathStyle: false,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }, maxAttempts: 1,
    requestHandler: { httpAgent: agent },
  });
  const seen = recordRequests(client);
  try {
    await client.send(new CreateBucketCommand({ Bucket: 'vhosted' }));
    await client.send(new HeadBucketCommand({ Bucket: 'vhosted' }));
    const data = bytes(300_000, 5);
    await client.send(new PutObjectCommand({ Bucket: 'vhosted', Key: 'dir/a b+c.bin',
      Body: Readable.from([data]), ContentLength: data.length }));
    await client.send(new PutObjectCommand({ Bucket: 'vhosted', Key: '\u65e5\u672c.txt', Body: 'jp' }));
    const got = await client.send(new GetObjectCommand({ Bucket: 'vhosted', Key: 'dir/a b+c.bin' }));
    assert.ok(Buffer.from(await got.Body.transformToByteArray()).equals(data));
    const listed = [];
    for await (const page of paginateListObjectsV2({ client, pageSize: 1 }, { Bucket: 'vhosted' })) {
      listed.push(...page.Contents.map((o) => o.Key));
    }
    assert.deepEqual(listed, ['dir/a b+c.bin', '\u65e5\u672c.txt']);
    await client.send(new DeleteObjectCommand({ Bucket: 'vhosted', Key: '\u65e5\u672c.txt' }));
  } finally {
    agent.destroy();
  }
  assert.ok(seen.length >= 6);
  for (const r of seen) assert.equal(r.hostname, 'vhosted.localhost', `request went to ${r.hostname}${r.path}`);
  // the same bucket, path-style
  const path = s3();
  const left = await path.send(new ListObjectsV2Command({ Bucket: 'vhosted' }));
  assert.deepEqual(left.Contents.map((o) => o.Key), ['dir/a b+c.bin']);
});

test('journal: one invocation per call, attempts counted', async () => {
  const client = s3();
  await bucket(client, 'journaled');
  await client.send(new PutObjectCommand({ Bucket: 'journaled', Key: 'k', Body: 'v' }));
  const entries = await server.journal({ service: 's3', operation: 'PutObject' });
  const mine = entries.filter((e) => e.resource === 'journaled/k');
  assert.equal(mine.length, 1);
  assert.equal(mine[0].status, 200);
  assert.equal(mine[0].attempt, 1);
  assert.ok(mine[0].invocation_id, 'amz-sdk-invocation-id recorded');
});
