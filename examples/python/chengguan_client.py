#!/usr/bin/python3
"""A chengguan client in Python, written from docs/protocol.md alone.

It connects to chengguand over mutual TLS, says Hello, subscribes to the
event stream, files a report (with an idempotency key, sent twice to show
that a retry changes nothing) and prints the report's event when the
server pushes it. It needs only the standard library and Debian's
python3-protobuf, with the Python modules protoc makes from the repository's
proto/ directory (see README.md):

    protoc -I proto --python_out=GEN proto/chengguan/v1/*.proto
    examples/python/chengguan_client.py --generated GEN --server 127.0.0.1:7443 \
        --cert unit.crt --key unit.key --ca ca.crt --compound 12

Output, one line each, for a program that reads it:

    welcome account=ACCOUNT role=ROLE unit=UNIT
    subscribed head_seq=N
    report id=ID attached=0|1 key=HEX
    retry id=ID               (the same key again: the same report)
    event seq=N kind=KIND report=ID text=TEXT

Exit status: 0 when the report's event arrived, 1 on a refusal by the
server (its code and message on stderr), 2 on a usage error, 3 when the
connection failed or the event did not come within --seconds.
"""

import argparse
import os
import socket
import ssl
import struct
import sys
import time

PROTOCOL_VERSION = 1
HEADER = struct.Struct(">I")  # the frame's length: 4 bytes, unsigned, big-endian
DEFAULT_MAX_FRAME = 4 * 1024 * 1024  # what a client may assume before Welcome
MAX_INBOUND_FRAME = 64 * 1024 * 1024  # replies may be larger than requests


class Refused(Exception):
    """The server answered a request with Error."""

    def __init__(self, error, code_name):
        super().__init__(f"{code_name}: {error.message}"
                         + (f" (field: {error.field})" if error.field else "")
                         + (f" [{error.reason}]" if error.reason else ""))
        self.error = error


class ConnectionFailed(Exception):
    """The connection broke or the server closed it."""


