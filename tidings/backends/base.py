"""The backend interface.

A backend is a plugin in the stevedore namespace ``tidings.backends``; the
notifier loads it by name and calls it with every
:class:`~tidings.notifications.notification.Notification` it should deliver.

To write one::

    class MyBackend(base.Backend):
        mechanisms = frozenset(['messaging'])

        def send(self, notification):
            ...   # must not block: enqueue, or use QueuedBackend

Contract:

- ``mechanisms``: the delivery mechanisms the backend serves, a frozenset
  of names.  An event reaches the backend when its definition asks for one
  of them; the names the installed backends declare are the vocabulary
  event definitions may use (:func:`tidings.backends.vocabulary`).  A
  backend that declares none is refused at startup.  ``None`` makes a
  *tap* that takes every event whatever it asks for: ``memory`` (tests)
  and ``noop`` (discards) are the only ones, and say so.
- ``__init__(conf)`` reads the backend's ``[backend_<name>]`` group and
  fails fast (a :class:`~tidings.errors.ConfigError`) on bad options.
- ``send(notification)`` is called on the caller's thread.  It must return
  in microseconds: anything that can block (socket, database, disk) belongs
  on a worker, which :class:`QueuedBackend` provides.  It may raise; the
  notifier counts and logs the failure and goes on with other backends.
- ``flush(timeout)`` delivers what is queued, returns True when drained.
- ``close()`` flushes and releases resources; later sends are dropped.
- ``stats()`` returns counters (``sent``, ``queued``, ``dropped``...).
- optional classmethod ``check_conf(conf)``: check the options without
  side effects (no connection, nothing created) and return the problems
  as a list of ConfigError; ``tidings config validate`` and the
  Notifier's startup check (:func:`tidings.conf.check`) collect them, and
  the constructor should run the same checks before it creates
  anything.  (Raising the first ConfigError is still understood.)
- optional classmethod ``conf_notes(conf)``: what a valid configuration
  means for delivery (the guarantee, a slower path and why), as a list of
  sentences; ``tidings config validate`` prints them as warnings and the
  backend logs them at startup.
"""

import collections
import logging
import threading

from tidings.backends import workers
from tidings.burstlog import BurstLog  # noqa: F401  (backends use base.BurstLog)

LOG = logging.getLogger(__name__)


class CloseOnce:
    """``close()`` that does its work once.

    The first call waits up to ``timeout`` seconds for :meth:`flush`,
    marks the object :attr:`closed` (what is sent later is dropped), then
    calls :meth:`_shutdown`; later calls return at once.  Backends, the
    statsd client and the Notifier share it.
    """

    closed = False

    def close(self, timeout=5.0):
        """Send what is held (waiting up to ``timeout`` seconds) and stop;
        what is sent later is dropped.  Once: a second call does
        nothing."""
        if self.closed:
            return
        self.flush(timeout)
        self.closed = True
        self._shutdown(timeout)

    def flush(self, timeout=None):
        return True

    def _shutdown(self, timeout):
        """Stop what still runs once closed (threads, connections)."""


class Backend(CloseOnce):
    """Base of every backend plugin."""

    #: Delivery mechanisms this backend serves (an event is handed to it
    #: when it asks for one of them).  Empty: the backend is refused at
    #: startup.  None: a tap that takes every event (memory, noop).
    mechanisms = frozenset()

    def __init__(self, conf=None, name=None):
        self.conf = conf
        self.name = name or type(self).__name__
        self.closed = False

    @classmethod
    def check_conf(cls, conf):
        """Check the backend's options without connecting or writing
        anything; return the problems (a list of ConfigError, empty when
        none).  :func:`tidings.conf.check` calls it for each configured
        backend (the constructor checks them too)."""
        return []

    @classmethod
    def serves(cls, conf):
        """The mechanisms a backend of this class built with ``conf``
        would serve (None: every event).  ``tidings config validate`` asks
        it without building the backend; override it when an option
        changes :attr:`mechanisms`."""
        return cls.mechanisms

    def accepts(self, event):
        return self.mechanisms is None or not self.mechanisms.isdisjoint(
            event.mechanisms)

    def bind(self, notifier):
        """Called once by the Notifier that loaded this backend, after all
        its backends are loaded (the statsd backend reports their health).
        """

    def send(self, notification):
        raise NotImplementedError

    def stats(self):
        return {}

    def __repr__(self):
        return '<%s backend>' % self.name


