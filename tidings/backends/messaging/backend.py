"""The messaging backend's caller side and wiring: :class:`MessagingBackend`.

The caller only appends the notification to a bounded in-memory queue
(one per sender thread; a publisher always uses the same one, so its
order is kept), and wakes the sender thread only when it sleeps.  A full
queue never makes the caller write the outbox itself: the notification
goes to a second bounded queue, the overflow, which the overflow thread
writes to the outbox; it is dropped only when both are full (or the
outbox is), counted and logged once per burst.  The package's
``__init__`` tells the rest, and which module does it.
"""

import itertools
import logging
import os
import threading
import time

from tidings import conf as tidings_conf
from tidings.backends import base
from tidings.backends import workers
from tidings.backends.messaging import diversion as diversion_mod
from tidings.backends.messaging import lanes as lanes_mod
from tidings.backends.messaging import ledger as ledger_mod
from tidings.backends.messaging import outbox as outbox_mod
from tidings.backends.messaging import plan as plan_mod
from tidings.backends.messaging import replay
from tidings.backends.messaging import states
from tidings.objects import errors
from tidings.objects import urls

LOG = logging.getLogger(__name__)
GROUP = plan_mod.GROUP

# The transport URL's masker is the one URL masker (tidings.objects.urls);
# this name is kept for the callers and tests that know it.
mask_transport_url = urls.mask_url


