"""Test helpers: the package from this source tree, a local capture server, the fixture."""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
from typing import Callable, Dict, List, NamedTuple, Optional, Tuple, Union

PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO_DIR = os.path.dirname(os.path.dirname(PYTHON_DIR))
if sys.path[0] != PYTHON_DIR:
    sys.path.insert(0, PYTHON_DIR)

import genesys_presence  # noqa: E402

TOKEN = "test-token"


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    """Runs ``code`` in a new interpreter that imports this source tree's package."""
    environment = {k: v for k, v in os.environ.items() if k != genesys_presence._ffi.LIBRARY_ENV}
    environment.update(env)
    environment["PYTHONPATH"] = PYTHON_DIR
    return subprocess.run(
        [sys.executable, "-c", code],
        env=environment,
        cwd=os.path.expanduser("~"),
        capture_output=True,
        text=True,
        timeout=60,
    )


class Request(NamedTuple):
    """One request as the server received it."""

    method: str
    target: str  # the raw request target: path and query, undecoded
    headers: Dict[str, str]  # lower-cased names
    body: bytes
    client_port: int  # which connection it came on

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]

    @property
    def query(self) -> str:
        return self.target.split("?", 1)[1] if "?" in self.target else ""


Reply = Tuple[int, Dict[str, str], Union[bytes, str]]
Responder = Callable[[Request], Reply]


class CaptureServer:
    """An HTTP server on 127.0.0.1 that records every request and answers with
    ``responder(request)`` (default: 200 with ``{}``)."""

    def __init__(self) -> None:
        self.requests: List[Request] = []
        self.responder: Responder = lambda request: (200, {}, "{}")
        self._lock = threading.Lock()
        capture = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def handle_one(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                request = Request(
                    self.command,
                    self.path,
                    {name.lower(): value for name, value in self.headers.items()},
                    self.rfile.read(length),
                    self.client_address[1],
                )
                with capture._lock:
                    capture.requests.append(request)
                status, headers, body = capture.responder(request)
                data = body.encode("utf-8") if isinstance(body, str) else body
                self.send_response(status)
                headers = {"content-type": "application/json", **headers}
                headers.setdefault("content-length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_one

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True)
        self._thread.start()

    def reply(self, status: int = 200, body: Union[bytes, str] = "{}", **headers: str) -> None:
        """Answer every request with this status, body and headers
        (underscores in header names become dashes)."""
        fixed = {name.replace("_", "-"): value for name, value in headers.items()}
        self.responder = lambda request: (status, fixed, body)

    def only_request(self) -> Request:
        assert len(self.requests) == 1, f"expected one request, got {self.requests}"
        return self.requests[0]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def load_fixture() -> List[dict]:
    path = os.path.join(REPO_DIR, "tests", "fixtures", "official_sdk_requests.json")
    with open(path, encoding="utf-8") as fixture:
        return json.load(fixture)


def operations_by_id() -> Dict[str, dict]:
    return {operation["operationId"]: operation for operation in genesys_presence.operations()}


def empty_reply(operation: dict) -> Tuple[int, Dict[str, str], str]:
    """200 with the smallest body of the operation's response type."""
    response: Optional[dict] = operation["response"]
    if response is None:
        return 200, {}, ""
    return 200, {}, "[]" if response["list"] else "{}"


class RawServer:
    """A TCP server on 127.0.0.1 answering every connection with fixed bytes,
    then closing it: for responses no well-behaved HTTP server sends."""

    def __init__(self, response: bytes) -> None:
        import socket

        self.response = response
        self.connections = 0
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen()
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self._socket.accept()
            except OSError:
                return
            with connection:
                self.connections += 1
                connection.recv(65536)
                connection.sendall(self.response)

    def close(self) -> None:
        import socket

        try:
            self._socket.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        except OSError:
            pass
        self._socket.close()
