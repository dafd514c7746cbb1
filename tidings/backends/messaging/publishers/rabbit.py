"""The ``rabbit`` publisher: :class:`RabbitPipelineSender`, one AMQP
connection with publisher confirms, pipelined (see
:mod:`tidings.backends.messaging.publishers` for the contract), and the
AMQP framing it writes itself (:class:`PublishFrames`, :func:`amqp_body`).

It writes the same AMQP messages as oslo.messaging's rabbit driver (same
exchange, routing key, default queue, envelope and properties) but
publishes a window of them before waiting for their confirms together:
several times the throughput, the same guarantee.  Every message is
published ``mandatory``: the broker gives back those no queue takes, and
``publish`` returns them.
"""

import collections
import random
import socket
import struct
import time

import amqp
import orjson
from oslo_serialization import jsonutils

from tidings.backends.messaging import hooks
from tidings.backends.messaging import outbox as outbox_mod
from tidings.backends.messaging import publishers

UNIQUE_ID = '_unique_id'


def raw_message(row):
    """The message dict oslo.messaging puts in the envelope: our wire
    message plus a fresh ``_unique_id`` and the ``_context_*`` keys."""
    msg = dict(row.message)
    # Unique, not secret (as oslo.messaging's uuid4().hex, without a
    # getrandom system call per message).
    msg[UNIQUE_ID] = '%032x' % random.getrandbits(128)
    msg.update(('_context_%s' % key, value)
               for key, value in row.ctxt.items())
    return msg


_JSON_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME


def dumps(value):
    """UTF-8 JSON of ``value``, the same JSON values as oslo.messaging's
    ``jsonutils.dumps`` (what its rabbit driver sends), at a fraction of
    the sender thread's time: orjson, with datetimes and unknown types
    turned into primitives by ``jsonutils.to_primitive`` as oslo does.
    The text is compact (no spaces after ``:`` and ``,``) and keeps
    non-ASCII characters as UTF-8 instead of ``\\u`` escapes; a value
    orjson refuses (an integer beyond 64 bits) goes through jsonutils.
    """
    try:
        return orjson.dumps(value, default=jsonutils.to_primitive,
                            option=_JSON_OPTIONS)
    except TypeError:
        return jsonutils.dumps(value).encode('utf-8')


def amqp_body(row):
    """The AMQP message body oslo.messaging would send for ``row``
    (bytes): in the ``oslo.message`` envelope for messagingv2."""
    if row.body is not None:
        spliced = _spliced_body(row)
        if spliced is not None:
            return spliced
    msg = raw_message(row)
    if row.version == 2.0:
        msg = {'oslo.version': '2.0',
               'oslo.message': dumps(msg).decode('utf-8')}
    return dumps(msg)


def _spliced_body(row):
    """:func:`amqp_body` of a row read back from the outbox, made from
    its stored text: the message is not parsed and serialised again, only
    the context is (what a replay of thousands of rows would otherwise
    allocate is what makes the garbage collector's full passes come
    sooner, and one of them can land on a caller).  The same JSON values
    as the parsed path, keys in the same order; None when the stored text
    is not in the form to splice."""
    parts = outbox_mod.split_body(row.body)
    if parts is None:
        return None
    ctxt, text = parts
    extra = '"%s":"%032x"' % (UNIQUE_ID, random.getrandbits(128))
    if ctxt:
        extra += ',' + dumps({'_context_%s' % key: value for key, value
                              in ctxt.items()}).decode('utf-8')[1:-1]
    inner = '%s%s%s}' % (text[:-1], ',' if text != '{}' else '', extra)
    if row.version == 2.0:
        return dumps({'oslo.version': '2.0', 'oslo.message': inner})
    return inner.encode('utf-8')


#: py-amqp's capabilities, ``connection.blocked`` on: a broker in a memory
#: or disk alarm says so (``connection.blocked``) and the sender stops
#: and waits for ``connection.unblocked`` on the same connection instead
#: of timing out and sending the same messages again on a new one.
#: (py-amqp polls the socket for that notice before each
#: ``basic_publish``, several system calls a message; the pipeline writes
#: its frames itself and reads the notice with the confirms, so it pays
#: nothing for it.)
CAPABILITIES = dict(amqp.Connection.negotiate_capabilities,
                    **{'connection.blocked': True})


class Blocked(Exception):
    """The broker blocks publishing (a resource alarm) and the sender was
    asked to give up waiting."""