class Connection:
    """One mutual-TLS connection to chengguand, speaking the frames of
    docs/protocol.md ("Framing", "Envelope and ids").

    Requests get ids 1, 2, 3, ...; replies are matched to them by id
    (they may come out of order), and pushes (envelope id 0: Events) that
    arrive while a reply is awaited are kept for next_event()."""

    def __init__(self, pb, host, port, cert, key, ca, timeout):
        self.pb = pb
        self.next_id = 1
        self.max_frame = DEFAULT_MAX_FRAME
        self.replies = {}  # id -> Envelope that came before it was awaited
        self.events = []
        ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=ca)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_cert_chain(cert, key)  # the client certificate: who we are
        raw = socket.create_connection((host, port), timeout=timeout)
        # The server certificate must name the host dialled (check_hostname).
        self.sock = ctx.wrap_socket(raw, server_hostname=host)
        self.buf = b""

    def close(self):
        try:
            self.sock.unwrap()  # close_notify
        except (OSError, ssl.SSLError):
            pass
        self.sock.close()

    def _send(self, env):
        payload = env.SerializeToString()
        if len(payload) > self.max_frame:
            raise ValueError(f"request of {len(payload)} bytes is over the server's "
                             f"limit of {self.max_frame}")
        self.sock.sendall(HEADER.pack(len(payload)) + payload)

    def _read_exactly(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionFailed("the server closed the connection")
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def _read_envelope(self):
        (length,) = HEADER.unpack(self._read_exactly(HEADER.size))
        # Check the length before reading (and keeping) the payload.
        if length > MAX_INBOUND_FRAME:
            raise ConnectionFailed(f"the server sent a frame of {length} bytes")
        env = self.pb.Envelope()
        env.ParseFromString(self._read_exactly(length))
        return env

    def _dispatch_one(self):
        env = self._read_envelope()
        if env.id != 0:
            self.replies[env.id] = env
        elif env.WhichOneof("body") == "event":
            self.events.append(env.event)
        elif env.WhichOneof("body") == "error":
            # An Error with id 0 answers no request: the server is about to
            # close (oversized frame, interrupted event stream, revoked
            # certificate).
            raise ConnectionFailed(f"the server said: {env.error.message}")

    def send(self, body_field, message):
        """Sends message as the Envelope's body body_field (its field name
        in envelope.proto, e.g. "report_submit"); returns the request's id."""
        env = self.pb.Envelope(id=self.next_id)
        getattr(env, body_field).CopyFrom(message)
        self.next_id += 1
        self._send(env)
        return env.id

    def wait_reply(self, request_id, reply_field):
        """The reply to request_id: the body reply_field, or Refused."""
        while request_id not in self.replies:
            self._dispatch_one()
        env = self.replies.pop(request_id)
        body = env.WhichOneof("body")
        if body == "error":
            raise Refused(env.error, self.pb.Code.Name(env.error.code))
        if body != reply_field:
            raise ConnectionFailed(f"request {request_id}: expected {reply_field}, got {body}")
        return getattr(env, body)

    def call(self, body_field, message, reply_field):
        return self.wait_reply(self.send(body_field, message), reply_field)

    def hello(self, client_name):
        welcome = self.call("hello", self.pb.Hello(protocol_version=PROTOCOL_VERSION,
                                                   client_name=client_name), "welcome")
        self.max_frame = welcome.max_frame_bytes or DEFAULT_MAX_FRAME
        return welcome

    def next_event(self):
        while not self.events:
            self._dispatch_one()
        return self.events.pop(0)


def load_modules(generated):
    """The protoc output for proto/chengguan/v1: envelope_pb2 and friends."""
    if generated:
        sys.path.insert(0, generated)
    from chengguan.v1 import envelope_pb2, reports_pb2, system_pb2  # noqa: E402

    class Pb:
        Envelope = envelope_pb2.Envelope
        Hello = system_pb2.Hello
        Code = system_pb2.Code
        Report = reports_pb2.Report
        ReportSubmit = reports_pb2.ReportSubmit
        Subscribe = reports_pb2.Subscribe
    return Pb


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--server", default="127.0.0.1:7443", help="HOST:PORT of chengguand")
    ap.add_argument("--cert", required=True, help="client certificate (PEM)")
    ap.add_argument("--key", required=True, help="its private key (PEM)")
    ap.add_argument("--ca", required=True, help="CA of the server certificate (PEM)")
    ap.add_argument("--generated", help="directory protoc wrote its Python modules to")
    ap.add_argument("--compound", type=int, required=True, help="compound id of the report")
    ap.add_argument("--category", type=int, default=1, help="violation category 1-10")
    ap.add_argument("--text", default="Python 客户端的报告：楼道堆放杂物")
    ap.add_argument("--seconds", type=float, default=30, help="how long to wait for the event")
    args = ap.parse_args()
    host, sep, port = args.server.rpartition(":")
    if not sep or not port.isdigit():
        ap.error(f"--server {args.server}: expected HOST:PORT")
    host = host.strip("[]")

    pb = load_modules(args.generated)
    try:
        conn = Connection(pb, host, int(port), args.cert, args.key, args.ca, args.seconds)
    except (OSError, ssl.SSLError) as e:
        print(f"connect: {e}", file=sys.stderr)
        return 3
    try:
        w = conn.hello("chengguan-python-example/1")
        print(f"welcome account={w.account} role={w.role} unit={w.unit}", flush=True)
        # Subscribe first, from the head: the report's event then comes live.
        sub = conn.call("subscribe", pb.Subscribe(from_head=True), "subscribed")
        print(f"subscribed head_seq={sub.head_seq}", flush=True)

        # A fresh key per report, kept until the server has answered: sent
        # again after a timeout or a broken connection it changes nothing.
        key = os.urandom(16)
        report = pb.Report(compound_id=args.compound, category=args.category,
                           text=args.text, dissuasion_failed=True)
        submit = pb.ReportSubmit(idempotency_key=key, report=report)
        got = conn.call("report_submit", submit, "report")
        print(f"report id={got.id} attached={int(got.attached)} key={key.hex()}", flush=True)
        again = conn.call("report_submit", submit, "report")
        print(f"retry id={again.id}", flush=True)

        deadline = time.monotonic() + args.seconds
        wanted = {"report.filed", "report.duplicate"}
        while True:
            conn.sock.settimeout(max(0.1, deadline - time.monotonic()))
            ev = conn.next_event()
            if ev.report_id == got.id and ev.kind in wanted:
                print(f"event seq={ev.seq} kind={ev.kind} report={ev.report_id} "
                      f"text={ev.text}", flush=True)
                return 0
    except Refused as e:
        print(f"refused: {e}", file=sys.stderr)
        return 1
    except socket.timeout:
        print("the report's event did not come in time", file=sys.stderr)
        return 3
    except (OSError, ssl.SSLError, ConnectionFailed) as e:
        print(f"connection: {e}", file=sys.stderr)
        return 3
    finally:
        conn.close()


if __name__ == "__main__":
    sys.exit(main())
