"""The statsd backend: counters and timers named by the event definitions.

For every notification of an event whose delivery mechanisms include
``statsd``, each metric name of its event definition (e.g.
``mdb.req.create_table``, ``mdb.req.create_table.error.404``) gets a counter
``+1``, and, when the notification carries ``duration_ms`` (lifecycle
``.end``/``.error``), a timer ``|ms``.

The metrics travel through a :class:`StatsdClient`: the caller formats one
StatsD line and appends it to a bounded in-memory queue (about a
microsecond); a sender thread (a :class:`tidings.backends.workers.Worker`)
newline-joins queued lines into packets of at most ``max_packet_size``
bytes and sends them when a few packets' worth is waiting or about every
``flush_interval``.  The host is resolved by the sender,
lazily, and again after a failure; nothing here raises into the caller or
blocks it.  Other code sends its own metrics through the same client::

    client = statsd_client(notifier)        # None when statsd is off
    if client is not None:
        client.incr('mdb.api.requests')
        client.timing('mdb.api.latency', 12.5)
        client.gauge('tidings.messaging.outbox', 3)

Why not the ``statsd`` package's ``StatsClient``: it sends on the caller's
thread (one ``sendto`` system call per metric, and its ``pipeline()``
still sends in the caller), and it resolves the host once, at
construction.  ``benchmarks/statsd.py`` measures both (figures in
``benchmarks/README.rst``).
"""

import collections
import logging
import random
import socket
import threading
import time
import weakref

from tidings.backends import base
from tidings.backends import workers
from tidings.conf import _checks as conf_checks
from tidings.objects import errors

LOG = logging.getLogger(__name__)
GROUP = 'backend_statsd'
PROTOCOLS = ('udp', 'tcp', 'unix')

#: Lines waiting before the sender is woken early: two or three packets'
#: worth, so packets leave full and in small bursts (a burst the daemon's
#: receive buffer cannot hold is lost) without waiting for the interval.
WAKE_AT = 128


def _rate_suffix(rate):
    text = ('%.6f' % rate).rstrip('0').rstrip('.')
    return '|@' + text


def _number(value):
    if isinstance(value, float):
        value = round(value, 3)
        if value.is_integer():
            return '%d' % value
    return str(value)


def option_errors(protocol='udp', socket_path=None, sample_rate=1.0,
                  max_packet_size=1432, port=8125):
    """ConfigErrors for client settings the option types cannot refuse
    alone; the client's constructor and ``tidings config validate`` both
    use it."""
    out = []
    if protocol not in PROTOCOLS:
        out.append(errors.ConfigError(GROUP, 'protocol', protocol,
                                      'not one of ' + ', '.join(PROTOCOLS)))
    if protocol == 'unix' and not socket_path:
        out.append(errors.ConfigError(GROUP, 'socket_path', socket_path,
                                      'a socket path is needed with '
                                      'protocol = unix'))
    if not 0.0 < sample_rate <= 1.0:
        out.append(errors.ConfigError(GROUP, 'sample_rate', sample_rate,
                                      'not in (0, 1]; 1 sends every metric'))
    if max_packet_size < 64:
        out.append(errors.ConfigError(GROUP, 'max_packet_size',
                                      max_packet_size, 'less than 64 bytes'))
    if protocol != 'unix':
        problem = conf_checks.port_problem(port)
        if problem:
            out.append(errors.ConfigError(GROUP, 'port', port, problem))
    return out