class CountingBackend(Backend):
    """A backend that counts what it does and keeps notifications in
    memory for a while: the counters of :meth:`stats` (thread-safe
    :meth:`count`), the ``drops`` and ``failures`` logs (once per burst,
    summed up by :meth:`flush`), and :meth:`pending`.

    :class:`QueuedBackend` (one worker) and the messaging backend (a
    worker per sender thread, an overflow thread, an outbox) derive from
    it; a subclass says how to wait in :meth:`_drain`.
    """

    def __init__(self, conf=None, name=None):
        super().__init__(conf, name)
        self.counters = collections.Counter()
        self.count_lock = threading.Lock()
        self.drops = BurstLog(LOG, '%s backend dropped notifications'
                              % self.name)
        self.failures = BurstLog(LOG, '%s backend delivery failed'
                                 % self.name)

    def count(self, key, n=1):
        """Add to a counter of :meth:`stats` (thread-safe)."""
        with self.count_lock:
            self.counters[key] += n

    def drop(self, count, why):
        """``count`` notifications are dropped: counted, and logged once
        per burst with ``why``."""
        self.count('dropped', count)
        self.drops.record(why, count)

    def pending(self):
        """Notifications accepted and not yet delivered (or failed)."""
        return 0

    def _drain(self, timeout):
        """Deliver what is held, waiting up to ``timeout`` seconds (None:
        as long as it takes); True when nothing is left."""
        return True

    def flush(self, timeout=None):
        drained = self._drain(timeout)
        self.drops.summary()
        self.failures.summary()
        return drained

    def stats(self):
        with self.count_lock:
            out = dict(self.counters)
        out['queued'] = self.pending()
        for key in ('sent', 'dropped', 'failed'):
            out.setdefault(key, 0)
        return out


class QueuedBackend(CountingBackend):
    """A backend whose delivery runs on a worker thread.

    ``send`` only enqueues (a bounded queue: an append, see
    :class:`tidings.backends.workers.Worker`); the worker calls
    :meth:`deliver` with batches of up to ``batch_size`` notifications:
    at once when a batch's worth waits, else after lingering about
    ``flush_interval`` seconds (drawn between half of it and all of it)
    to let a batch fill.  When the queue is full, :meth:`overflow`
    decides (the default drops and counts, logged once per burst).  The
    worker starts on first use, and again in a child process after a
    fork (:func:`tidings.backends.workers.reset_in_child`).

    ``queue_size``, ``batch_size``, ``flush_interval`` and
    ``compact_after`` may be set by a subclass's constructor: the worker
    reads them when it starts.
    """

    queue_size = 10000
    batch_size = 100
    flush_interval = 0.05
    #: Items waiting from which :meth:`send` enqueues what
    #: :meth:`compact` makes of a notification instead of the
    #: notification itself (None: never).
    compact_after = None

    def __init__(self, conf=None, name=None):
        super().__init__(conf, name)
        self._worker = workers.Worker(
            self._deliver_batch, self.name, compact=self.compact,
            prepare=self._prepare, finish=self._finish,
            on_start=self._configure)

    # caller side

    def send(self, notification):
        # Worker.put written out (one call less on the caller's thread).
        worker = self._worker
        items = worker.items
        if len(items) < worker.slow_at:
            items.append(notification)
        elif self.closed:
            self.drop(1, 'backend is closed')
        elif not worker.put_slow(notification):
            self.overflow(notification)

    def compact(self, notification):
        """What the queue keeps for ``notification`` once
        ``compact_after`` items wait (something :meth:`deliver` takes
        beside notifications), or None to enqueue nothing (the backend
        counted and logged why)."""
        return notification

    def overflow(self, notification):
        self.drop(1, 'queue full (%d waiting)' % self.queue_size)

    # worker side

    def deliver(self, batch):
        """Deliver a list of notifications; raise to report a failure."""
        raise NotImplementedError

    def delivery_failed(self, batch, exc):
        """Called when :meth:`deliver` raised; the default drops."""
        self.count('failed', len(batch))
        self.failures.record('%s: %s' % (type(exc).__name__, exc),
                             len(batch))

    def _start(self):
        """Start the worker now rather than on the first send."""
        self._worker.start()

    def _configure(self, forked):
        """The worker's ``on_start``: the options as they are now."""
        worker = self._worker
        worker.size = self.queue_size
        worker.batch_size = self.batch_size
        worker.wake_every = self.batch_size
        worker.compact_after = self.compact_after
        worker.linger = self.flush_interval

    def _prepare(self):
        """On the worker's thread, before its first batch (the database
        backend connects there)."""

    def _finish(self):
        """On the worker's thread, when it stops."""

    def _deliver_batch(self, batch):
        try:
            self.deliver(batch)
            self.count('sent', len(batch))
        except Exception as exc:  # never let the worker die
            try:
                self.delivery_failed(batch, exc)
            except Exception:
                LOG.exception('%s backend: delivery_failed raised',
                              self.name)

    def pending(self):
        """Notifications enqueued and not yet delivered (or failed)."""
        return self._worker.pending()

    def _drain(self, timeout):
        return self._worker.flush(timeout)

    def _shutdown(self, timeout):
        self._worker.stop(timeout)

