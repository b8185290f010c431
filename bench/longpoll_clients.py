#!/usr/bin/env python3
"""The SQS clients of bench/longpoll.sh.

  longpoll_clients.py poll ENDPOINT QUEUE_URL N STATUS_FILE

holds N ReceiveMessage long polls open: N keep-alive connections, each with
one ReceiveMessage (WaitTimeSeconds 20, MaxNumberOfMessages 1) outstanding
at all times; an answer, with a message or empty at the end of its wait, is
followed at once by the next poll on the same connection. Received messages
are deleted. STATUS_FILE is rewritten with one line, "sent S answered A
messages M errors E", whenever a count changes; the bench reads it to know
when all N polls are out and, afterwards, what they got. Runs until SIGTERM.

  longpoll_clients.py send ENDPOINT QUEUE_URL RATE SECONDS

sends RATE messages a second for SECONDS on one connection, each after the
last was answered, and prints how many it sent: the queue stays empty
between messages, so each one finds the polls parked."""
import asyncio
import json
import signal
import sys
import os
import urllib.parse

AUTH = ("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/sqs/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=00")


def request(host, target, body):
    data = json.dumps(body).encode()
    head = (f"POST / HTTP/1.1\r\nHost: {host}\r\nX-Amz-Target: AmazonSQS.{target}\r\n"
            f"Content-Type: application/x-amz-json-1.0\r\nX-Amz-Date: 20261129T000000Z\r\n"
            f"Authorization: {AUTH}\r\nContent-Length: {len(data)}\r\n\r\n")
    return head.encode() + data


async def read_answer(reader):
    """(status, parsed JSON body) of one HTTP/1.1 answer with Content-Length."""
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("closed")
    status = int(status_line.split()[1])
    length = 0
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.decode().partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    body = await reader.readexactly(length) if length else b"{}"
    return status, json.loads(body or b"{}")


class Stats:
    def __init__(self, path):
        self.path = path
        self.sent = self.answered = self.messages = self.errors = 0

    def write(self):
        with open(self.path + ".tmp", "w") as f:
            f.write(f"sent {self.sent} answered {self.answered} messages {self.messages} errors {self.errors}\n")
        os.replace(self.path + ".tmp", self.path)


async def poller(host, port, queue_url, stats):
    reader, writer = await asyncio.open_connection(host, port)
    poll = request(f"{host}:{port}", "ReceiveMessage",
                   {"QueueUrl": queue_url, "WaitTimeSeconds": 20, "MaxNumberOfMessages": 1})
    while True:
        writer.write(poll)
        await writer.drain()
        stats.sent += 1
        stats.write()
        status, doc = await read_answer(reader)
        stats.answered += 1
        if status != 200:
            stats.errors += 1
        for m in doc.get("Messages", []):
            stats.messages += 1
            writer.write(request(f"{host}:{port}", "DeleteMessage",
                                 {"QueueUrl": queue_url, "ReceiptHandle": m["ReceiptHandle"]}))
            await writer.drain()
            status, _ = await read_answer(reader)
            if status != 200:
                stats.errors += 1
        stats.write()


async def send(endpoint, queue_url, rate, seconds):
    u = urllib.parse.urlsplit(endpoint)
    reader, writer = await asyncio.open_connection(u.hostname, u.port)
    loop = asyncio.get_running_loop()
    start = loop.time()
    sent = 0
    while sent < rate * seconds:
        await asyncio.sleep(max(0.0, start + sent / rate - loop.time()))
        writer.write(request(f"{u.hostname}:{u.port}", "SendMessage", {"QueueUrl": queue_url, "MessageBody": "x"}))
        await writer.drain()
        status, _ = await read_answer(reader)
        if status != 200:
            sys.exit(f"SendMessage answered {status}")
        sent += 1
    print(sent)


async def poll(endpoint, queue_url, n, status_path):
    u = urllib.parse.urlsplit(endpoint)
    stats = Stats(status_path)
    stats.write()
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    tasks = [asyncio.create_task(poller(u.hostname, u.port, queue_url, stats)) for _ in range(n)]
    await stop.wait()
    for t in tasks:
        t.cancel()
    stats.write()


if __name__ == "__main__":
    a = sys.argv[1:]
    if a[0] == "poll":
        asyncio.run(poll(a[1], a[2], int(a[3]), a[4]))
    else:
        asyncio.run(send(a[1], a[2], int(a[3]), float(a[4])))