class StatsdClient(base.CloseOnce):
    """A batching, non-blocking StatsD client.

    Caller-side methods (:meth:`incr`, :meth:`decr`, :meth:`timing`,
    :meth:`gauge`, :meth:`set`, :meth:`put`) only format a line and
    enqueue it; they never raise for network reasons and never block.
    ``rate`` defaults to the client's ``sample_rate``; a sampled-out metric
    costs one random draw.  Names must not contain ``:``, ``|``, ``@`` or a
    newline (event metric names are checked by the event registry).
    """

    def __init__(self, host='127.0.0.1', port=8125, protocol='udp',
                 socket_path=None, prefix='', sample_rate=1.0,
                 max_packet_size=1432, flush_interval=0.1,
                 queue_size=100000, retry_interval=1.0, name='statsd'):
        problems = option_errors(protocol=protocol, socket_path=socket_path,
                                 sample_rate=sample_rate,
                                 max_packet_size=max_packet_size, port=port)
        if problems:
            raise errors.ConfigErrors(problems)
        self.host = host
        self.port = port
        self.protocol = protocol
        self._stream = protocol in ('tcp', 'unix')
        self.socket_path = socket_path
        self.prefix = prefix.rstrip('.') + '.' if prefix else ''
        self.sample_rate = float(sample_rate)
        self.max_packet_size = int(max_packet_size)
        self.flush_interval = float(flush_interval)
        self.queue_size = int(queue_size)
        self.retry_interval = float(retry_interval)
        self.name = name
        self._rate_suffixes = {}
        # The sender: every line queued is sent at its next look, in
        # packets (batch_size None: all that wait).
        self._worker = workers.Worker(
            self._drain, 'statsd-%s' % name, size=self.queue_size,
            batch_size=None, linger=self.flush_interval, wake_every=WAKE_AT,
            finish=self._disconnect, on_start=self._on_start)
        self._sock = None
        self._retry_at = 0.0
        self.closed = False
        self.counters = collections.Counter()
        self.drops = base.BurstLog(LOG, 'statsd client %s dropped metrics'
                                   % name)
        self.failures = base.BurstLog(LOG, 'statsd client %s could not '
                                      'send' % name)

    @property
    def target(self):
        if self.protocol == 'unix':
            return 'unix:%s' % self.socket_path
        return '%s://%s:%s' % (self.protocol, self.host, self.port)

    # caller side

    def put(self, line):
        """Enqueue one preformatted StatsD line (``name:value|type``)."""
        worker = self._worker
        items = worker.items
        if len(items) < worker.slow_at:
            items.append(line)
        else:
            self._put_slow(line)

    def _put_slow(self, line):
        """Enqueue ``line`` when the common case does not hold (the
        sender not started, sleeping or stopped, the queue full, a wake
        mark: ``WAKE_AT`` lines since the last drain, then ``WAKE_AT``
        more each time it is woken): :meth:`Worker.put_slow
        <tidings.backends.workers.Worker.put_slow>`; a refused line is
        dropped and counted."""
        if self.closed or not self._worker.put_slow(line):
            self._drop()

    def sample(self, rate=None):
        """Decide whether to send a sampled metric: ``''`` (send, rate 1),
        a ``|@rate`` suffix to append to the line, or None (skip)."""
        if rate is None:
            rate = self.sample_rate
        if rate >= 1.0:
            return ''
        if random.random() >= rate:
            return None
        suffix = self._rate_suffixes.get(rate)
        if suffix is None:
            suffix = self._rate_suffixes[rate] = _rate_suffix(rate)
        return suffix

    def incr(self, stat, count=1, rate=None):
        """Add ``count`` to the counter ``stat``."""
        if rate is None:
            rate = self.sample_rate
        if rate < 1.0:
            suffix = self.sample(rate)
            if suffix is None:
                return
        else:
            suffix = ''
        if count == 1:
            line = '%s%s:1|c%s' % (self.prefix, stat, suffix)
        else:
            line = '%s%s:%s|c%s' % (self.prefix, stat, _number(count),
                                     suffix)
        # put() written out, one call less: incr runs on the caller's
        # thread for every metric of the statsd backend and the request
        # middleware (benchmarks/statsd.py, caller µs per metric).
        worker = self._worker
        items = worker.items
        if len(items) < worker.slow_at:
            items.append(line)
        else:
            self._put_slow(line)

    def decr(self, stat, count=1, rate=None):
        self.incr(stat, -count, rate)

    def timing(self, stat, ms, rate=None):
        """Record ``ms`` milliseconds (a number or a timedelta)."""
        if hasattr(ms, 'total_seconds'):
            ms = ms.total_seconds() * 1000.0
        suffix = self.sample(rate)
        if suffix is not None:
            self.put('%s%s:%s|ms%s' % (self.prefix, stat, _number(ms),
                                        suffix))

    def gauge(self, stat, value, delta=False):
        """Set the gauge ``stat`` (or change it by ``value`` with delta).

        Gauges are never sampled.  A negative absolute value is sent as
        ``0`` then ``-value``, as StatsD requires.
        """
        name = self.prefix + stat
        if delta:
            sign = '+' if value >= 0 else ''
            self.put('%s:%s%s|g' % (name, sign, _number(value)))
        elif value < 0:
            self.put('%s:0|g' % name)
            self.put('%s:%s|g' % (name, _number(value)))
        else:
            self.put('%s:%s|g' % (name, _number(value)))

    def set(self, stat, value, rate=None):
        """Add ``value`` to the set ``stat`` (unique values counted)."""
        suffix = self.sample(rate)
        if suffix is not None:
            self.put('%s%s:%s|s%s' % (self.prefix, stat, value, suffix))

    def _drop(self):
        self.counters['dropped'] += 1
        self.drops.record('closed' if self.closed else 'queue full (%d '
                          'metrics waiting)' % self.queue_size)

    # sender side

    def _on_start(self, forked):
        """The sender's ``on_start``: in a forked child, a socket of our
        own (the parent keeps its)."""
        if forked:
            self._sock = None

    def _drain(self, lines):
        """Send ``lines`` (what was queued), newline-joined into
        packets."""
        limit = self.max_packet_size
        if self._stream:
            # A stream has no packet limit; write in chunks of ~64 KiB.
            limit = max(limit, 65536)
        start = 0
        size = -1
        for index, line in enumerate(lines):
            length = len(line) + 1
            if size + length > limit:
                if index > start:
                    self._send(lines[start:index])
                start = index
                size = -1
                if length - 1 > limit:
                    self._oversize(line)
                    start = index + 1
                    continue
            size += length
        if start < len(lines):
            self._send(lines[start:])

    def _oversize(self, line):
        self.counters['oversize'] += 1
        self.failures.record('a metric of %d bytes does not fit '
                             'max_packet_size %d: %r' % (
                                 len(line), self.max_packet_size,
                                 line[:60]), 0)

    def _send(self, lines):
        data = '\n'.join(lines).encode('utf-8', 'replace')
        if len(data) > self.max_packet_size and not self._stream \
                and len(lines) > 1:
            # Non-ASCII names made it longer than counted: split it.
            half = len(lines) // 2
            self._send(lines[:half])
            self._send(lines[half:])
            return
        if len(data) > self.max_packet_size and not self._stream:
            self._oversize(lines[0])
            return
        count = len(lines)
        sock = self._sock or self._connect()
        if sock is None:
            self.counters['failed'] += count
            return
        try:
            if self._stream:
                sock.sendall(data + b'\n')
            else:
                sock.send(data)
        except OSError as exc:
            self.counters['failed'] += count
            self._disconnect()
            self._retry_at = time.monotonic() + self.retry_interval
            self.failures.record('sending to %s: %s: %s' % (
                self.target, type(exc).__name__, exc), count)
            return
        self.counters['sent'] += count
        self.counters['packets'] += 1

    def _connect(self):
        """Resolve the host and open the socket; None when not now."""
        now = time.monotonic()
        if now < self._retry_at:
            return None
        self.counters['connects'] += 1
        try:
            if self.protocol == 'unix':
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                try:
                    sock.settimeout(5.0)
                    sock.connect(self.socket_path)
                except OSError:
                    sock.close()
                    raise
            else:
                kind = (socket.SOCK_STREAM if self.protocol == 'tcp'
                        else socket.SOCK_DGRAM)
                sock = self._open(kind)
        except OSError as exc:
            self._retry_at = now + self.retry_interval
            option = 'socket_path' if self.protocol == 'unix' else 'host'
            value = self.socket_path if option == 'socket_path' else \
                '%s:%s' % (self.host, self.port)
            self.failures.record('[%s] %s = %r: cannot reach the StatsD '
                                 'daemon (%s: %s); retrying every %.1fs' % (
                                     GROUP, option, value,
                                     type(exc).__name__, exc,
                                     self.retry_interval))
            return None
        self._sock = sock
        return sock

    def _open(self, kind):
        infos = socket.getaddrinfo(self.host, self.port, 0, kind)
        last = None
        for family, socktype, proto, _, addr in infos:
            sock = socket.socket(family, socktype, proto)
            try:
                if kind == socket.SOCK_STREAM:
                    sock.settimeout(5.0)
                sock.connect(addr)
                return sock
            except OSError as exc:
                sock.close()
                last = exc
        raise last or OSError('no address for %s' % self.host)

    def _disconnect(self):
        sock, self._sock = self._sock, None
        if sock is not None:
            try:
                sock.close()
            except OSError:
                pass

    # shutdown and health

    def pending(self):
        return self._worker.pending()

    def flush(self, timeout=None):
        """Send what is queued now; True when done within ``timeout``."""
        done = self._worker.flush(timeout)
        if done:
            self.drops.summary()
            self.failures.summary()
        return done

    def _shutdown(self, timeout):
        # close() sent what was queued; stop the sender (later metrics
        # drop).
        self._worker.stop(timeout)

    def stats(self):
        """``sent`` metrics, ``packets``, ``failed`` (send or resolve
        errors), ``dropped`` (queue full or closed), ``oversize``,
        ``connects`` and ``queued``."""
        out = {key: 0 for key in ('sent', 'packets', 'failed', 'dropped',
                                  'oversize', 'connects')}
        out.update(self.counters)
        out['queued'] = self.pending()
        return out

    def __repr__(self):
        return '<StatsdClient %s>' % self.target


