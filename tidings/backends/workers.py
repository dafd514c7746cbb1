"""The worker loop and the fork policy of the queued backends.

A :class:`Worker` is a bounded queue the callers append to and a thread
that takes what waits in batches and hands each batch to a ``deliver``
callable.  The queued backends (:class:`tidings.backends.base.
QueuedBackend`: the database and jsonfile backends) and the statsd client
run on it; a new queued backend gets it from QueuedBackend.

The caller's side is an append to a ``collections.deque`` and one length
check (:meth:`Worker.put`): no lock, no system call.  Everything else --
starting the thread on first use, a full queue, waking a sleeping
thread, waking it early when a batch's worth waits, compacting what
waits -- is on the slow path, which the check sends a put to only when
the queue holds :attr:`Worker.slow_at` items or more; the worker keeps
that number at 0 while it cannot be left alone (not started, sleeping,
stopped).

The thread's policy, from the messaging backend's senders (its p99 is
what tuned it):

- **linger**: woken by a caller, the thread waits up to ``linger``
  seconds before it takes a batch, so a few more arrive (fewer, larger
  batches cost the callers less time waiting for the interpreter lock).
  The wait is drawn anew each time, between half of it and all of it: a
  fixed wait falls into step with callers that notify at a fixed period,
  and then the batch is handled just as a caller runs, on the same CPU,
  which shows in the callers' p99.
- **busy period**: for ``busy_for`` seconds after its last batch the
  thread looks at the queue every linger without being woken, so the
  callers of a busy service never wake it (no system call on their
  side).
- **idle**: after that it sleeps until a caller wakes it (the first put
  on the slow path), or ``idle_wait`` seconds.
- **wake_every**: with it, a caller also wakes the thread each time that
  many more items wait, even during a linger (a batch's worth leaves at
  once; statsd packets leave full and in small bursts).

The fork policy: threads do not survive ``fork()``.  Every worker is
registered (:func:`reset_in_child`) for ``os.register_at_fork``'s
``after_in_child``: in the child it is marked not started and its queue
emptied (what the parent queued is the parent's to deliver), so the
child's first put starts a new thread.  The owner's ``on_start(forked)``
hook runs then, on the caller's thread, before the new thread starts:
that is where an owner renews what it must not share with its parent (a
socket, a connection pool, its slot in an outbox).  The at-fork handler
itself only resets attributes: it runs in the child before ``fork()``
returns, where taking a lock or doing I/O is not safe.
"""

import collections
import logging
import os
import random
import threading
import time
import weakref

LOG = logging.getLogger(__name__)

#: What to reset in a forked child (workers, and owners with their own
#: threads): each gets ``forked()`` called there.
_IN_CHILD = weakref.WeakSet()


def reset_in_child(thing):
    """Call ``thing.forked()`` in every child process forked from now on
    (while ``thing`` is alive).  ``forked()`` runs before ``fork()``
    returns in the child: it must only reset attributes (no lock, no
    I/O)."""
    _IN_CHILD.add(thing)


def _after_fork_in_child():
    for thing in list(_IN_CHILD):
        try:
            thing.forked()
        except Exception:   # never fail the child's fork()
            LOG.exception('%r: reset after fork failed', thing)


os.register_at_fork(after_in_child=_after_fork_in_child)