class MessagingBackend(base.CountingBackend):
    """Publish notifications through oslo.messaging transports.

    The caller's side and the wiring; the work is its components' (see
    the package's map): ``senders`` (the sender threads, publishing),
    ``diversion`` (the outbox's side, the delivery state), ``ledger``
    (the crash ledger, adoption), the overflow thread
    (``overflow_queue``) and the replay thread
    (:mod:`~tidings.backends.messaging.replay`).
    """

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
        #: Seconds a sender lets notifications gather (see Senders.linger).
        self.linger = group.sender_linger
        #: Seconds between two looks for outbox rows of processes that
        #: are gone (0: at startup only).
        self.adopt_interval = group.adopt_interval
        self.version = 2.0 if group.driver == 'messagingv2' else 1.0
        self.routes = plan_mod.routes(conf, group)
        self.url = plan_mod.transport_url(conf, group)
        self.masked_url = mask_transport_url(self.url) or '(unset)'
        #: which publisher, what it guarantees (see plan.plan_sender)
        self.plan = plan_mod.plan_sender(
            conf, group, plan_mod.check_url(conf, self.url))
        self.mode = self.plan.mode
        self.guarantee = self.plan.guarantee
        self.idle = threading.Condition(threading.Lock())
        self.stopping = threading.Event()
        self.replay_wake = threading.Event()
        self._replayer = None
        self.started = False
        #: send()'s direct path applies (see _set_path)
        self.direct = False
        self._forked = False
        self._start_lock = threading.Lock()
        # The sender threads (they start on first use; the replay thread
        # with them, see _start, or now when the outbox holds rows); the
        # publisher plugin is loaded here, before the outbox is created.
        self.senders = lanes_mod.Senders(self, group.sender_threads)
        # (the caller's path reads it: one attribute lookup less)
        self._lanes = self.senders.lanes
        self._worker = self._lanes[0].worker \
            if len(self._lanes) == 1 else None
        for note in self.plan.notes:
            LOG.warning('%s backend: %s', self.name, note)
        outbox_url = group.outbox_url or 'sqlite:///' + os.path.join(
            tidings_conf.state_path(conf), 'outbox.sqlite')
        self.outbox = outbox_mod.Outbox(
            outbox_url, group.outbox_table, group.outbox_max_rows,
            tally_dir=tidings_conf.state_path(conf))
        self.begin_seq()
        self.diversion = diversion_mod.Diversion(self)
        #: normal, diverting, draining or blocked (see states)
        self.delivery = self.diversion.delivery
        self.ledger = ledger_mod.Ledger(self)
        # Notifications that found their lane full, waiting for the
        # overflow thread to write them to the outbox (at once: no
        # linger).
        # It also keeps the outbox ledger, each time it looks (at least
        # every LEDGER_INTERVAL: this thread never waits for the broker,
        # as a sender thread may for publish_timeout).
        self.overflow_queue = workers.Worker(
            self.diversion.write_overflow, '%s-overflow' % self.name,
            size=self.overflow_size, batch_size=group.replay_batch,
            linger=0, idle_wait=self.LEDGER_INTERVAL,
            after_batch=self.batch_done, tick=self.ledger.keep)
        workers.reset_in_child(self)
        self.counters.update(sent=0, replayed=0, dropped=0, failed=0,
                             overflowed=0, adopted=0, unroutable=0,
                             unconfirmed=0, blocked=0,
                             replay_duplicates_possible=0, lost_at_crash=0)
        self.ledger.take_over()
        if self.delivery.diverting:
            self._start()

    # caller side

    def send(self, notification):
        if not self.direct:         # not started, closed or persist-first
            self._send_other(notification)
            return
        worker = self._worker       # (None: several lanes)
        if worker is None:
            lanes = self._lanes
            worker = lanes[hash(notification.publisher.publisher_id)
                           % len(lanes)].worker
        seq = next(self.seq)
        self._cells[3] = seq        # the tally's LAST (see tally)
        # Worker.put written out (one call less on the caller's thread)
        items = worker.items
        if len(items) < worker.slow_at:
            items.append((seq, notification))
        elif not worker.put_slow((seq, notification)):
            self.overflow((seq, notification))

    def _send_other(self, notification):
        """send() off its direct path: closed, the threads not started
        yet (first call, or in a forked child), or
        ``persist_before_return``."""
        if self.closed:
            self.drop(1, 'backend is closed')
            return
        if not self.started:
            self._start()
        if self.persist_first:
            self._persist(notification)
        else:
            self.send(notification)

    @property
    def closed(self):
        return self._closed

    @closed.setter
    def closed(self, value):
        lock = getattr(self, '_start_lock', None)
        if lock is None:            # (Backend.__init__, before ours)
            self._closed = value
            return
        with lock:
            self._closed = value
            self._set_path()

    def _set_path(self):
        """Whether send() takes its direct path (see send); under
        _start_lock, after ``started`` or ``closed`` changes."""
        self.direct = (self.started and not self._closed
                       and not self.persist_first)

    def _persist(self, notification):
        """``persist_before_return``: the notification's rows are in the
        outbox (committed; WAL, no fsync) when this returns; the replay
        thread publishes them and deletes each once confirmed, so a
        ``kill -9`` at any moment leaves every row there for the next
        process (at worst published and not yet deleted: a duplicate)."""
        self.diversion.to_outbox(
            self.senders.rows([(next(self.seq), notification)]))

    def overflow(self, item):
        """Lane full: to the overflow queue, which the overflow thread
        writes to the outbox (dropped when it is full too)."""
        if not self.overflow_queue.put(item):
            self.outbox.tally.done(1)
            self.drop(1, 'queue full (%d waiting) and overflow full (%d '
                      'waiting for the outbox)' % (self.queue_size,
                                                   self.overflow_size))

    def begin_seq(self):
        """Sequence numbers from past the outbox's last, and this
        process's tally of them (see tally)."""
        first = self.outbox.last_seq + 1
        self.seq = itertools.count(first)
        self.outbox.tally.begin(first)
        #: the tally's cells: send() stores each seq it hands out there
        self._cells = self.outbox.tally.cells

    # threads

    def _start(self):
        """Start the replay and overflow threads (once per process:
        again in a forked child, which takes its own outbox slot first);
        a sender thread starts on its first notification."""
        with self._start_lock:
            if self.started:
                return
            forked, self._forked = self._forked, False
            if forked:       # nothing is shared: our own outbox slot
                self.outbox.after_fork()
                self.begin_seq()
                self.delivery.reset()
                self.ledger.after_fork()
            self.stopping.clear()
            self._replayer = threading.Thread(
                target=replay.run, args=(self,), daemon=True,
                name='tidings-%s-replay' % self.name)
            self.senders.transport = None
            self.started = True
            self._set_path()
            self._replayer.start()
            self.overflow_queue.start()      # (it keeps the ledger too)
            if forked:
                self.ledger.take_over()

    def forked(self):
        """In a forked child (workers.reset_in_child): the threads did
        not survive; the next notification starts them again.  (The
        lanes and the overflow are workers: reset the same way.)"""
        self.started = False
        self._forked = True
        self._start_lock = threading.Lock()
        self._set_path()
        self.senders.forked()

    def batch_done(self):
        """After each batch of a sender or the overflow thread: wake
        flush() and wait_delivered()."""
        with self.idle:
            self.idle.notify_all()

    def queues(self):
        """The sender threads' workers and the overflow's."""
        return [lane.worker for lane in self._lanes] + [self.overflow_queue]

    # flush, close, health

    def pending(self):
        return sum(worker.pending() for worker in self.queues())

    def _drain(self, timeout):
        """Wait until the queues are drained (published or in the
        outbox); what is still queued after ``timeout`` goes to the
        outbox.  True when nothing is left queued or in the outbox."""
        if self.started:
            deadline = None if timeout is None else \
                time.monotonic() + timeout
            with self.idle:
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
                    self.idle.wait(remaining)
            self.diversion.spill()
        return self.pending() == 0 and self.outbox.count == 0

    def wait_delivered(self, timeout):
        """Wait until the queues and the outbox are empty (tests and
        benchmarks); True when they are."""
        deadline = time.monotonic() + timeout
        with self.idle:
            while self.pending() or self.outbox.count or \
                    self.delivery.diverting:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self.idle.wait(min(0.05, remaining))
        return True

    def _shutdown(self, timeout):
        self.ledger.forget()
        self.stopping.set()
        if self.started:
            self.replay_wake.set()
            # (each delivers what waits, then ends: all told at once)
            for worker in self.queues():
                worker.stop(0)
            for worker in self.queues():
                worker.stop(self.group.publish_timeout + 1)
            self._replayer.join(self.group.publish_timeout + 1)
            self.diversion.spill()
        self.ledger.keep(final=True)
        self.senders.close()
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
        out = super().stats()
        out['outbox'] = self.outbox.count
        out['outbox_discarded'] = self.outbox.discarded
        out['guarantee'] = self.guarantee
        out['mode'] = self.mode
        out['blocked_now'] = self.diversion.blocked_now
        out['state'] = self.delivery.state
        return out