class StatsdBackend(base.Backend):
    """Counters (and timers with ``duration_ms``) per event metric name."""

    mechanisms = frozenset(['statsd'])

    @classmethod
    def check_conf(cls, conf):
        """The client's startup checks on ``[backend_statsd]``: the
        problems, as a list."""
        group = conf[GROUP]
        return option_errors(
            protocol=group.protocol, socket_path=group.socket_path,
            sample_rate=group.sample_rate,
            max_packet_size=group.max_packet_size, port=group.port)

    def __init__(self, conf=None, name='statsd', client=None, **options):
        super().__init__(conf, name)
        health = options.pop('health_interval', None)
        if health is None:
            health = conf[GROUP].health_interval if conf is not None else 0.0
        self.health_interval = health
        if client is None:
            settings = {}
            if conf is not None:
                group = conf[GROUP]
                settings = {opt: group[opt] for opt in (
                    'host', 'port', 'protocol', 'socket_path', 'prefix',
                    'sample_rate', 'max_packet_size', 'flush_interval',
                    'queue_size', 'retry_interval')}
            settings.update(options)
            client = StatsdClient(name=name, **settings)
        self.client = client
        self.notifications = 0
        self._notifier = None
        self._health_stop = threading.Event()
        self._health_thread = None

    def bind(self, notifier):
        self._notifier = weakref.ref(notifier)
        if self.health_interval and self.health_interval > 0:
            self._health_thread = threading.Thread(
                target=self._health_loop, daemon=True,
                name='tidings-%s-health' % self.name)
            self._health_thread.start()

    def _health_loop(self):
        while not self._health_stop.wait(self.health_interval):
            try:
                self.report_health()
            except Exception:  # never let the reporter die
                LOG.exception('%s backend: health report failed', self.name)

    def report_health(self):
        """Send every backend's numeric counters as gauges
        ``tidings.backend.<backend>.<counter>``; returns how many."""
        notifier = self._notifier() if self._notifier else None
        if notifier is None:
            return 0
        sent = 0
        for backend in notifier.backends:
            try:
                stats = backend.stats()
            except Exception:
                continue
            for key, value in sorted(stats.items()):
                if isinstance(value, bool) or not isinstance(
                        value, (int, float)):
                    continue
                self.client.gauge('tidings.backend.%s.%s' % (
                    backend.name, key), value)
                sent += 1
        return sent

    def send(self, notification):
        metrics = notification.event.metrics
        self.notifications += 1
        if not metrics:
            return
        client = self.client
        suffix = client.sample(None)
        if suffix is None:
            return
        put = client.put
        prefix = client.prefix
        for metric in metrics:
            put('%s%s:1|c%s' % (prefix, metric, suffix))
        duration = notification.duration_ms
        if duration is not None:
            value = _number(duration)
            for metric in metrics:
                put('%s%s:%s|ms%s' % (prefix, metric, value, suffix))

    def flush(self, timeout=None):
        return self.client.flush(timeout)

    def _shutdown(self, timeout):
        self._health_stop.set()
        if self._health_thread is not None:
            self._health_thread.join(2)
        self.client.close(timeout)

    def stats(self):
        out = self.client.stats()
        out['notifications'] = self.notifications
        return out


def statsd_client(notifier):
    """The StatsdClient of ``notifier``'s statsd backend, or None."""
    for backend in getattr(notifier, 'backends', ()):
        if isinstance(backend, StatsdBackend):
            return backend.client
    return None