class Worker:
    """A bounded queue and the thread that delivers it in batches.

    ``deliver(batch)`` is called on the worker's thread with a list of
    up to ``batch_size`` items (None: all that wait); what it raises is
    logged, the thread goes on.  Options (attributes: an owner may set
    them until the worker starts, e.g. in ``on_start``):

    ``size``
        items waiting at most; :meth:`put` refuses beyond it (the owner
        decides: drop and count, or keep elsewhere).
    ``linger``, ``busy_for``, ``idle_wait``, ``wake_every``
        the thread's policy (module doc); ``linger`` is seconds at most
        (drawn between half of it and all of it) or a callable returning
        the seconds of the next wait.
    ``compact_after``, ``compact``
        from ``compact_after`` items waiting, :meth:`put` queues
        ``compact(item)`` instead of ``item`` (None: nothing).
    ``prepare()``, ``finish()``, ``after_batch()``
        run on the worker's thread before its first batch (it may wait
        there: items queue meanwhile), when it stops, and after each
        batch (once :meth:`pending` no longer counts it: an owner with
        several workers wakes its own waiters there).
    ``tick()``
        run on the worker's thread each time it looks at the queue
        (after a batch, a linger or a sleep: at least every
        ``idle_wait`` seconds), for housekeeping at the loop's pace.
    ``on_start(forked)``
        run by the thread that starts the worker (first put, or
        :meth:`start`), before the worker's thread starts; ``forked`` is
        True the first time in a forked child.
    """

    #: Seconds after its last batch during which the thread looks at the
    #: queue every linger instead of sleeping until a caller wakes it.
    BUSY_FOR = 1.0
    #: Seconds a sleeping thread waits before it looks again anyway.
    IDLE_WAIT = 1.0

    def __init__(self, deliver, name, size=10000, batch_size=100,
                 linger=0.005, busy_for=BUSY_FOR, idle_wait=IDLE_WAIT,
                 wake_every=None, compact_after=None, compact=None,
                 prepare=None, finish=None, on_start=None,
                 after_batch=None, tick=None):
        self.deliver = deliver
        self.name = name
        self.size = size
        self.batch_size = batch_size
        self.linger = linger
        self.busy_for = busy_for
        self.idle_wait = idle_wait
        self.wake_every = wake_every
        self.compact_after = compact_after
        self.compact = compact
        self.prepare = prepare
        self.finish = finish
        self.on_start = on_start
        self.after_batch = after_batch
        self.tick = tick
        #: The queue: callers append, the thread pops from the left.
        self.items = collections.deque()
        #: A put that finds this many items waiting takes the slow path.
        self.slow_at = 0
        #: Items taken by the thread and not delivered yet.
        self.inflight = 0
        #: The first item of the batch in hand (None between batches).
        self.oldest = None
        self.thread = None
        self.stopping = False
        self.sleeping = False
        self._flushes = 0
        self._forked = False
        self._mark = 0
        self._due = False       # a wake mark was reached
        self._new_sync()
        reset_in_child(self)

    def _new_sync(self):
        self._wake = threading.Event()
        self._done = threading.Condition(threading.Lock())
        self._start_lock = threading.Lock()

    # caller side

    def put(self, item):
        """Queue ``item``: True when queued (or compacted away), False
        when refused (queue full, or the worker stopped)."""
        items = self.items
        if len(items) < self.slow_at:
            items.append(item)
            return True
        return self.put_slow(item)

    def put_slow(self, item):
        """:meth:`put` when the common case does not hold: start the
        thread, refuse when full or stopped, compact, wake the thread
        when it sleeps or a wake mark is reached.  An owner that writes
        the fast path of :meth:`put` out in its own method calls this."""
        if self.stopping:
            return False
        if self.thread is None:
            self.start()
        items = self.items
        waiting = len(items)
        if waiting >= self.size:
            return False
        if self.compact_after is not None and waiting >= self.compact_after:
            item = self.compact(item)
            if item is None:
                return True
        items.append(item)
        waiting += 1
        if self.sleeping:
            self._wake.set()
        if self.wake_every and waiting >= self._mark:
            self._due = True
            self._wake.set()
            self._mark = waiting + self.wake_every
            if not self.sleeping:
                self.slow_at = self._threshold()
        return True

    def _threshold(self):
        """:attr:`slow_at` while the thread runs unattended: the queue
        full, the compaction mark or the next wake mark, whichever
        comes first."""
        limit = self.size
        if self.compact_after is not None:
            limit = min(limit, self.compact_after)
        if self.wake_every:
            limit = min(limit, self._mark - 1)
        return max(limit, 0)

    def pending(self):
        """Items waiting or in the thread's hands."""
        return len(self.items) + self.inflight

    def oldest_item(self):
        """The oldest item not delivered yet (in hand or waiting), or
        None."""
        # The queue's head first: the thread names the head it takes in
        # :attr:`oldest` before it pops it, so read in this order the
        # answer is never newer than the oldest (at worst an item just
        # delivered).
        try:
            head = self.items[0]
        except IndexError:
            head = None
        oldest = self.oldest
        return head if oldest is None else oldest

    # life cycle

    def start(self):
        """Start the thread (once per process; puts start it too)."""
        with self._start_lock:
            if self.thread is not None or self.stopping:
                return
            forked, self._forked = self._forked, False
            if self.on_start is not None:
                self.on_start(forked)
            self._mark = self.wake_every or 0
            # (set before the thread runs: it sets its own from then on)
            self.slow_at = self._threshold()
            self.thread = threading.Thread(
                target=self._run, name='tidings-%s' % self.name, daemon=True)
            self.thread.start()

    def is_alive(self):
        return self.thread is not None and self.thread.is_alive()

    def flush(self, timeout=None):
        """Wait until everything queued is delivered (or failed); True
        when it was within ``timeout`` seconds (None: no limit)."""
        if not self.is_alive():
            return self.pending() == 0
        deadline = None if timeout is None else time.monotonic() + timeout
        self._flushes += 1      # no linger while a flush waits
        try:
            with self._done:
                while self.pending():
                    self._wake.set()    # cut a linger or a sleep short
                    if deadline is None:
                        self._done.wait()
                        continue
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        return False
                    self._done.wait(remaining)
            return True
        finally:
            self._flushes -= 1

    def stop(self, timeout=None):
        """Refuse further puts, let the thread deliver what waits and
        end, waiting up to ``timeout`` seconds; True when it ended.  (An
        owner of several workers calls ``stop(0)`` on each first, so that
        they all stop at once, then joins each.)"""
        self.stopping = True
        self.slow_at = 0
        thread = self.thread
        if thread is None:
            return True
        self._wake.set()
        if thread is not threading.current_thread():
            thread.join(timeout)
        self.slow_at = 0    # (the thread may have set it meanwhile)
        return not thread.is_alive()

    def take_all(self):
        """Remove and return what waits (not what is in hand): an owner
        that keeps it elsewhere when the thread cannot deliver it."""
        out = []
        popleft = self.items.popleft
        try:
            while True:
                out.append(popleft())
        except IndexError:
            return out

    def forked(self):
        """In a forked child (see :func:`reset_in_child`): the thread
        did not survive; the next put starts a new one."""
        self.thread = None
        self.items.clear()
        self.inflight = 0
        self.oldest = None
        self.sleeping = False
        self.slow_at = 0
        self._due = False
        self._forked = True
        self._new_sync()

    # the worker's thread

    def _pause(self, seconds):
        """Wait ``seconds`` unless a flush waits or a wake mark was
        reached (a caller may have done so while the thread slept)."""
        if seconds > 0 and not self._flushes and not self._due:
            self._wake.wait(seconds)
        self._wake.clear()

    def _linger(self):
        linger = self.linger
        if callable(linger):
            return linger()
        return linger * (0.5 + 0.5 * random.random())

    def _unattended(self):
        """:attr:`slow_at` set back after a sleep or a batch (0 once
        stopping: :meth:`stop` may have just set it)."""
        self.slow_at = 0 if self.stopping else self._threshold()

    def _run(self):
        if self.prepare is not None:
            self._guarded(self.prepare)
        items = self.items
        # Not busy at first: what is queued waits a linger, as after a
        # sleep.
        busy_at = time.monotonic() - self.busy_for
        while True:
            if self.tick is not None:
                self._guarded(self.tick)
            if not items:
                if self.stopping:
                    break
                linger = self._linger()
                if linger > 0 and time.monotonic() - busy_at < self.busy_for:
                    # Busy lately: look again after the linger without
                    # being woken, so callers make no system call.
                    self._pause(linger)
                    continue
                self.sleeping = True
                self.slow_at = 0
                if not items and not self.stopping:
                    self._wake.wait(self.idle_wait)
                self.sleeping = False       # (callers stop waking it)
                self._wake.clear()
                self._unattended()
                if items and not self.stopping:
                    # Let a few more arrive: fewer, larger batches.
                    self._pause(linger)
                continue
            batch = self._take()
            if not batch:
                continue
            try:
                self.deliver(batch)
            except Exception:  # never let the thread die
                LOG.exception('%s: delivery raised', self.name)
            finally:
                self.inflight = 0
                self.oldest = None
                busy_at = time.monotonic()
                with self._done:
                    self._done.notify_all()
            if self.after_batch is not None:
                self._guarded(self.after_batch)
        if self.finish is not None:
            self._guarded(self.finish)

    def _take(self):
        """The next batch, counted in :attr:`inflight` before it leaves
        the queue (:meth:`pending` may count it twice for a moment, never
        zero times)."""
        items = self.items
        limit = len(items)
        if self.batch_size is not None:
            limit = min(limit, self.batch_size)
        self.inflight = limit
        try:
            self.oldest = items[0]
        except IndexError:       # take_all() took them meanwhile
            self.inflight = 0
            return []
        batch = []
        append = batch.append
        popleft = items.popleft
        try:
            for _ in range(limit):
                append(popleft())
        except IndexError:       # take_all() took some meanwhile
            pass
        self.inflight = len(batch)
        self._due = False
        if self.wake_every:
            self._mark = len(items) + self.wake_every
            self._unattended()
        return batch

    def _guarded(self, func):
        try:
            func()
        except Exception:
            LOG.exception('%s: %s raised', self.name, func.__name__)

    def __repr__(self):
        return '<Worker %s: %d pending>' % (self.name, self.pending())