class RabbitPipelineSender:
    """One AMQP connection with publisher confirms, pipelined.

    :param hosts: ``[(host, port, user, password), ...]`` tried in turn
        (failover: a connection that fails moves to the next host).
    :param exchange: the oslo.messaging control exchange.
    :param durable, auto_delete: as ``[oslo_messaging_rabbit]
        amqp_durable_queues`` / ``amqp_auto_delete`` (durable also with
        ``rabbit_quorum_queue``, as oslo.messaging does).
    :param queue_arguments: the ``x-`` arguments of the default queues
        (``x-queue-type: quorum`` and its limits, ``x-ha-policy``), as
        oslo.messaging's rabbit driver declares them.
    :param ssl: False, True or py-amqp's dict of ``ssl`` wrap arguments
        (``ca_certs``, ``certfile``, ``keyfile``, ``cert_reqs``,
        ``ssl_version``); ``server_hostname`` is set per host.
    :param timeout: seconds to connect, to write, or to get the confirms
        of one window.
    :param window: messages published before waiting for confirms.
    :param depth: windows of one ``publish`` written ahead of the oldest
        one whose confirms are awaited (a replay publishes many windows at
        once; a sender thread's batch is one window).

    Every message is published ``mandatory``: one that no queue takes
    comes back (``basic.return``, before its confirm) and ``publish``
    returns it, and the default queue of its routing key is declared
    again before the next publish to that key.
    Not thread-safe: one per sender thread.
    """

    guarantee = 'routed'

    def __init__(self, hosts, virtual_host='/', exchange='openstack',
                 durable=False, auto_delete=False, timeout=2.0, window=256,
                 queue_arguments=None, ssl=False, stop=None,
                 on_blocked=None, depth=4):
        self.hosts = list(hosts)
        self.virtual_host = virtual_host or '/'
        self.exchange = exchange
        self.durable = durable
        self.auto_delete = auto_delete
        self.timeout = timeout
        self.window = window
        self.depth = max(1, depth)
        self.queue_arguments = dict(queue_arguments or {})
        self.ssl = ssl
        #: an Event: set, a sender waiting on a blocked broker gives up
        self.stop = stop
        #: called with (True, reason) when the broker blocks publishing,
        #: (False, None) when it unblocks
        self.on_blocked = on_blocked
        self.blocked = None   # the broker's reason while blocked
        self._next_host = 0
        self.connection = None
        self.channel = None
        self._reset_tags()

    # connection

    def _reset_tags(self):
        self._tag = 0         # delivery tag of the last publish
        self._acked = 0       # every tag up to this one is confirmed
        self._acked_set = set()
        self._nacked = None   # first nacked tag, if any
        self._queues = set()
        self._frames = None   # PublishFrames of this channel
        self._returned = set()   # (message_id, routing_key) given back

    def _on_ack(self, tag, multiple):
        if multiple:
            if tag > self._acked:
                self._acked = tag
                self._acked_set = {t for t in self._acked_set if t > tag}
        else:
            self._acked_set.add(tag)
        while self._acked + 1 in self._acked_set:
            self._acked += 1
            self._acked_set.discard(self._acked)

    def _on_nack(self, tag, multiple):
        if self._nacked is None or tag < self._nacked:
            self._nacked = tag

    def _on_return(self, exc, exchange, routing_key, message):
        """A message no queue took (``basic.return``, which the broker
        sends before that message's confirm).  A return carries no
        delivery tag: the message is known by its message_id and routing
        key, read back from its body."""
        self._returned.add((returned_message_id(message.body), routing_key))
        # Declare the default queue again before the next publish to this
        # key: whoever deleted it, nothing is bound now.
        self._queues.discard(routing_key)

    def _blocked(self, reason):
        self.blocked = reason or 'blocked'
        if self.on_blocked is not None:
            self.on_blocked(True, self.blocked)

    def _unblocked(self):
        self.blocked = None
        if self.on_blocked is not None:
            self.on_blocked(False, None)

    def _wait_unblocked(self):
        """Read the connection (confirms, returns) until the broker lifts
        its block: nothing more is written meanwhile, and what was in
        flight stays on this connection, to be confirmed after the alarm,
        not sent again on another."""
        while self.blocked:
            if self.stop is not None and self.stop.is_set():
                raise Blocked('the broker blocks publishing (%s)'
                              % self.blocked)
            try:
                self.connection.drain_events(timeout=self.timeout)
            except socket.timeout:
                pass

    def _listen(self, channel):
        channel.confirm_select()
        channel.events['basic_ack'].add(self._on_ack)
        channel.events['basic_nack'].add(self._on_nack)
        channel.events['basic_return'].add(self._on_return)
        return channel

    def _ssl_for(self, host):
        if not self.ssl:
            return False
        if self.ssl is True:
            return True
        options = dict(self.ssl)
        if options.get('ca_certs'):
            options.setdefault('server_hostname', host)
        return options

    def connect(self):
        last = None
        for attempt in range(len(self.hosts)):
            host, port, user, password = self.hosts[
                (self._next_host + attempt) % len(self.hosts)]
            conn = amqp.Connection(
                '%s:%d' % (host, port), userid=user, password=password,
                virtual_host=self.virtual_host,
                connect_timeout=self.timeout, read_timeout=self.timeout,
                write_timeout=self.timeout, heartbeat=0,
                ssl=self._ssl_for(host),
                on_blocked=self._blocked, on_unblocked=self._unblocked,
                client_properties={'connection_name': 'tidings'})
            conn.negotiate_capabilities = CAPABILITIES
            try:
                conn.connect()
                channel = self._listen(conn.channel())
                channel = self._declare_exchange(conn, channel)
            except Exception as exc:
                last = publishers.bare(exc)
                hooks.abort(conn)
                continue
            self._next_host = (self._next_host + attempt) % len(self.hosts)
            hooks.fewer_syscalls(conn, self.timeout)
            self.connection, self.channel = conn, channel
            self._reset_tags()
            return
        try:
            raise last
        finally:
            # this frame is in the traceback of what it raises: no cycle
            # through it
            last = conn = None

    def _declare_exchange(self, conn, channel):
        try:
            channel.exchange_declare(self.exchange, 'topic',
                                     durable=self.durable,
                                     auto_delete=self.auto_delete)
            return channel
        except amqp.exceptions.PreconditionFailed:
            # Declared earlier with another durability (like
            # oslo.messaging, use it as it is): a passive declare on a
            # fresh channel.
            channel = self._listen(conn.channel())
            channel.exchange_declare(self.exchange, 'topic', passive=True)
            return channel

    def probe(self):
        """Connect unless connected; raise when the broker does not
        answer (nothing is published)."""
        if self.connection is None:
            self.connect()

    def close(self):
        conn, self.connection, self.channel = self.connection, None, None
        if conn is not None:
            hooks.abort(conn)
        if self.blocked:
            # this connection's block ends with it
            self._unblocked()

    # publishing

    def _declare_queue(self, routing_key):
        # oslo.messaging's rabbit driver declares a default queue named
        # after the routing key, so nothing is lost before a consumer
        # binds; do the same.
        self.channel.queue_declare(routing_key, durable=self.durable,
                                   auto_delete=self.auto_delete,
                                   arguments=self.queue_arguments or None)
        self.channel.queue_bind(routing_key, self.exchange, routing_key)
        self._queues.add(routing_key)

    def _wait_confirms(self, upto):
        deadline = time.monotonic() + self.timeout
        while self._acked < upto:
            if self._nacked is not None:
                raise publishers.MessageNacked(
                    'the broker refused message %d' % self._nacked)
            if self.blocked:
                self._wait_unblocked()
                deadline = time.monotonic() + self.timeout
                continue
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise publishers.ConfirmTimeout(
                    'no publisher confirm within %.1fs' % self.timeout)
            # Always the same timeout (the socket's own, see
            # hooks.fewer_syscalls): each read waits at most that
            # long.
            try:
                self.connection.drain_events(timeout=self.timeout)
            except socket.timeout:
                if not self.blocked:
                    raise
        if self._nacked is not None:
            raise publishers.MessageNacked(
                'the broker refused message %d' % self._nacked)

    def _publish_window(self, rows):
        """basic.publish each row, written to the socket in one go."""
        for row in rows:
            if row.routing_key not in self._queues:
                self._declare_queue(row.routing_key)
        conn = self.connection
        frames = self._frames
        if frames is None or frames.frame_max != conn.frame_max:
            frames = self._frames = PublishFrames(
                self.channel.channel_id, self.exchange, conn.frame_max)
        data = []
        for index, row in enumerate(rows):
            if index and not index % YIELD_EVERY:
                # Framing is Python under the GIL; hand it over now and
                # then so a caller waiting to enqueue is not held up to
                # the 5 ms switch interval.
                time.sleep(0)
            data.append(frames.message(row.routing_key, amqp_body(row)))
        conn.transport.write(b''.join(data))
        conn.bytes_sent += len(rows)
        self._tag += len(rows)

    def _take_returned(self, rows):
        """The rows of ``rows`` the broker gave back (and forget them;
        returns of later windows, already read, are kept for those)."""
        if not self._returned:
            return []
        returned = self._returned
        out = []
        for row in rows:
            key = (row.message_id, row.routing_key)
            if key in returned:
                returned.discard(key)
                out.append(row)
        return out

    def publish(self, rows, ahead=None):
        """Publish ``rows``; the confirmed rows that came back unroutable
        (a list, empty when every row reached a queue).

        Rows beyond one window go out ``depth`` windows ahead of the
        confirms awaited (the broker routes one window while the next is
        framed and written).  ``ahead``, when given, is called once every
        row is written, before the last confirms are awaited: the caller's
        own work (the replay thread reads its next batch from the outbox)
        overlaps the broker's.  It must not raise."""
        start = None
        returned = []
        self._returned.clear()
        try:
            if self.connection is None:
                self.connect()
            start = self._tag
            unconfirmed = collections.deque()   # (last tag, window)
            for offset in range(0, len(rows), self.window):
                window = rows[offset:offset + self.window]
                if self.blocked:
                    self._wait_unblocked()
                self._publish_window(window)
                unconfirmed.append((self._tag, window))
                while len(unconfirmed) > self.depth:
                    returned += self._confirm(*unconfirmed.popleft())
            if ahead is not None:
                ahead()
            while unconfirmed:
                returned += self._confirm(*unconfirmed.popleft())
        except Exception as exc:
            confirmed = 0
            if start is not None:
                confirmed = min(len(rows), max(0, self._acked - start))
                if self._nacked is not None:
                    confirmed = min(confirmed, max(0, self._nacked - 1
                                                   - start))
            returned += self._take_returned(rows[:confirmed])
            in_doubt = 0
            if start is not None:
                in_doubt = max(0, min(len(rows), self._tag - start)
                               - confirmed)
            self.close()
            raise publishers.PublishError(
                confirmed, exc, returned, in_doubt) from exc
        return returned

    def _confirm(self, tag, window):
        """Wait for the confirms up to ``tag`` (``window``'s last); the
        rows of ``window`` given back."""
        self._wait_confirms(tag)
        return self._take_returned(window)


