"""The messaging backend: notifications on the message bus, never lost.

The caller only appends the notification to a bounded in-memory queue
(one per sender thread; a publisher always uses the same one, so its
order is kept).  A sender thread publishes what is queued with publisher
confirms, through the publisher plugin its plan names
(:mod:`tidings.backends.messaging.plan`,
:mod:`tidings.backends.messaging.publishers`).  When the broker cannot
take a message -- an error, no confirm within ``publish_timeout`` -- the
message goes to the durable outbox
(:mod:`tidings.backends.messaging.outbox`) and a replay thread
(:mod:`tidings.backends.messaging.replay`) checks the broker in the
background, then replays the outbox in order, deleting each row only
once confirmed (at-least-once, same message_id).  While the outbox holds
anything, new notifications go behind it, so a publisher's order
survives an outage.

A full queue never makes the caller write the outbox itself: the
notification goes to a second bounded queue, the overflow, which an
overflow thread writes to the outbox.  A notification is dropped only when
both queues are full (or the outbox is), counted and logged once per
burst.

The caller's thread does as little as possible: an append to a deque,
and a wake-up of the sender thread only when it sleeps.

The broker going away is reported once, naming ``[backend_messaging]
transport_url`` (password masked), and its return once; in between the
outbox keeps everything.  Counters count wire messages (a notification in
format ``both`` makes two per topic).
"""

import atexit
import functools
import importlib.metadata
import itertools
import logging
import os
import random
import threading
import time
import weakref

from stevedore import driver

from tidings import conf as tidings_conf
from tidings.backends import base
from tidings.backends import workers
from tidings.backends.messaging import outbox as outbox_mod
from tidings.backends.messaging import plan as plan_mod
from tidings.backends.messaging import publishers
from tidings.backends.messaging import replay
from tidings.backends.messaging import states
from tidings.objects import errors
from tidings.objects import urls

LOG = logging.getLogger(__name__)
GROUP = plan_mod.GROUP


#: Backends not closed yet, for :func:`_at_exit`.
_OPEN = weakref.WeakSet()


@atexit.register
def _at_exit():
    """At interpreter exit, what a backend that was never closed still
    holds in memory goes to the outbox (replayed by the next start) and
    is logged with its count; what a sender thread had on the wire
    without its confirm yet cannot be saved and is logged too.  (A
    process killed with ``kill -9`` runs nothing: see
    ``persist_before_return``.)"""
    for backend in list(_OPEN):
        try:
            backend.save_at_exit()
        except Exception:  # never fail the interpreter's exit
            LOG.exception('%s backend: could not save what was queued at '
                          'exit', backend.name)


# The transport URL's masker is the one URL masker (tidings.objects.urls);
# this name is kept for the callers and tests that know it.
mask_transport_url = urls.mask_url


class _Lane:
    """One sender thread (a :class:`~tidings.backends.workers.Worker` of
    ``(seq, notification)`` items) and its connection."""

    def __init__(self, backend, index):
        self.index = index
        self.sender = None
        self.worker = workers.Worker(
            functools.partial(backend._deliver, self),
            '%s-sender-%d' % (backend.name, index), size=backend.queue_size,
            batch_size=backend.batch_size, linger=backend._linger,
            busy_for=backend.BUSY_FOR, idle_wait=backend.IDLE_WAIT,
            after_batch=backend._batch_done, finish=self.close)

    def low_seq(self):
        """The oldest seq not yet resolved by this lane, or None."""
        item = self.worker.oldest_item()
        return None if item is None else item[0]

    def close(self):
        """On the sender thread, when it stops."""
        sender, self.sender = self.sender, None
        if sender is not None:
            sender.close()


