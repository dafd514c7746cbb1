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
import os
import queue
import threading
import time

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


class QueuedBackend(Backend):
    """A backend whose delivery runs on a worker thread.

    ``send`` only enqueues (a bounded queue); the worker calls
    :meth:`deliver` with batches of up to ``batch_size`` notifications,
    waiting at most ``flush_interval`` seconds to fill one.  When the queue
    is full, :meth:`overflow` decides (the default drops and counts, logged
    once per burst).  The worker starts on first use, and again in a child
    process after a fork.
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
        self._queue = None
        self._worker = None
        self._pid = None
        self._start_lock = threading.Lock()
        self.counters = collections.Counter()
        self._count_lock = threading.Lock()
        self.drops = BurstLog(LOG, '%s backend dropped notifications'
                              % self.name)
        self.failures = BurstLog(LOG, '%s backend delivery failed'
                                 % self.name)

    def count(self, key, n=1):
        """Add to a counter of :meth:`stats` (thread-safe)."""
        with self._count_lock:
            self.counters[key] += n

    # caller side

    def send(self, notification):
        if self.closed:
            self.count('dropped')
            self.drops.record('backend is closed')
            return
        if self._pid != os.getpid():
            self._start()
        q = self._queue
        if self.compact_after is not None and \
                len(q.queue) >= self.compact_after:
            notification = self.compact(notification)
            if notification is None:
                return
        try:
            q.put_nowait(notification)
        except queue.Full:
            self.overflow(notification)

    def compact(self, notification):
        """What the queue keeps for ``notification`` once
        ``compact_after`` items wait (something :meth:`deliver` takes
        beside notifications), or None to enqueue nothing (the backend
        counted and logged why)."""
        return notification

    def overflow(self, notification):
        self.count('dropped')
        self.drops.record('queue full (%d waiting)' % self.queue_size)

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
        with self._start_lock:
            if self._pid == os.getpid():
                return
            self._queue = queue.Queue(self.queue_size)
            self._worker = threading.Thread(
                target=self._run, name='tidings-%s' % self.name, daemon=True)
            self._pid = os.getpid()
            self._worker.start()

    def _run(self):
        q = self._queue
        while True:
            batch = [q.get()]
            if batch[0] is not None:
                deadline = time.monotonic() + self.flush_interval
                while len(batch) < self.batch_size and \
                        batch[-1] is not None:
                    if _take(q, batch, self.batch_size):
                        continue
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        break
                    try:
                        batch.append(q.get(timeout=remaining))
                    except queue.Empty:
                        break
            stop = batch[-1] is None
            if stop:
                batch.pop()
            try:
                if batch:
                    self.deliver(batch)
                    self.count('sent', len(batch))
            except Exception as exc:  # never let the worker die
                try:
                    self.delivery_failed(batch, exc)
                except Exception:
                    LOG.exception('%s backend: delivery_failed raised',
                                  self.name)
            finally:
                _done(q, len(batch) + stop)
            if stop:
                return

    def pending(self):
        """Notifications enqueued and not yet delivered (or failed)."""
        if self._queue is None or self._pid != os.getpid():
            return 0
        return self._queue.unfinished_tasks

    def flush(self, timeout=None):
        drained = True
        if self._queue is not None and self._pid == os.getpid():
            deadline = None if timeout is None else \
                time.monotonic() + timeout
            cond = self._queue.all_tasks_done
            with cond:
                while self._queue.unfinished_tasks:
                    if deadline is None:
                        cond.wait()
                        continue
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        drained = False
                        break
                    cond.wait(remaining)
        self.drops.summary()
        self.failures.summary()
        return drained

    def _shutdown(self, timeout):
        if self._worker is not None and self._pid == os.getpid():
            try:
                self._queue.put(None, timeout=1)
            except queue.Full:
                pass
            self._worker.join(timeout)

    def stats(self):
        out = dict(self.counters)
        out['queued'] = self.pending()
        for key in ('sent', 'dropped', 'failed'):
            out.setdefault(key, 0)
        return out


def _take(q, batch, limit):
    """Move what ``q`` holds into ``batch`` (up to ``limit`` items in all,
    stopping after a None) under one lock: the per-item cost of
    ``get_nowait`` is what a busy worker would pay most.  Returns how many
    were moved."""
    with q.mutex:
        items = q.queue
        n = min(len(items), limit - len(batch))
        moved = 0
        while moved < n:
            item = items.popleft()
            batch.append(item)
            moved += 1
            if item is None:
                break
        if moved:
            q.not_full.notify(moved)
    return moved


def _done(q, n):
    """``task_done()`` for ``n`` items at once (flush waits on it)."""
    if not n:
        return
    with q.all_tasks_done:
        unfinished = q.unfinished_tasks - n
        if unfinished < 0:
            raise ValueError('task_done() called too many times')
        if unfinished == 0:
            q.all_tasks_done.notify_all()
        q.unfinished_tasks = unfinished