def returned_message_id(body):
    """The message_id of a returned message's body (the oslo.messaging
    envelope or a bare 1.0 message), or None when it cannot be read."""
    try:
        value = orjson.loads(body)
        if isinstance(value, dict) and 'oslo.message' in value:
            value = orjson.loads(value['oslo.message'])
        return value.get('message_id') if isinstance(value, dict) else None
    except (TypeError, ValueError):
        return None


#: Messages framed between two voluntary GIL releases of the sender.
YIELD_EVERY = 16

#: basic.publish class and method ids, the basic content class id.
_BASIC, _PUBLISH = 60, 40
#: basic.publish's bits: mandatory (an unroutable message comes back).
_MANDATORY = b'\x01'
#: The content properties of every message: content_type,
#: content_encoding and delivery_mode set (flags 0xD000), in that order.
_PROPERTIES = (struct.pack('>H', 0xD000) + b'\x10application/json'
               + b'\x05utf-8' + b'\x02')
_FRAME_END = b'\xce'


def _shortstr(text):
    data = text.encode('utf-8')
    if len(data) > 255:
        raise ValueError('AMQP short string over 255 bytes: %r' % text)
    return struct.pack('B', len(data)) + data


class PublishFrames:
    """The frames of a basic.publish on one channel, as bytes.

    The same bytes py-amqp's ``frame_writer`` writes for
    ``channel.basic_publish(Message(body, content_type='application/json',
    content_encoding='utf-8', delivery_mode=2), exchange, routing_key,
    mandatory=True)`` (a unit test compares them): a method frame, a
    content header frame, body frames of at most ``frame_max - 8`` bytes.
    Only the routing key and the body vary, so the method frame is built
    once per routing key and the header once per body length, which
    leaves the sender thread (sharing the interpreter with the callers) a
    small part of py-amqp's
    per-message Python (figures in ``benchmarks/README.rst``).
    """

    def __init__(self, channel_id, exchange, frame_max):
        self.channel_id = channel_id
        self.exchange = _shortstr(exchange)
        self.frame_max = frame_max
        self.chunk = frame_max - 8
        self._methods = {}
        self._body_header = struct.Struct('>BHI').pack
        header_size = 12 + len(_PROPERTIES)
        self._header_head = struct.pack('>BHIHH', 2, channel_id, header_size,
                                        _BASIC, 0)
        self._header_tail = _PROPERTIES + _FRAME_END
        self._size = struct.Struct('>Q').pack

    def method(self, routing_key):
        frame = self._methods.get(routing_key)
        if frame is None:
            args = (struct.pack('>HHH', _BASIC, _PUBLISH, 0) + self.exchange
                    + _shortstr(routing_key) + _MANDATORY)
            frame = self._methods[routing_key] = (
                struct.pack('>BHI', 1, self.channel_id, len(args)) + args
                + _FRAME_END)
        return frame

    def message(self, routing_key, body):
        """The frames publishing ``body`` (bytes) to ``routing_key``."""
        size = len(body)
        parts = [self.method(routing_key), self._header_head,
                 self._size(size), self._header_tail]
        chunk = self.chunk
        if size <= chunk:
            if size:
                parts += (self._body_header(3, self.channel_id, size), body,
                          _FRAME_END)
        else:
            for offset in range(0, size, chunk):
                piece = body[offset:offset + chunk]
                parts += (self._body_header(3, self.channel_id, len(piece)),
                          piece, _FRAME_END)
        return b''.join(parts)


