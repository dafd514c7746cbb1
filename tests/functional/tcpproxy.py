"""A TCP proxy the test controls, to freeze or cut a real service.

``TcpProxy(upstream_port)`` listens on a free local port and forwards
each connection to the service.  ``freeze()`` stops forwarding (bytes
are held, new connections hang: a frozen service); ``thaw()`` resumes;
``cut()`` closes every connection; ``refuse()`` cuts them and closes each
new one at once (a service that is down) until ``allow()``; ``stop()``
closes everything.  ``hold_replies()`` holds only what the service sends
back (the requests still reach it: a broker that takes messages but whose
publisher confirms are lost) until ``release_replies()``.
"""

import select
import socket
import threading


class TcpProxy:
    def __init__(self, upstream_port, upstream_host='127.0.0.1'):
        self.upstream = (upstream_host, upstream_port)
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(('127.0.0.1', 0))
        self._listener.listen(64)
        self.port = self._listener.getsockname()[1]
        self._flowing = threading.Event()
        self._flowing.set()
        self._replies = threading.Event()
        self._replies.set()
        self._refusing = threading.Event()
        self._stopped = threading.Event()
        self._lock = threading.Lock()
        self._sockets = set()
        self._threads = []
        self._spawn(self._accept)

    def _spawn(self, target, *args):
        thread = threading.Thread(target=target, args=args, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _accept(self):
        while not self._stopped.is_set():
            try:
                ready, _, _ = select.select([self._listener], [], [], 0.1)
                if not ready:
                    continue
                client, _ = self._listener.accept()
            except (OSError, ValueError):
                return
            self._spawn(self._connect, client)

    def _connect(self, client):
        if self._refusing.is_set():
            return self._close(client)
        with self._lock:
            self._sockets.add(client)
        while not self._flowing.wait(0.1):
            if self._stopped.is_set():
                return self._close(client)
        try:
            server = socket.create_connection(self.upstream, timeout=5)
        except OSError:
            return self._close(client)
        with self._lock:
            self._sockets.add(server)
        self._spawn(self._pump, client, server, (self._flowing,))
        self._spawn(self._pump, server, client,
                    (self._flowing, self._replies))

    def _pump(self, src, dst, gates):
        try:
            while not self._stopped.is_set():
                ready, _, _ = select.select([src], [], [], 0.1)
                if not ready:
                    continue
                data = src.recv(65536)
                if not data:
                    break
                while not all(gate.wait(0.1) for gate in gates):
                    if self._stopped.is_set():
                        return
                dst.sendall(data)
        except (OSError, ValueError):   # closed under us by cut()
            pass
        finally:
            self._close(src)
            self._close(dst)

    def _close(self, sock):
        with self._lock:
            self._sockets.discard(sock)
        try:
            sock.close()
        except OSError:
            pass

    def freeze(self):
        self._flowing.clear()

    def thaw(self):
        self._flowing.set()

    def hold_replies(self):
        self._replies.clear()

    def release_replies(self):
        self._replies.set()

    def cut(self):
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._close(sock)

    def refuse(self):
        self._refusing.set()
        self.cut()

    def allow(self):
        self._refusing.clear()

    def stop(self):
        self._stopped.set()
        self._flowing.set()
        self._replies.set()
        try:
            self._listener.close()
        except OSError:
            pass
        self.cut()
        for thread in self._threads:
            thread.join(2)