class MessagingBackend(base.QueuedBackend):
    """Publish notifications through oslo.messaging transports."""

    mechanisms = frozenset(['messaging'])
    #: Seconds a sleeping sender thread waits before looking again.
    IDLE_WAIT = workers.Worker.IDLE_WAIT
    #: Seconds after its last batch during which a sender thread looks at
    #: its queue every linger instead of sleeping until a caller wakes it.
    BUSY_FOR = workers.Worker.BUSY_FOR
    #: Seconds between two looks of the overflow thread at what the
    #: process holds in memory, recorded in the outbox ledger when it
    #: changed (a write to the outbox records it at once).
    LEDGER_INTERVAL = 0.2

    @classmethod
    def check_conf(cls, conf):
        """The startup checks of ``[backend_messaging]`` (routes, transport
        URL, outbox, retry intervals), without connecting: ``tidings
        config validate`` runs them (see plan.check)."""
        return plan_mod.check(conf)

    @classmethod
    def conf_notes(cls, conf):
        """What a valid configuration means for delivery (see
        plan.notes): logged at startup, shown by ``tidings config
        validate``."""
        return plan_mod.notes(conf)

    def __init__(self, conf=None, name='messaging'):
        if conf is None:
            conf = tidings_conf.new_conf()
        tidings_conf.register_opts(conf)
        super().__init__(conf, name)
        # (not QueuedBackend's one worker: the lanes below are ours)
        self._worker = None
        group = conf[GROUP]
        # The checks of tidings config validate, before the outbox (and
        # its directory) is created.
        problems = type(self).check_conf(conf)
        if problems:
            raise errors.ConfigErrors(problems)
        self.group = group
        self.queue_size = group.queue_size
        self.overflow_size = group.overflow_size
        self.batch_size = group.confirm_window
        #: notify() writes the outbox before it returns (see send)
        self.persist_first = group.persist_before_return
        #: Seconds a sender lets notifications gather (see _linger).
        self.linger = group.sender_linger
        #: Seconds between two looks for outbox rows of processes that
        #: are gone (0: at startup only).
        self.adopt_interval = group.adopt_interval
        self.version = 2.0 if group.driver == 'messagingv2' else 1.0
        self.routes = plan_mod.routes(conf, group)
        self.url = plan_mod.transport_url(conf, group)
        self.masked_url = mask_transport_url(self.url) or '(unset)'
        self._transport_info = plan_mod.check_url(conf, self.url)
        #: which publisher, what it guarantees (see plan.plan_sender)
        self.plan = plan_mod.plan_sender(conf, group, self._transport_info)
        self.mode = self.plan.mode
        self.guarantee = self.plan.guarantee
        #: the publisher plugin's class (see publisher_class)
        self.publisher_cls = self.publisher_class(self.plan.publisher)
        self._sender_factory = self._choose_sender(conf, group)
        for note in self.plan.notes:
            LOG.warning('%s backend: %s', self.name, note)
        outbox_url = group.outbox_url or 'sqlite:///' + os.path.join(
            tidings_conf.state_path(conf), 'outbox.sqlite')
        self.outbox = outbox_mod.Outbox(outbox_url, group.outbox_table,
                                        group.outbox_max_rows)
        self._seq = itertools.count(self.outbox.last_seq + 1)
        #: normal, diverting, draining or blocked (see states)
        self.delivery = states.Delivery(self._state_changed)
        self._adopted_at = 0.0
        self._lock = threading.Lock()
        self._idle = threading.Condition(threading.Lock())
        self._stop = threading.Event()
        self._replay_wake = threading.Event()
        self._replayer = None
        # The sender threads start on first use; the replay thread with
        # them (_start), or now when the outbox holds rows.
        self._lanes = [_Lane(self, i)
                       for i in range(group.sender_threads)]
        # Notifications that found their lane full, waiting for the
        # overflow thread to write them to the outbox (at once: no
        # linger).
        # It also keeps the outbox ledger, each time it looks (at least
        # every LEDGER_INTERVAL: this thread never waits for the broker,
        # as a sender thread may for publish_timeout).
        self._overflow = workers.Worker(
            self._write_overflow, '%s-overflow' % self.name,
            size=self.overflow_size, batch_size=group.replay_batch,
            linger=0, idle_wait=self.LEDGER_INTERVAL,
            after_batch=self._batch_done, tick=self._keep_ledger)
        self._started = False
        self._forked = False
        self._start_lock = threading.Lock()
        workers.reset_in_child(self)
        self._transport = None
        self.counters.update(sent=0, replayed=0, dropped=0, failed=0,
                             overflowed=0, adopted=0, unroutable=0,
                             unconfirmed=0, blocked=0,
                             replay_duplicates_possible=0, lost_at_crash=0)
        # what the outbox ledger says this process holds in memory
        self._ledger_count = 0
        self._blocked_senders = 0
        self.unroutable_log = base.BurstLog(
            LOG, '%s backend: notifications no queue received' % self.name)
        self._take_over_the_outbox()
        _OPEN.add(self)
        if self.delivery.diverting:
            self._start()

    def _take_over_the_outbox(self):
        """At startup (and in a forked child): what this process's outbox
        slot holds, and what processes that are gone left in theirs, is
        replayed."""
        left = self.outbox.count
        if self.persist_first:
            # nothing is ever held in memory: nothing to record
            try:
                self.outbox.settled()
            except Exception as exc:
                self._outbox_failed(exc)
        self._adopt()
        if self.outbox.count:
            self.delivery.fire(states.QUEUED)
        if left:
            LOG.info('%s backend: %d message(s) left in the outbox %s by '
                     'an earlier run; replaying them', self.name, left,
                     urls.mask_url(self.outbox.url))

    def _adopt(self):
        """Take over the outbox rows of processes that are gone (ahead of
        ours: they are older than anything this process still holds)."""
        self._adopted_at = time.monotonic()
        try:
            with self.outbox.lock:
                bound = self._replay_bound()
                adopted = self.outbox.adopt(
                    next(self._seq) if bound is None else bound)
                if adopted:
                    self.delivery.fire(states.QUEUED)
        except Exception as exc:
            self._outbox_failed(exc)
            return 0
        self._report_losses(self.outbox.take_losses())
        if adopted:
            with self._lock:
                self.counters['adopted'] += adopted
            LOG.info('%s backend: took over %d message(s) that a process '
                     'which is gone left in the outbox %s; replaying them',
                     self.name, adopted, urls.mask_url(self.outbox.url))
            self._replay_wake.set()
        return adopted

    def _report_losses(self, losses):
        """What processes that are gone held in memory when they ended,
        from their ledgers: one ERROR each, counted ``lost_at_crash``."""
        for loss in losses:
            with self._lock:
                self.counters['lost_at_crash'] += loss.count
            LOG.log(
                logging.ERROR if loss.count else logging.WARNING,
                '%s backend: process %s on %s, which held slot %s of the '
                'outbox %s, ended without closing tidings (kill -9, the '
                'OOM killer, a crash) with %d notification(s) in memory at '
                'its last record (%s UTC), neither confirmed by the broker '
                'nor written to the outbox: lost, counted lost_at_crash; '
                'any it accepted after that record is lost too, uncounted '
                '(and any it sent after it is counted all the same).  [%s] '
                'persist_before_return = true loses none to a killed '
                'process', self.name, loss.pid, loss.host, loss.owner,
                urls.mask_url(self.outbox.url), loss.count,
                time.strftime('%Y-%m-%d %H:%M:%S',
                              time.gmtime(loss.written_at)), GROUP)

    def _keep_ledger(self, final=False):
        """Record in the outbox ledger what this process holds in memory
        (``pending()``: accepted, neither confirmed nor in the outbox,
        what a ``kill -9`` now would lose) when it changed since the last
        record.  ``final`` (close, exit): the record goes when nothing is
        held (a clean end), else it says what is.  The overflow thread,
        close and exit only: never the caller's thread."""
        try:
            with self.outbox.lock:
                count = self.pending()
                if final and not count:
                    self.outbox.settled()
                elif final or count != self._ledger_count:
                    self.outbox.record(count)
                self._ledger_count = count
        except Exception as exc:
            self._outbox_failed(exc)

    def _choose_sender(self, conf, group):
        plan = self.plan
        if plan.mode == 'pipeline':
            return lambda: self.publisher_cls(
                stop=self._stop, on_blocked=self._on_blocked,
                **plan.options)
        return self._oslo_sender

    def publisher_class(self, name):
        """The class of the installed publisher plugin ``name`` (in
        ``tidings.messaging.publishers``); a ConfigError naming the
        transport URL that needs it, the plugin and the installed ones
        when it does not load."""
        try:
            return driver.DriverManager(publishers.NAMESPACE, name,
                                        invoke_on_load=False).driver
        except Exception as exc:
            installed = sorted(ep.name for ep in importlib.metadata
                               .entry_points(group=publishers.NAMESPACE))
            raise errors.ConfigError(
                GROUP, 'transport_url', self.masked_url,
                'needs the messaging publisher %r (a plugin in %s), which '
                'does not load: %s: %s; installed publishers: %s' % (
                    name, publishers.NAMESPACE, type(exc).__name__, exc,
                    ', '.join(installed) or 'none')) from exc

    def _oslo_sender(self):
        with self._lock:
            if self._transport is None:
                om = plan_mod.oslo_messaging()
                self._transport = om.get_notification_transport(
                    self.conf, url=self.url)
        return self.publisher_cls(
            self._transport, exchange=self.group.exchange,
            guarantee=self.guarantee)

    # caller side

    def send(self, notification):
        if self.closed:
            self._drop(1, 'backend is closed')
            return
        if not self._started:
            self._start()
        if self.persist_first:
            self._persist(notification)
            return
        lanes = self._lanes
        lane = lanes[hash(notification.publisher.publisher_id) % len(lanes)] \
            if len(lanes) > 1 else lanes[0]
        item = (next(self._seq), notification)
        # Worker.put written out (one call less on the caller's thread)
        worker = lane.worker
        items = worker.items
        if len(items) < worker.slow_at:
            items.append(item)
        elif not worker.put_slow(item):
            self.overflow(item)

    def _persist(self, notification):
        """``persist_before_return``: the notification's rows are in the
        outbox (committed; WAL, no fsync) when this returns; the replay
        thread publishes them and deletes each once confirmed, so a
        ``kill -9`` at any moment leaves every row there for the next
        process (at worst published and not yet deleted: a duplicate)."""
        self._to_outbox(self._rows([(next(self._seq), notification)]))

    def overflow(self, item):
        """Lane full: to the overflow queue, which the overflow thread
        writes to the outbox (dropped when it is full too)."""
        if not self._overflow.put(item):
            self._drop(1, 'queue full (%d waiting) and overflow full (%d '
                       'waiting for the outbox)' % (self.queue_size,
                                                    self.overflow_size))

    def _drop(self, count, why):
        with self._lock:
            self.counters['dropped'] += count
        self.drops.record(why, count)

    # workers

    def _start(self):
        """Start the replay and overflow threads (once per process:
        again in a forked child, which takes its own outbox slot first);
        a sender thread starts on its first notification."""
        with self._start_lock:
            if self._started:
                return
            forked, self._forked = self._forked, False
            if forked:       # nothing is shared: our own outbox slot
                self.outbox.after_fork()
                self._seq = itertools.count(self.outbox.last_seq + 1)
                self.delivery.reset()
                self._ledger_count = 0
            self._stop.clear()
            self._replayer = threading.Thread(
                target=replay.run, args=(self,), daemon=True,
                name='tidings-%s-replay' % self.name)
            self._transport = None
            self._started = True
            self._replayer.start()
            self._overflow.start()      # (it keeps the ledger too)
            if forked:
                self._take_over_the_outbox()

    def forked(self):
        """In a forked child (workers.reset_in_child): the threads did
        not survive; the next notification starts them again.  (The
        lanes and the overflow are workers: reset the same way.)"""
        self._started = False
        self._forked = True
        self._start_lock = threading.Lock()
        for lane in self._lanes:
            lane.sender = None

    def _rows(self, items):
        rows = []
        for seq, note in items:
            ctxt = note.context or {}   # redacted by the notifier
            priority = note.priority.lower()
            for fmt in note.formats:
                wire = note.to_wire(fmt)
                for topic in self.routes[fmt]:
                    rows.append(outbox_mod.Row(
                        seq, note.message_id, '%s.%s' % (topic, priority),
                        self.version, ctxt, wire))
        return rows

    def _linger(self):
        """How long a sender waits before it looks at its queue again.

        Drawn anew each time between half and one and a half times
        ``sender_linger`` (four times that while the broker is down): a
        fixed wait falls into step with callers that notify at a fixed
        period, and then the broker handles each batch just as a caller
        runs, on the same CPU, which shows in the callers' p99 (the
        operator guide, "Caller latency", has the figures).
        """
        return self.linger * (4 if self.delivery.diverting else 1) * (
            0.5 + random.random())

    def _batch_done(self):
        """After each batch of a sender or the overflow thread: wake
        flush() and wait_delivered()."""
        with self._idle:
            self._idle.notify_all()

    def _write_overflow(self, items, resolving=None):
        """The overflow thread's delivery: ``items`` to the outbox
        (``resolving``: how many of those pending() still counts; all,
        by default, the batch in the overflow thread's hands).  (A sender
        sees them as pending from before they leave the queue until they
        are in the outbox, and by then the outbox is in use: it cannot
        publish a newer notification ahead of them.)"""
        with self.outbox.lock:
            self.delivery.fire(states.QUEUED)
            with self._lock:
                self.counters['overflowed'] += len(items)
            self._to_outbox(self._rows(items), resolving=len(items)
                            if resolving is None else resolving)

    def _deliver(self, lane, batch):
        rows = self._rows(batch)
        # (the overflow first: see _write_overflow)
        if (self.delivery.diverting or self._overflow.pending()) and \
                self._to_outbox(rows, diverting=True, resolving=len(batch)):
            return
        if lane.sender is None:
            lane.sender = self._sender_factory()
        confirmed, failure, returned = self._publish(lane.sender, rows)
        if failure is None and not returned:
            self.answered()
            return
        if failure is not None:
            self.failed(failure)
        # What came back unroutable goes behind what the outbox holds,
        # with the rest, in order.
        kept = set(map(id, returned))
        self._to_outbox([row for index, row in enumerate(rows)
                         if index >= confirmed or id(row) in kept],
                        resolving=len(batch))

    def _publish(self, sender, rows, counter='sent', ahead=None):
        """Publish ``rows`` with ``sender`` (``ahead``: see
        the publishers' contract): ``(confirmed, failure or None,
        returned rows)``; counts the confirmed ones that reached a queue
        in ``counter`` (``unconfirmed`` for a transport that confirms
        nothing) and the returned ones in ``unroutable``, logged once per
        burst with their routing keys."""
        in_doubt = 0
        try:
            returned = sender.publish(rows, ahead=ahead) or []
            confirmed, failure = len(rows), None
        except publishers.PublishError as exc:
            confirmed, returned = exc.confirmed, exc.returned
            in_doubt = exc.in_doubt
            failure = publishers.bare(exc.cause)
        if self.guarantee == 'at-most-once' and counter == 'sent':
            counter = 'unconfirmed'
        first_failures = self._tried(rows[confirmed:])
        with self._lock:
            self.counters[counter] += confirmed - len(returned)
            self.counters['unroutable'] += len(returned)
            # each message without its confirm, once however many tries
            self.counters['failed'] += first_failures
            # written without a confirm: the broker may hold them, and the
            # replay sends them again
            self.counters['replay_duplicates_possible'] += in_doubt
        if returned:
            keys = sorted({row.routing_key for row in returned})
            self.unroutable_log.record(
                'the broker returned %d message(s) with routing key(s) %s '
                'on exchange %s: no queue is bound to them; kept in the '
                'outbox and published again after declaring the default '
                'queue of each key' % (len(returned), ', '.join(keys),
                                       self.plan.exchange), len(returned))
        return confirmed, failure, returned

    def _tried(self, rows):
        """``rows`` were published without a confirm: count the try in
        each (in the outbox for rows read from it); how many had never
        been tried before."""
        stored = [row for row in rows if row.id is not None]
        first = 0
        if stored:
            try:
                first = self.outbox.tried(stored)
            except Exception as exc:
                self._outbox_failed(exc)
                first = sum(row.tries == 0 for row in stored)
        for row in rows:
            if row.id is None:
                first += row.tries == 0
                row.tries += 1
        return first

    def _to_outbox(self, rows, diverting=False, resolving=None):
        """Put rows behind what the outbox holds.  With ``diverting``,
        only while the outbox is in use (returns False when it drained
        meanwhile, and the caller publishes instead).  ``resolving``: how
        many of the notifications counted in memory these rows are (the
        ledger is recorded in the same transaction); None on the caller's
        thread (``persist_before_return``, where nothing is held in
        memory)."""
        with self.outbox.lock:
            if diverting and not (self.delivery.diverting
                                  or self._overflow.pending()):
                return False
            try:
                if resolving is None:
                    kept = self.outbox.put(rows)
                else:
                    count = max(0, self.pending() - resolving)
                    kept = self.outbox.put(rows, in_memory=count)
                    self._ledger_count = count
            except Exception as exc:
                kept = 0
                self._outbox_failed(exc)
            self.delivery.fire(states.QUEUED)
        if kept < len(rows):
            self._drop(len(rows) - kept, 'outbox full (%d rows) or '
                       'unwritable' % self.outbox.max_rows)
        self._replay_wake.set()
        return True

    def _outbox_failed(self, exc):
        self.failures.record('cannot write the outbox %s: %s: %s' % (
            urls.mask_url(self.outbox.url), type(exc).__name__, exc))

    def _replay_bound(self):
        """Rows at or past this seq wait: an older notification is still
        queued or in flight."""
        oldest = [worker.oldest_item() for worker in self._workers()]
        lows = [item[0] for item in oldest if item is not None]
        return min(lows) if lows else None

    def _replay_rows(self, after=None):
        """The next rows to replay (after ``after``, a row being
        replayed, when given): up to ``replay_batch``, none at or past
        the replay bound.  A first read (no ``after``) takes one
        ``confirm_window`` at most: the first rows after an outage go out
        at once, and the next batch, full size, is read while they await
        their confirms."""
        limit = self.group.replay_batch
        if after is None:
            limit = min(limit, self.batch_size)
        # The bound first: a notification still queued or in flight then
        # reaches the outbox (if it does) with a seq at or past it, so no
        # row kept here can have one of those behind it.
        bound = self._replay_bound()
        rows = self.outbox.head(limit, after)
        if bound is not None:
            rows = [r for r in rows if r.seq < bound]
        return rows

    # delivery states (see states), reported once per change

    def failed(self, exc):
        """A publish or a check of the broker failed with ``exc``."""
        self.delivery.fire(states.FAILED, exc)

    def answered(self):
        """A publish succeeded (cheap when nothing was wrong)."""
        if self.delivery.state is not states.NORMAL:
            self.delivery.fire(states.ANSWERED)

    def _on_blocked(self, blocked, reason):
        """A sender's connection was blocked (or unblocked) by the
        broker's flow control: the first block, and the end of the
        last, move the delivery state."""
        with self._lock:
            if blocked:
                self._blocked_senders += 1
                first = self._blocked_senders == 1
                if first:
                    self.counters['blocked'] += 1
            else:
                self._blocked_senders = max(0, self._blocked_senders - 1)
                first = self._blocked_senders == 0
        if first:
            self.delivery.fire(states.BLOCK if blocked else states.UNBLOCK,
                               reason)

    def _state_changed(self, old, new, event, detail):
        """Log a change of the delivery state: a broker lost once per
        outage, its return, a block and its end."""
        self._replay_wake.set()
        where = '%s backend: the broker at [%s] transport_url = %s' % (
            self.name, GROUP, self.masked_url)
        if new == states.DIVERTING:
            LOG.error('%s %s; notifications are kept in the outbox %s and '
                      'replayed when it is back (reported once until then)',
                      where, plan_mod.describe_failure(detail),
                      urls.mask_url(self.outbox.url))
        elif new == states.BLOCKED:
            LOG.warning('%s blocks publishing (%s: a memory or disk alarm); '
                        'nothing more is sent until it lifts the block, '
                        'what is published waits for its confirm on the '
                        'same connection, and new notifications wait in '
                        'the outbox %s', where, detail,
                        urls.mask_url(self.outbox.url))
        elif old == states.BLOCKED:
            LOG.warning('%s lifted its block; sending again (%d in the '
                        'outbox)', where, self.outbox.count)
        elif old == states.DIVERTING:
            LOG.warning('%s takes notifications again; replaying the outbox '
                        '(%d left)', where, self.outbox.count)

    # flush, close, health

    def _workers(self):
        """The sender threads' workers and the overflow's."""
        return [lane.worker for lane in self._lanes] + [self._overflow]

    def pending(self):
        return sum(worker.pending() for worker in self._workers())

    def flush(self, timeout=None):
        """Wait until the queues are drained (published or in the
        outbox); what is still queued after ``timeout`` goes to the
        outbox.  True when nothing is left queued or in the outbox."""
        if self._started:
            deadline = None if timeout is None else \
                time.monotonic() + timeout
            with self._idle:
                # (persist_before_return: what is in the outbox is what
                # is not confirmed yet; wait for it while the broker
                # takes it)
                while self.pending() or (
                        self.persist_first and self.outbox.count
                        and self.delivery.state is not states.DIVERTING):
                    remaining = 0.1 if deadline is None else min(
                        0.1, deadline - time.monotonic())
                    if remaining <= 0:
                        break
                    self._idle.wait(remaining)
            self._spill()
        self.drops.summary()
        self.failures.summary()
        return self.pending() == 0 and self.outbox.count == 0

    def _spill(self):
        """Move what is still queued to the outbox (the overflow first,
        as its thread would)."""
        with self.outbox.lock:
            items = self._overflow.take_all()
            if items:
                self._write_overflow(items, resolving=0)
        for lane in self._lanes:
            items = lane.worker.take_all()
            if items:
                self._to_outbox(self._rows(items), resolving=0)

    def save_at_exit(self):
        """What is still queued in memory to the outbox, logged; what is
        in flight (published, no confirm yet) logged as possibly lost.
        Returns ``(saved, in_flight)``."""
        if self.closed:
            return 0, 0
        if not self._started:
            self._keep_ledger(final=True)   # nothing in memory: a clean end
            return 0, 0
        in_flight = sum(lane.worker.inflight for lane in self._lanes)
        queued = self.pending() - in_flight
        if queued > 0:
            self._spill()
        # what was on the wire without its confirm stays counted in
        # memory: the next start reports it if it was not confirmed
        self._keep_ledger(final=True)
        if queued > 0 or in_flight:
            LOG.warning(
                '%s backend: at exit, without close(): %d notification(s) '
                'still queued in memory were written to the outbox %s (the '
                'next start replays them); %d published without their '
                'confirm yet may be lost', self.name, max(queued, 0),
                urls.mask_url(self.outbox.url), in_flight)
        return max(queued, 0), in_flight

    def wait_delivered(self, timeout):
        """Wait until the queues and the outbox are empty (tests and
        benchmarks); True when they are."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while self.pending() or self.outbox.count or \
                    self.delivery.diverting:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._idle.wait(min(0.05, remaining))
        return True

    def _shutdown(self, timeout):
        _OPEN.discard(self)
        self._stop.set()
        if self._started:
            self._replay_wake.set()
            # (each delivers what waits, then ends: all told at once)
            for worker in self._workers():
                worker.stop(0)
            for worker in self._workers():
                worker.stop(self.group.publish_timeout + 1)
            self._replayer.join(self.group.publish_timeout + 1)
            self._spill()
        self._keep_ledger(final=True)
        if self._transport is not None:
            self._transport.cleanup()
        self.outbox.close()

    def stats(self):
        """The backend's counters, in wire messages (a notification in
        format ``both``, or on two topics, makes several) except where
        said:

        ``sent``, ``replayed``
            confirmed by the broker and routed to a queue, first time or
            from the outbox;
        ``failed``
            messages published without their confirm (an error, a lost
            connection, no confirm within ``publish_timeout``), each
            counted once however many tries it takes (the outbox keeps a
            try count per row, so a row replayed through five outages
            counts once, in the process that tried it first); they are
            kept in the outbox and published again.  Messages that went
            to the outbox without being tried (behind an outage's
            backlog) are not in it;
        ``replay_duplicates_possible``
            messages written to the broker without their confirm, per
            try: the most duplicates (same message_id) a consumer can see;
        ``lost_at_crash``
            notifications (not wire messages) that processes which are
            gone -- killed with ``kill -9``, by the OOM killer -- held in
            memory at their last ledger record, read by this process when
            it took over their outbox slot (each logged at ERROR); 0 with
            ``persist_before_return``;
        ``dropped``, ``overflowed``, ``adopted``, ``unroutable``,
        ``unconfirmed``, ``blocked``
            as the operator guide's counter table says;

        and ``queued``, ``outbox``, ``outbox_discarded``, ``guarantee``,
        ``mode``, ``blocked_now``."""
        with self._lock:
            out = dict(self.counters)
        out['queued'] = self.pending()
        out['outbox'] = self.outbox.count
        out['outbox_discarded'] = self.outbox.discarded
        out['guarantee'] = self.guarantee
        out['mode'] = self.mode
        out['blocked_now'] = self._blocked_senders > 0
        out['state'] = self.delivery.state
        return out
