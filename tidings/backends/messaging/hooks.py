"""Every private attribute of py-amqp and oslo.messaging that tidings
uses, in one module.

The messaging backend needs three things the libraries do not offer
publicly:

- oslo.messaging's ``Transport._send_notification``: what its own
  ``MessagingDriver.notify`` calls; the public ``Notifier`` would replace
  our message_id and timestamp (:func:`send_notification`);
- py-amqp's ``Connection._transport``: the transport without the
  ``transport`` property's side effects, to drop a connection to a frozen
  broker at once (:func:`abort`);
- py-amqp's ``_quick_recv``: the read the TCP and TLS transports'
  frame readers call (set by ``_setup_transport``), replaced by one that
  takes what is there, for fewer system calls in the confirm loop
  (:func:`fewer_syscalls`).

:func:`problems` says which of them the installed versions lack or have
changed; the tests call it, so a dependency release that changes one
fails loudly there instead of slowing or breaking the backend quietly.
At run time each hook degrades: :func:`fewer_syscalls` leaves a
transport without ``_quick_recv`` alone, :func:`abort` closes what it
finds.
"""

import functools
import inspect

#: The arguments tidings passes to ``Transport._send_notification``.
SEND_NOTIFICATION_ARGS = ('target', 'ctxt', 'message', 'version', 'retry')


def send_notification(transport, target, ctxt, message, version, retry):
    """Send one message through an oslo.messaging transport, as
    oslo.messaging's ``MessagingDriver.notify`` does."""
    transport._send_notification(target, ctxt, message, version=version,
                                 retry=retry)


def _recv_ahead(recv, size):
    return recv(max(size, 65536))


def fewer_syscalls(conn, timeout):
    """Tune a py-amqp connection for the sender thread's confirm loop.

    Every system call of the sender thread releases the GIL, and taking it
    back costs both threads; with small windows there were about twenty
    per window.  py-amqp reads exactly what it needs, a frame header then
    its body (two ``recv`` per publisher confirm), and sets the socket
    timeout before and after every frame when the timeout passed to
    ``drain_events`` differs from the socket's (two ``fcntl`` calls each).
    Here the socket keeps one timeout, and reads take what is there (up
    to 64 KiB; py-amqp keeps the rest in its read buffer).  The TCP and
    TLS transports both read through ``_quick_recv``; a transport without
    it is left alone.
    """
    transport = getattr(conn, '_transport', None)   # see abort
    sock = getattr(transport, 'sock', None)
    if sock is None or not hasattr(transport, '_quick_recv'):
        return
    sock.settimeout(timeout)
    transport._quick_recv = functools.partial(_recv_ahead, sock.recv)


def abort(conn):
    """Drop a connection without the closing handshake (the broker may be
    frozen: a polite close would wait for it).

    ``_transport``, not the ``transport`` property: on a connection that
    never connected, or whose failed ``connect()`` already collected it,
    the property warns "Since amqp 2.0 you have to explicitly call
    Connection.connect()" into the operator's log and tries to connect
    again (a second connect timeout on a dead broker)."""
    try:
        transport = conn._transport
        if transport is not None:
            transport.close()
    except Exception:
        pass
    try:
        conn.collect()
    except Exception:
        pass


def _version(dist):
    from importlib import metadata
    try:
        return '%s %s' % (dist, metadata.version(dist))
    except metadata.PackageNotFoundError:
        return '%s (not installed)' % dist


def problems():
    """What the installed py-amqp and oslo.messaging lack of the hooks
    above, one line each naming the library's version; empty when every
    hook is there as this module uses it."""
    import amqp
    import amqp.transport
    import oslo_messaging
    out = []
    amqp_version = _version('amqp')
    conn = amqp.Connection('127.0.0.1:1', connect_timeout=0.01)
    if not hasattr(conn, '_transport'):
        out.append('%s: Connection has no _transport attribute (abort() '
                   'and fewer_syscalls() read it)' % amqp_version)
    for name in ('TCPTransport', 'SSLTransport'):
        cls = getattr(amqp.transport, name, None)
        if cls is None:
            out.append('%s: amqp.transport.%s is gone' % (amqp_version, name))
            continue
        for method in ('_setup_transport', '_read'):
            code = getattr(cls, method, None)
            if code is None or 'self._quick_recv' not in \
                    inspect.getsource(code):
                out.append('%s: %s.%s no longer uses self._quick_recv, so '
                           'fewer_syscalls() has no effect' % (
                               amqp_version, name, method))
    send = getattr(oslo_messaging.Transport, '_send_notification', None)
    if send is None:
        out.append('%s: Transport has no _send_notification (send_'
                   'notification() calls it)' % _version('oslo.messaging'))
    else:
        params = tuple(inspect.signature(send).parameters)
        missing = [a for a in SEND_NOTIFICATION_ARGS if a not in params]
        if missing:
            out.append('%s: Transport._send_notification%s lacks %s' % (
                _version('oslo.messaging'), inspect.signature(send),
                ', '.join(missing)))
    return out
