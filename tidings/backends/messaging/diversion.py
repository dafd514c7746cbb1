"""Where notifications go when the broker cannot take them: the outbox.

One :class:`Diversion` per backend holds the delivery state
(:class:`~tidings.backends.messaging.states.Delivery`) and the events
that move it (:meth:`~Diversion.failed`, :meth:`~Diversion.answered`,
:meth:`~Diversion.on_blocked`), each change logged once; it puts rows
behind what the outbox holds (:meth:`~Diversion.to_outbox`: a sender's
batch while the outbox is in use, what the broker did not confirm, what
the overflow thread writes, what is still queued at close), and gives
the replay thread the next rows it may replay
(:meth:`~Diversion.replay_rows`: none at or past a notification still
queued or in flight, so a publisher's order survives an outage).
"""

import logging

from tidings.backends.messaging import plan as plan_mod
from tidings.backends.messaging import states
from tidings.objects import urls

# (the backend's logger: what it logs did not move with the code)
LOG = logging.getLogger('tidings.backends.messaging.backend')


class Diversion:
    """The backend's way to the outbox, and its delivery state."""

    def __init__(self, backend):
        self.backend = backend
        self.outbox = backend.outbox
        #: normal, diverting, draining or blocked (see states)
        self.delivery = states.Delivery(self.state_changed)
        self._blocked_senders = 0

    def to_outbox(self, rows, diverting=False, resolving=None, settles=0):
        """Put rows behind what the outbox holds.  With ``diverting``,
        only while the outbox is in use (returns False when it drained
        meanwhile, and the caller publishes instead).  ``resolving``: how
        many of the notifications counted in memory these rows are (the
        ledger is recorded in the same transaction); None on the caller's
        thread (``persist_before_return``, where nothing is held in
        memory).  ``settles``: the notifications these rows are, out of
        memory once written (the tally's STORED, see tally)."""
        backend = self.backend
        with self.outbox.lock:
            if diverting and not (self.delivery.diverting
                                  or backend.overflow_queue.pending()):
                return False
            try:
                if resolving is None:
                    kept = self.outbox.put(rows)
                else:
                    kept = backend.ledger.put(rows, resolving, settles)
            except Exception as exc:
                kept = 0
                self.outbox_failed(exc)
                self.outbox.tally.done(settles)     # dropped below
            self.delivery.fire(states.QUEUED)
        if kept < len(rows):
            backend.drop(len(rows) - kept, 'outbox full (%d rows) or '
                         'unwritable' % self.outbox.max_rows)
        backend.replay_wake.set()
        return True

    def write_overflow(self, items, resolving=None):
        """The overflow thread's delivery: ``items`` to the outbox
        (``resolving``: how many of those pending() still counts; all,
        by default, the batch in the overflow thread's hands).  (A sender
        sees them as pending from before they leave the queue until they
        are in the outbox, and by then the outbox is in use: it cannot
        publish a newer notification ahead of them.)"""
        with self.outbox.lock:
            self.delivery.fire(states.QUEUED)
            self.backend.count('overflowed', len(items))
            self.to_outbox(self.backend.senders.rows(items),
                           resolving=len(items) if resolving is None
                           else resolving, settles=len(items))

    def spill(self):
        """Move what is still queued to the outbox (the overflow first,
        as its thread would)."""
        backend = self.backend
        with self.outbox.lock:
            items = backend.overflow_queue.take_all()
            if items:
                self.write_overflow(items, resolving=0)
        for lane in backend.senders.lanes:
            items = lane.worker.take_all()
            if items:
                self.to_outbox(backend.senders.rows(items), resolving=0,
                               settles=len(items))

    def outbox_failed(self, exc):
        self.backend.failures.record('cannot write the outbox %s: %s: %s' % (
            urls.mask_url(self.outbox.url), type(exc).__name__, exc))

    def replay_bound(self):
        """Rows at or past this seq wait: an older notification is still
        queued or in flight."""
        oldest = [worker.oldest_item() for worker in self.backend.queues()]
        lows = [item[0] for item in oldest if item is not None]
        return min(lows) if lows else None

    def replay_rows(self, after=None):
        """The next rows to replay (after ``after``, a row being
        replayed, when given): up to ``replay_batch``, none at or past
        the replay bound.  A first read (no ``after``) takes one
        ``confirm_window`` at most: the first rows after an outage go out
        at once, and the next batch, full size, is read while they await
        their confirms."""
        limit = self.backend.group.replay_batch
        if after is None:
            limit = min(limit, self.backend.batch_size)
        # The bound first: a notification still queued or in flight then
        # reaches the outbox (if it does) with a seq at or past it, so no
        # row kept here can have one of those behind it.
        bound = self.replay_bound()
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

    @property
    def blocked_now(self):
        """A sender's connection is blocked by the broker right now."""
        return self._blocked_senders > 0

    def on_blocked(self, blocked, reason):
        """A sender's connection was blocked (or unblocked) by the
        broker's flow control: the first block, and the end of the
        last, move the delivery state."""
        backend = self.backend
        with backend.count_lock:
            if blocked:
                self._blocked_senders += 1
                first = self._blocked_senders == 1
                if first:
                    backend.counters['blocked'] += 1
            else:
                self._blocked_senders = max(0, self._blocked_senders - 1)
                first = self._blocked_senders == 0
        if first:
            self.delivery.fire(states.BLOCK if blocked else states.UNBLOCK,
                               reason)

    def state_changed(self, old, new, event, detail):
        """Log a change of the delivery state: a broker lost once per
        outage, its return, a block and its end."""
        backend = self.backend
        backend.replay_wake.set()
        where = '%s backend: the broker at [%s] transport_url = %s' % (
            backend.name, plan_mod.GROUP, backend.masked_url)
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
