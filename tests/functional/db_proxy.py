"""A TCP proxy a test controls, to take a database "down" and back.

``stop()`` closes the listening socket and resets every proxied
connection (clients see the server go away, new connections are
refused); ``start()`` listens again on the same port.  One selector
thread does all the socket work.
"""

import queue
import selectors
import socket
import struct
import threading

from tests.functional import base


class TcpProxy:
    def __init__(self, target_host, target_port, port=None):
        self.target = (target_host, target_port)
        self.port = port or base.free_port()
        self._selector = selectors.DefaultSelector()
        self._peers = {}
        self._listener = None
        self._commands = queue.Queue()
        self._wake_r, self._wake_w = socket.socketpair()
        self._selector.register(self._wake_r, selectors.EVENT_READ, 'wake')
        self._running = True
        self._thread = threading.Thread(target=self._loop, daemon=True,
                                        name='tcp-proxy-%d' % self.port)
        self._thread.start()
        self.start()

    # control (any thread)

    def _call(self, name):
        done = threading.Event()
        self._commands.put((name, done))
        self._wake_w.send(b'x')
        if not done.wait(5):
            raise RuntimeError('proxy did not %s' % name)

    def start(self):
        """Accept and forward connections."""
        self._call('start')

    def stop(self):
        """Refuse new connections and reset the open ones."""
        self._call('stop')

    def close(self):
        self._call('stop')
        self._running = False
        self._wake_w.send(b'x')
        self._thread.join(5)
        self._wake_r.close()
        self._wake_w.close()
        self._selector.close()

    @property
    def connections(self):
        return len(self._peers) // 2

    # the loop

    def _do_start(self):
        if self._listener is not None:
            return
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(('127.0.0.1', self.port))
        listener.listen(64)
        listener.setblocking(False)
        self._listener = listener
        self._selector.register(listener, selectors.EVENT_READ, 'accept')

    def _do_stop(self):
        if self._listener is not None:
            self._selector.unregister(self._listener)
            self._listener.close()
            self._listener = None
        while self._peers:
            self._drop(next(iter(self._peers)), reset=True)

    def _drop(self, sock, reset=False):
        peer = self._peers.pop(sock, None)
        for s in (sock, peer):
            if s is None:
                continue
            self._peers.pop(s, None)
            if s.fileno() < 0:
                continue
            try:
                self._selector.unregister(s)
            except (KeyError, ValueError):
                pass
            try:
                if reset:
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                 struct.pack('ii', 1, 0))
                s.close()
            except OSError:
                pass

    def _accept(self):
        try:
            client, _ = self._listener.accept()
        except OSError:
            return
        try:
            upstream = socket.create_connection(self.target, timeout=5)
        except OSError:
            client.close()
            return
        for s in (client, upstream):
            s.setblocking(True)
            s.settimeout(5)
            self._selector.register(s, selectors.EVENT_READ, 'data')
        self._peers[client] = upstream
        self._peers[upstream] = client

    def _forward(self, sock):
        peer = self._peers.get(sock)
        if peer is None:
            return
        try:
            data = sock.recv(65536)
            if data:
                peer.sendall(data)
                return
        except OSError:
            pass
        self._drop(sock)

    def _loop(self):
        while self._running:
            for key, _ in self._selector.select(0.5):
                if key.data == 'wake':
                    self._wake_r.recv(4096)
                    while True:
                        try:
                            name, done = self._commands.get_nowait()
                        except queue.Empty:
                            break
                        getattr(self, '_do_' + name)()
                        done.set()
                elif key.data == 'accept':
                    if self._listener is not None:
                        self._accept()
                elif key.fileobj in self._peers:
                    self._forward(key.fileobj)
