"""A small HTTP server that speaks the part of Twilio's Messages API Bordin uses.

For tests and demos: ``POST /2010-04-01/Accounts/<sid>/Messages.json`` with basic auth and the
form fields ``To``, ``From`` and ``Body``. It checks the credentials (401 with Twilio's error
JSON when wrong), refuses numbers listed in ``refused`` with a 400 and Twilio's error code
21211 ("invalid To number"), answers ``busy`` numbers with a 503, and otherwise replies 201
with a message resource (``sid``, ``status: queued``, ...), keeping each message in
``received``.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


@dataclass
class SmsStub:
    account_sid: str
    auth_token: str
    refused: set[str] = field(default_factory=set)
    busy: set[str] = field(default_factory=set)
    received: list[dict[str, str]] = field(default_factory=list)
    base_url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)


def _handler(stub: SmsStub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            return  # quiet: the tests read ``received``

        def _reply(self, status: int, body: dict[str, object]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            path = f"/2010-04-01/Accounts/{stub.account_sid}/Messages.json"
            if self.path != path:
                self._reply(404, {"code": 20404, "message": "not found", "status": 404})
                return
            expected = base64.b64encode(f"{stub.account_sid}:{stub.auth_token}".encode()).decode()
            if self.headers.get("Authorization") != f"Basic {expected}":
                self._reply(401, {"code": 20003, "message": "Authenticate", "status": 401})
                return
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            missing = [name for name in ("To", "From", "Body") if not form.get(name)]
            if missing:
                self._reply(400, {"code": 21604, "message": "missing field", "status": 400})
                return
            if form["To"] in stub.busy:
                self._reply(503, {"code": 20503, "message": "unavailable", "status": 503})
                return
            if form["To"] in stub.refused:
                self._reply(400, {"code": 21211, "message": "invalid To", "status": 400})
                return
            with stub.lock:
                stub.received.append(form)
                sid = f"SM{len(stub.received):032x}"
            self._reply(
                201,
                {
                    "sid": sid,
                    "account_sid": stub.account_sid,
                    "to": form["To"],
                    "from": form["From"],
                    "body": form["Body"],
                    "status": "queued",
                    "num_segments": "1",
                    "direction": "outbound-api",
                    "api_version": "2010-04-01",
                    "error_code": None,
                    "error_message": None,
                    "uri": f"/2010-04-01/Accounts/{stub.account_sid}/Messages/{sid}.json",
                },
            )

    return Handler


@contextmanager
def sms_stub(
    *, account_sid: str = "AC" + "0" * 32, auth_token: str = "stub-token"
) -> Iterator[SmsStub]:
    """Run the stub on a free loopback port for the length of the block."""
    stub = SmsStub(account_sid, auth_token)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(stub))
    stub.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
