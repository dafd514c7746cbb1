"""Small real network helpers for tests: a UDP receiver, a WSGI server."""

import io
import socket
import threading
import time
import wsgiref.simple_server


class Receiver:
    """A UDP socket on a free local port that keeps every packet."""

    def __init__(self, test):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(('127.0.0.1', 0))
        self.sock.settimeout(0.05)
        self.port = self.sock.getsockname()[1]
        test.addCleanup(self.sock.close)
        self.packets = []

    def receive(self, lines, timeout=5.0):
        """Read packets until ``lines`` metric lines arrived."""
        deadline = time.monotonic() + timeout
        while len(self.lines()) < lines and time.monotonic() < deadline:
            try:
                self.packets.append(self.sock.recv(65536))
            except socket.timeout:
                pass
        return self.lines()

    def drain(self, quiet=0.2):
        """Read until nothing arrives for ``quiet`` seconds."""
        last = time.monotonic()
        while time.monotonic() - last < quiet:
            try:
                self.packets.append(self.sock.recv(65536))
                last = time.monotonic()
            except socket.timeout:
                pass
        return self.lines()

    def lines(self):
        return [line for p in self.packets
                for line in p.decode().split('\n') if line]


class _QuietHandler(wsgiref.simple_server.WSGIRequestHandler):
    def log_message(self, *args):
        pass

    def get_stderr(self):
        return io.StringIO()


class _QuietServer(wsgiref.simple_server.WSGIServer):
    def handle_error(self, request, client_address):
        pass


def serve_wsgi(test, app):
    """Serve ``app`` with wsgiref on a free port in a thread; the port.

    The server is shut down and closed in the test's cleanup.
    """
    server = wsgiref.simple_server.make_server(
        '127.0.0.1', 0, app, server_class=_QuietServer,
        handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever,
                              kwargs={'poll_interval': 0.05}, daemon=True)
    thread.start()
    test.addCleanup(thread.join, 5)
    test.addCleanup(server.server_close)
    test.addCleanup(server.shutdown)
    return server.server_address[1]
